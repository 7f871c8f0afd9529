"""One config across instances (API.md sections 6, 7 and 11), with two gateway
processes on one real Redis: concurrent changes from one version (one wins, the rest
412), PUT, console apply and rollback seen alike everywhere within 2 s, a store that is
down refusing changes, and a store that lost its data converging again."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.servers import Process, RedisServer, gateway, redis_server
from tests.site_config import (
    ADMIN_KEY,
    READ_KEY,
    borderbolt_config,
    redis_state,
    write_instance_config,
)

ADMIN = {"Authorization": "Bearer admin-key"}
YAML = {"Accept": "application/yaml"}


class Pair:
    def __init__(self, redis: RedisServer, folder: Path) -> None:
        self.redis = redis
        text = borderbolt_config(
            redis_state(redis.url, f"c{uuid.uuid4().hex[:6]}:"),
            "sandbox:",
            "bb-instances-token",
            keys=(READ_KEY, ADMIN_KEY),
            connection=["max_scan_pages: 10"],
        )
        self.instances: list[Process] = []
        for name in ("a", "b"):  # one file per instance, as on two hosts
            path = write_instance_config(folder, name, text)
            self.instances.append(gateway(path, folder).start())

    def etags(self) -> list[str]:
        return [
            httpx.get(f"{i.url}/admin/config", headers=ADMIN).headers["etag"]
            for i in self.instances
        ]

    def agree(self, within: float = 2.0) -> str:
        """The one ETag every instance answers, within ``within`` seconds."""
        deadline = time.monotonic() + within
        while True:
            etags = self.etags()
            if len(set(etags)) == 1:
                return etags[0]
            assert time.monotonic() < deadline, f"instances disagree: {etags}"
            time.sleep(0.1)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    with redis_server() as redis:
        made = Pair(redis, tmp_path_factory.mktemp("config-instances"))
        try:
            yield made
        finally:
            for instance in made.instances:
                instance.stop()


def edited(text: str, pages: int) -> str:
    return text.replace("max_scan_pages: ", f"max_scan_pages: {pages}  # was ", 1)


def test_of_concurrent_puts_from_one_version_exactly_one_wins(pair: Pair) -> None:
    a, b = pair.instances
    for round_ in range(5):
        etag = pair.agree()
        shown = httpx.get(f"{a.url}/admin/config", headers={**ADMIN, **YAML}).text
        start = threading.Barrier(2)

        def put(n: int, url: str, shown: str = shown, etag: str = etag) -> httpx.Response:
            start.wait()
            return httpx.put(
                f"{url}/admin/config",
                content=edited(shown, 20 + 2 * round_ + n),
                headers={**ADMIN, "If-Match": etag, "Content-Type": "application/yaml"},
                timeout=30,
            )

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(put, (0, 1), (a.url, b.url)))
        assert sorted(r.status_code for r in answers) == [200, 412], [r.text for r in answers]
        winner = next(r for r in answers if r.status_code == 200)
        assert pair.agree() == winner.headers["etag"]
    statuses: list[int] = []
    deadline = time.monotonic() + 5  # each instance writes its own records, soon after
    while len(statuses) < 10 and time.monotonic() < deadline:
        audit = httpx.get(f"{a.url}/admin/audit", params={"action": "config.put"}, headers=ADMIN)
        statuses = [r["status"] for r in audit.json()["data"][:10]]
    assert sorted(statuses) == [200] * 5 + [412] * 5


def test_put_console_apply_and_rollback_are_seen_alike_everywhere(pair: Pair) -> None:
    a, b = pair.instances
    shown = httpx.get(f"{a.url}/admin/config", headers={**ADMIN, **YAML})
    put = httpx.put(
        f"{a.url}/admin/config",
        content=edited(shown.text, 41),
        headers={**ADMIN, "If-Match": shown.headers["etag"], "Content-Type": "application/yaml"},
    )
    assert put.status_code == 200
    assert pair.agree() == put.headers["etag"]

    with httpx.Client(base_url=b.url) as browser:  # the console, on the other instance
        signed = browser.post("/admin/ui/login", data={"key": "admin-key"})
        assert signed.status_code == 303
        now = httpx.get(f"{b.url}/admin/config", headers={**ADMIN, **YAML})
        applied = browser.post(
            "/admin/ui/apply",
            data={"config": edited(now.text, 42), "etag": now.headers["etag"]},
        )
        assert applied.status_code == 303, applied.text
    after_apply = pair.agree()
    assert after_apply not in (put.headers["etag"], shown.headers["etag"])

    versions = httpx.get(f"{b.url}/admin/config/versions", headers=ADMIN).json()["data"]
    target = next(v for v in versions if v["etag"] == put.headers["etag"])
    back = httpx.post(
        f"{b.url}/admin/config/rollback",
        json={"version": target["id"]},
        headers={**ADMIN, "If-Match": after_apply},
    )
    assert back.status_code == 200, back.text
    assert back.headers["etag"] == put.headers["etag"]
    assert pair.agree() == put.headers["etag"]
    currents = {
        httpx.get(f"{i.url}/admin/config/versions", headers=ADMIN).json()["meta"]["current"]
        for i in pair.instances
    }
    assert currents == {put.headers["etag"]}


def test_with_the_store_down_a_change_is_refused_then_after_data_loss_all_converge(
    pair: Pair,
) -> None:
    a, b = pair.instances
    before = pair.agree()
    shown = httpx.get(f"{a.url}/admin/config", headers={**ADMIN, **YAML}).text
    pair.redis.stop()
    try:
        refused = httpx.put(
            f"{a.url}/admin/config",
            content=edited(shown, 51),
            headers={**ADMIN, "If-Match": before, "Content-Type": "application/yaml"},
            timeout=30,
        )
    finally:
        pair.redis.start()  # no persistence: it comes back empty
    assert refused.status_code == 503, refused.text
    assert refused.json()["error"]["code"] == "state_unavailable"
    assert pair.agree(within=4) == before  # nothing changed anywhere

    versions: list[dict[str, object]] = []
    deadline = time.monotonic() + 4
    while not versions and time.monotonic() < deadline:  # republished by the first to see it
        time.sleep(0.2)
        answer = httpx.get(f"{a.url}/admin/config/versions", headers=ADMIN)
        versions = answer.json()["data"] if answer.status_code == 200 else []
    assert versions and versions[0]["etag"] == before
    put = httpx.put(
        f"{b.url}/admin/config",
        content=edited(shown, 52),
        headers={**ADMIN, "If-Match": before, "Content-Type": "application/yaml"},
    )
    assert put.status_code == 200, put.text
    assert pair.agree() == put.headers["etag"]
