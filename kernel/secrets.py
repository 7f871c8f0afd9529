"""The secrets this gateway knows (configured keys and tokens, tokens fetched at run
time), so that none of them ever leaves in an answer or a log line.

Logs (gateway/observability/logging.py) and every error envelope (kernel/errors.py) pass their text
through ``KNOWN.redact``: an upstream that echoes the gateway's own token or client
secret in its error message never hands it to a client. That text is already decoded
(the adapter parsed the upstream's JSON), so the secrets are looked for as they are.

A passthrough answer (gateway/routes/passthrough.py) is the upstream's bytes, not
decoded, so ``KNOWN.redact_bytes`` also looks for each secret as an upstream may have
written it: UTF-8; inside a JSON string (``\\/``, ``\\uXXXX``, ``\\"`` escapes);
percent-encoded (upper or lower case hex, ``+`` for a space); base64, standard or
URL-safe, at any alignment inside a longer base64 text (an echoed ``Basic`` header or
request), where the characters that depend on the secret alone are masked (at most two
at each end carry a few of its bits) and only when they are at least ``MIN_BASE64``
characters. Not recognised: other encodings of a body (UTF-16, HTML entities), bodies
compressed by the upstream's own format (``application/gzip``), a secret cut by line
breaks. Every byte that any form covers is masked (overlapping echoes too), in one
Aho-Corasick pass over the body whatever the number of forms: about 7 µs for a 4 KiB
answer with the test config's 15 secrets and 3 fetched tokens (about 70 forms), 12 µs
with 65 secrets, 2 ms for 1 MiB; a ``bytes.find`` per form took ten times that.
"""

from __future__ import annotations

import base64
import json
import re
from collections import deque
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

from ahocorasick_rs import BytesAhoCorasick

REDACTED = "***"
MIN_LENGTH = 4  # shorter values would mask ordinary words
MIN_BASE64 = 8  # shorter base64 runs would mask ordinary text
KEEP_FETCHED = 50  # run-time tokens remembered besides the configured secrets
_MASK = REDACTED.encode()
_HEX = re.compile(r"%[0-9A-F]{2}")


class Secrets:
    def __init__(self) -> None:
        self._configured: tuple[str, ...] = ()
        self._fetched: deque[str] = deque(maxlen=KEEP_FETCHED)
        self.values: tuple[str, ...] = ()
        self._forms: BytesAhoCorasick | None = None

    def set(self, values: Iterable[str]) -> None:
        """Replace the configured secrets (a config change). Fetched tokens stay known:
        a connection carried over to the new config keeps using its token."""
        self._configured = tuple(values)
        self._refresh()

    def add(self, value: str) -> None:
        """Also mask ``value`` (e.g. an access token fetched at run time); the
        ``KEEP_FETCHED`` latest are kept, the configured secrets always."""
        if value not in self._fetched:
            self._fetched.append(value)
            self._refresh()

    def _refresh(self) -> None:
        # Each attribute is swapped whole: a reader on another thread sees the old set or
        # the new one. Values longest first, so a secret inside another is masked whole.
        kept = {v for v in (*self._configured, *self._fetched) if len(v) >= MIN_LENGTH}
        forms = {form for value in kept for form in encodings(value)}
        self._forms = BytesAhoCorasick(forms) if forms else None
        self.values = tuple(sorted(kept, key=len, reverse=True))

    def redact(self, text: str) -> str:
        """``text`` with each known secret, as it is, replaced by ``***``."""
        for secret in self.values:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def redact_bytes(self, data: bytes) -> bytes:
        """``data`` with each known secret, in every form of the module docstring,
        replaced by ``***`` (one for each run of masked bytes); the same object when
        there is none."""
        forms = self._forms
        found = forms.find_matches_as_indexes(data, overlapping=True) if forms else None
        if not found:
            return data
        runs: list[list[int]] = []  # [start, end) of each run of masked bytes
        for _, start, end in sorted(found, key=lambda match: match[1]):
            if runs and start <= runs[-1][1]:
                runs[-1][1] = max(runs[-1][1], end)
            else:
                runs.append([start, end])
        parts, kept_from = [], 0
        for start, end in runs:
            parts += [data[kept_from:start], _MASK]
            kept_from = end
        parts.append(data[kept_from:])
        return b"".join(parts)


def encodings(secret: str) -> set[bytes]:
    """The byte strings ``secret`` may be written as (module docstring)."""
    texts = {secret}
    for ascii_only in (True, False):
        escaped = json.dumps(secret, ensure_ascii=ascii_only)[1:-1]
        texts |= {escaped, escaped.replace("/", "\\/")}
    percent = {"errors": "surrogatepass"}
    for encoded in (
        quote(secret, safe="", **percent),
        quote(secret, **percent),
        quote_plus(secret, safe="", **percent),
    ):
        texts |= {encoded, _HEX.sub(lambda hex_: hex_.group().lower(), encoded)}
    found = {text.encode("utf-8", "surrogatepass") for text in texts}
    raw = secret.encode("utf-8", "surrogatepass")
    for offset in range(3):  # the secret's first byte at each place of a 3-byte group
        start, end = -(-8 * offset // 6), 8 * (offset + len(raw)) // 6
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            core = encode(b"\0" * offset + raw)[start:end]
            if len(core) >= MIN_BASE64:
                found.add(core)
    return found


KNOWN = Secrets()
