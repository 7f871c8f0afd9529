from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.events_list_response_200_data_item_source import EventsListResponse200DataItemSource
from ..models.events_list_response_200_data_item_type import EventsListResponse200DataItemType
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.events_list_response_200_data_item_data_type_0 import EventsListResponse200DataItemDataType0





T = TypeVar("T", bound="EventsListResponse200DataItem")



@_attrs_define
class EventsListResponse200DataItem:
    """ 
        Attributes:
            id (str):  Example: evt_42.
            type_ (EventsListResponse200DataItemType):
            connection (str):
            resource_id (None | str): null for connection.health_changed Example: erp:501.
            occurred_at (datetime.datetime):
            source (EventsListResponse200DataItemSource):
            data (EventsListResponse200DataItemDataType0 | None | Unset): the resource after the change; for
                connection.health_changed {state, previous, last_error}
            changed_fields (list[str] | None | Unset):
     """

    id: str
    type_: EventsListResponse200DataItemType
    connection: str
    resource_id: None | str
    occurred_at: datetime.datetime
    source: EventsListResponse200DataItemSource
    data: EventsListResponse200DataItemDataType0 | None | Unset = UNSET
    changed_fields: list[str] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.events_list_response_200_data_item_data_type_0 import EventsListResponse200DataItemDataType0 # noqa: PLC0415
        id = self.id

        type_ = self.type_.value

        connection = self.connection

        resource_id: None | str
        resource_id = self.resource_id

        occurred_at = self.occurred_at.isoformat()

        source = self.source.value

        data: dict[str, Any] | None | Unset
        if isinstance(self.data, Unset):
            data = UNSET
        elif isinstance(self.data, EventsListResponse200DataItemDataType0):
            data = self.data.to_dict()
        else:
            data = self.data

        changed_fields: list[str] | None | Unset
        if isinstance(self.changed_fields, Unset):
            changed_fields = UNSET
        elif isinstance(self.changed_fields, list):
            changed_fields = self.changed_fields


        else:
            changed_fields = self.changed_fields


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "type": type_,
            "connection": connection,
            "resource_id": resource_id,
            "occurred_at": occurred_at,
            "source": source,
        })
        if data is not UNSET:
            field_dict["data"] = data
        if changed_fields is not UNSET:
            field_dict["changed_fields"] = changed_fields

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.events_list_response_200_data_item_data_type_0 import EventsListResponse200DataItemDataType0 # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        type_ = EventsListResponse200DataItemType(d.pop("type"))




        connection = d.pop("connection")

        def _parse_resource_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        resource_id = _parse_resource_id(d.pop("resource_id"))


        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))




        source = EventsListResponse200DataItemSource(d.pop("source"))




        def _parse_data(data: object) -> EventsListResponse200DataItemDataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_0 = EventsListResponse200DataItemDataType0.from_dict(data)



                return data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EventsListResponse200DataItemDataType0 | None | Unset, data)

        data = _parse_data(d.pop("data", UNSET))


        def _parse_changed_fields(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                changed_fields_type_0 = cast(list[str], data)

                return changed_fields_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        changed_fields = _parse_changed_fields(d.pop("changed_fields", UNSET))


        events_list_response_200_data_item = cls(
            id=id,
            type_=type_,
            connection=connection,
            resource_id=resource_id,
            occurred_at=occurred_at,
            source=source,
            data=data,
            changed_fields=changed_fields,
        )


        events_list_response_200_data_item.additional_properties = d
        return events_list_response_200_data_item

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
