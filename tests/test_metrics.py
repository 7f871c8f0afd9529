"""/metrics: promtool-clean, with process_* metrics; circuits read where they are shared;
with ``gateway serve --workers N`` the sum over every worker, never going backwards."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from gateway.app import create_app, shutdown
from gateway.config.text import parse_config
from gateway.serving.workers import PREFIX, sweep
from tests.conftest import client_for
from tests.servers import free_port, redis_server, simulator, wait_until
from tests.site_config import dead_connection

pytestmark = pytest.mark.anyio
TOKEN = "metrics-upstream-token"
DEMO = {"Authorization": "Bearer demo-key"}
PROMTOOL_HINT = (
    "promtool is not installed; the metrics tests check /metrics with it. Install Debian's "
    "package: sudo apt-get install prometheus (make test does this when it runs as root)."
)


def promtool_check(text: str) -> None:
    """``promtool check metrics`` (Prometheus's own linter) finds nothing to say."""
    binary = shutil.which("promtool")
    if binary is None:
        pytest.fail(PROMTOOL_HINT, pytrace=False)
    done = subprocess.run(
        [binary, "check", "metrics"], input=text, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0 and not done.stdout + done.stderr, done.stdout + done.stderr


def values(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(
    found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def config_text(state: str, dead_port: int, bb: str = '"sandbox:"') -> str:
    return f"""
server:
  state: {state}
  log_level: warning
api_keys:
  - {{name: demo, key: demo-key, scopes: [customers:read]}}
connections:
  bb:
    adapter: borderbolt
    base_url: {bb}
    auth: {{type: bearer, token: {TOKEN}}}
{dead_connection(dead_port, TOKEN)}"""


# One process ---------------------------------------------------------------------------


class Apps:
    """Gateways sharing one state location: the same SQLite file, or the same Redis."""

    def __init__(self, backend: str, state: str) -> None:
        self.backend = backend
        self.made: list[Starlette] = []
        self.text = config_text(state, free_port())

    def __call__(self) -> Starlette:
        app = create_app(parse_config(self.text, env={}))
        self.made.append(app)
        return app


@pytest.fixture
async def apps(state_backend: tuple[str, str]) -> AsyncIterator[Apps]:
    made = Apps(*state_backend)
    yield made
    for app in made.made:
        await shutdown(app)


async def test_one_process_metrics_are_promtool_clean_with_process_metrics(apps: Apps) -> None:
    app = apps()
    async with client_for(app) as client:
        assert (await client.get("/v1/customers/bb:501")).status_code == 200
        text = (await client.get("/metrics")).text
    promtool_check(text)
    found = values(text)
    route = {"route": "/v1/customers/{id}", "method": "GET", "status": "200", "connection": "bb"}
    assert value(found, "gateway_requests_total", **route) == 1
    assert value(found, "gateway_workers") == 1
    assert value(found, "process_cpu_seconds_total") > 0
    assert value(found, "process_resident_memory_bytes") > 10_000_000
    assert abs(value(found, "process_start_time_seconds") - _started(os.getpid())) < 2


async def test_a_circuit_is_reported_as_the_deployment_shares_it(apps: Apps) -> None:
    """Opened through one instance: open in that instance's /metrics; on redis, also in
    another instance's that never called the upstream (read from the shared breaker)."""
    first, second = apps(), apps()
    async with client_for(first) as client:
        for _ in range(2):
            failed = await client.get("/v1/customers?connection=dead")
            assert failed.status_code == 502
        mine = values((await client.get("/metrics")).text)
    async with client_for(second) as client:
        other = values((await client.get("/metrics")).text)
    assert value(mine, "gateway_circuit_state", connection="dead") == 2
    shared = apps.backend == "redis"
    assert value(other, "gateway_circuit_state", connection="dead") == (2 if shared else 0)
    assert value(other, "gateway_circuit_state", connection="bb") == 0


def test_sweep_removes_only_directories_of_supervisors_no_longer_running(tmp_path: Path) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    left = tmp_path / f"{PREFIX}{gone.pid}-abc"
    running = tmp_path / f"{PREFIX}{os.getpid()}-def"
    other = tmp_path / "unrelated-dir"
    for folder in (left, running, other):
        folder.mkdir()
        (folder / "counter_1.db").write_bytes(b"")
    assert sweep(tmp_path) == [left]
    assert not left.exists() and running.exists() and other.exists()


# gateway serve --workers 2 ---------------------------------------------------------------


class Served:
    """``gateway serve --workers 2`` on Redis, its metrics directory under ``tmp``."""

    def __init__(self, config: Path, tmp: Path) -> None:
        self.tmp, self.port = tmp, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [sys.executable, "-m", "gateway", "serve", "--config", str(config)]
        self.process = subprocess.Popen(
            [*args, "--port", str(self.port), "--workers", "2"],
            env={**os.environ, "TMPDIR": str(tmp)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: httpx.get(self.url + "/healthz", timeout=1).status_code == 200, 30)

    def directory(self) -> Path:
        [found] = self.tmp.glob(f"{PREFIX}{self.process.pid}-*")
        return found

    def counting_workers(self) -> set[int]:
        return {int(p.stem.split("_")[1]) for p in self.directory().glob("counter_*.db")}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with redis_server() as redis:
        sim = simulator("borderbolt", TOKEN, tmp_path).start()
        state = f"{{backend: redis, url: '{redis.url}'}}"
        config = tmp_path / "config.yaml"
        config.write_text(config_text(state, free_port(), bb=f'"{sim.url}"'))
        tmp = tmp_path / "tmp"
        tmp.mkdir()
        try:
            server = Served(config, tmp)
            try:
                yield server
            finally:
                server.process.terminate()
                server.process.wait(15)
            assert not list(tmp.glob(f"{PREFIX}*")), "the metrics directory outlived the serve"
        finally:
            sim.stop()


def _started(pid: int) -> float:
    """A process's start time, seconds since the epoch (as process_start_time_seconds)."""
    ticks = os.sysconf("SC_CLK_TCK")
    stat = Path(f"/proc/{pid}/stat").read_bytes()
    started = int(stat[stat.rfind(b")") + 2 :].split()[19])
    boot = next(
        float(line.split()[1])
        for line in Path("/proc/stat").read_text().splitlines()
        if line.startswith("btime ")
    )
    return boot + started / ticks


async def test_two_workers_answer_the_sum_and_counters_never_go_backwards(
    served: Served,
) -> None:
    route = {"route": "/v1/customers/{id}", "method": "GET", "status": "200", "connection": "bb"}
    made = 0
    scrapes: list[dict[tuple[str, frozenset[tuple[str, str]]], float]] = []
    # A client per request: a new connection each time, so both workers take some.
    limits = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=30, limits=limits, headers=DEMO) as client:
        for _ in range(2):
            assert (
                await client.get(served.url + "/v1/customers?connection=dead")
            ).status_code == 502
        for _ in range(4):
            answers = await asyncio.gather(
                *(client.get(f"{served.url}/v1/customers/bb:{501 + i}") for i in range(30))
            )
            assert {a.status_code for a in answers} == {200}
            made += len(answers)
            for _ in range(5):
                scrapes.append(values((await client.get(served.url + "/metrics")).text))
        assert len(served.counting_workers()) == 2, "every request went to one worker"
        deadline = time.monotonic() + 5
        while value(scrapes[-1], "gateway_requests_total", **route) < made:
            assert time.monotonic() < deadline, "the last requests were never counted"
            await asyncio.sleep(0.1)
            scrapes.append(values((await client.get(served.url + "/metrics")).text))
        for _ in range(10):  # answered by either worker: the same sum
            text = (await client.get(served.url + "/metrics")).text
            scrapes.append(values(text))
            assert value(scrapes[-1], "gateway_requests_total", **route) == made
            assert value(scrapes[-1], "gateway_circuit_state", connection="dead") == 2
        promtool_check(text)

        # A worker that dies is replaced; its counts stay in the sum, its gauge goes.
        victim = min(served.counting_workers())
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while True:
            scrapes.append(values((await client.get(served.url + "/metrics")).text))
            replaced = victim not in _children(served.process.pid)
            if replaced and value(scrapes[-1], "gateway_workers") == 2:
                break
            assert time.monotonic() < deadline, "the dead worker was never replaced"
            await asyncio.sleep(0.2)
        assert value(scrapes[-1], "gateway_requests_total", **route) == made

    counted = [value(s, "gateway_requests_total", **route) for s in scrapes]
    assert counted == sorted(counted), counted
    metrics_scrapes = [
        value(
            s, "gateway_requests_total", route="/metrics", method="GET", status="200", connection=""
        )
        for s in scrapes
    ]
    assert metrics_scrapes == sorted(metrics_scrapes), metrics_scrapes
    cpu = [value(s, "process_cpu_seconds_total") for s in scrapes]
    assert cpu == sorted(cpu) and cpu[0] > 0, cpu
    assert {value(s, "gateway_workers") for s in scrapes[:-1]} <= {1, 2, 3}
    # process_* stand for the supervisor and its workers: more than any one of them holds
    last = scrapes[-1]
    assert abs(value(last, "process_start_time_seconds") - _started(served.process.pid)) < 2
    biggest = max(_resident(pid) for pid in _children(served.process.pid))
    assert value(last, "process_resident_memory_bytes") > biggest + _resident(served.process.pid)
    directory = served.directory()
    assert directory.stat().st_mode & 0o777 == 0o700


def _children(pid: int) -> set[int]:
    from gateway.observability.process import children_of

    return set(children_of(pid))


def _resident(pid: int) -> int:
    from gateway.observability.process import read_stat

    stat = read_stat(pid)
    return stat.resident if stat is not None else 0
