"""What the simulators share beside the ``Sandbox`` wrapper: query numbers, the docs'
fixture payloads they seed from, and page slices."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from typing import Any, TypeVar

T = TypeVar("T")


def query_int(value: str | None, default: int) -> int | None:
    """A query parameter as an int (``default`` when absent, ``None`` when not a number)."""
    if value is None:
        return default
    return int(value) if re.fullmatch(r"-?[0-9]{1,9}", value) else None


def fixture(upstream: str, name: str) -> Any:
    """A doc example payload of ``upstream`` (``adapters/<upstream>/fixtures/<name>.json``):
    the simulators seed their first records from the same JSON the mapping tests read."""
    text = files(f"adapters.{upstream}").joinpath(f"fixtures/{name}.json").read_text("utf-8")
    return json.loads(text)


def page_of(rows: list[T], page: int, per_page: int) -> list[T]:
    """Rows of 1-based ``page`` with ``per_page`` rows each."""
    return rows[(page - 1) * per_page : page * per_page]


def last_page(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))
