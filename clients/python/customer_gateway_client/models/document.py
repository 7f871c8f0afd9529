from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.document_extra import DocumentExtra





T = TypeVar("T", bound="Document")



@_attrs_define
class Document:
    """ 
        Attributes:
            id (str):
            type_ (None | str | Unset):
            filename (None | str | Unset):
            created_at (None | str | Unset):
            extra (DocumentExtra | Unset):
     """

    id: str
    type_: None | str | Unset = UNSET
    filename: None | str | Unset = UNSET
    created_at: None | str | Unset = UNSET
    extra: DocumentExtra | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.document_extra import DocumentExtra # noqa: PLC0415
        id = self.id

        type_: None | str | Unset
        if isinstance(self.type_, Unset):
            type_ = UNSET
        else:
            type_ = self.type_

        filename: None | str | Unset
        if isinstance(self.filename, Unset):
            filename = UNSET
        else:
            filename = self.filename

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        else:
            created_at = self.created_at

        extra: dict[str, Any] | Unset = UNSET
        if not isinstance(self.extra, Unset):
            extra = self.extra.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
        })
        if type_ is not UNSET:
            field_dict["type"] = type_
        if filename is not UNSET:
            field_dict["filename"] = filename
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if extra is not UNSET:
            field_dict["extra"] = extra

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.document_extra import DocumentExtra # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_type_(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        type_ = _parse_type_(d.pop("type", UNSET))


        def _parse_filename(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        filename = _parse_filename(d.pop("filename", UNSET))


        def _parse_created_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        created_at = _parse_created_at(d.pop("created_at", UNSET))


        _extra = d.pop("extra", UNSET)
        extra: DocumentExtra | Unset
        if isinstance(_extra,  Unset):
            extra = UNSET
        else:
            extra = DocumentExtra.from_dict(_extra)




        document = cls(
            id=id,
            type_=type_,
            filename=filename,
            created_at=created_at,
            extra=extra,
        )

        return document

