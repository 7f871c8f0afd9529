from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.customer_analytics_period import CustomerAnalyticsPeriod
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.customer_analytics_extra import CustomerAnalyticsExtra
  from ..models.financial_summary import FinancialSummary
  from ..models.month_figures import MonthFigures
  from ..models.overview import Overview
  from ..models.product_figures import ProductFigures





T = TypeVar("T", bound="CustomerAnalytics")



@_attrs_define
class CustomerAnalytics:
    """ 
        Attributes:
            customer_id (str):
            period (CustomerAnalyticsPeriod):
            overview (Overview):
            financial_summary (FinancialSummary):
            order_history (list[MonthFigures] | Unset):
            top_products (list[ProductFigures] | Unset):
            segment (None | str | Unset):
            risk_score (None | str | Unset):
            extra (CustomerAnalyticsExtra | Unset):
     """

    customer_id: str
    period: CustomerAnalyticsPeriod
    overview: Overview
    financial_summary: FinancialSummary
    order_history: list[MonthFigures] | Unset = UNSET
    top_products: list[ProductFigures] | Unset = UNSET
    segment: None | str | Unset = UNSET
    risk_score: None | str | Unset = UNSET
    extra: CustomerAnalyticsExtra | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.customer_analytics_extra import CustomerAnalyticsExtra # noqa: PLC0415
        from ..models.financial_summary import FinancialSummary # noqa: PLC0415
        from ..models.month_figures import MonthFigures # noqa: PLC0415
        from ..models.overview import Overview # noqa: PLC0415
        from ..models.product_figures import ProductFigures # noqa: PLC0415
        customer_id = self.customer_id

        period = self.period.value

        overview = self.overview.to_dict()

        financial_summary = self.financial_summary.to_dict()

        order_history: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.order_history, Unset):
            order_history = []
            for order_history_item_data in self.order_history:
                order_history_item = order_history_item_data.to_dict()
                order_history.append(order_history_item)



        top_products: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.top_products, Unset):
            top_products = []
            for top_products_item_data in self.top_products:
                top_products_item = top_products_item_data.to_dict()
                top_products.append(top_products_item)



        segment: None | str | Unset
        if isinstance(self.segment, Unset):
            segment = UNSET
        else:
            segment = self.segment

        risk_score: None | str | Unset
        if isinstance(self.risk_score, Unset):
            risk_score = UNSET
        else:
            risk_score = self.risk_score

        extra: dict[str, Any] | Unset = UNSET
        if not isinstance(self.extra, Unset):
            extra = self.extra.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "customer_id": customer_id,
            "period": period,
            "overview": overview,
            "financial_summary": financial_summary,
        })
        if order_history is not UNSET:
            field_dict["order_history"] = order_history
        if top_products is not UNSET:
            field_dict["top_products"] = top_products
        if segment is not UNSET:
            field_dict["segment"] = segment
        if risk_score is not UNSET:
            field_dict["risk_score"] = risk_score
        if extra is not UNSET:
            field_dict["extra"] = extra

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.customer_analytics_extra import CustomerAnalyticsExtra # noqa: PLC0415
        from ..models.financial_summary import FinancialSummary # noqa: PLC0415
        from ..models.month_figures import MonthFigures # noqa: PLC0415
        from ..models.overview import Overview # noqa: PLC0415
        from ..models.product_figures import ProductFigures # noqa: PLC0415
        d = dict(src_dict)
        customer_id = d.pop("customer_id")

        period = CustomerAnalyticsPeriod(d.pop("period"))




        overview = Overview.from_dict(d.pop("overview"))




        financial_summary = FinancialSummary.from_dict(d.pop("financial_summary"))




        _order_history = d.pop("order_history", UNSET)
        order_history: list[MonthFigures] | Unset = UNSET
        if _order_history is not UNSET:
            order_history = []
            for order_history_item_data in _order_history:
                order_history_item = MonthFigures.from_dict(order_history_item_data)



                order_history.append(order_history_item)


        _top_products = d.pop("top_products", UNSET)
        top_products: list[ProductFigures] | Unset = UNSET
        if _top_products is not UNSET:
            top_products = []
            for top_products_item_data in _top_products:
                top_products_item = ProductFigures.from_dict(top_products_item_data)



                top_products.append(top_products_item)


        def _parse_segment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        segment = _parse_segment(d.pop("segment", UNSET))


        def _parse_risk_score(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        risk_score = _parse_risk_score(d.pop("risk_score", UNSET))


        _extra = d.pop("extra", UNSET)
        extra: CustomerAnalyticsExtra | Unset
        if isinstance(_extra,  Unset):
            extra = UNSET
        else:
            extra = CustomerAnalyticsExtra.from_dict(_extra)




        customer_analytics = cls(
            customer_id=customer_id,
            period=period,
            overview=overview,
            financial_summary=financial_summary,
            order_history=order_history,
            top_products=top_products,
            segment=segment,
            risk_score=risk_score,
            extra=extra,
        )

        return customer_analytics

