"""The failover soak, short (tests/soak.py; ``make soak`` runs it for minutes): three
gateway processes behind a real HAProxy over Redis, under load, through kill -9, a
drain and a Redis restart: no duplicate write, no event missing or repeated, no
delivery lost. And the soak's own counting, on made-up runs, finds each of those; and
the Sentinel and Cluster faults of ``make soak`` promote the replica and bring the
killed master back as a replica, with nothing written lost."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.ha_servers import Daemon
from tests.soak import SHORT, run
from tests.soak_load import Answer, Seen, Write
from tests.soak_report import Phase, Row, table, tally
from tests.soak_topologies import TOPOLOGIES

pytestmark = pytest.mark.anyio


async def test_a_short_soak_loses_nothing_through_every_fault(tmp_path: Path) -> None:
    rows = await run(SHORT, tmp_path)
    print(table(rows, SHORT))
    assert [r.phase for r in rows] == [
        "steady",
        "kill -9 a gateway",
        "SIGTERM a gateway",
        "restart Redis",
    ]
    problems = [f"{r.phase}: {p}" for r in rows for p in r.problems]
    assert problems == []
    assert all(r.clean for r in rows)
    for row in rows:
        assert row.requests > 0 and row.records > 0 and row.events > 0, row
    for row in rows[1:]:
        assert row.ready_after is not None and row.ready_after < 20, row
    assert sum(r.keyed for r in rows) > 0


def event(n: int, resource: str, at: str = "2026-12-04T10:00:05.000Z") -> dict[str, object]:
    return {
        "id": f"evt_{n}",
        "type": "customer.created",
        "resource_id": resource,
        "occurred_at": at,
    }


def test_the_tally_finds_each_loss() -> None:
    start = 1796378400.0  # 2026-12-04T10:00:00Z
    phases = [Phase("steady", start, start + 60), Phase("fault", start + 60)]
    seen = Seen()
    seen.answers = [Answer(start + 1, 201, "keyed write"), Answer(start + 61, 502, "read")]
    seen.answers.append(Answer(start + 63, 503, "read"))
    seen.writes = [
        Write("A", start + 1, keyed=True),
        Write("B", start + 2, keyed=True, written_again=True),  # reached the upstream twice
        Write("C", start + 3, keyed=False),
    ]
    feed = [event(1, "bb:1"), event(2, "bb:2"), event(3, "bb:2", "2026-12-04T10:01:05.000Z")]
    seen.events = [feed[0], feed[1], feed[1]]  # evt_2 given twice; evt_3 never
    seen.deliveries = [("msg_1", "evt_1"), ("msg_1", "evt_1"), ("msg_2", "evt_2")]
    upstream = {"A": ["1"], "B": ["2"], "C": ["3"]}  # bb:3 has no event at all
    steady, fault = tally(seen, phases, feed, upstream)
    assert isinstance(steady, Row)
    assert (steady.requests, steady.bad, fault.requests, fault.bad) == (1, 0, 2, 2)
    assert fault.bad_window == pytest.approx(2.0)
    assert (steady.keyed, steady.duplicates, steady.records) == (2, 1, 3)
    assert steady.missing == 1  # bb:3
    assert steady.repeated == 1  # evt_2
    assert steady.twice == 1  # bb:2 created by evt_2 and evt_3
    assert (steady.lost, fault.lost) == (0, 1)  # evt_3 never delivered
    assert steady.duplicate_deliveries == 1  # msg_1 twice, the same webhook-id
    assert not steady.clean and not fault.clean


def the_master_to_be_killed(kind: str, setup: Any, key: str) -> Daemon:
    master: Daemon = setup.current_master() if kind == "sentinel" else setup.master_of(key)
    return master


@pytest.mark.parametrize("kind", ["sentinel", "cluster"])
async def test_a_topology_fault_promotes_the_replica_and_loses_nothing_written(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    setup = request.getfixturevalue(kind)  # the session's (tests/conftest.py)
    topology: Any = TOPOLOGIES[kind](tmp_path)
    topology.setup = setup
    prefix = f"tf{uuid.uuid4().hex[:6]}:"
    topology.state(prefix)  # a cluster kills the master of the prefix's cache generations
    key = prefix + "{conn:bb}:gen:soak"
    lost = the_master_to_be_killed(kind, setup, key)
    with lost.client() as client:
        client.set(key, "kept")
        assert client.execute_command("WAIT", 1, 2000) == 1
    await topology.fault(0.0)
    assert lost.process is not None
    story = setup.story() if kind == "sentinel" else ""
    assert lost.info("replication")["role"] == "slave", story
    promoted = the_master_to_be_killed(kind, setup, key)
    assert promoted is not lost
    with promoted.client() as client:
        assert client.get(key) == b"kept"
