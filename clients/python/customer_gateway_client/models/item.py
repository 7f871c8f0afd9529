from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.item_status_type_0 import ItemStatusType0
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.document import Document
  from ..models.item_extra import ItemExtra
  from ..models.item_remote_data_type_0 import ItemRemoteDataType0
  from ..models.pending_change import PendingChange





T = TypeVar("T", bound="Item")



@_attrs_define
class Item:
    """ 
        Attributes:
            id (str):
            code (None | str | Unset):
            description (None | str | Unset):
            customer_id (None | str | Unset):
            hs_code (None | str | Unset):
            taric_code (None | str | Unset):
            country_of_origin (None | str | Unset):
            preferential_origin (None | str | Unset):
            status (ItemStatusType0 | None | Unset):
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
            verified_at (None | str | Unset):
            documents (list[Document] | None | Unset):
            pending_changes (list[PendingChange] | None | Unset):
            extra (ItemExtra | Unset):
            remote_data (ItemRemoteDataType0 | None | Unset):
            created_at (None | str | Unset):
            updated_at (None | str | Unset):
     """

    id: str
    code: None | str | Unset = UNSET
    description: None | str | Unset = UNSET
    customer_id: None | str | Unset = UNSET
    hs_code: None | str | Unset = UNSET
    taric_code: None | str | Unset = UNSET
    country_of_origin: None | str | Unset = UNSET
    preferential_origin: None | str | Unset = UNSET
    status: ItemStatusType0 | None | Unset = UNSET
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
    verified_at: None | str | Unset = UNSET
    documents: list[Document] | None | Unset = UNSET
    pending_changes: list[PendingChange] | None | Unset = UNSET
    extra: ItemExtra | Unset = UNSET
    remote_data: ItemRemoteDataType0 | None | Unset = UNSET
    created_at: None | str | Unset = UNSET
    updated_at: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.document import Document # noqa: PLC0415
        from ..models.item_extra import ItemExtra # noqa: PLC0415
        from ..models.item_remote_data_type_0 import ItemRemoteDataType0 # noqa: PLC0415
        from ..models.pending_change import PendingChange # noqa: PLC0415
        id = self.id

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
        elif isinstance(self.status, ItemStatusType0):
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

        verified_at: None | str | Unset
        if isinstance(self.verified_at, Unset):
            verified_at = UNSET
        else:
            verified_at = self.verified_at

        documents: list[dict[str, Any]] | None | Unset
        if isinstance(self.documents, Unset):
            documents = UNSET
        elif isinstance(self.documents, list):
            documents = []
            for documents_type_0_item_data in self.documents:
                documents_type_0_item = documents_type_0_item_data.to_dict()
                documents.append(documents_type_0_item)


        else:
            documents = self.documents

        pending_changes: list[dict[str, Any]] | None | Unset
        if isinstance(self.pending_changes, Unset):
            pending_changes = UNSET
        elif isinstance(self.pending_changes, list):
            pending_changes = []
            for pending_changes_type_0_item_data in self.pending_changes:
                pending_changes_type_0_item = pending_changes_type_0_item_data.to_dict()
                pending_changes.append(pending_changes_type_0_item)


        else:
            pending_changes = self.pending_changes

        extra: dict[str, Any] | Unset = UNSET
        if not isinstance(self.extra, Unset):
            extra = self.extra.to_dict()

        remote_data: dict[str, Any] | None | Unset
        if isinstance(self.remote_data, Unset):
            remote_data = UNSET
        elif isinstance(self.remote_data, ItemRemoteDataType0):
            remote_data = self.remote_data.to_dict()
        else:
            remote_data = self.remote_data

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        else:
            created_at = self.created_at

        updated_at: None | str | Unset
        if isinstance(self.updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = self.updated_at


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
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
        if verified_at is not UNSET:
            field_dict["verified_at"] = verified_at
        if documents is not UNSET:
            field_dict["documents"] = documents
        if pending_changes is not UNSET:
            field_dict["pending_changes"] = pending_changes
        if extra is not UNSET:
            field_dict["extra"] = extra
        if remote_data is not UNSET:
            field_dict["remote_data"] = remote_data
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.document import Document # noqa: PLC0415
        from ..models.item_extra import ItemExtra # noqa: PLC0415
        from ..models.item_remote_data_type_0 import ItemRemoteDataType0 # noqa: PLC0415
        from ..models.pending_change import PendingChange # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

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


        def _parse_status(data: object) -> ItemStatusType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = ItemStatusType0(data)



                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ItemStatusType0 | None | Unset, data)

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


        def _parse_verified_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        verified_at = _parse_verified_at(d.pop("verified_at", UNSET))


        def _parse_documents(data: object) -> list[Document] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                documents_type_0 = []
                _documents_type_0 = data
                for documents_type_0_item_data in (_documents_type_0):
                    documents_type_0_item = Document.from_dict(documents_type_0_item_data)



                    documents_type_0.append(documents_type_0_item)

                return documents_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Document] | None | Unset, data)

        documents = _parse_documents(d.pop("documents", UNSET))


        def _parse_pending_changes(data: object) -> list[PendingChange] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                pending_changes_type_0 = []
                _pending_changes_type_0 = data
                for pending_changes_type_0_item_data in (_pending_changes_type_0):
                    pending_changes_type_0_item = PendingChange.from_dict(pending_changes_type_0_item_data)



                    pending_changes_type_0.append(pending_changes_type_0_item)

                return pending_changes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[PendingChange] | None | Unset, data)

        pending_changes = _parse_pending_changes(d.pop("pending_changes", UNSET))


        _extra = d.pop("extra", UNSET)
        extra: ItemExtra | Unset
        if isinstance(_extra,  Unset):
            extra = UNSET
        else:
            extra = ItemExtra.from_dict(_extra)




        def _parse_remote_data(data: object) -> ItemRemoteDataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                remote_data_type_0 = ItemRemoteDataType0.from_dict(data)



                return remote_data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ItemRemoteDataType0 | None | Unset, data)

        remote_data = _parse_remote_data(d.pop("remote_data", UNSET))


        def _parse_created_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        created_at = _parse_created_at(d.pop("created_at", UNSET))


        def _parse_updated_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        updated_at = _parse_updated_at(d.pop("updated_at", UNSET))


        item = cls(
            id=id,
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
            verified_at=verified_at,
            documents=documents,
            pending_changes=pending_changes,
            extra=extra,
            remote_data=remote_data,
            created_at=created_at,
            updated_at=updated_at,
        )

        return item

