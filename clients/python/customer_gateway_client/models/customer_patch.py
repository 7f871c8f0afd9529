from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.address_input import AddressInput
  from ..models.customer_patch_extra_type_0 import CustomerPatchExtraType0





T = TypeVar("T", bound="CustomerPatch")



@_attrs_define
class CustomerPatch:
    """ JSON merge patch of a customer: absent = unchanged, null = clear.

        Attributes:
            code (None | str | Unset):
            name (None | str | Unset):
            is_company (bool | None | Unset):
            first_name (None | str | Unset):
            last_name (None | str | Unset):
            email (None | str | Unset):
            phone (None | str | Unset):
            website (None | str | Unset):
            vat_number (None | str | Unset):
            tax_id (None | str | Unset):
            eori_number (None | str | Unset):
            billing_address (AddressInput | None | Unset):
            shipping_addresses (list[AddressInput] | None | Unset):
            is_active (bool | None | Unset):
            notes (None | str | Unset):
            extra (CustomerPatchExtraType0 | None | Unset):
     """

    code: None | str | Unset = UNSET
    name: None | str | Unset = UNSET
    is_company: bool | None | Unset = UNSET
    first_name: None | str | Unset = UNSET
    last_name: None | str | Unset = UNSET
    email: None | str | Unset = UNSET
    phone: None | str | Unset = UNSET
    website: None | str | Unset = UNSET
    vat_number: None | str | Unset = UNSET
    tax_id: None | str | Unset = UNSET
    eori_number: None | str | Unset = UNSET
    billing_address: AddressInput | None | Unset = UNSET
    shipping_addresses: list[AddressInput] | None | Unset = UNSET
    is_active: bool | None | Unset = UNSET
    notes: None | str | Unset = UNSET
    extra: CustomerPatchExtraType0 | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.address_input import AddressInput # noqa: PLC0415
        from ..models.customer_patch_extra_type_0 import CustomerPatchExtraType0 # noqa: PLC0415
        code: None | str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        else:
            code = self.code

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        is_company: bool | None | Unset
        if isinstance(self.is_company, Unset):
            is_company = UNSET
        else:
            is_company = self.is_company

        first_name: None | str | Unset
        if isinstance(self.first_name, Unset):
            first_name = UNSET
        else:
            first_name = self.first_name

        last_name: None | str | Unset
        if isinstance(self.last_name, Unset):
            last_name = UNSET
        else:
            last_name = self.last_name

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        website: None | str | Unset
        if isinstance(self.website, Unset):
            website = UNSET
        else:
            website = self.website

        vat_number: None | str | Unset
        if isinstance(self.vat_number, Unset):
            vat_number = UNSET
        else:
            vat_number = self.vat_number

        tax_id: None | str | Unset
        if isinstance(self.tax_id, Unset):
            tax_id = UNSET
        else:
            tax_id = self.tax_id

        eori_number: None | str | Unset
        if isinstance(self.eori_number, Unset):
            eori_number = UNSET
        else:
            eori_number = self.eori_number

        billing_address: dict[str, Any] | None | Unset
        if isinstance(self.billing_address, Unset):
            billing_address = UNSET
        elif isinstance(self.billing_address, AddressInput):
            billing_address = self.billing_address.to_dict()
        else:
            billing_address = self.billing_address

        shipping_addresses: list[dict[str, Any]] | None | Unset
        if isinstance(self.shipping_addresses, Unset):
            shipping_addresses = UNSET
        elif isinstance(self.shipping_addresses, list):
            shipping_addresses = []
            for shipping_addresses_type_0_item_data in self.shipping_addresses:
                shipping_addresses_type_0_item = shipping_addresses_type_0_item_data.to_dict()
                shipping_addresses.append(shipping_addresses_type_0_item)


        else:
            shipping_addresses = self.shipping_addresses

        is_active: bool | None | Unset
        if isinstance(self.is_active, Unset):
            is_active = UNSET
        else:
            is_active = self.is_active

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        extra: dict[str, Any] | None | Unset
        if isinstance(self.extra, Unset):
            extra = UNSET
        elif isinstance(self.extra, CustomerPatchExtraType0):
            extra = self.extra.to_dict()
        else:
            extra = self.extra


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if code is not UNSET:
            field_dict["code"] = code
        if name is not UNSET:
            field_dict["name"] = name
        if is_company is not UNSET:
            field_dict["is_company"] = is_company
        if first_name is not UNSET:
            field_dict["first_name"] = first_name
        if last_name is not UNSET:
            field_dict["last_name"] = last_name
        if email is not UNSET:
            field_dict["email"] = email
        if phone is not UNSET:
            field_dict["phone"] = phone
        if website is not UNSET:
            field_dict["website"] = website
        if vat_number is not UNSET:
            field_dict["vat_number"] = vat_number
        if tax_id is not UNSET:
            field_dict["tax_id"] = tax_id
        if eori_number is not UNSET:
            field_dict["eori_number"] = eori_number
        if billing_address is not UNSET:
            field_dict["billing_address"] = billing_address
        if shipping_addresses is not UNSET:
            field_dict["shipping_addresses"] = shipping_addresses
        if is_active is not UNSET:
            field_dict["is_active"] = is_active
        if notes is not UNSET:
            field_dict["notes"] = notes
        if extra is not UNSET:
            field_dict["extra"] = extra

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.address_input import AddressInput # noqa: PLC0415
        from ..models.customer_patch_extra_type_0 import CustomerPatchExtraType0 # noqa: PLC0415
        d = dict(src_dict)
        def _parse_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        code = _parse_code(d.pop("code", UNSET))


        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))


        def _parse_is_company(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        is_company = _parse_is_company(d.pop("is_company", UNSET))


        def _parse_first_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        first_name = _parse_first_name(d.pop("first_name", UNSET))


        def _parse_last_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_name = _parse_last_name(d.pop("last_name", UNSET))


        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))


        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))


        def _parse_website(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        website = _parse_website(d.pop("website", UNSET))


        def _parse_vat_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        vat_number = _parse_vat_number(d.pop("vat_number", UNSET))


        def _parse_tax_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tax_id = _parse_tax_id(d.pop("tax_id", UNSET))


        def _parse_eori_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        eori_number = _parse_eori_number(d.pop("eori_number", UNSET))


        def _parse_billing_address(data: object) -> AddressInput | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                billing_address_type_0 = AddressInput.from_dict(data)



                return billing_address_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AddressInput | None | Unset, data)

        billing_address = _parse_billing_address(d.pop("billing_address", UNSET))


        def _parse_shipping_addresses(data: object) -> list[AddressInput] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                shipping_addresses_type_0 = []
                _shipping_addresses_type_0 = data
                for shipping_addresses_type_0_item_data in (_shipping_addresses_type_0):
                    shipping_addresses_type_0_item = AddressInput.from_dict(shipping_addresses_type_0_item_data)



                    shipping_addresses_type_0.append(shipping_addresses_type_0_item)

                return shipping_addresses_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[AddressInput] | None | Unset, data)

        shipping_addresses = _parse_shipping_addresses(d.pop("shipping_addresses", UNSET))


        def _parse_is_active(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        is_active = _parse_is_active(d.pop("is_active", UNSET))


        def _parse_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        notes = _parse_notes(d.pop("notes", UNSET))


        def _parse_extra(data: object) -> CustomerPatchExtraType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                extra_type_0 = CustomerPatchExtraType0.from_dict(data)



                return extra_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CustomerPatchExtraType0 | None | Unset, data)

        extra = _parse_extra(d.pop("extra", UNSET))


        customer_patch = cls(
            code=code,
            name=name,
            is_company=is_company,
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=phone,
            website=website,
            vat_number=vat_number,
            tax_id=tax_id,
            eori_number=eori_number,
            billing_address=billing_address,
            shipping_addresses=shipping_addresses,
            is_active=is_active,
            notes=notes,
            extra=extra,
        )

        return customer_patch

