"""What each part of tracing costs, in isolation: the spans of one cache miss, made off
and on, in one process, the best of several runs (a shared machine's noise only adds).

    .venv/bin/python -m bench.tracing_parts [--store-calls 3] [--otlp]

One "request" is what the gateway's tracing does for a single-read miss: the server
span (``start_server``, ``response``, ``end``), the client span of the upstream attempt
(``traced`` around an upstream call that answers at once) and, with ``--store-calls``,
that many store-call spans (``kernel.tracing.span``, one per call on Redis). With
``--otlp`` the spans are exported by the OTLP/HTTP exporter (batched, on its thread) to
a local sink, and the figure is the process's CPU, every thread's. This is where the
figures in bench/PROFILE.md ("Tracing") come from; ``make bench-tracing`` is the
measurement of the whole gateway.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable

SINK_PORT = 9141


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store-calls", type=int, default=0)
    parser.add_argument("--otlp", action="store_true", help="export to a local OTLP sink")
    parser.add_argument("--requests", type=int, default=5000, help="per run")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ["OTEL_TRACES_SAMPLER"] = "always_on"
    os.environ["OTEL_TRACES_EXPORTER"] = "otlp" if args.otlp else "none"
    os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = f"http://127.0.0.1:{SINK_PORT}"
    os.environ["OTEL_BSP_MAX_QUEUE_SIZE"] = str(4 * args.requests * (2 + args.store_calls))
    sink = None
    if args.otlp:
        main_code = SINK_MAIN.replace("PORT", str(SINK_PORT))
        sink = subprocess.Popen([sys.executable, "-c", main_code])
        time.sleep(1)
    try:
        off, on = measure(args)
    finally:
        if sink is not None:
            sink.terminate()
    print(
        f"off {off:.1f} µs, on {on:.1f} µs: tracing adds {on - off:.1f} µs a request "
        f"({args.store_calls} store-call spans{', OTLP export' if args.otlp else ''})"
    )


def measure(args: argparse.Namespace) -> tuple[float, float]:
    import httpx

    from gateway.config.model import TracingConfig
    from gateway.observability import tracing
    from gateway.upstreams.traced import traced
    from kernel.tracing import span

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/v1/customers/bb:501",
        "scheme": "http",
        "headers": [(b"host", b"gw"), (b"authorization", b"Bearer k")],
    }
    start = {"type": "http.response.start", "status": 200, "headers": [(b"x-cache", b"MISS")]}
    state = {"connection": "bb", "key_name": "bench"}
    answer = httpx.Response(200)
    request = httpx.Request("GET", "http://127.0.0.1:9101/api/v1/customers/501")

    async def send(request: httpx.Request) -> httpx.Response:
        return answer

    def one(settings: TracingConfig) -> None:
        server = tracing.start_server(scope, settings)
        if server is not None:
            server.response(start)
        for _ in range(args.store_calls):
            with span("redis cache_get", {"db.system.name": "redis"}):
                pass
        call = traced(send, request, "bb")
        with contextlib.suppress(StopIteration):  # the coroutine ends at once
            call.send(None)
        if server is not None:
            server.end(200, "/v1/customers/{id}", state)

    def run(settings: TracingConfig) -> float:
        began = time.process_time()
        for _ in range(args.requests):
            one(settings)
        tracing.shutdown()  # export what the batch holds: its CPU counts too
        return (time.process_time() - began) / args.requests * 1e6

    off, on = TracingConfig(enabled=False), TracingConfig(enabled=True, sample_ratio=1.0)
    best: Callable[[TracingConfig], float] = lambda s: min(run(s) for _ in range(args.runs))  # noqa: E731
    run(on), run(off)  # warm up
    return best(off), best(on)


SINK_MAIN = """
from http.server import ThreadingHTTPServer
from bench.tracing import Sink
ThreadingHTTPServer(("127.0.0.1", PORT), Sink).serve_forever()
"""


if __name__ == "__main__":
    main()
