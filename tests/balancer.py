"""A real HAProxy (Debian's ``haproxy``) in front of gateway processes, for tests and the
soak: round robin over the backends, each health-checked on ``/readyz``, a stats page
that says which backends it routes to."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.servers import free_port, wait_until

INSTALL_HINT = (
    "haproxy is not installed; the drain and soak tests put a real one in front of the "
    "gateways. Install Debian's package: sudo apt-get install haproxy (make test does "
    "this when it runs as root)."
)

# A connection refused (a backend that stopped listening) is retried on another backend
# (retries + redispatch): what a balancer in production is set up to do as well.
CONFIG = """\
global
  maxconn 512
defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  timeout check 1s
  retries 3
  option redispatch 1
frontend gateway
  bind 127.0.0.1:{port}
  default_backend gateways
backend gateways
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter {inter}ms fall 1 rise 2
{servers}
listen stats
  bind 127.0.0.1:{stats}
  stats enable
  stats uri /stats
"""


class HAProxy:
    """``haproxy -db`` (foreground) on a free loopback port over ``backends`` (name ->
    port), checking each backend's ``/readyz`` every ``inter_ms``."""

    def __init__(self, backends: dict[str, int], folder: Path, inter_ms: int = 200) -> None:
        binary = shutil.which("haproxy")
        if binary is None:
            pytest.fail(INSTALL_HINT, pytrace=False)
        self.binary = binary
        self.backends = backends
        self.port, self.stats_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = folder / f"haproxy-{self.port}.cfg"
        self.log = folder / f"haproxy-{self.port}.log"
        servers = "\n".join(f"  server {n} 127.0.0.1:{p} check" for n, p in backends.items())
        self.config.write_text(
            CONFIG.format(port=self.port, stats=self.stats_port, inter=inter_ms, servers=servers)
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> HAProxy:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [self.binary, "-db", "-f", str(self.config)], stdout=out, stderr=subprocess.STDOUT
            )
        wait_until(lambda: all(s == "UP" for s in self.status().values()), what="haproxy")
        return self

    def status(self) -> dict[str, str]:
        """Each backend's state as HAProxy sees it: ``UP``, ``DOWN``, ``UP 1/2``..."""
        answer = httpx.get(f"http://127.0.0.1:{self.stats_port}/stats;csv", timeout=2)
        rows = csv.DictReader(io.StringIO(answer.text.lstrip("# ")))
        return {
            r["svname"]: r["status"]
            for r in rows
            if r["pxname"] == "gateways" and r["svname"] in self.backends
        }

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None
