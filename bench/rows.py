"""The per-row work of a list miss, stage by stage, in isolation (issue #32).

python -m bench.rows [--pages N]

For each adapter whose docs show a customer list (BorderBolt, CRM, Inventorum: the
example row of adapters/<name>/fixtures/list_customers.json, 25 copies with their own
IDs) and for the BorderBolt simulator's first seeded page (what ``make bench`` lists),
times each stage of turning the upstream's page body into the gateway's answer bytes:
parse (pydantic-core ``from_json``), map (the adapter's ``customer_fields`` per row),
validate (into models, ``canonical_page``, or into plain dicts, ``plain_page``),
envelope (the page dict and a signed next cursor) and render
(``gateway.caching.reads.render``) of either, then the whole as a list read runs it
(``customers_from``, envelope, render) with models or plain rows. Per 25-row page, CPU
time (``time.process_time``), the best of five rounds so a neighbour's burst does not
count; numbers for comparing changes on one machine, not for a claim on their own
(``make bench`` is the whole path).
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from pydantic_core import from_json

from adapters import ADAPTERS
from adapters.base import Adapter, Window
from adapters.borderbolt.simulator.seed import CUSTOMER_COUNT, SEED, seed_tenant
from adapters.rows import canonical_page, plain_page
from adapters.upstream import Upstream
from gateway.caching.reads import render
from gateway.lists.cursor import CursorCodec
from gateway.lists.listing import Listing
from schemas import Customer

ROOT = Path(__file__).resolve().parent.parent
ROWS = 25
ROUNDS = 5


def docs_rows(name: str) -> list[dict[str, Any]]:
    """25 copies of the docs' example list row, each with its own ID."""
    example = json.loads(
        (ROOT / "adapters" / name / "fixtures" / "list_customers.json").read_text()
    )
    [row] = example["data"]
    rows = []
    for index in range(ROWS):
        copied = copy.deepcopy(row)
        copied["id"] = row["id"] + index if isinstance(row["id"], int) else f"{row['id']}{index}"
        rows.append(copied)
    return rows


def simulator_rows() -> list[dict[str, Any]]:
    """The BorderBolt simulator's first page of 25 (the benchmark's list)."""
    customers = seed_tenant(random.Random(SEED), CUSTOMER_COUNT).customers  # noqa: S311
    ordered = sorted(customers.values(), key=lambda c: (c["customer_name"], c["id"]))
    return [copy.deepcopy(c) for c in ordered[:ROWS]]


def adapter_of(name: str) -> Adapter:
    upstream = Upstream(name, httpx.AsyncClient(base_url="http://upstream.invalid"))
    return ADAPTERS[name](connection=name, upstream=upstream)


def per_page(stage: Callable[[], Any], pages: int) -> float:
    """Best-of-``ROUNDS`` CPU µs of one call of ``stage``."""
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.process_time()
        for _ in range(pages):
            stage()
        best = min(best, (time.process_time() - started) / pages)
    return best * 1e6


def stages(adapter: Adapter, rows: list[dict[str, Any]]) -> dict[str, Callable[[], Any]]:
    body = json.dumps({"data": rows, "meta": {"total": 156}}).encode()
    parsed = from_json(body)["data"]
    fields = [adapter.customer_fields(row, False) for row in parsed]
    codec = CursorCodec(b"s" * 32)
    listing = Listing(codec, "customers", adapter.connection, limit=ROWS, cursor=None)
    models = listing.page(Window(canonical_page(Customer, fields, adapter.connection), 156, True))
    plain = listing.page(Window(plain_page(Customer, fields, adapter.connection), 156, True))

    def whole(plain: bool) -> Callable[[], bytes]:
        def run() -> bytes:
            customers = adapter.customers_from(from_json(body)["data"], plain=plain)
            return render(listing.page(Window(customers, 156, True)))

        return run

    return {
        "parse": lambda: from_json(body),
        "map": lambda: [adapter.customer_fields(row, False) for row in parsed],
        "validate models": lambda: canonical_page(Customer, fields, adapter.connection),
        "validate plain": lambda: plain_page(Customer, fields, adapter.connection),
        "envelope": lambda: listing.page(Window(fields, 156, True)),
        "render models": lambda: render(models),
        "render plain": lambda: render(plain),
        "whole, models": whole(plain=False),
        "whole, plain": whole(plain=True),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=400, help="pages per round")
    args = parser.parse_args()
    sets = [(name, name, docs_rows(name)) for name in ("borderbolt", "crm", "inventorum")]
    sets.append(("borderbolt (simulator page)", "borderbolt", simulator_rows()))
    table: dict[str, dict[str, float]] = {}
    for label, name, rows in sets:
        adapter = adapter_of(name)
        table[label] = {
            stage: per_page(run, args.pages) for stage, run in stages(adapter, rows).items()
        }
    names = list(next(iter(table.values())))
    print("| µs per 25-row page | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for label, row in table.items():
        print(f"| {label} | " + " | ".join(f"{row[n]:.0f}" for n in names) + " |")


if __name__ == "__main__":
    main()
