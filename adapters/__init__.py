"""Adapters, one folder per upstream, registered by the name config.yaml's ``adapter:`` uses."""

from __future__ import annotations

from adapters.base import Adapter
from adapters.borderbolt.adapter import BorderBoltAdapter

ADAPTERS: dict[str, type[Adapter]] = {
    BorderBoltAdapter.name: BorderBoltAdapter,
}

__all__ = ["ADAPTERS", "Adapter"]
