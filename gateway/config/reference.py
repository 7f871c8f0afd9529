"""The configuration reference (docs/configuration.md), generated from the config models.

``python -m gateway.config.reference`` writes it (``make docs`` does, before building
the site); tests/test_config_reference.py fails when the committed page is stale, and
when a key has no description or no example. Nothing in it is written by hand: the keys,
their types, bounds, defaults and examples come from the models (``Config`` and what it
holds) and their JSON schema; each description is the docstring under the field, read
from the source here rather than by pydantic at import (gateway/config/base.py says why).
"""

from __future__ import annotations

import ast
import functools
import html
import inspect
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel
from pydantic_core import PydanticUndefined, to_jsonable_python

from gateway.config.model import Config

TARGET = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
HEADER = """# Configuration reference

<!-- Generated from the config models (gateway/config/) by `python -m
gateway.config.reference`: do not edit; tests/test_config_reference.py fails when stale. -->

Every key of `config.yaml`, generated from the config models (`gateway/config/`): its
type, default, what it does and an example. [Configuring the gateway](configuring.md)
says where the file is read from, how `${ENV}` references and YAML anchors work, and how
`gateway check-config` reports problems. Unknown keys are errors, so a typo never
silently turns a setting off.
"""


@functools.cache
def _module_tree(module: str) -> ast.Module:
    return ast.parse(inspect.getsource(sys.modules[module]))


def field_docs(model: type[BaseModel]) -> dict[str, str]:
    """The docstring under each field of ``model`` and of the models it extends."""
    docs: dict[str, str] = {}
    for klass in reversed(model.__mro__):
        if not issubclass(klass, BaseModel) or klass is BaseModel:
            continue
        for node in _module_tree(klass.__module__).body:
            if isinstance(node, ast.ClassDef) and node.name == klass.__name__:
                for first, then in zip(node.body, node.body[1:], strict=False):
                    if (
                        isinstance(first, ast.AnnAssign)
                        and isinstance(first.target, ast.Name)
                        and isinstance(then, ast.Expr)
                        and isinstance(then.value, ast.Constant)
                        and isinstance(then.value.value, str)
                    ):
                        docs[first.target.id] = inspect.cleandoc(then.value.value)
    return docs


def models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation holds (``X | None``, ``list[X]``, ``dict[str, X]``...)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in models_in(arg)]


def code(text: str) -> str:
    """``text`` as code in a table cell: a ``|`` would end the cell (and GitHub and MkDocs
    disagree on escaping it), so such text is written as HTML with the pipe as an entity."""
    if "|" not in text:
        return f"`{text}`"
    return "<code>" + html.escape(text).replace("|", "&#124;") + "</code>"


def value(data: Any) -> str:
    return code(json.dumps(to_jsonable_python(data), ensure_ascii=False))


def bounds(schema: dict[str, Any]) -> str:
    said = [
        f"{sign} {schema[key]}"
        for key, sign in (
            ("exclusiveMinimum", ">"),
            ("minimum", "≥"),
            ("exclusiveMaximum", "<"),
            ("maximum", "≤"),
        )
        if key in schema
    ]
    return f" ({', '.join(said)})" if said else ""


def type_text(schema: dict[str, Any]) -> str:
    """A short, readable type: ``number (> 0, ≤ 5)``, ``text matching `...` ``, a list..."""
    if "anyOf" in schema:
        return " or ".join(type_text(option) for option in schema["anyOf"])
    if "const" in schema:
        return value(schema["const"])
    if "enum" in schema:
        return "one of " + ", ".join(value(v) for v in schema["enum"])
    kind = schema.get("type")
    if kind == "array":
        return f"list of {type_text(schema.get('items', {}))}"
    if kind == "object":
        values = schema.get("additionalProperties")
        return f"mapping of names to {type_text(values)}" if isinstance(values, dict) else "mapping"
    if kind == "string":
        if schema.get("format") == "password":
            return "secret (text)"
        pattern = schema.get("pattern")
        return f"text matching {value(pattern)}" if pattern else "text"
    if kind in ("integer", "number"):
        return ("integer" if kind == "integer" else "number") + bounds(schema)
    if kind == "boolean":
        return "`true` or `false`"
    return "null" if kind == "null" else "any"


@dataclass
class Section:
    """One model at one place of the file: its keys, as table rows."""

    path: str
    model: type[BaseModel]
    rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # keys without description or example

    @property
    def anchor(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.path.lower()).strip("-") or "top-level"


def variant_path(path: str, model: type[BaseModel]) -> str:
    """``server.state (backend: redis)``: a member of a union told apart by its tag."""
    for tag in ("backend", "type"):
        info = model.model_fields.get(tag)
        if info is not None and len(get_args(info.annotation)) == 1:
            return f"{path} ({tag}: {get_args(info.annotation)[0]})"
    return path


def sections(path: str, model: type[BaseModel]) -> list[Section]:
    """The section of ``model`` at ``path``, then those of the models it holds, in order."""
    section, nested = Section(path, model), []
    schema = model.model_json_schema(mode="validation")
    docs = field_docs(model)
    for name, info in model.model_fields.items():
        key = f"{path}.{name}" if path else name
        held = models_in(info.annotation)
        prop = schema["properties"][name]
        if held:
            origin = str(info.annotation)
            if origin.startswith("list["):
                key += "[]"
            elif origin.startswith("dict["):
                key += ".NAME"
            places = [variant_path(key, m) if len(held) > 1 else key for m in held]
            for place, held_model in zip(places, held, strict=True):
                nested += sections(place, held_model)
            links = ", ".join(f"[`{p}`](#{Section(p, Config).anchor})" for p in places)
            kind = "one of " + links if len(held) > 1 else links
            kind += " or null" if "null" in json.dumps(prop.get("anyOf", [])) else ""
        else:
            kind = type_text(prop)
        default = info.get_default(call_default_factory=True)
        shown = "required" if default is PydanticUndefined else value(default)
        if isinstance(default, BaseModel):
            shown = "its keys' defaults"
        examples = info.examples or (
            [prop["const"]]
            if "const" in prop
            else [default]
            if not held and default not in (None, PydanticUndefined, [], {})
            else []
        )
        said = json.dumps(to_jsonable_python(examples[0]), ensure_ascii=False) if examples else ""
        example = code(f"{name}: {said}") if examples else ""
        description = " ".join(docs.get(name, "").split())
        if not description or (not example and not held):
            section.missing.append(key)
        row = (f"`{name}`", kind, shown, description, example)
        section.rows.append(row)
    return [section, *nested]


def render() -> str:
    parts = [HEADER]
    for section in sections("", Config):
        title = section.path or "Top level"
        intro = inspect.cleandoc(section.model.__dict__.get("__doc__") or "")
        parts += (
            [f"## `{title}` {{#{section.anchor}}}", ""] if section.path else [f"## {title}", ""]
        )
        parts += [" ".join(intro.split()), ""] if intro else []
        parts += ["| key | type | default | description | example |", "|---|---|---|---|---|"]
        parts += ["| " + " | ".join(row) + " |" for row in section.rows]
        parts.append("")
    return "\n".join(parts)


def undocumented() -> list[str]:
    """Keys without a description, or without an example (given, or a default)."""
    return [key for section in sections("", Config) for key in section.missing]


def main() -> None:
    TARGET.write_text(render(), encoding="utf-8")
    print(
        f"wrote {TARGET.relative_to(Path.cwd()) if TARGET.is_relative_to(Path.cwd()) else TARGET}"
    )


if __name__ == "__main__":
    main()
