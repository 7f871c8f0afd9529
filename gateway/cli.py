"""``gateway serve``, ``check-config``, ``simulate`` and ``webhook-receiver`` (also
``python -m gateway``)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from adapters import REGISTRY
from gateway.config.model import DEFAULT_PATH, Config, ConfigError, LocalState
from gateway.config.text import load_config


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="gateway",
        description=(
            "Customer Gateway: one REST API for customers, contacts and items over "
            f"several upstreams (adapters: {', '.join(REGISTRY)})."
        ),
        epilog=(
            "Start with 'gateway serve --config config.yaml' (what 'make run' does), then "
            "open http://127.0.0.1:8000/docs. 'gateway <command> --help' tells more."
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the gateway")
    serve.add_argument("--config", help="config file (default: $GATEWAY_CONFIG or ./config.yaml)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, default=1, help="processes (more than 1 needs server.state redis)"
    )
    simulate = commands.add_parser(
        "simulate", help="serve one upstream's simulator as its own process"
    )
    simulate.add_argument("adapter", choices=sorted(REGISTRY))
    simulate.add_argument("--host", default="127.0.0.1")
    simulate.add_argument("--port", type=int, required=True)
    simulate.add_argument("--token", default="sandbox", help="the bearer token it accepts")
    simulate.add_argument(
        "--client-id", help="OAuth2 client id it accepts (upstreams that issue tokens)"
    )
    simulate.add_argument("--client-secret", help="OAuth2 client secret it accepts")
    simulate.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    receiver = commands.add_parser(
        "webhook-receiver", help="print the webhook events POSTed to it, signatures checked"
    )
    receiver.add_argument("--host", default="127.0.0.1")
    receiver.add_argument("--port", type=int, default=9100)
    receiver.add_argument("--secret", required=True, help="the webhook's whsec_ secret")
    commands.add_parser(
        "secrets-key", help="print a new key for GATEWAY_SECRETS_KEY (config versions at rest)"
    )
    check = commands.add_parser("check-config", help="validate a config file and exit")
    check.add_argument("path", nargs="?", help="config file (default as for serve)")
    check.add_argument("--config", dest="config_option", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.command == "secrets-key":
        from gateway.config.sealing import new_key

        print(new_key())
        return 0
    if (problem := secrets_key_problem()) is not None:
        print(problem, file=sys.stderr)
        return 2
    if args.command == "check-config":
        path = args.path or args.config_option
        config = _load(path)
        if config is None:
            return 1
        names = ", ".join(f"{n} ({c.adapter})" for n, c in config.connections.items())
        print(f"config OK: {len(config.connections)} connection(s): {names}")
        return 0
    if args.command == "simulate":
        return _simulate(args)
    if args.command == "webhook-receiver":
        return _receive(args)
    config = _load(args.config)
    if config is None:
        return 1
    if refusal := workers_refusal(config, args.workers):
        print(refusal, file=sys.stderr)
        return 2
    if problem := state_problem(config):
        print(f"gateway serve: cannot start: {problem}", file=sys.stderr)
        return 2
    return _serve(config, config_file(args.config), args.host, args.port, args.workers)


def secrets_key_problem() -> str | None:
    """What is wrong with ``GATEWAY_SECRETS_KEY``, if it is set and not Fernet keys."""
    from gateway.config.sealing import KeyProblem, Sealer, keys_from_env

    try:
        Sealer(keys_from_env(), b"")
    except KeyProblem as exc:
        return str(exc)
    return None


def workers_refusal(config: Config, workers: int) -> str | None:
    """Why ``--workers`` cannot be used with this config, if it cannot."""
    if workers <= 1:
        return None
    if isinstance(config.server.state, LocalState):
        return (
            f"--workers {workers} needs state every worker shares: server.state.backend is "
            "'local' (one process). Configure server.state: {backend: redis, url: "
            "redis://127.0.0.1:6379/0} (see README 'Running several instances'), or serve "
            "one worker."
        )
    sandboxed = sorted(n for n, c in config.connections.items() if c.is_sandbox)
    if sandboxed:
        return (
            f"--workers {workers}: connection(s) {sandboxed} use base_url 'sandbox:', whose "
            "data lives in each process, so workers would hand out the same new IDs to "
            "different records. Serve each simulator once with 'gateway simulate ADAPTER "
            "--port N' and set base_url to http://127.0.0.1:N, or serve one worker."
        )
    return None


def state_problem(config: Config) -> str | None:
    """Why the shared state store the config names cannot be used now (None: it answers,
    or the state is local): a Redis that is not there, not the topology it is said to
    be, or that refuses the password, stops ``serve`` at once (API.md section 12)."""
    state = config.server.state
    if isinstance(state, LocalState):
        return None
    import asyncio

    from gateway.store.redis_probe import problem

    return asyncio.run(problem(state))


def _simulate(args: argparse.Namespace) -> int:
    import uvicorn

    from adapters import ADAPTERS
    from adapters.sandbox import Credentials

    credentials = Credentials(
        token=None if args.client_id else args.token,
        client_id=args.client_id,
        client_secret=args.client_secret,
    )
    sandbox = ADAPTERS[args.adapter].sandbox(credentials=credentials)
    sandbox.latency = args.latency
    uvicorn.run(sandbox, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


def _receive(args: argparse.Namespace) -> int:
    import uvicorn

    from gateway.changes.receiver import receiver_app

    print(f"receiving webhooks on http://{args.host}:{args.port}/", file=sys.stderr, flush=True)
    app = receiver_app(args.secret)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


def _load(path: str | None) -> Config | None:
    try:
        return load_config(path)
    except ConfigError as exc:
        print(config_report(config_file(path), exc), file=sys.stderr)
        return None


def config_report(path: Path, error: ConfigError) -> str:
    """The problems as a compiler reports them, in the order they are written:
    ``config.yaml:12:5: connections.shop.api_version: 11 is not offered ...``."""
    located = sorted(error.located(), key=lambda p: p[2] or (1 << 30, 0))
    count = f"{len(located)} problem" + ("s" if len(located) != 1 else "")
    lines = [f"config error in {path}: {count}"]
    for where, message, position in located:
        at = f"{path}:{position[0]}:{position[1]}" if position else str(path)
        lines.append(f"  {at}: {where + ': ' if where else ''}{message}")
    return "\n".join(lines)


def config_file(path: str | None) -> Path:
    return Path(path or os.environ.get("GATEWAY_CONFIG") or DEFAULT_PATH).resolve()


def _serve(config: Config, path: Path, host: str, port: int, workers: int = 1) -> int:
    from gateway.app import create_app
    from gateway.observability.logging import configure_logging
    from gateway.serving.server import serve

    configure_logging(config.server.log_level)
    announce = listening_line(config, host, port, workers)
    limits, grace = config.server.limits, config.server.shutdown_grace
    if workers > 1:
        # Each worker builds its own app from the same file (gateway.asgi).
        os.environ["GATEWAY_CONFIG"] = str(path)
        return serve("gateway.asgi:create", host, port, limits, announce, workers, grace=grace)
    from gateway.store.file_lock import StateFileInUse

    try:
        app = create_app(config, config_path=path)
    except StateFileInUse as exc:
        print(exc, file=sys.stderr)
        return 2
    return serve(app, host, port, limits, announce, grace=grace)


def listening_line(config: Config, host: str, port: int, workers: int = 1) -> str:
    """``listening on http://…  docs: …/docs  demo key: …``. A key is shown only when
    every connection is a sandbox simulator (it guards no real data then) and it is
    given as ``key``, never a ``key_sha256``; otherwise the line says where keys live."""
    shown = f"[{host}]" if ":" in host else host
    origin = f"http://{shown}:{port}"
    line = f"listening on {origin}  docs: {origin}/docs"
    if workers > 1:
        line += f"  ({workers} workers)"
    readers = [
        k.key.get_secret_value()
        for k in config.api_keys
        if "customers:read" in k.scopes and k.key is not None
    ]
    if readers and all(c.is_sandbox for c in config.connections.values()):
        return f"{line}  demo key: {readers[0]}"
    return f"{line}  keys: api_keys in the config (not shown)"
