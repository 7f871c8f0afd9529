"""structlog set-up: one JSON object per line, with secrets redacted.

Redaction works two ways, so a secret cannot slip out under an unexpected key:
values under sensitive keys (authorization, token, secret, password, key, ...) are
replaced, and any configured secret (API keys, upstream tokens) found inside any
string value is masked.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, MutableMapping
from typing import Any

import structlog

from kernel.log_level import set_level
from kernel.secrets import KNOWN, REDACTED, Secrets

__all__ = ["REDACTED", "Redactor", "configure_logging", "redactor"]

SENSITIVE_KEY = re.compile(r"authorization|token|secret|password|api[_-]?key|^key$|cookie", re.I)


class Redactor:
    """A structlog processor over a set of known secrets (kernel/secrets.py), which
    can be replaced when the config changes. The gateway's one ``redactor`` uses the
    process-wide ``KNOWN`` set that error envelopes are redacted with too."""

    def __init__(self, known: Secrets | None = None) -> None:
        self.known = known if known is not None else Secrets()

    @property
    def secrets(self) -> tuple[str, ...]:
        return self.known.values

    def set_secrets(self, secrets: Iterable[str]) -> None:
        self.known.set(secrets)

    def add_secret(self, secret: str) -> None:
        """Also mask ``secret`` (e.g. an access token fetched at run time)."""
        self.known.add(secret)

    def __call__(
        self, _: Any, __: str, event: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        return {key: self._clean(key, value) for key, value in event.items()}

    def _clean(self, key: str, value: Any) -> Any:
        if SENSITIVE_KEY.search(key) and key != "event":
            return REDACTED
        if isinstance(value, str):
            return self.known.redact(value)
        if isinstance(value, dict):
            return {k: self._clean(str(k), v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self._clean(key, v) for v in value]
        return value


redactor = Redactor(KNOWN)


def configure_logging(level: str = "info", stream: Any = None) -> None:
    number = logging.getLevelNamesMapping()[level.upper()]
    set_level(number)  # kernel/log_level.py: what request paths ask before logging
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redactor,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(number),
        logger_factory=structlog.PrintLoggerFactory(stream or sys.stdout),
        cache_logger_on_first_use=False,
    )
