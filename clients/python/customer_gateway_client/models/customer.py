from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.address import Address
  from ..models.contact import Contact
  from ..models.customer_extra import CustomerExtra
  from ..models.customer_remote_data_type_0 import CustomerRemoteDataType0





T = TypeVar("T", bound="Customer")



@_attrs_define
class Customer:
    """ 
        Attributes:
            id (str):
            connection (str):
            remote_id (str):
            name (str):
            is_company (bool):
            code (None | str | Unset):
            first_name (None | str | Unset):
            last_name (None | str | Unset):
            email (None | str | Unset):
            phone (None | str | Unset):
            website (None | str | Unset):
            vat_number (None | str | Unset):
            tax_id (None | str | Unset):
            eori_number (None | str | Unset):
            billing_address (Address | None | Unset):
            shipping_addresses (list[Address] | Unset):
            is_active (bool | None | Unset):
            notes (None | str | Unset):
            contacts (list[Contact] | None | Unset): On single reads, the contacts as the customer's upstream embeds them;
                null where the connection has no contacts. An upstream may embed less than its contact reads give (BorderBolt:
                no notes, no timestamps, null here): GET /v1/customers/{id}/contacts has every field.
            extra (CustomerExtra | Unset):
            remote_data (CustomerRemoteDataType0 | None | Unset):
            created_at (None | str | Unset):
            updated_at (None | str | Unset):
     """

    id: str
    connection: str
    remote_id: str
    name: str
    is_company: bool
    code: None | str | Unset = UNSET
    first_name: None | str | Unset = UNSET
    last_name: None | str | Unset = UNSET
    email: None | str | Unset = UNSET
    phone: None | str | Unset = UNSET
    website: None | str | Unset = UNSET
    vat_number: None | str | Unset = UNSET
    tax_id: None | str | Unset = UNSET
    eori_number: None | str | Unset = UNSET
    billing_address: Address | None | Unset = UNSET
    shipping_addresses: list[Address] | Unset = UNSET
    is_active: bool | None | Unset = UNSET
    notes: None | str | Unset = UNSET
    contacts: list[Contact] | None | Unset = UNSET
    extra: CustomerExtra | Unset = UNSET
    remote_data: CustomerRemoteDataType0 | None | Unset = UNSET
    created_at: None | str | Unset = UNSET
    updated_at: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.address import Address # noqa: PLC0415
        from ..models.contact import Contact # noqa: PLC0415
        from ..models.customer_extra import CustomerExtra # noqa: PLC0415
        from ..models.customer_remote_data_type_0 import CustomerRemoteDataType0 # noqa: PLC0415
        id = self.id

        connection = self.connection

        remote_id = self.remote_id

        name = self.name

        is_company = self.is_company

        code: None | str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        else:
            code = self.code

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
        elif isinstance(self.billing_address, Address):
            billing_address = self.billing_address.to_dict()
        else:
            billing_address = self.billing_address

        shipping_addresses: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.shipping_addresses, Unset):
            shipping_addresses = []
            for shipping_addresses_item_data in self.shipping_addresses:
                shipping_addresses_item = shipping_addresses_item_data.to_dict()
                shipping_addresses.append(shipping_addresses_item)



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

        contacts: list[dict[str, Any]] | None | Unset
        if isinstance(self.contacts, Unset):
            contacts = UNSET
        elif isinstance(self.contacts, list):
            contacts = []
            for contacts_type_0_item_data in self.contacts:
                contacts_type_0_item = contacts_type_0_item_data.to_dict()
                contacts.append(contacts_type_0_item)


        else:
            contacts = self.contacts

        extra: dict[str, Any] | Unset = UNSET
        if not isinstance(self.extra, Unset):
            extra = self.extra.to_dict()

        remote_data: dict[str, Any] | None | Unset
        if isinstance(self.remote_data, Unset):
            remote_data = UNSET
        elif isinstance(self.remote_data, CustomerRemoteDataType0):
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
            "connection": connection,
            "remote_id": remote_id,
            "name": name,
            "is_company": is_company,
        })
        if code is not UNSET:
            field_dict["code"] = code
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
        if contacts is not UNSET:
            field_dict["contacts"] = contacts
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
        from ..models.address import Address # noqa: PLC0415
        from ..models.contact import Contact # noqa: PLC0415
        from ..models.customer_extra import CustomerExtra # noqa: PLC0415
        from ..models.customer_remote_data_type_0 import CustomerRemoteDataType0 # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        connection = d.pop("connection")

        remote_id = d.pop("remote_id")

        name = d.pop("name")

        is_company = d.pop("is_company")

        def _parse_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        code = _parse_code(d.pop("code", UNSET))


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


        def _parse_billing_address(data: object) -> Address | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                billing_address_type_0 = Address.from_dict(data)



                return billing_address_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Address | None | Unset, data)

        billing_address = _parse_billing_address(d.pop("billing_address", UNSET))


        _shipping_addresses = d.pop("shipping_addresses", UNSET)
        shipping_addresses: list[Address] | Unset = UNSET
        if _shipping_addresses is not UNSET:
            shipping_addresses = []
            for shipping_addresses_item_data in _shipping_addresses:
                shipping_addresses_item = Address.from_dict(shipping_addresses_item_data)



                shipping_addresses.append(shipping_addresses_item)


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


        def _parse_contacts(data: object) -> list[Contact] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                contacts_type_0 = []
                _contacts_type_0 = data
                for contacts_type_0_item_data in (_contacts_type_0):
                    contacts_type_0_item = Contact.from_dict(contacts_type_0_item_data)



                    contacts_type_0.append(contacts_type_0_item)

                return contacts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Contact] | None | Unset, data)

        contacts = _parse_contacts(d.pop("contacts", UNSET))


        _extra = d.pop("extra", UNSET)
        extra: CustomerExtra | Unset
        if isinstance(_extra,  Unset):
            extra = UNSET
        else:
            extra = CustomerExtra.from_dict(_extra)




        def _parse_remote_data(data: object) -> CustomerRemoteDataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                remote_data_type_0 = CustomerRemoteDataType0.from_dict(data)



                return remote_data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CustomerRemoteDataType0 | None | Unset, data)

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


        customer = cls(
            id=id,
            connection=connection,
            remote_id=remote_id,
            name=name,
            is_company=is_company,
            code=code,
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
            contacts=contacts,
            extra=extra,
            remote_data=remote_data,
            created_at=created_at,
            updated_at=updated_at,
        )

        return customer

