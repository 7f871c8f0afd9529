"""``gateway check-config``: every problem of a config file at once, as a compiler
reports them (text) or as a stable JSON document an editor or CI step reads."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from gateway.cli.base import CONFIG_FILE, GatewayCommand, fail, secrets_key_problem
from gateway.config.model import DEFAULT_PATH, Config, ConfigError
from gateway.config.text import load_config

Located = tuple[str, str, tuple[int, int] | None]


@click.command("check-config", cls=GatewayCommand)
@click.argument("path", required=False, type=CONFIG_FILE)
@click.option("--config", "config_option", type=CONFIG_FILE, hidden=True)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    help="json: {ok, path, connections, problems: [{path, line, column, key, message}]} on stdout",
)
def check_config(path: str | None, config_option: str | None, output: str) -> int:
    """Validate a config file and exit.

    Exit 0 when it is valid, 1 when it has problems, 2 when GATEWAY_SECRETS_KEY is no
    key. PATH defaults as for serve."""
    path = path or config_option
    if output == "json":
        return _check_json(path)
    if (problem := secrets_key_problem()) is not None:
        return fail(problem)
    config = load(path)
    if config is None:
        return 1
    names = ", ".join(f"{n} ({c.adapter})" for n, c in config.connections.items())
    print(f"config OK: {len(config.connections)} connection(s): {names}")
    return 0


def _check_json(path: str | None) -> int:
    file = config_file(path)
    document: dict[str, Any] = {"ok": False, "path": str(file), "connections": []}
    code = 0
    if (problem := secrets_key_problem()) is not None:
        document["problems"] = [_problem(None, "GATEWAY_SECRETS_KEY", problem, None)]
        code = 2
    else:
        try:
            config = load_config(path)
        except ConfigError as exc:
            document["problems"] = [_problem(file, *p) for p in in_order(exc)]
            code = 1
        else:
            document["ok"] = True
            document["connections"] = [
                {"name": n, "adapter": c.adapter} for n, c in config.connections.items()
            ]
            document["problems"] = []
    print(json.dumps(document, indent=2))
    return code


def _problem(
    file: Path | None, key: str, message: str, position: tuple[int, int] | None
) -> dict[str, Any]:
    line, column = position if position else (None, None)
    return {
        "path": None if file is None else str(file),
        "line": line,
        "column": column,
        "key": key or None,
        "message": message,
    }


def in_order(error: ConfigError) -> list[Located]:
    """The problems in the order they are written in the file (unplaced ones last)."""
    return sorted(error.located(), key=lambda p: p[2] or (1 << 30, 0))


def load(path: str | None) -> Config | None:
    """The config, or None once its problems are reported on stderr."""
    try:
        return load_config(path)
    except ConfigError as exc:
        print(config_report(config_file(path), exc), file=sys.stderr)
        return None


def config_report(path: Path, error: ConfigError) -> str:
    """The problems as a compiler reports them, in the order they are written:
    ``config.yaml:12:5: connections.shop.api_version: 11 is not offered ...``."""
    located = in_order(error)
    count = f"{len(located)} problem" + ("s" if len(located) != 1 else "")
    lines = [f"config error in {path}: {count}"]
    for where, message, position in located:
        at = f"{path}:{position[0]}:{position[1]}" if position else str(path)
        lines.append(f"  {at}: {where + ': ' if where else ''}{message}")
    return "\n".join(lines)


def config_file(path: str | None) -> Path:
    return Path(path or os.environ.get("GATEWAY_CONFIG") or DEFAULT_PATH).resolve()
