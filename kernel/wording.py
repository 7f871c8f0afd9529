"""How messages name things: lists in words, "did you mean", pydantic's errors in the
contract's voice.

Every message a client or an admin reads is a sentence: ``borderbolt, crm or shop``,
never ``['borderbolt', 'crm', 'shop']``; a typo gets the name it was probably meant
to be; a pydantic error says what the value must be (``must be text``), not how
pydantic failed (``Input should be a valid string``).
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

COUNTRY_RULE = "must be an ISO 3166-1 alpha-2 code: two letters, e.g. NL"
CURRENCY_RULE = "must be an ISO 4217 code: three capital letters, e.g. EUR"
# A pattern in a schema, in words (schemas/base.py, schemas/item.py).
PATTERNS = {"^[A-Za-z]{2}$": COUNTRY_RULE, "^[A-Z]{3}$": CURRENCY_RULE}


def quoted(names: Iterable[str]) -> list[str]:
    return [f"'{name}'" for name in names]


def in_words(names: Iterable[str], last: str = "or") -> str:
    """``a``, ``a or b``, ``a, b or c`` (each name as given, in the order given)."""
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def one_of(names: Iterable[str]) -> str:
    """``one of borderbolt, crm or shop`` (sorted); ``borderbolt`` for a single name."""
    items = sorted(names)
    return items[0] if len(items) == 1 else f"one of {in_words(items)}"


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``; did you mean 'limit'?`` when a candidate is close to ``word``, else ``""``."""
    if len(word) > 64:  # nothing this long is a typo of a name
        return ""
    by_lower = {candidate.lower(): candidate for candidate in candidates}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return f"; did you mean '{by_lower[close[0]]}'?" if close else ""


def suggestion(word: str, candidates: Iterable[str], separator: str = ": ") -> str:
    """``; did you mean 'crm'?`` when a candidate is close, else the candidates in words
    after ``separator``: ``: one of borderbolt, crm or shop``."""
    names = sorted(candidates)
    return did_you_mean(word, names) or f"{separator}{one_of(names)}"


def unknown_name(word: str, candidates: Iterable[str], what: str) -> str:
    """``not a query parameter here; did you mean 'limit'?`` or, with no close match,
    ``not a query parameter here: one of a, b or c``."""
    return f"not {what}{suggestion(word, candidates)}"


def location(loc: Iterable[int | str]) -> str:
    """``billing_address.country``, ``shipping_addresses[0].city``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def problem(error: Mapping[str, Any], known: Iterable[str] = ()) -> str:
    """One pydantic error (``exc.errors()`` item) as a phrase about the field:
    ``required``, ``must be text``, ``not a field here; did you mean 'name'?``."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        field = str(error["loc"][-1]) if error["loc"] else ""
        return unknown_name(field, known, "a field here")
    if kind == "string_pattern_mismatch":
        return PATTERNS.get(str(ctx.get("pattern")), "does not have the expected form")
    if kind == "string_too_short":
        least = ctx.get("min_length", 1)
        return "must not be empty" if least == 1 else f"must be at least {least} characters"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind in ("literal_error", "enum"):
        return f"must be {ctx.get('expected')}"
    if kind in BOUNDS:
        try:
            return BOUNDS[kind].format(**ctx)
        except KeyError:
            return "is out of range"
    if kind == "union_tag_invalid":
        tags = str(ctx.get("expected_tags", "")).split(", ")
        return f"{str(ctx.get('discriminator', 'type')).strip(chr(39))} must be {in_words(tags)}"
    if kind == "union_tag_not_found":
        return f"needs {ctx.get('discriminator', 'a type')}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return TYPES.get(kind, "not valid")


def predicate(phrase: str) -> str:
    """A phrase with its verb: ``required`` -> ``is required``; ``must be text`` as is."""
    return phrase if phrase.split(" ", 1)[0] in ("must", "does", "needs", "is") else f"is {phrase}"


def sentence(field: str | None, phrase: str) -> str:
    """``name is required``, ``name must be text``; the phrase alone without a field."""
    return f"{field} {predicate(phrase)}" if field else phrase


def observed(error: Mapping[str, Any]) -> str:
    """A pydantic error as what a value *is* (for data read from an upstream):
    ``is not text``, ``is missing``."""
    phrase = problem(error)
    if phrase == "required":
        return "is missing"
    if phrase.startswith("must be "):
        return "is not " + phrase.removeprefix("must be ")
    return predicate(phrase)


def field_problems(model: type[BaseModel], exc: ValidationError) -> list[tuple[str | None, str]]:
    """Each error of ``model.model_validate`` as (field path, phrase); an unknown field's
    phrase suggests the closest field of the object it was found in."""
    problems = []
    for error in exc.errors(include_url=False, include_input=False):
        loc = tuple(error["loc"])
        known = fields_at(model, loc[:-1]) if error["type"] == "extra_forbidden" else ()
        problems.append((location(loc) or None, problem(error, known)))
    return problems


def fields_at(
    model: type[BaseModel],
    loc: tuple[int | str, ...],
    tags: Mapping[str, type[BaseModel]] | None = None,
) -> list[str]:
    """The field names of the object at ``loc`` inside ``model``: through nested models,
    lists (an index) and dicts (a key); ``tags`` names the model a discriminated
    union's tag in ``loc`` stands for."""
    current: Any = model
    for part in loc:
        if tags and isinstance(part, str) and part in tags:
            current = tags[part]
            continue
        current = _step(_unwrapped(current), part)
        if current is None:
            return []
    found = _unwrapped(current)
    return list(found.model_fields) if _is_model(found) else []


def _step(annotation: Any, part: int | str) -> Any:
    origin = typing.get_origin(annotation)
    if origin is dict:
        return typing.get_args(annotation)[1]
    if origin is list:
        return typing.get_args(annotation)[0]
    if _is_model(annotation) and isinstance(part, str):
        field = annotation.model_fields.get(part)
        return field.annotation if field is not None else None
    return None


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _unwrapped(annotation: Any) -> Any:
    """``X`` from ``X | None`` and ``Annotated[X, ...]`` (the first model of a union)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrapped(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        models = [a for a in options if _is_model(_unwrapped(a))]
        return _unwrapped((models or options)[0])
    return annotation


TYPES = {
    "string_type": "must be text",
    "string_sub_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "decimal_type": "must be a number",
    "decimal_parsing": "must be a number",
    "finite_number": "must be a finite number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "list_type": "must be an array",
    "date_type": "must be a date (YYYY-MM-DD)",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
    "datetime_type": "must be an ISO 8601 date-time",
    "datetime_parsing": "must be an ISO 8601 date-time",
    "datetime_from_date_parsing": "must be an ISO 8601 date-time",
    "none_required": "must be null",
    "url_parsing": "must be a URL",
    "url_scheme": "must be an http or https URL",
}
BOUNDS = {
    "greater_than": "must be greater than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
    "too_short": "must have at least {min_length} item(s)",
    "too_long": "must have at most {max_length} item(s)",
}
