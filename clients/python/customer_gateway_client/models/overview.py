from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="Overview")



@_attrs_define
class Overview:
    """ 
        Attributes:
            lifetime_value (float | None | Unset):
            total_orders (int | None | Unset):
            avg_order_value (float | None | Unset):
            last_order_date (None | str | Unset):
            customer_since (None | str | Unset):
            days_since_last_order (int | None | Unset):
     """

    lifetime_value: float | None | Unset = UNSET
    total_orders: int | None | Unset = UNSET
    avg_order_value: float | None | Unset = UNSET
    last_order_date: None | str | Unset = UNSET
    customer_since: None | str | Unset = UNSET
    days_since_last_order: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        lifetime_value: float | None | Unset
        if isinstance(self.lifetime_value, Unset):
            lifetime_value = UNSET
        else:
            lifetime_value = self.lifetime_value

        total_orders: int | None | Unset
        if isinstance(self.total_orders, Unset):
            total_orders = UNSET
        else:
            total_orders = self.total_orders

        avg_order_value: float | None | Unset
        if isinstance(self.avg_order_value, Unset):
            avg_order_value = UNSET
        else:
            avg_order_value = self.avg_order_value

        last_order_date: None | str | Unset
        if isinstance(self.last_order_date, Unset):
            last_order_date = UNSET
        else:
            last_order_date = self.last_order_date

        customer_since: None | str | Unset
        if isinstance(self.customer_since, Unset):
            customer_since = UNSET
        else:
            customer_since = self.customer_since

        days_since_last_order: int | None | Unset
        if isinstance(self.days_since_last_order, Unset):
            days_since_last_order = UNSET
        else:
            days_since_last_order = self.days_since_last_order


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if lifetime_value is not UNSET:
            field_dict["lifetime_value"] = lifetime_value
        if total_orders is not UNSET:
            field_dict["total_orders"] = total_orders
        if avg_order_value is not UNSET:
            field_dict["avg_order_value"] = avg_order_value
        if last_order_date is not UNSET:
            field_dict["last_order_date"] = last_order_date
        if customer_since is not UNSET:
            field_dict["customer_since"] = customer_since
        if days_since_last_order is not UNSET:
            field_dict["days_since_last_order"] = days_since_last_order

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_lifetime_value(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        lifetime_value = _parse_lifetime_value(d.pop("lifetime_value", UNSET))


        def _parse_total_orders(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        total_orders = _parse_total_orders(d.pop("total_orders", UNSET))


        def _parse_avg_order_value(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        avg_order_value = _parse_avg_order_value(d.pop("avg_order_value", UNSET))


        def _parse_last_order_date(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_order_date = _parse_last_order_date(d.pop("last_order_date", UNSET))


        def _parse_customer_since(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        customer_since = _parse_customer_since(d.pop("customer_since", UNSET))


        def _parse_days_since_last_order(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        days_since_last_order = _parse_days_since_last_order(d.pop("days_since_last_order", UNSET))


        overview = cls(
            lifetime_value=lifetime_value,
            total_orders=total_orders,
            avg_order_value=avg_order_value,
            last_order_date=last_order_date,
            customer_since=customer_since,
            days_since_last_order=days_since_last_order,
        )


        overview.additional_properties = d
        return overview

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
