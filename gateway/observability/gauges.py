"""Gauges read from shared state at scrape time, for the dashboard and the alerts.

A counter tells what happened in this process; these tell how things stand for the
whole deployment, so they are read where that state is kept, at each scrape:

- ``gateway_state_up``: 1 while the state store answers, 0 while it is down.
- ``gateway_budget_used{connection}`` / ``gateway_budget_limit{connection}``: calls in a
  connection's budget window now, and the budget (``connections.NAME.rate_limit``).
- ``gateway_webhook_backlog``: webhook deliveries pending (counted up to 1,000), and
  ``gateway_webhook_backlog_age_seconds``: how long the oldest of those has waited (0
  with none): the deliveries' lag.
- ``gateway_connection_health{connection,state}``: 1 for each connection's shared health
  state (API.md section 15), 0 for the others, so ``{state!="ok"} == 1`` finds trouble.

A store that is down answers none of the shared figures: only ``gateway_state_up`` 0.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

from prometheus_client.core import GaugeMetricFamily, Metric

from gateway.store.base import StoreDown
from gateway.upstreams.health import SNAPSHOT, STATES

if TYPE_CHECKING:
    from gateway.runtime import Runtime

BACKLOG_COUNTED = 1000  # pending deliveries read per scrape, at most


async def shared_gauges(runtime: Runtime) -> list[Metric]:
    """The gauges above, read now."""
    store = runtime.store
    up = GaugeMetricFamily("gateway_state_up", "State store answering: 1 yes, 0 down")
    up.add_metric([], 1 if store.healthy else 0)
    families: list[Metric] = [up]
    if not store.healthy:
        return families
    try:
        families += await _budgets(runtime)
        families.append(await _health(runtime))
        pending = await store.deliveries_page("pending", BACKLOG_COUNTED, None)
    except StoreDown:
        up.samples.clear()
        up.add_metric([], 0)
        return families[:1]
    backlog = GaugeMetricFamily("gateway_webhook_backlog", "Webhook deliveries pending")
    backlog.add_metric([], len(pending))
    oldest = min((float(d.get("created") or time.time()) for d in pending), default=None)
    age = GaugeMetricFamily(
        "gateway_webhook_backlog_age_seconds", "Wait of the oldest pending webhook delivery"
    )
    age.add_metric([], 0.0 if oldest is None else max(0.0, time.time() - oldest))
    return [*families, backlog, age]


async def _health(runtime: Runtime) -> Metric:
    family = GaugeMetricFamily(
        "gateway_connection_health",
        "A connection's health: 1 for its state, 0 for the others",
        labels=["connection", "state"],
    )
    for name in runtime.connections:
        raw = await runtime.store.snapshot_entry(SNAPSHOT, name)
        current = json.loads(raw)["state"] if raw else "ok"
        for state in STATES:
            family.add_metric([name, state], 1 if state == current else 0)
    return family


async def _budgets(runtime: Runtime) -> list[Metric]:
    used = GaugeMetricFamily(
        "gateway_budget_used", "Calls in a connection's budget window", labels=["connection"]
    )
    limit = GaugeMetricFamily(
        "gateway_budget_limit", "A connection's budget per window", labels=["connection"]
    )
    for name, connection in runtime.connections.items():
        budget = connection.config.rate_limit
        if budget is not None:
            used.add_metric([name], await runtime.quotas.used(name, budget))
            limit.add_metric([name], budget.requests)
    return [used, limit]
