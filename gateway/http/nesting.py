"""How deeply a JSON (or YAML flow-style) text nests, measured before any parser recurses.

A request body of a thousand nested arrays is valid JSON that makes recursive code
(pydantic, the fingerprint's re-encoding) fail; a YAML document nested a few thousand
levels makes ruamel's scanner crawl. ``flow_depth`` bounds both in C-speed passes:
double-quoted strings are cut out with one regex, every byte but brackets is dropped,
and the running depth is accumulated over what is left.
"""

from __future__ import annotations

import re
from itertools import accumulate

MAX_DEPTH = 32
STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
BRACKETS = b"[]{}"
NOT_BRACKETS = bytes(b for b in range(256) if b not in BRACKETS)
STEP = [0] * 256
STEP[ord("[")] = STEP[ord("{")] = 1
STEP[ord("]")] = STEP[ord("}")] = -1


def flow_depth(text: str | bytes) -> int:
    """The deepest nesting of ``[``/``{`` outside double-quoted strings (0 when it has
    too few brackets to nest past ``MAX_DEPTH`` at all)."""
    raw = text.encode() if isinstance(text, str) else text
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return 0
    brackets = STRINGS.sub(b"", raw).translate(None, NOT_BRACKETS)
    return max(accumulate(map(STEP.__getitem__, brackets)), default=0)
