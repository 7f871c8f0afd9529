"""The simulated account's state: each object type's records, and the associations
between contacts and companies.

A record is kept flat: ``id``, ``created_at``, ``updated_at``, ``archived_at`` (set
once archived) and its property values by name, so the sandbox console
(adapters/sandbox/console.py) edits it as HubSpot's own UI would: a property changed
there moves ``updated_at`` (``hs_lastmodifieddate``), and a record deleted there is
archived, as in HubSpot, where it stays readable with ``archived=true``.

A contact is associated with any number of companies, one of them its primary
company (HubSpot's "Primary" label, association types 1 and 2). Its record keeps that
company's ID as ``associatedcompanyid`` (HubSpot's "Primary Associated Company ID"), so
a contact the console makes with one (as the UI's "Associate contact with company"
does) is associated with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field

from adapters.hubspot.simulator.rules import COMPANIES, CONTACTS, ObjectType
from adapters.hubspot.simulator.shapes import Record, now

# HUBSPOT_DEFINED association types: (from, to) -> (unlabeled, primary)
ASSOCIATION_TYPES = {("contacts", "companies"): (279, 1), ("companies", "contacts"): (280, 2)}


class Records(MutableMapping[str, Record]):
    """One object type's records as its UI sees them: the live ones; deleting one
    archives it (``every`` holds the archived ones too)."""

    def __init__(self, kind: ObjectType) -> None:
        self.kind = kind
        self.every: dict[str, Record] = {}
        self.made: Callable[[str, Record], None] | None = None  # told of each record set

    def __getitem__(self, key: str) -> Record:
        record = self.every[key]
        if record.get("archived_at") is not None:
            raise KeyError(key)
        return record

    def __setitem__(self, key: str, record: Record) -> None:
        self.every[key] = record
        if self.made is not None:
            self.made(key, record)

    def __delitem__(self, key: str) -> None:
        self[key]["archived_at"] = now()

    def __iter__(self) -> Iterator[str]:
        return (k for k, r in self.every.items() if r.get("archived_at") is None)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def in_order(self, *, archived: bool = False) -> list[Record]:
        """Live (or only archived) records by ID, as the list endpoint reads them."""
        rows = [r for r in self.every.values() if (r.get("archived_at") is not None) == archived]
        return sorted(rows, key=lambda r: int(r["id"]))


@dataclass
class Account:
    """A HubSpot account: companies, contacts, and who is associated with whom."""

    companies: Records = field(default_factory=lambda: Records(COMPANIES))
    contacts: Records = field(default_factory=lambda: Records(CONTACTS))
    links: set[tuple[str, str]] = field(default_factory=set)  # (contact, company)
    primary: dict[str, str] = field(default_factory=dict)  # contact -> its primary company
    next_ids: dict[str, int] = field(
        default_factory=lambda: {"companies": 200001, "contacts": 300001}
    )

    def records(self, kind: ObjectType) -> Records:
        return self.companies if kind is COMPANIES else self.contacts

    def take_id(self, kind: str) -> str:
        taken = self.next_ids[kind]
        self.next_ids[kind] += 1
        return str(taken)

    def __post_init__(self) -> None:
        self.contacts.made = self._made_with_company

    def _made_with_company(self, contact: str, record: Record) -> None:
        company = record.get("associatedcompanyid")
        if company is not None and self.primary.get(contact) != company:
            self.associate(contact, str(company), primary=True)

    def associate(self, contact: str, company: str, *, primary: bool = False) -> None:
        self.links.add((contact, company))
        if primary:  # a contact has one primary company: this one now
            self.primary[contact] = company
            if contact in self.contacts.every:
                self.contacts.every[contact]["associatedcompanyid"] = company

    def associated(self, kind: ObjectType, record_id: str) -> list[tuple[str, bool]]:
        """The live records of the other type associated with ``record_id``, by ID, and
        whether the association is the contact's primary one."""
        if kind is CONTACTS:
            found = [
                (co, self.primary.get(record_id) == co) for c, co in self.links if c == record_id
            ]
            live = self.companies
        else:
            found = [
                (c, self.primary.get(c) == record_id) for c, co in self.links if co == record_id
            ]
            live = self.contacts
        return sorted(((i, p) for i, p in found if i in live), key=lambda pair: int(pair[0]))

    def labels(self, kind: ObjectType, primary: bool) -> list[dict[str, object]]:
        """The v4 ``associationTypes`` of one association from ``kind``."""
        other = "companies" if kind is CONTACTS else "contacts"
        unlabeled, labelled = ASSOCIATION_TYPES[(kind.name, other)]
        types: list[dict[str, object]] = [
            {"category": "HUBSPOT_DEFINED", "typeId": unlabeled, "label": None}
        ]
        if primary:
            types.append({"category": "HUBSPOT_DEFINED", "typeId": labelled, "label": "Primary"})
        return types
