"""Country names and codes -> ISO 3166-1 alpha-2, from CLDR data (babel).

Upstreams send ``"DE"``, ``"de"``, ``"Germany"`` or ``"Deutschland"``; the canonical
schema wants ``"DE"``. Names are matched case-insensitively in the languages of the
markets the upstreams serve.
"""

from __future__ import annotations

import functools

from babel import Locale

LANGUAGES = ("en", "de", "fr", "it", "nl", "es", "pt", "pl", "da", "sv", "cs", "fi", "nb")


@functools.cache
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for language in LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(name.casefold(), code)
                names.setdefault(code.casefold(), code)
    return names


def to_alpha2(value: object) -> str | None:
    """The ISO code for a code or a country name; ``None`` when empty or unknown."""
    if not isinstance(value, str) or not value.strip():
        return None
    return _names().get(value.strip().casefold())
