"""Shared state: one interface, two backends, chosen by ``server.state`` (API.md section 7).

``local`` (gateway/store/local.py) is the default: one process, an embedded SQLite
file for what must outlive a restart, the read cache and breakers in memory.
``redis``, ``redis-sentinel`` and ``redis-cluster`` (gateway/store/redis.py, one class:
the client differs) share everything between every worker and instance. What each
holds:

================  =====================================  ==================================
promise           local                                  redis
================  =====================================  ==================================
idempotency       SQLite answers; in-flight in memory    one key per (API key, Idempotency-
                                                         Key): SET NX claim, then the answer
read cache        memory (gateway/caching/cache.py)              entries + tag generations
                                                         (gateway/store/shared_cache.py)
circuit breaker   memory (kernel/resilience.py)          a hash per connection, one trial
                                                         (gateway/store/shared_breaker.py)
cursor secret     SQLite (survives a restart)            one key, made once (SET NX)
config versions   SQLite                                 a list and a current version,
                                                         followed by every instance
named values      SQLite, each with its expiry           one key each, Redis's own expiry
(console                                                 (PX, PEXPIRE)
sessions, poller
schedules)
================  =====================================  ==================================

A store call that fails raises ``StoreDown``; the callers degrade as the contract says
(reads bypass the cache, a POST with ``Idempotency-Key`` is 503 ``state_unavailable``,
breakers fall back to this process's own count) and ``healthy`` turns false until
a call succeeds again.
"""

from __future__ import annotations

from pathlib import Path

from gateway.config.model import Config, LocalState
from gateway.store.base import (
    ConfigVersion,
    ErrorHook,
    IdempotencyRecord,
    StaleConfig,
    Store,
    StoreDown,
)

__all__ = ["ConfigVersion", "IdempotencyRecord", "StaleConfig", "Store", "StoreDown", "open_store"]


def open_store(
    config: Config, config_path: Path | None, on_error: ErrorHook | None = None
) -> Store:
    """The store ``server.state`` names. A relative local path is relative to the config
    file's folder; an app built without a file (tests, embedding) keeps local state in
    memory unless the path is absolute."""
    state = config.server.state
    if isinstance(state, LocalState):
        from gateway.store.local import LocalStore

        path = Path(state.path)
        if not path.is_absolute():
            path = config_path.parent / path if config_path is not None else Path(":memory:")
        return LocalStore(path, on_error=on_error)
    from gateway.store.redis import RedisStore

    return RedisStore(state, prefix=state.prefix, timeout=state.timeout, on_error=on_error)
