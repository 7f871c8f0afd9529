"""What the simulated HubSpot account holds: its object types, their properties, and the
checks a write passes (or the ``errors[]`` entries it fails with).

Every property value travels as a string (the v3 objects API's ``properties`` map);
``""`` clears one. Types follow HubSpot's default properties: ``number`` (an integer
for ``numberofemployees``), ``datetime`` (ISO 8601, or epoch milliseconds in a search
filter), ``enumeration`` (``lifecyclestage``: the default stages' internal names, or
the digits of a custom stage's ID, as the companies guide's example ``51439524`` is;
``hs_lead_status``: its default options), ``email``; the rest are strings.
``industry`` is an enumeration in a real account, but the companies guide's own
example sends ``"Technology"``, which is no internal value: the simulator takes any
text there, as it takes the guide's example.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["string", "number", "integer", "datetime", "enumeration", "email"]
STAGES = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
)
LEAD_STATUSES = (
    "NEW",
    "OPEN",
    "IN_PROGRESS",
    "OPEN_DEAL",
    "UNQUALIFIED",
    "ATTEMPTED_TO_CONTACT",
    "CONNECTED",
    "BAD_TIMING",
)
OPTIONS = {"lifecyclestage": STAGES, "hs_lead_status": LEAD_STATUSES}
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
INTEGER = re.compile(r"-?[0-9]{1,18}")
NUMBER = re.compile(r"-?[0-9]{1,18}(\.[0-9]{1,9})?")


@dataclass(frozen=True, slots=True)
class ObjectType:
    """One CRM object type: its names in paths, its properties and defaults."""

    name: str  # plural, as in /crm/v3/objects/companies
    singular: str
    type_id: str  # HubSpot's objectTypeId (0-1 contacts, 0-2 companies)
    properties: dict[str, Kind]
    modified: str  # the property that holds the last-modified date
    defaults: tuple[str, ...]  # returned when a read names no properties
    searchable: tuple[str, ...]  # what a search's free-text ``query`` looks in
    read_only: tuple[str, ...]

    @property
    def system(self) -> tuple[str, ...]:
        """Returned with every read, whatever properties it asked for."""
        return ("createdate", self.modified, "hs_object_id")


COMPANIES = ObjectType(
    name="companies",
    singular="company",
    type_id="0-2",
    properties={
        **dict.fromkeys(
            (
                "name",
                "domain",
                "website",
                "phone",
                "address",
                "address2",
                "city",
                "state",
                "zip",
                "country",
                "description",
                "industry",
                "type",
                "property_string",  # the docs' examples' own: a property the account made
            ),
            "string",
        ),
        "lifecyclestage": "enumeration",
        "hs_lead_status": "enumeration",
        "numberofemployees": "integer",
        "annualrevenue": "number",
        "createdate": "datetime",
        "hs_lastmodifieddate": "datetime",
        "hs_object_id": "integer",
    },
    modified="hs_lastmodifieddate",
    defaults=("createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"),
    searchable=("name", "domain", "website", "phone"),
    read_only=("createdate", "hs_lastmodifieddate", "hs_object_id"),
)
CONTACTS = ObjectType(
    name="contacts",
    singular="contact",
    type_id="0-1",
    properties={
        **dict.fromkeys(
            (
                "firstname",
                "lastname",
                "phone",
                "mobilephone",
                "jobtitle",
                "company",
                "website",
                "hs_language",
                "fax",
            ),
            "string",
        ),
        "email": "email",
        "lifecyclestage": "enumeration",
        "createdate": "datetime",
        "lastmodifieddate": "datetime",
        "hs_object_id": "integer",
    },
    modified="lastmodifieddate",
    defaults=("createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"),
    searchable=("firstname", "lastname", "email", "phone", "mobilephone", "company"),
    read_only=("createdate", "lastmodifieddate", "hs_object_id"),
)
TYPES = {t.name: t for t in (COMPANIES, CONTACTS)}
ALIASES = {alias: t for t in TYPES.values() for alias in (t.name, t.singular, t.type_id)}


@dataclass(frozen=True, slots=True)
class Problem:
    """One ``errors[]`` entry: what is wrong with which property."""

    property: str
    code: str
    message: str


def text(value: Any) -> str | None:
    """A property value as HubSpot keeps it: a string, ``None`` when cleared."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def check(kind: ObjectType, properties: Any) -> list[Problem]:
    """The problems of a ``properties`` object sent to create or update ``kind``."""
    if not isinstance(properties, dict):
        return [Problem("properties", "INVALID_INPUT", "properties must be an object")]
    problems = []
    for name, value in properties.items():
        problem = _check_one(kind, str(name), value)
        if problem is not None:
            problems.append(problem)
    return problems


def _check_one(kind: ObjectType, name: str, value: Any) -> Problem | None:
    declared = kind.properties.get(name)
    if declared is None:
        return Problem(name, "PROPERTY_DOESNT_EXIST", f'Property "{name}" does not exist')
    if name in kind.read_only:
        return Problem(
            name, "READ_ONLY_VALUE", f'"{name}" is a read only property; its value cannot be set.'
        )
    if isinstance(value, dict | list):
        return Problem(name, "INVALID_INPUT", f"{name} must be a string")
    given = text(value)
    if given is None:
        return None
    if declared == "integer" and not INTEGER.fullmatch(given):
        return Problem(name, "INVALID_INTEGER", f"{given} was not a valid long.")
    if declared == "number" and not NUMBER.fullmatch(given):
        return Problem(name, "INVALID_DECIMAL", f"{given} was not a valid number.")
    if declared == "email" and not EMAIL.fullmatch(given):
        return Problem(name, "INVALID_EMAIL", f"Email address {given} is invalid")
    options = OPTIONS.get(name, ())
    custom = name == "lifecyclestage" and given.isdigit()  # a custom stage's ID
    if declared == "enumeration" and given not in options and not custom:
        allowed = ", ".join(options)
        return Problem(
            name, "INVALID_OPTION", f"{given} was not one of the allowed options: {allowed}"
        )
    return None
