"""The gateway's own CPU per request, in one process: the ASGI app called directly in a
loop, the upstream's answer replayed, so neither a server, a socket nor the upstream's
transport is in the figure (issue 32's single-read miss path).

    .venv/bin/python -m bench.inprocess                  # single read, Cache-Control: no-cache
    .venv/bin/python -m bench.inprocess --read list --hit
    .venv/bin/python -m bench.inprocess --profile out.prof   # cProfile of the timed loops
    .venv/bin/python -m bench.inprocess --collector      # garbage collections per request

A BorderBolt simulator (bench/simulator.py) answers each distinct upstream URL once;
after that the connection's transport hands back a copy of that answer, so the httpx
client, ``Upstream.call``, the adapter's mapping, the cache and the edge all run as
they do when served. CPU is the process's (``time.process_time``) over ``--n`` requests,
the least of ``--rounds`` rounds (the machine is shared: the least is the least
disturbed). The event loop turns once after each request, as it would between them.
``--garbage`` counts the objects per request that only the garbage collector frees.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import pstats
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import uvloop

from bench.run import CONFIG, LOCAL_STATE, ROOT, SIM_PORT, UPSTREAM_TOKEN, wait_until_up
from gateway.app import create_app, shutdown
from gateway.config.text import load_config
from gateway.observability.logging import configure_logging
from tests.servers import free_port

READS = {"single": (b"/v1/customers/bb:501", b""), "list": (b"/v1/customers", b"limit=25")}


class Replay(httpx.AsyncBaseTransport):
    """The wrapped transport's first answer to each URL, then that answer again."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.saved: dict[str, tuple[int, list[tuple[bytes, bytes]], bytes]] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = str(request.url)
        if key not in self.saved:
            first = await self.inner.handle_async_request(request)
            await first.aread()
            self.saved[key] = (first.status_code, list(first.headers.raw), first.content)
        status, headers, content = self.saved[key]
        return httpx.Response(status, headers=headers, content=content, request=request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class Collections:
    """Garbage collections and the CPU they took, from ``gc.callbacks``."""

    def __init__(self) -> None:
        self.count, self.seconds, self._began = [0, 0, 0], 0.0, 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._began = time.process_time()
        else:
            self.count[info["generation"]] += 1
            self.seconds += time.process_time() - self._began


async def measure(args: argparse.Namespace, sim_port: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="gateway-inprocess-"))
    path = folder / "config.yaml"
    text = CONFIG.replace("STATE", LOCAL_STATE).replace(f":{SIM_PORT}", f":{sim_port}")
    path.write_text(text)
    configure_logging("warning", io.StringIO())  # the bench's level: no line per request
    app = create_app(load_config(path), config_path=path)
    client = app.state.runtime.connections["bb"].client
    client._transport = Replay(client._transport)
    where, query = READS[args.read]
    headers = [(b"host", b"127.0.0.1"), (b"authorization", b"Bearer bench-key")]
    if not args.hit:
        headers.append((b"cache-control", b"no-cache"))

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def one() -> int:
        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 50000), "scheme": "http",
            "method": "GET", "root_path": "", "path": where.decode(), "raw_path": where,
            "query_string": query, "headers": list(headers), "app": app, "state": {},
        }  # fmt: skip
        await app(scope, receive, send)
        await asyncio.sleep(0)  # the loop turns between requests, as when served
        return int(sent[0]["status"])

    try:
        assert await one() == 200, "the first request failed"
        for _ in range(300):
            await one()
        if args.garbage:
            gc.collect()
            gc.set_debug(gc.DEBUG_SAVEALL)
            for _ in range(1000):
                await one()
            gc.collect()
            kinds = Counter(type(o).__name__ for o in gc.garbage).most_common(8)
            print(f"garbage per request: {len(gc.garbage) / 1000:.1f} objects {kinds}")
            gc.set_debug(0)
            gc.garbage.clear()
        collections = Collections()
        if args.collector:
            gc.callbacks.append(collections)
        profile = cProfile.Profile() if args.profile else None
        rounds = []
        for _ in range(args.rounds):
            began = time.process_time()
            if profile is not None:
                profile.enable()
            for _ in range(args.n):
                await one()
            if profile is not None:
                profile.disable()
            rounds.append((time.process_time() - began) / args.n * 1e6)
        path_name = f"{args.read} {'hit' if args.hit else 'miss'}"
        figures = " ".join(f"{r:.0f}" for r in rounds)
        print(f"{path_name}: {min(rounds):.1f} µs/request (rounds of {args.n}: {figures})")
        if args.collector:
            total = args.n * args.rounds
            print(
                f"collections per 1,000 requests (young, middle, old): "
                f"{[round(c * 1000 / total, 1) for c in collections.count]}, "
                f"{collections.seconds / total * 1e6:.1f} µs/request"
            )
        if profile is not None:
            profile.dump_stats(args.profile)
            pstats.Stats(args.profile).sort_stats("tottime").print_stats(30)
    finally:
        await shutdown(app)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--read", choices=sorted(READS), default="single")
    parser.add_argument("--hit", action="store_true", help="no Cache-Control: no-cache")
    parser.add_argument("--n", type=int, default=3000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", type=Path, help="write cProfile's stats here")
    parser.add_argument("--collector", action="store_true", help="count GC collections")
    parser.add_argument("--garbage", action="store_true", help="objects only GC frees")
    args = parser.parse_args()
    port = free_port()
    simulator = subprocess.Popen(
        [sys.executable, "bench/simulator.py", "borderbolt", "--port", str(port),
         "--token", UPSTREAM_TOKEN],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", {})
        uvloop.run(measure(args, port))
    finally:
        simulator.terminate()
        simulator.wait()


if __name__ == "__main__":
    main()
