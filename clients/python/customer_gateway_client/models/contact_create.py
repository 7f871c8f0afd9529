from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.contact_create_extra_type_0 import ContactCreateExtraType0





T = TypeVar("T", bound="ContactCreate")



@_attrs_define
class ContactCreate:
    """ 
        Attributes:
            name (str):
            email (None | str | Unset):
            phone (None | str | Unset):
            title (None | str | Unset):
            department (None | str | Unset):
            is_primary (bool | None | Unset):
            language (None | str | Unset):
            receives_notifications (bool | None | Unset):
            receives_approvals (bool | None | Unset):
            notes (None | str | Unset):
            extra (ContactCreateExtraType0 | None | Unset):
     """

    name: str
    email: None | str | Unset = UNSET
    phone: None | str | Unset = UNSET
    title: None | str | Unset = UNSET
    department: None | str | Unset = UNSET
    is_primary: bool | None | Unset = UNSET
    language: None | str | Unset = UNSET
    receives_notifications: bool | None | Unset = UNSET
    receives_approvals: bool | None | Unset = UNSET
    notes: None | str | Unset = UNSET
    extra: ContactCreateExtraType0 | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.contact_create_extra_type_0 import ContactCreateExtraType0 # noqa: PLC0415
        name = self.name

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

        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        department: None | str | Unset
        if isinstance(self.department, Unset):
            department = UNSET
        else:
            department = self.department

        is_primary: bool | None | Unset
        if isinstance(self.is_primary, Unset):
            is_primary = UNSET
        else:
            is_primary = self.is_primary

        language: None | str | Unset
        if isinstance(self.language, Unset):
            language = UNSET
        else:
            language = self.language

        receives_notifications: bool | None | Unset
        if isinstance(self.receives_notifications, Unset):
            receives_notifications = UNSET
        else:
            receives_notifications = self.receives_notifications

        receives_approvals: bool | None | Unset
        if isinstance(self.receives_approvals, Unset):
            receives_approvals = UNSET
        else:
            receives_approvals = self.receives_approvals

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        extra: dict[str, Any] | None | Unset
        if isinstance(self.extra, Unset):
            extra = UNSET
        elif isinstance(self.extra, ContactCreateExtraType0):
            extra = self.extra.to_dict()
        else:
            extra = self.extra


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
        })
        if email is not UNSET:
            field_dict["email"] = email
        if phone is not UNSET:
            field_dict["phone"] = phone
        if title is not UNSET:
            field_dict["title"] = title
        if department is not UNSET:
            field_dict["department"] = department
        if is_primary is not UNSET:
            field_dict["is_primary"] = is_primary
        if language is not UNSET:
            field_dict["language"] = language
        if receives_notifications is not UNSET:
            field_dict["receives_notifications"] = receives_notifications
        if receives_approvals is not UNSET:
            field_dict["receives_approvals"] = receives_approvals
        if notes is not UNSET:
            field_dict["notes"] = notes
        if extra is not UNSET:
            field_dict["extra"] = extra

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.contact_create_extra_type_0 import ContactCreateExtraType0 # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

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


        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))


        def _parse_department(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        department = _parse_department(d.pop("department", UNSET))


        def _parse_is_primary(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        is_primary = _parse_is_primary(d.pop("is_primary", UNSET))


        def _parse_language(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        language = _parse_language(d.pop("language", UNSET))


        def _parse_receives_notifications(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        receives_notifications = _parse_receives_notifications(d.pop("receives_notifications", UNSET))


        def _parse_receives_approvals(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        receives_approvals = _parse_receives_approvals(d.pop("receives_approvals", UNSET))


        def _parse_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        notes = _parse_notes(d.pop("notes", UNSET))


        def _parse_extra(data: object) -> ContactCreateExtraType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                extra_type_0 = ContactCreateExtraType0.from_dict(data)



                return extra_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ContactCreateExtraType0 | None | Unset, data)

        extra = _parse_extra(d.pop("extra", UNSET))


        contact_create = cls(
            name=name,
            email=email,
            phone=phone,
            title=title,
            department=department,
            is_primary=is_primary,
            language=language,
            receives_notifications=receives_notifications,
            receives_approvals=receives_approvals,
            notes=notes,
            extra=extra,
        )

        return contact_create

