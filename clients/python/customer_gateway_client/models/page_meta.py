from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.error_body import ErrorBody





T = TypeVar("T", bound="PageMeta")



@_attrs_define
class PageMeta:
    """ 
        Attributes:
            next_cursor (None | str):
            limit (int):
            total (int | None):
            connections (list[str]):
            emulated (list[str] | Unset):
            errors (list[ErrorBody] | Unset):
     """

    next_cursor: None | str
    limit: int
    total: int | None
    connections: list[str]
    emulated: list[str] | Unset = UNSET
    errors: list[ErrorBody] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.error_body import ErrorBody # noqa: PLC0415
        next_cursor: None | str
        next_cursor = self.next_cursor

        limit = self.limit

        total: int | None
        total = self.total

        connections = self.connections



        emulated: list[str] | Unset = UNSET
        if not isinstance(self.emulated, Unset):
            emulated = self.emulated



        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "next_cursor": next_cursor,
            "limit": limit,
            "total": total,
            "connections": connections,
        })
        if emulated is not UNSET:
            field_dict["emulated"] = emulated
        if errors is not UNSET:
            field_dict["errors"] = errors

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_body import ErrorBody # noqa: PLC0415
        d = dict(src_dict)
        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor"))


        limit = d.pop("limit")

        def _parse_total(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        total = _parse_total(d.pop("total"))


        connections = cast(list[str], d.pop("connections"))


        emulated = cast(list[str], d.pop("emulated", UNSET))


        _errors = d.pop("errors", UNSET)
        errors: list[ErrorBody] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = ErrorBody.from_dict(errors_item_data)



                errors.append(errors_item)


        page_meta = cls(
            next_cursor=next_cursor,
            limit=limit,
            total=total,
            connections=connections,
            emulated=emulated,
            errors=errors,
        )


        page_meta.additional_properties = d
        return page_meta

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
