"""``gateway serve``, ``simulate`` and ``webhook-receiver``: the processes the
command line starts, and the checks that refuse a start that could not work."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from adapters import REGISTRY
from gateway.cli.base import CONFIG_FILE, GatewayCommand, fail, refuses_a_bad_secrets_key
from gateway.cli.checking import config_file, load
from gateway.cli.demo_keys import demo_key_warning
from gateway.config.model import Config, LocalState

HOST = click.option("--host", default="127.0.0.1", help="address to listen on")
PORT = click.IntRange(0, 65535)  # 0: any free port


@click.command(cls=GatewayCommand)
@click.option(
    "--config", type=CONFIG_FILE, help="config file (default: $GATEWAY_CONFIG or ./config.yaml)"
)
@HOST
@click.option("--port", type=PORT, default=8000)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    help="processes (more than 1 needs server.state redis)",
)
@refuses_a_bad_secrets_key
def serve(config: str | None, host: str, port: int, workers: int) -> int:
    """Serve the gateway."""
    loaded = load(config)
    if loaded is None:
        return 1
    if refusal := workers_refusal(loaded, workers):
        return fail(refusal)
    if problem := state_problem(loaded):
        return fail(f"gateway serve: cannot start: {problem}")
    return _serve(loaded, config_file(config), host, port, workers)


@click.command(
    cls=GatewayCommand,
    help="Serve one upstream's simulator as its own process.\n\n"
    f"ADAPTER is one of: {', '.join(sorted(REGISTRY))}.",
)
@click.argument("adapter", metavar="ADAPTER", type=click.Choice(sorted(REGISTRY)))
@HOST
@click.option("--port", type=PORT, required=True)
@click.option("--token", default="sandbox", help="the bearer token it accepts")
@click.option("--client-id", help="OAuth2 client id it accepts (upstreams that issue tokens)")
@click.option("--client-secret", help="OAuth2 client secret it accepts", show_default=False)
@click.option(
    "--latency", type=click.FloatRange(min=0), default=0.0, help="seconds added per request"
)
@refuses_a_bad_secrets_key
def simulate(
    adapter: str,
    host: str,
    port: int,
    token: str,
    client_id: str | None,
    client_secret: str | None,
    latency: float,
) -> int:
    import uvicorn

    from adapters import ADAPTERS
    from adapters.sandbox import Credentials

    credentials = Credentials(
        token=None if client_id else token, client_id=client_id, client_secret=client_secret
    )
    sandbox = ADAPTERS[adapter].sandbox(credentials=credentials)
    sandbox.latency = latency
    uvicorn.run(sandbox, host=host, port=port, log_level="warning", access_log=False)
    return 0


@click.command("webhook-receiver", cls=GatewayCommand)
@HOST
@click.option("--port", type=PORT, default=9100)
@click.option("--secret", required=True, help="the webhook's whsec_ secret")
@refuses_a_bad_secrets_key
def receive(host: str, port: int, secret: str) -> int:
    """Print the webhook events POSTed to it.

    Each event's signature is checked with --secret."""
    import uvicorn

    from gateway.changes.receiver import receiver_app

    print(f"receiving webhooks on http://{host}:{port}/", file=sys.stderr, flush=True)
    app = receiver_app(secret)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    return 0


def workers_refusal(config: Config, workers: int) -> str | None:
    """Why ``--workers`` cannot be used with this config, if it cannot."""
    if workers <= 1:
        return None
    if isinstance(config.server.state, LocalState):
        return (
            f"--workers {workers} needs state every worker shares: server.state.backend is "
            "'local' (one process). Configure server.state: {backend: redis, url: "
            "redis://127.0.0.1:6379/0} (see docs/instances.md), or serve "
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


def _serve(config: Config, path: Path, host: str, port: int, workers: int = 1) -> int:
    from gateway.app import create_app
    from gateway.observability.logging import configure_logging
    from gateway.serving.collector import tune_for_serving
    from gateway.serving.server import serve as serve_app

    configure_logging(config.server.log_level)
    if warning := demo_key_warning(config):
        print(warning, file=sys.stderr, flush=True)
    announce = listening_line(config, host, port, workers)
    limits, grace = config.server.limits, config.server.shutdown_grace
    if workers > 1:
        # Each worker builds its own app from the same file (gateway.asgi).
        os.environ["GATEWAY_CONFIG"] = str(path)
        return serve_app("gateway.asgi:create", host, port, limits, announce, workers, grace=grace)
    from gateway.store.file_lock import StateFileInUse

    try:
        app = create_app(config, config_path=path)
    except StateFileInUse as exc:
        return fail(str(exc))
    tune_for_serving()  # gateway/serving/collector.py
    return serve_app(app, host, port, limits, announce, grace=grace)


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
