from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.error_detail import ErrorDetail





T = TypeVar("T", bound="ErrorBody")



@_attrs_define
class ErrorBody:
    """ 
        Attributes:
            code (str):
            message (str):
            connection (None | str):
            upstream_status (int | None):
            details (list[ErrorDetail]):
            request_id (None | str):
     """

    code: str
    message: str
    connection: None | str
    upstream_status: int | None
    details: list[ErrorDetail]
    request_id: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.error_detail import ErrorDetail # noqa: PLC0415
        code = self.code

        message = self.message

        connection: None | str
        connection = self.connection

        upstream_status: int | None
        upstream_status = self.upstream_status

        details = []
        for details_item_data in self.details:
            details_item = details_item_data.to_dict()
            details.append(details_item)



        request_id: None | str
        request_id = self.request_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "code": code,
            "message": message,
            "connection": connection,
            "upstream_status": upstream_status,
            "details": details,
            "request_id": request_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_detail import ErrorDetail # noqa: PLC0415
        d = dict(src_dict)
        code = d.pop("code")

        message = d.pop("message")

        def _parse_connection(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        connection = _parse_connection(d.pop("connection"))


        def _parse_upstream_status(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        upstream_status = _parse_upstream_status(d.pop("upstream_status"))


        details = []
        _details = d.pop("details")
        for details_item_data in (_details):
            details_item = ErrorDetail.from_dict(details_item_data)



            details.append(details_item)


        def _parse_request_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        request_id = _parse_request_id(d.pop("request_id"))


        error_body = cls(
            code=code,
            message=message,
            connection=connection,
            upstream_status=upstream_status,
            details=details,
            request_id=request_id,
        )


        error_body.additional_properties = d
        return error_body

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
