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

REDACTED = "***"
SENSITIVE_KEY = re.compile(r"authorization|token|secret|password|api[_-]?key|^key$|cookie", re.I)


class Redactor:
    """A structlog processor; ``secrets`` can be replaced when the config changes."""

    def __init__(self) -> None:
        self.secrets: tuple[str, ...] = ()

    def set_secrets(self, secrets: Iterable[str]) -> None:
        self.secrets = tuple(sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True))

    def add_secret(self, secret: str) -> None:
        """Also mask ``secret`` (e.g. an access token fetched at run time)."""
        if secret not in self.secrets:
            self.set_secrets([*self.secrets[-50:], secret])

    def __call__(
        self, _: Any, __: str, event: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        return {key: self._clean(key, value) for key, value in event.items()}

    def _clean(self, key: str, value: Any) -> Any:
        if SENSITIVE_KEY.search(key) and key != "event":
            return REDACTED
        if isinstance(value, str):
            for secret in self.secrets:
                if secret in value:
                    value = value.replace(secret, REDACTED)
            return value
        if isinstance(value, dict):
            return {k: self._clean(str(k), v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self._clean(key, v) for v in value]
        return value


redactor = Redactor()


def configure_logging(level: str = "info", stream: Any = None) -> None:
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redactor,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[level.upper()]
        ),
        logger_factory=structlog.PrintLoggerFactory(stream or sys.stdout),
        cache_logger_on_first_use=False,
    )
