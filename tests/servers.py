"""Real servers for tests: redis-server, simulators and gateways as their own processes."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).parent.parent
INSTALL_HINT = (
    "redis-server is not installed; the state store tests need a real one. "
    "Install Debian's package: sudo apt-get install redis-server (make test does this "
    "when it runs as root)."
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: object, deadline: float = 15.0, what: str = "server") -> None:
    assert callable(check)
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not come up in {deadline} s")


class RedisServer:
    """A redis-server on a free loopback port, no persistence; stop/start keep the port."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail(INSTALL_HINT, pytrace=False)
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, what="redis-server")

    def answers(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def flush(self) -> None:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
            sock.sendall(b"FLUSHALL\r\n")
            sock.recv(16)


@contextlib.contextmanager
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


class Process:
    """A child process serving HTTP on ``port`` (a simulator or a gateway)."""

    def __init__(self, args: list[str], port: int, ready_path: str, log: Path) -> None:
        self.args, self.port, self.ready_path, self.log = args, port, ready_path, log
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"http://127.0.0.1:{port}"

    def start(self) -> Process:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with self.log.open("ab") as out:
            # its own process group: a kill reaches a gateway's --workers children too
            self.process = subprocess.Popen(
                self.args,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(self._up, deadline=30, what=" ".join(self.args[2:4]))
        return self

    def _up(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"{self.args} exited: {self.log.read_text()[-2000:]}")
        return httpx.get(self.url + self.ready_path, timeout=1).status_code < 500

    def stop(self, kill: bool = False) -> None:
        if self.process is None:
            return
        process, self.process = self.process, None
        if kill:
            _kill_group(process)
        else:
            process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:  # killed, not left running beside later tests
            _kill_group(process)
            process.wait(10)
            raise AssertionError(f"{self.args[2:4]} did not stop within 10 s of SIGTERM")


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process and its group: killing only a ``--workers`` gateway's parent
    left its worker processes running (and loading the machine) after a failed test."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.kill()


def borderbolt_records(sim: Process, token: str, code: str) -> int:
    """How many customers a served BorderBolt simulator holds with ``code`` (a write that
    reached it twice shows as 2)."""
    answer = httpx.get(
        f"{sim.url}/api/v1/customers",
        params={"code": code},
        headers={"Authorization": f"Bearer {token}"},
    )
    total: int = answer.json()["meta"]["total"]
    return total


def simulator(adapter: str, token: str, log_dir: Path) -> Process:
    port = free_port()
    args = [sys.executable, "-m", "gateway", "simulate", adapter, "--port", str(port)]
    return Process([*args, "--token", token], port, "/", log_dir / f"sim-{port}.log")


def gateway(config: Path, log_dir: Path) -> Process:
    port = free_port()
    args = [sys.executable, "-m", "gateway", "serve", "--config", str(config)]
    return Process([*args, "--port", str(port)], port, "/healthz", log_dir / f"gw-{port}.log")


def refused_gateway(config: Path, port: int) -> subprocess.CompletedProcess[str]:
    """``gateway serve`` on ``config`` run to its end: for a start the gateway refuses,
    whose exit code and stderr are what the test reads."""
    return subprocess.run(
        [sys.executable, "-m", "gateway", "serve", "--config", str(config), "--port", str(port)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )


@contextlib.contextmanager
def demo_gateway(folder: Path, edit: Callable[[str], str] = str) -> Iterator[Process]:
    """A gateway process serving a copy of the default config.yaml (``edit`` applied to
    its text) from ``folder``, as ``make run`` serves it."""
    config = folder / "config.yaml"
    config.write_text(edit((ROOT / "config.yaml").read_text(encoding="utf-8")))
    process = gateway(config, folder).start()
    try:
        yield process
    finally:
        process.stop()
