"""Adapters, one folder per upstream, registered by the name config.yaml's ``adapter:`` uses.

The registry maps a name to ``"module:Class"`` and imports the module only when the
name is first used (libcloud's ``providers.py`` does the same), so a gateway imports
just the adapters it serves, and never a simulator unless a connection is ``sandbox:``.
Adding an upstream: one folder under ``adapters/`` and one line in ``REGISTRY``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from functools import cache

from adapters.base import Adapter

REGISTRY: Mapping[str, str] = {
    "borderbolt": "adapters.borderbolt.adapter:BorderBoltAdapter",
    "crm": "adapters.crm.adapter:CrmAdapter",
    "hubspot": "adapters.hubspot.adapter:HubSpotAdapter",
    "inventorum": "adapters.inventorum.adapter:InventorumAdapter",
}


@cache
def load(target: str) -> object:
    """The object a ``"module:attribute"`` reference names, imported on first use."""
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


class _Adapters(Mapping[str, type[Adapter]]):
    """``REGISTRY`` as a mapping of adapter classes, each imported when first looked up."""

    def __getitem__(self, name: str) -> type[Adapter]:
        adapter = load(REGISTRY[name])
        assert isinstance(adapter, type) and issubclass(adapter, Adapter)
        return adapter

    def __iter__(self) -> Iterator[str]:
        return iter(REGISTRY)

    def __len__(self) -> int:
        return len(REGISTRY)

    def __contains__(self, name: object) -> bool:
        return name in REGISTRY


ADAPTERS: Mapping[str, type[Adapter]] = _Adapters()

__all__ = ["ADAPTERS", "REGISTRY", "Adapter", "load"]
