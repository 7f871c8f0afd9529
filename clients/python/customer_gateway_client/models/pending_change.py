from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.pending_change_extra import PendingChangeExtra





T = TypeVar("T", bound="PendingChange")



@_attrs_define
class PendingChange:
    """ 
        Attributes:
            id (str):
            item_id (str):
            field (None | str | Unset):
            current_value (Any | Unset):
            proposed_value (Any | Unset):
            status (None | str | Unset):
            requested_by (None | str | Unset):
            created_at (None | str | Unset):
            reviewed_at (None | str | Unset):
            extra (PendingChangeExtra | Unset):
     """

    id: str
    item_id: str
    field: None | str | Unset = UNSET
    current_value: Any | Unset = UNSET
    proposed_value: Any | Unset = UNSET
    status: None | str | Unset = UNSET
    requested_by: None | str | Unset = UNSET
    created_at: None | str | Unset = UNSET
    reviewed_at: None | str | Unset = UNSET
    extra: PendingChangeExtra | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.pending_change_extra import PendingChangeExtra # noqa: PLC0415
        id = self.id

        item_id = self.item_id

        field: None | str | Unset
        if isinstance(self.field, Unset):
            field = UNSET
        else:
            field = self.field

        current_value = self.current_value

        proposed_value = self.proposed_value

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        else:
            status = self.status

        requested_by: None | str | Unset
        if isinstance(self.requested_by, Unset):
            requested_by = UNSET
        else:
            requested_by = self.requested_by

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        else:
            created_at = self.created_at

        reviewed_at: None | str | Unset
        if isinstance(self.reviewed_at, Unset):
            reviewed_at = UNSET
        else:
            reviewed_at = self.reviewed_at

        extra: dict[str, Any] | Unset = UNSET
        if not isinstance(self.extra, Unset):
            extra = self.extra.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "item_id": item_id,
        })
        if field is not UNSET:
            field_dict["field"] = field
        if current_value is not UNSET:
            field_dict["current_value"] = current_value
        if proposed_value is not UNSET:
            field_dict["proposed_value"] = proposed_value
        if status is not UNSET:
            field_dict["status"] = status
        if requested_by is not UNSET:
            field_dict["requested_by"] = requested_by
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if reviewed_at is not UNSET:
            field_dict["reviewed_at"] = reviewed_at
        if extra is not UNSET:
            field_dict["extra"] = extra

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pending_change_extra import PendingChangeExtra # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        item_id = d.pop("item_id")

        def _parse_field(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        field = _parse_field(d.pop("field", UNSET))


        current_value = d.pop("current_value", UNSET)

        proposed_value = d.pop("proposed_value", UNSET)

        def _parse_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))


        def _parse_requested_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        requested_by = _parse_requested_by(d.pop("requested_by", UNSET))


        def _parse_created_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        created_at = _parse_created_at(d.pop("created_at", UNSET))


        def _parse_reviewed_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reviewed_at = _parse_reviewed_at(d.pop("reviewed_at", UNSET))


        _extra = d.pop("extra", UNSET)
        extra: PendingChangeExtra | Unset
        if isinstance(_extra,  Unset):
            extra = UNSET
        else:
            extra = PendingChangeExtra.from_dict(_extra)




        pending_change = cls(
            id=id,
            item_id=item_id,
            field=field,
            current_value=current_value,
            proposed_value=proposed_value,
            status=status,
            requested_by=requested_by,
            created_at=created_at,
            reviewed_at=reviewed_at,
            extra=extra,
        )

        return pending_change

