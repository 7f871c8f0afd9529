"""The secrets this gateway knows (configured keys and tokens, tokens fetched at run
time), so that none of them ever leaves in an answer or a log line.

Logs (gateway/logging.py) and every error envelope (kernel/errors.py) pass their text
through ``KNOWN.redact``: an upstream that echoes the gateway's own token or client
secret in its error message never hands it to a client.
"""

from __future__ import annotations

from collections.abc import Iterable

REDACTED = "***"
MIN_LENGTH = 4  # shorter values would mask ordinary words
KEEP_FETCHED = 50  # run-time tokens remembered besides the configured secrets


class Secrets:
    def __init__(self) -> None:
        self.values: tuple[str, ...] = ()

    def set(self, values: Iterable[str]) -> None:
        """Replace the known secrets (longest first, so a secret inside another is
        masked whole)."""
        kept = {v for v in values if len(v) >= MIN_LENGTH}
        self.values = tuple(sorted(kept, key=len, reverse=True))

    def add(self, value: str) -> None:
        """Also mask ``value`` (e.g. an access token fetched at run time)."""
        if value not in self.values:
            self.set([*self.values[-KEEP_FETCHED:], value])

    def redact(self, text: str) -> str:
        for secret in self.values:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text


KNOWN = Secrets()
