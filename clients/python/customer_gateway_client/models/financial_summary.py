from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="FinancialSummary")



@_attrs_define
class FinancialSummary:
    """ 
        Attributes:
            total_revenue (float | None | Unset):
            current_balance (float | None | Unset):
            credit_limit (float | None | Unset):
            credit_utilization (float | None | Unset):
            avg_payment_days (float | None | Unset):
     """

    total_revenue: float | None | Unset = UNSET
    current_balance: float | None | Unset = UNSET
    credit_limit: float | None | Unset = UNSET
    credit_utilization: float | None | Unset = UNSET
    avg_payment_days: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        total_revenue: float | None | Unset
        if isinstance(self.total_revenue, Unset):
            total_revenue = UNSET
        else:
            total_revenue = self.total_revenue

        current_balance: float | None | Unset
        if isinstance(self.current_balance, Unset):
            current_balance = UNSET
        else:
            current_balance = self.current_balance

        credit_limit: float | None | Unset
        if isinstance(self.credit_limit, Unset):
            credit_limit = UNSET
        else:
            credit_limit = self.credit_limit

        credit_utilization: float | None | Unset
        if isinstance(self.credit_utilization, Unset):
            credit_utilization = UNSET
        else:
            credit_utilization = self.credit_utilization

        avg_payment_days: float | None | Unset
        if isinstance(self.avg_payment_days, Unset):
            avg_payment_days = UNSET
        else:
            avg_payment_days = self.avg_payment_days


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if total_revenue is not UNSET:
            field_dict["total_revenue"] = total_revenue
        if current_balance is not UNSET:
            field_dict["current_balance"] = current_balance
        if credit_limit is not UNSET:
            field_dict["credit_limit"] = credit_limit
        if credit_utilization is not UNSET:
            field_dict["credit_utilization"] = credit_utilization
        if avg_payment_days is not UNSET:
            field_dict["avg_payment_days"] = avg_payment_days

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_total_revenue(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        total_revenue = _parse_total_revenue(d.pop("total_revenue", UNSET))


        def _parse_current_balance(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        current_balance = _parse_current_balance(d.pop("current_balance", UNSET))


        def _parse_credit_limit(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        credit_limit = _parse_credit_limit(d.pop("credit_limit", UNSET))


        def _parse_credit_utilization(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        credit_utilization = _parse_credit_utilization(d.pop("credit_utilization", UNSET))


        def _parse_avg_payment_days(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        avg_payment_days = _parse_avg_payment_days(d.pop("avg_payment_days", UNSET))


        financial_summary = cls(
            total_revenue=total_revenue,
            current_balance=current_balance,
            credit_limit=credit_limit,
            credit_utilization=credit_utilization,
            avg_payment_days=avg_payment_days,
        )


        financial_summary.additional_properties = d
        return financial_summary

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
