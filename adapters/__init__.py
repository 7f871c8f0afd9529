"""Adapters, one folder per upstream, registered by the name config.yaml's ``adapter:`` uses."""

from __future__ import annotations

from adapters.base import Adapter
from adapters.borderbolt.adapter import BorderBoltAdapter
from adapters.crm.adapter import CrmAdapter
from adapters.inventorum.adapter import InventorumAdapter

ADAPTERS: dict[str, type[Adapter]] = {
    BorderBoltAdapter.name: BorderBoltAdapter,
    CrmAdapter.name: CrmAdapter,
    InventorumAdapter.name: InventorumAdapter,
}

__all__ = ["ADAPTERS", "Adapter"]
