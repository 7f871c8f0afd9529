"""Each connection's recent traffic on the console (gateway/observability/window.py):
rates, error shares and latency quantiles over a rolling window of the gateway's own
counters, and with ``gateway serve --workers 2`` the whole server's, whichever worker
answers the page."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.core import Metric

from gateway.app import create_app
from gateway.config.text import load_config
from gateway.observability.metrics import Metrics
from gateway.observability.window import RecentTraffic, quantile
from gateway.serving.workers import PREFIX
from tests.conftest import config_file_in
from tests.servers import ROOT, free_port, redis_server, simulator, wait_until
from tests.test_console import TEXT, signed_in


def test_quantiles_are_interpolated_within_their_bucket_as_prometheus_does() -> None:
    buckets = {0.01: 0.0, 0.025: 98.0, 2.5: 98.0, 5.0: 100.0, float("inf"): 100.0}
    assert quantile(0.5, buckets) == pytest.approx(0.01 + 0.015 * 50 / 98)
    assert quantile(0.99, buckets) == pytest.approx(3.75)
    assert quantile(0.5, {0.1: 0.0, float("inf"): 4.0}) == 0.1  # past the last bound
    assert quantile(0.5, {0.1: 0.0, float("inf"): 0.0}) is None


def test_the_figures_are_of_the_window_only_and_roll_on() -> None:
    metrics, now = Metrics(), [0.0]
    recent = RecentTraffic(metrics.families, span=300, every=10, clock=lambda: now[0])
    recent.sample()  # the base
    for status in ["200"] * 9 + ["502"]:
        metrics.child(metrics.requests, "/v1/customers", "GET", status, "crm").inc()
    upstream = metrics.upstream_observer("crm")
    for _ in range(98):
        upstream("GET", "200", 0.02)
    upstream("GET", "timeout", 3.0)
    upstream("GET", "503", 3.0)
    now[0] = 5.0
    assert recent.figures(["crm"])["connections"] == {"crm": None}  # too soon to tell

    now[0] = 60.0
    shown = recent.figures(["crm", "shop"])
    crm = shown["connections"]["crm"]
    assert shown["seconds"] == 60.0
    assert crm["requests"] == 10 and crm["requests_per_minute"] == pytest.approx(10.0)
    assert crm["error_share"] == pytest.approx(0.1)
    assert crm["upstream_per_minute"] == pytest.approx(100.0)
    assert crm["upstream_failure_share"] == pytest.approx(0.02)
    assert crm["p50"] == pytest.approx(0.01 + 0.015 * 50 / 98)
    assert crm["p99"] == pytest.approx(3.75)
    shop = shown["connections"]["shop"]
    assert shop["requests"] == 0 and shop["error_share"] is None and shop["p50"] is None

    # Five minutes without traffic: the requests above left the window.
    now[0] = 400.0
    later = recent.figures(["crm"])["connections"]["crm"]
    assert later["requests"] == 0 and later["p99"] is None
    assert [at for at, _ in recent.readings] == [60.0, 400.0]


@pytest.mark.anyio
async def test_the_background_reading_is_off_the_loop_and_a_failed_one_is_made_again_soon() -> None:
    threads: list[str] = []

    def read() -> list[Metric]:
        threads.append(threading.current_thread().name)
        if len(threads) == 1:
            raise OSError("a worker's file, half made")
        return []

    recent = RecentTraffic(read)
    recent.start()
    try:
        deadline = time.monotonic() + 5
        while not recent.readings:
            assert time.monotonic() < deadline, "no reading after the failed one"
            await asyncio.sleep(0.05)
    finally:
        await recent.stop()
    assert len(threads) == 2 and threading.main_thread().name not in threads


@pytest.mark.anyio
async def test_the_console_pages_read_the_metrics_files_off_the_event_loop(
    tmp_path: Path,
) -> None:
    app = create_app(load_config(config_file_in(tmp_path, TEXT)))
    metrics, loop_thread = app.state.runtime.metrics, threading.current_thread()
    real, threads = metrics.families, []

    def families() -> Iterator[Metric]:
        threads.append(threading.current_thread())  # where the files are read (collect)

        def each() -> Iterator[Metric]:
            threads.append(threading.current_thread())  # or where they are gone through
            yield from real()

        return each()

    metrics.families = metrics.recent.read = families
    async with signed_in(app) as client:
        for page in ("/admin/ui", "/admin/ui/connections", "/admin/ui/keys"):
            threads.clear()
            answer = await client.get(page)
            assert answer.status_code == 200 and "borderbolt" in answer.text, page
            assert threads, f"{page} read no metrics"
            assert loop_thread not in threads, f"{page} read the metrics files on the loop"
    await app.state.runtime.aclose()


# gateway serve --workers 2 ---------------------------------------------------------------

TOKEN = "console-traffic-token"


def _config(redis: str, crm: str) -> str:
    return f"""
server:
  state: {{backend: redis, url: '{redis}'}}
  log_level: warning
api_keys:
  - {{name: demo-app, key: demo-key, scopes: [customers:read]}}
  - {{name: ops, key: admin-key, scopes: [admin]}}
connections:
  crm:
    adapter: crm
    base_url: "{crm}"
    auth: {{type: bearer, token: {TOKEN}}}
"""


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``gateway serve --workers 2`` on Redis and a CRM simulator; its URL and TMPDIR."""
    with redis_server() as redis:
        crm = simulator("crm", TOKEN, tmp_path).start()
        config = tmp_path / "config.yaml"
        config.write_text(_config(redis.url, crm.url))
        port, tmp = free_port(), tmp_path / "tmp"
        tmp.mkdir()
        args = [sys.executable, "-m", "gateway", "serve", "--config", str(config)]
        process = subprocess.Popen(
            [*args, "--port", str(port), "--workers", "2"],
            cwd=ROOT,
            env={**os.environ, "TMPDIR": str(tmp)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until(lambda: httpx.get(url + "/healthz", timeout=1).status_code == 200, 30)
            yield url, tmp
        finally:
            process.terminate()
            process.wait(15)
            crm.stop()


def test_with_two_workers_either_one_shows_every_workers_requests(
    two_workers: tuple[str, Path],
) -> None:
    url, tmp = two_workers
    made = 40
    # A client per request: a new connection each time, so both workers take some.
    limits = httpx.Limits(max_keepalive_connections=0)
    with httpx.Client(timeout=30, limits=limits) as client:
        # Both workers serving, and each has taken its first reading (at its start): a
        # worker started later counts from then on, and would show fewer.
        wait_until(lambda: "\ngateway_workers 2.0" in client.get(url + "/metrics").text, 30)
        time.sleep(2)
        demo = {"Authorization": "Bearer demo-key"}
        for _ in range(made):
            assert client.get(url + "/v1/customers?connection=crm", headers=demo).is_success
        [directory] = tmp.glob(f"{PREFIX}*")
        counting = {p.stem.split("_")[1] for p in directory.glob("counter_*.db")}
        assert len(counting) == 2, "every request went to one worker"

        signed = client.post(url + "/admin/ui/login", data={"key": "admin-key"})
        assert signed.status_code == 303
        cookie = {"Cookie": signed.headers["set-cookie"].split(";", 1)[0]}
        seen: list[int] = []
        deadline = time.monotonic() + 30  # the window's first two readings are 10 s apart
        while len(seen) < 8:
            assert time.monotonic() < deadline, f"no figures yet: {seen}"
            page = client.get(url + "/admin/ui/connections", headers=cookie).text
            found = re.search(r'id="c-crm">.*?data-requests="(\d+)"', page, re.S)
            if found:
                seen.append(int(found.group(1)))
            else:
                time.sleep(0.5)
    assert seen == [made] * 8  # not one worker's share: the sum, from whichever answered
