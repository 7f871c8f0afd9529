from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.credit_check_extra import CreditCheckExtra





T = TypeVar("T", bound="CreditCheck")



@_attrs_define
class CreditCheck:
    """ 
        Attributes:
            customer_id (str):
            credit_score (int | None | Unset):
            credit_rating (None | str | Unset):
            recommended_credit_limit (float | None | Unset):
            current_credit_limit (float | None | Unset):
            risk_assessment (None | str | Unset):
            checked_at (None | str | Unset):
            extra (CreditCheckExtra | Unset):
     """

    customer_id: str
    credit_score: int | None | Unset = UNSET
    credit_rating: None | str | Unset = UNSET
    recommended_credit_limit: float | None | Unset = UNSET
    current_credit_limit: float | None | Unset = UNSET
    risk_assessment: None | str | Unset = UNSET
    checked_at: None | str | Unset = UNSET
    extra: CreditCheckExtra | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.credit_check_extra import CreditCheckExtra # noqa: PLC0415
        customer_id = self.customer_id

        credit_score: int | None | Unset
        if isinstance(self.credit_score, Unset):
            credit_score = UNSET
        else:
            credit_score = self.credit_score

        credit_rating: None | str | Unset
        if isinstance(self.credit_rating, Unset):
            credit_rating = UNSET
        else:
            credit_rating = self.credit_rating

        recommended_credit_limit: float | None | Unset
        if isinstance(self.recommended_credit_limit, Unset):
            recommended_credit_limit = UNSET
        else:
            recommended_credit_limit = self.recommended_credit_limit

        current_credit_limit: float | None | Unset
        if isinstance(self.current_credit_limit, Unset):
            current_credit_limit = UNSET
        else:
            current_credit_limit = self.current_credit_limit

        risk_assessment: None | str | Unset
        if isinstance(self.risk_assessment, Unset):
            risk_assessment = UNSET
        else:
            risk_assessment = self.risk_assessment

        checked_at: None | str | Unset
        if isinstance(self.checked_at, Unset):
            checked_at = UNSET
        else:
            checked_at = self.checked_at

        extra: dict[str, Any] | Unset = UNSET
        if not isinstance(self.extra, Unset):
            extra = self.extra.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "customer_id": customer_id,
        })
        if credit_score is not UNSET:
            field_dict["credit_score"] = credit_score
        if credit_rating is not UNSET:
            field_dict["credit_rating"] = credit_rating
        if recommended_credit_limit is not UNSET:
            field_dict["recommended_credit_limit"] = recommended_credit_limit
        if current_credit_limit is not UNSET:
            field_dict["current_credit_limit"] = current_credit_limit
        if risk_assessment is not UNSET:
            field_dict["risk_assessment"] = risk_assessment
        if checked_at is not UNSET:
            field_dict["checked_at"] = checked_at
        if extra is not UNSET:
            field_dict["extra"] = extra

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.credit_check_extra import CreditCheckExtra # noqa: PLC0415
        d = dict(src_dict)
        customer_id = d.pop("customer_id")

        def _parse_credit_score(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        credit_score = _parse_credit_score(d.pop("credit_score", UNSET))


        def _parse_credit_rating(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        credit_rating = _parse_credit_rating(d.pop("credit_rating", UNSET))


        def _parse_recommended_credit_limit(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        recommended_credit_limit = _parse_recommended_credit_limit(d.pop("recommended_credit_limit", UNSET))


        def _parse_current_credit_limit(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        current_credit_limit = _parse_current_credit_limit(d.pop("current_credit_limit", UNSET))


        def _parse_risk_assessment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        risk_assessment = _parse_risk_assessment(d.pop("risk_assessment", UNSET))


        def _parse_checked_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        checked_at = _parse_checked_at(d.pop("checked_at", UNSET))


        _extra = d.pop("extra", UNSET)
        extra: CreditCheckExtra | Unset
        if isinstance(_extra,  Unset):
            extra = UNSET
        else:
            extra = CreditCheckExtra.from_dict(_extra)




        credit_check = cls(
            customer_id=customer_id,
            credit_score=credit_score,
            credit_rating=credit_rating,
            recommended_credit_limit=recommended_credit_limit,
            current_credit_limit=current_credit_limit,
            risk_assessment=risk_assessment,
            checked_at=checked_at,
            extra=extra,
        )

        return credit_check

