"""Adapters, one folder per upstream, registered by the name config.yaml's ``adapter:`` uses."""

from __future__ import annotations

from adapters.base import Adapter
from adapters.borderbolt.adapter import BorderBoltAdapter
from adapters.crm.adapter import CrmAdapter

ADAPTERS: dict[str, type[Adapter]] = {
    BorderBoltAdapter.name: BorderBoltAdapter,
    CrmAdapter.name: CrmAdapter,
}

__all__ = ["ADAPTERS", "Adapter"]
