"""The OpenAPI document as Markdown, for the docs site's API reference.

The docs site (mkdocs.yml, docs/hooks.py) renders this at build time from the same
document ``/openapi.json`` serves, so the reference cannot drift from the endpoints:
each operation under its tag, with its description, parameters, body and answers. The
schemas themselves stay in the JSON (linked from the page) and in Swagger UI at
``/docs``, which shows them with their examples.
"""

from __future__ import annotations

from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")


def cell(text: object) -> str:
    """Text fit for one Markdown table cell: one line, no column break."""
    return " ".join(str(text).split()).replace("|", "\\|")


def schema_type(schema: dict[str, Any]) -> str:
    """A short name for a parameter's or body's schema: ``integer``, ``"a" | "b"``, a ref."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "enum" in schema:
        return " \\| ".join(f"`{value}`" for value in schema["enum"])
    if "anyOf" in schema:
        return " or ".join(schema_type(option) for option in schema["anyOf"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"array of {schema_type(schema.get('items', {}))}"
    return str(kind)


def parameters(operation: dict[str, Any]) -> list[str]:
    params = operation.get("parameters", [])
    if not params:
        return []
    lines = ["| parameter | in | type | required | description |", "|---|---|---|---|---|"]
    for param in params:
        schema = param.get("schema", {})
        default = f" (default `{schema['default']}`)" if "default" in schema else ""
        lines.append(
            f"| `{param['name']}` | {param['in']} | {schema_type(schema)} | "
            f"{'yes' if param.get('required') else 'no'} | "
            f"{cell(param.get('description', ''))}{default} |"
        )
    return [*lines, ""]


def body(operation: dict[str, Any]) -> list[str]:
    request = operation.get("requestBody")
    if not request:
        return []
    kinds = [
        f"`{media}` ({schema_type(content.get('schema', {}))})"
        for media, content in request.get("content", {}).items()
    ]
    required = "required" if request.get("required") else "optional"
    return [f"**Body** ({required}): {', '.join(kinds)}.", ""]


def responses(operation: dict[str, Any]) -> list[str]:
    lines = ["| status | meaning | body |", "|---|---|---|"]
    for status, answer in operation.get("responses", {}).items():
        contents = answer.get("content", {})
        shown = ", ".join(
            f"`{media}` {schema_type(content.get('schema', {}))}".strip()
            for media, content in contents.items()
        )
        lines.append(f"| {status} | {cell(answer.get('description', ''))} | {shown} |")
    return [*lines, ""]


def operation_section(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    lines = [f"### {operation.get('summary') or f'{method.upper()} {path}'}", ""]
    lines += [f"`{method.upper()} {path}`", ""]
    if operation.get("description"):
        lines += [operation["description"].strip(), ""]
    return lines + parameters(operation) + body(operation) + responses(operation)


def render(document: dict[str, Any]) -> str:
    """Every operation of ``document``, grouped by its first tag in order of appearance."""
    groups: dict[str, list[str]] = {}
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or ["other"])[0]
            groups.setdefault(tag, []).extend(operation_section(path, method, operation))
    lines: list[str] = []
    for tag, section in groups.items():
        lines += [f"## {tag.capitalize()}", "", *section]
    return "\n".join(lines).rstrip("\n") + "\n"
