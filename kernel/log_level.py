"""The level the log is configured at, readable without building a logger.

``structlog.get_logger`` hands out a lazy proxy that binds a new logger on every use
(the tests reconfigure logging, so ``cache_logger_on_first_use`` stays off): asking it
``is_enabled_for``, or calling a method its level filters out, costs ~4 µs. A request
path asks ``enabled_for`` instead before gathering a line it would drop: a comparison.
gateway/observability/logging.py sets the level whenever it configures structlog.
"""

from __future__ import annotations

import logging

_level = logging.NOTSET  # structlog's own default filters nothing


def set_level(level: int) -> None:
    global _level
    _level = level


def enabled_for(level: int) -> bool:
    """Whether a line at ``level`` is written."""
    return level >= _level
