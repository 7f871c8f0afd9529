"""``gateway serve`` and ``gateway check-config`` (also ``python -m gateway``)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from gateway.config import DEFAULT_PATH, Config, ConfigError, load_config


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gateway", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the gateway")
    serve.add_argument("--config", help="config file (default: $GATEWAY_CONFIG or ./config.yaml)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, default=1, help="processes (set server.cursor_secret for >1)"
    )
    check = commands.add_parser("check-config", help="validate a config file and exit")
    check.add_argument("path", nargs="?", help="config file (default as for serve)")
    check.add_argument("--config", dest="config_option", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.command == "check-config":
        path = args.path or args.config_option
        config = _load(path)
        if config is None:
            return 1
        names = ", ".join(f"{n} ({c.adapter})" for n, c in config.connections.items())
        print(f"config OK: {len(config.connections)} connection(s): {names}")
        return 0
    config = _load(args.config)
    if config is None:
        return 1
    return _serve(config, config_file(args.config), args.host, args.port, args.workers)


def _load(path: str | None) -> Config | None:
    try:
        return load_config(path)
    except ConfigError as exc:
        print(f"config error in {path or 'the config'}:", file=sys.stderr)
        for where, message in exc.problems:
            print(f"  {where or '(top)'}: {message}", file=sys.stderr)
        return None


def config_file(path: str | None) -> Path:
    return Path(path or os.environ.get("GATEWAY_CONFIG") or DEFAULT_PATH).resolve()


def _serve(config: Config, path: Path, host: str, port: int, workers: int = 1) -> int:
    import uvicorn

    from gateway.app import create_app
    from gateway.logging import configure_logging

    configure_logging(config.server.log_level)
    if workers > 1:
        # Each worker builds its own app from the same file (gateway.asgi).
        os.environ["GATEWAY_CONFIG"] = str(path)
        uvicorn.run(
            "gateway.asgi:create",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            access_log=False,
            log_level="warning",
        )
    else:
        app = create_app(config, config_path=path)
        uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")
    return 0
