from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.item_patch_status_type_0 import ItemPatchStatusType0
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.item_patch_extra_type_0 import ItemPatchExtraType0





T = TypeVar("T", bound="ItemPatch")



@_attrs_define
class ItemPatch:
    """ JSON merge patch of an item: absent = unchanged, null = clear.

        Attributes:
            code (None | str | Unset):
            description (None | str | Unset):
            customer_id (None | str | Unset):
            hs_code (None | str | Unset):
            taric_code (None | str | Unset):
            country_of_origin (None | str | Unset):
            preferential_origin (None | str | Unset):
            status (ItemPatchStatusType0 | None | Unset):
            net_weight (float | None | Unset):
            gross_weight (float | None | Unset):
            supplementary_units (float | None | Unset):
            unit_value (float | None | Unset):
            unit_currency (None | str | Unset):
            duty_rate (float | None | Unset):
            vat_rate (float | None | Unset):
            licensing_required (bool | None | Unset):
            packaging_type (None | str | Unset):
            packaging_marks (None | str | Unset):
            manufacturer_name (None | str | Unset):
            manufacturer_part_number (None | str | Unset):
            sku (None | str | Unset):
            part_number (None | str | Unset):
            notes (None | str | Unset):
            extra (ItemPatchExtraType0 | None | Unset):
     """

    code: None | str | Unset = UNSET
    description: None | str | Unset = UNSET
    customer_id: None | str | Unset = UNSET
    hs_code: None | str | Unset = UNSET
    taric_code: None | str | Unset = UNSET
    country_of_origin: None | str | Unset = UNSET
    preferential_origin: None | str | Unset = UNSET
    status: ItemPatchStatusType0 | None | Unset = UNSET
    net_weight: float | None | Unset = UNSET
    gross_weight: float | None | Unset = UNSET
    supplementary_units: float | None | Unset = UNSET
    unit_value: float | None | Unset = UNSET
    unit_currency: None | str | Unset = UNSET
    duty_rate: float | None | Unset = UNSET
    vat_rate: float | None | Unset = UNSET
    licensing_required: bool | None | Unset = UNSET
    packaging_type: None | str | Unset = UNSET
    packaging_marks: None | str | Unset = UNSET
    manufacturer_name: None | str | Unset = UNSET
    manufacturer_part_number: None | str | Unset = UNSET
    sku: None | str | Unset = UNSET
    part_number: None | str | Unset = UNSET
    notes: None | str | Unset = UNSET
    extra: ItemPatchExtraType0 | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.item_patch_extra_type_0 import ItemPatchExtraType0 # noqa: PLC0415
        code: None | str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        else:
            code = self.code

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        customer_id: None | str | Unset
        if isinstance(self.customer_id, Unset):
            customer_id = UNSET
        else:
            customer_id = self.customer_id

        hs_code: None | str | Unset
        if isinstance(self.hs_code, Unset):
            hs_code = UNSET
        else:
            hs_code = self.hs_code

        taric_code: None | str | Unset
        if isinstance(self.taric_code, Unset):
            taric_code = UNSET
        else:
            taric_code = self.taric_code

        country_of_origin: None | str | Unset
        if isinstance(self.country_of_origin, Unset):
            country_of_origin = UNSET
        else:
            country_of_origin = self.country_of_origin

        preferential_origin: None | str | Unset
        if isinstance(self.preferential_origin, Unset):
            preferential_origin = UNSET
        else:
            preferential_origin = self.preferential_origin

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, ItemPatchStatusType0):
            status = self.status.value
        else:
            status = self.status

        net_weight: float | None | Unset
        if isinstance(self.net_weight, Unset):
            net_weight = UNSET
        else:
            net_weight = self.net_weight

        gross_weight: float | None | Unset
        if isinstance(self.gross_weight, Unset):
            gross_weight = UNSET
        else:
            gross_weight = self.gross_weight

        supplementary_units: float | None | Unset
        if isinstance(self.supplementary_units, Unset):
            supplementary_units = UNSET
        else:
            supplementary_units = self.supplementary_units

        unit_value: float | None | Unset
        if isinstance(self.unit_value, Unset):
            unit_value = UNSET
        else:
            unit_value = self.unit_value

        unit_currency: None | str | Unset
        if isinstance(self.unit_currency, Unset):
            unit_currency = UNSET
        else:
            unit_currency = self.unit_currency

        duty_rate: float | None | Unset
        if isinstance(self.duty_rate, Unset):
            duty_rate = UNSET
        else:
            duty_rate = self.duty_rate

        vat_rate: float | None | Unset
        if isinstance(self.vat_rate, Unset):
            vat_rate = UNSET
        else:
            vat_rate = self.vat_rate

        licensing_required: bool | None | Unset
        if isinstance(self.licensing_required, Unset):
            licensing_required = UNSET
        else:
            licensing_required = self.licensing_required

        packaging_type: None | str | Unset
        if isinstance(self.packaging_type, Unset):
            packaging_type = UNSET
        else:
            packaging_type = self.packaging_type

        packaging_marks: None | str | Unset
        if isinstance(self.packaging_marks, Unset):
            packaging_marks = UNSET
        else:
            packaging_marks = self.packaging_marks

        manufacturer_name: None | str | Unset
        if isinstance(self.manufacturer_name, Unset):
            manufacturer_name = UNSET
        else:
            manufacturer_name = self.manufacturer_name

        manufacturer_part_number: None | str | Unset
        if isinstance(self.manufacturer_part_number, Unset):
            manufacturer_part_number = UNSET
        else:
            manufacturer_part_number = self.manufacturer_part_number

        sku: None | str | Unset
        if isinstance(self.sku, Unset):
            sku = UNSET
        else:
            sku = self.sku

        part_number: None | str | Unset
        if isinstance(self.part_number, Unset):
            part_number = UNSET
        else:
            part_number = self.part_number

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        extra: dict[str, Any] | None | Unset
        if isinstance(self.extra, Unset):
            extra = UNSET
        elif isinstance(self.extra, ItemPatchExtraType0):
            extra = self.extra.to_dict()
        else:
            extra = self.extra


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if code is not UNSET:
            field_dict["code"] = code
        if description is not UNSET:
            field_dict["description"] = description
        if customer_id is not UNSET:
            field_dict["customer_id"] = customer_id
        if hs_code is not UNSET:
            field_dict["hs_code"] = hs_code
        if taric_code is not UNSET:
            field_dict["taric_code"] = taric_code
        if country_of_origin is not UNSET:
            field_dict["country_of_origin"] = country_of_origin
        if preferential_origin is not UNSET:
            field_dict["preferential_origin"] = preferential_origin
        if status is not UNSET:
            field_dict["status"] = status
        if net_weight is not UNSET:
            field_dict["net_weight"] = net_weight
        if gross_weight is not UNSET:
            field_dict["gross_weight"] = gross_weight
        if supplementary_units is not UNSET:
            field_dict["supplementary_units"] = supplementary_units
        if unit_value is not UNSET:
            field_dict["unit_value"] = unit_value
        if unit_currency is not UNSET:
            field_dict["unit_currency"] = unit_currency
        if duty_rate is not UNSET:
            field_dict["duty_rate"] = duty_rate
        if vat_rate is not UNSET:
            field_dict["vat_rate"] = vat_rate
        if licensing_required is not UNSET:
            field_dict["licensing_required"] = licensing_required
        if packaging_type is not UNSET:
            field_dict["packaging_type"] = packaging_type
        if packaging_marks is not UNSET:
            field_dict["packaging_marks"] = packaging_marks
        if manufacturer_name is not UNSET:
            field_dict["manufacturer_name"] = manufacturer_name
        if manufacturer_part_number is not UNSET:
            field_dict["manufacturer_part_number"] = manufacturer_part_number
        if sku is not UNSET:
            field_dict["sku"] = sku
        if part_number is not UNSET:
            field_dict["part_number"] = part_number
        if notes is not UNSET:
            field_dict["notes"] = notes
        if extra is not UNSET:
            field_dict["extra"] = extra

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.item_patch_extra_type_0 import ItemPatchExtraType0 # noqa: PLC0415
        d = dict(src_dict)
        def _parse_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        code = _parse_code(d.pop("code", UNSET))


        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        def _parse_customer_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        customer_id = _parse_customer_id(d.pop("customer_id", UNSET))


        def _parse_hs_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        hs_code = _parse_hs_code(d.pop("hs_code", UNSET))


        def _parse_taric_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        taric_code = _parse_taric_code(d.pop("taric_code", UNSET))


        def _parse_country_of_origin(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        country_of_origin = _parse_country_of_origin(d.pop("country_of_origin", UNSET))


        def _parse_preferential_origin(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        preferential_origin = _parse_preferential_origin(d.pop("preferential_origin", UNSET))


        def _parse_status(data: object) -> ItemPatchStatusType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = ItemPatchStatusType0(data)



                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ItemPatchStatusType0 | None | Unset, data)

        status = _parse_status(d.pop("status", UNSET))


        def _parse_net_weight(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        net_weight = _parse_net_weight(d.pop("net_weight", UNSET))


        def _parse_gross_weight(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        gross_weight = _parse_gross_weight(d.pop("gross_weight", UNSET))


        def _parse_supplementary_units(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        supplementary_units = _parse_supplementary_units(d.pop("supplementary_units", UNSET))


        def _parse_unit_value(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        unit_value = _parse_unit_value(d.pop("unit_value", UNSET))


        def _parse_unit_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        unit_currency = _parse_unit_currency(d.pop("unit_currency", UNSET))


        def _parse_duty_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        duty_rate = _parse_duty_rate(d.pop("duty_rate", UNSET))


        def _parse_vat_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        vat_rate = _parse_vat_rate(d.pop("vat_rate", UNSET))


        def _parse_licensing_required(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        licensing_required = _parse_licensing_required(d.pop("licensing_required", UNSET))


        def _parse_packaging_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        packaging_type = _parse_packaging_type(d.pop("packaging_type", UNSET))


        def _parse_packaging_marks(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        packaging_marks = _parse_packaging_marks(d.pop("packaging_marks", UNSET))


        def _parse_manufacturer_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        manufacturer_name = _parse_manufacturer_name(d.pop("manufacturer_name", UNSET))


        def _parse_manufacturer_part_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        manufacturer_part_number = _parse_manufacturer_part_number(d.pop("manufacturer_part_number", UNSET))


        def _parse_sku(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sku = _parse_sku(d.pop("sku", UNSET))


        def _parse_part_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        part_number = _parse_part_number(d.pop("part_number", UNSET))


        def _parse_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        notes = _parse_notes(d.pop("notes", UNSET))


        def _parse_extra(data: object) -> ItemPatchExtraType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                extra_type_0 = ItemPatchExtraType0.from_dict(data)



                return extra_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ItemPatchExtraType0 | None | Unset, data)

        extra = _parse_extra(d.pop("extra", UNSET))


        item_patch = cls(
            code=code,
            description=description,
            customer_id=customer_id,
            hs_code=hs_code,
            taric_code=taric_code,
            country_of_origin=country_of_origin,
            preferential_origin=preferential_origin,
            status=status,
            net_weight=net_weight,
            gross_weight=gross_weight,
            supplementary_units=supplementary_units,
            unit_value=unit_value,
            unit_currency=unit_currency,
            duty_rate=duty_rate,
            vat_rate=vat_rate,
            licensing_required=licensing_required,
            packaging_type=packaging_type,
            packaging_marks=packaging_marks,
            manufacturer_name=manufacturer_name,
            manufacturer_part_number=manufacturer_part_number,
            sku=sku,
            part_number=part_number,
            notes=notes,
            extra=extra,
        )

        return item_patch

