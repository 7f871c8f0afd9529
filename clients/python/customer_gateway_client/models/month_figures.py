from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="MonthFigures")



@_attrs_define
class MonthFigures:
    """ 
        Attributes:
            month (str):
            orders (int | None | Unset):
            revenue (float | None | Unset):
            avg_order_value (float | None | Unset):
     """

    month: str
    orders: int | None | Unset = UNSET
    revenue: float | None | Unset = UNSET
    avg_order_value: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        month = self.month

        orders: int | None | Unset
        if isinstance(self.orders, Unset):
            orders = UNSET
        else:
            orders = self.orders

        revenue: float | None | Unset
        if isinstance(self.revenue, Unset):
            revenue = UNSET
        else:
            revenue = self.revenue

        avg_order_value: float | None | Unset
        if isinstance(self.avg_order_value, Unset):
            avg_order_value = UNSET
        else:
            avg_order_value = self.avg_order_value


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "month": month,
        })
        if orders is not UNSET:
            field_dict["orders"] = orders
        if revenue is not UNSET:
            field_dict["revenue"] = revenue
        if avg_order_value is not UNSET:
            field_dict["avg_order_value"] = avg_order_value

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        month = d.pop("month")

        def _parse_orders(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        orders = _parse_orders(d.pop("orders", UNSET))


        def _parse_revenue(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        revenue = _parse_revenue(d.pop("revenue", UNSET))


        def _parse_avg_order_value(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        avg_order_value = _parse_avg_order_value(d.pop("avg_order_value", UNSET))


        month_figures = cls(
            month=month,
            orders=orders,
            revenue=revenue,
            avg_order_value=avg_order_value,
        )


        month_figures.additional_properties = d
        return month_figures

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
