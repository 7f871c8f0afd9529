"""The curl tours of the README and the docs, run as a newcomer runs them: each command
pasted, in order, into one shell, against a gateway served on a copy of the default config.yaml.

Every step must exit 0 and print something (a ``null`` alone means a jq path the
answers no longer have); every request it makes (read from the gateway's access log,
fenced by a marked /healthz call after each step) must answer below 400, or exactly
the status a ``# NNN`` comment on the step names. So the tour cannot drift from the
gateway: a renamed field, a placeholder, a missing scope fails here.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.servers import ROOT, Process, demo_gateway, free_port

TOOLS_HINT = "the tour needs {tool}: make test installs it (Debian: apt-get install {tool})"


# The poller scans this often in the served copy (15 s in config.yaml), and the tour's
# wait for it ("sleep 20") is shortened to match, so the test does not idle.
POLL_EVERY = 2

# The pages holding the tours, read as one text in this order; and the sections (of that
# text) whose first ``sh`` block is a tour, run in this order in one shell.
PAGES = ("README.md", "docs/getting-started.md", "docs/changes.md")
TOURS = ("## A taste of the API", "## A curl tour", "# Changes: events, polling, webhooks")


def tour_steps(readme: str) -> list[str]:
    """The commands of each tour's ``sh`` block, continuation lines joined."""
    lines = []
    for heading in TOURS:
        section = readme[readme.index(heading) :]
        lines += section.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    steps, current = [], ""
    for line in lines:
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        current += line + "\n"
        if not line.endswith("\\"):
            steps.append(current.rstrip("\n"))
            current = ""
    return steps


def expected_status(step: str) -> int | None:
    """The status a trailing ``# 404 ...`` comment names, if any."""
    found = re.search(r"\s#\s+(\d{3})\b", step)
    return int(found.group(1)) if found else None


@dataclass
class Shell:
    """One bash, fed one step at a time; variables and exports carry over."""

    process: subprocess.Popen[bytes]
    pending: bytes = b""

    def run(self, step: str, timeout: float = 30) -> tuple[int, str]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f'{{\n{step}\n}} 2>&1; echo "@@rc=$?"\n'.encode())
        self.process.stdin.flush()
        deadline = time.monotonic() + timeout
        fd = self.process.stdout.fileno()
        while b"@@rc=" not in self.pending or not self.pending.endswith(b"\n"):
            left = deadline - time.monotonic()
            assert left > 0, f"the step did not finish in {timeout} s: {step}"
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                assert chunk, f"the shell exited during: {step}"
                self.pending += chunk
        output, _, rest = self.pending.partition(b"@@rc=")
        code, _, self.pending = rest.partition(b"\n")
        return int(code), output.decode(errors="replace")


@dataclass
class AccessLog:
    """The gateway's request log lines, read up to a marker request after each step."""

    path: Path
    offset: int = 0
    seen: list[dict[str, object]] = field(default_factory=list)

    def requests_until(self, marker: str, timeout: float = 10) -> list[dict[str, object]]:
        deadline = time.monotonic() + timeout
        found: list[dict[str, object]] = []
        while time.monotonic() < deadline:
            with self.path.open("rb") as log:
                log.seek(self.offset)
                data = log.read()
            complete = data[: data.rfind(b"\n") + 1]
            self.offset += len(complete)
            for line in complete.splitlines():
                record = json.loads(line) if line.startswith(b"{") else {}
                if record.get("event") != "request":
                    continue
                if record.get("request_id") == marker:
                    return found
                found.append(record)
            time.sleep(0.02)
        raise AssertionError(f"the marker request {marker} never reached the access log")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Process]:
    for tool in ("curl", "jq"):
        if shutil.which(tool) is None:
            pytest.fail(TOOLS_HINT.format(tool=tool), pytrace=False)

    def faster_polls(text: str) -> str:
        assert "poll_every: 15" in text, "the tour's wait for the poller assumes a 15 s scan"
        return text.replace("poll_every: 15", f"poll_every: {POLL_EVERY}")

    with demo_gateway(tmp_path, faster_polls) as process:
        yield process


def test_the_readme_tour_runs_line_by_line(served: Process, tmp_path: Path) -> None:
    readme = "\n".join((ROOT / page).read_text(encoding="utf-8") for page in PAGES)
    assert any("sleep 20;" in step for step in tour_steps(readme)), "the poller wait moved"
    receiver = str(free_port())  # the webhook receiver the changes tour starts
    steps = [
        s.replace("http://127.0.0.1:8000", served.url)
        .replace(".venv/bin/gateway", f"{sys.executable} -m gateway")
        .replace("9100", receiver)
        .replace("sleep 20;", f"sleep {POLL_EVERY + 1};")
        for s in tour_steps(readme)
    ]
    assert len(steps) > 50
    bash = subprocess.Popen(
        ["bash", "--noprofile", "--norc"],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    shell, log = Shell(bash), AccessLog(served.log)
    shell.run("set -o pipefail")
    problems = []
    try:
        for number, step in enumerate(steps, 1):
            code, output = shell.run(step)
            marker = f"tour-step-{number}"
            httpx.get(served.url + "/healthz", headers={"X-Request-ID": marker}, timeout=5)
            statuses = [int(str(r["status"])) for r in log.requests_until(marker)]
            wanted = expected_status(step)
            said = [line for line in output.splitlines() if line.strip()]
            captured = "=$(" in step.split("\n", 1)[0] and "echo" not in step
            quiet = captured or ">/dev/null" in step or "curl" not in step
            if code != 0:
                problems.append(f"exit {code}")
            if "curl" in step and not statuses:
                problems.append("no request reached the gateway")
            if wanted is not None and set(statuses) != {wanted}:
                problems.append(f"statuses {statuses}, the comment says {wanted}")
            if wanted is None and any(status >= 400 for status in statuses):
                problems.append(f"statuses {statuses}")
            if not quiet and (not said or all(line == "null" for line in said)):
                problems.append("printed nothing useful")
            if problems:
                pytest.fail(f"step {number}: {step}\n{'; '.join(problems)}\n{output[-1500:]}")
    finally:
        shell.run("kill $(jobs -p) 2>/dev/null; wait")  # the receiver it started
        bash.kill()
        bash.communicate(timeout=5)  # reaps it and closes its pipes
