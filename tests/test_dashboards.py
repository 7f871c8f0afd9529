"""deploy/grafana and deploy/prometheus: the alert rules pass promtool's check and their
own unit tests, and every query of the dashboard and the rules names a metric a real
gateway's /metrics shows."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from ruamel.yaml import YAML

from tests.servers import ROOT, demo_gateway

DASHBOARD = ROOT / "deploy" / "grafana" / "gateway.json"
RULES = ROOT / "deploy" / "prometheus" / "alerts.yaml"
RULE_TESTS = ROOT / "deploy" / "prometheus" / "alerts.test.yaml"
HINT = (
    "promtool is not installed: sudo apt-get install prometheus (make test-tools does it as root)"
)

# What in a PromQL expression is not a metric name: strings, label matchers, ranges and
# subqueries, durations after offset, grouping label lists, and the language's words.
STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
MATCHERS = re.compile(r"\{[^}]*\}")
RANGES = re.compile(r"\[[^\]]*\]")
GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
OFFSET = re.compile(r"\boffset\s+-?[0-9a-z]+")
WORDS = frozenset({"and", "or", "unless", "bool", "by", "without", "on", "ignoring", "inf", "nan"})
NAME = re.compile(r"(?<![\w.$])([A-Za-z_:][\w:]*)\b(?!\s*\()")
# Grafana's own variables, which stand for values, never for metrics
GRAFANA = re.compile(r"\$__\w+|\$\{?\w+\}?")


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects."""
    text = STRINGS.sub('""', GRAFANA.sub("", expr))
    for pattern in (MATCHERS, RANGES, GROUPING, OFFSET):
        text = pattern.sub(" ", text)
    return {name for name in NAME.findall(text) if name.lower() not in WORDS}


def dashboard_exprs(board: dict[str, Any]) -> list[str]:
    exprs = [t["expr"] for p in board["panels"] for t in p.get("targets", [])]
    for variable in board["templating"]["list"]:
        query = variable.get("query")
        if isinstance(query, dict):  # label_values(metric, label)
            exprs.append(re.sub(r"label_values\((\w+),.*\)", r"\1", query["query"]))
    return exprs


def rule_exprs() -> list[str]:
    rules = YAML(typ="safe").load(RULES.read_text())
    return [rule["expr"] for group in rules["groups"] for rule in group["rules"]]


def exported_names(scrape: str) -> set[str]:
    """Every series name the scrape can show: each family's samples, and for a family
    with no sample yet (a labelled counter never incremented) the names of its type."""
    names = {line.split("{")[0].split()[0] for line in scrape.splitlines() if line[:1] != "#"}
    for line in scrape.splitlines():
        if line.startswith("# TYPE "):
            _, _, family, kind = line.split()
            suffixes = {"histogram": ("_bucket", "_sum", "_count"), "summary": ("_sum", "_count")}
            names |= {family, *(family + suffix for suffix in suffixes.get(kind, ()))}
    return names


def promtool(*args: str) -> str:
    binary = shutil.which("promtool")
    if binary is None:
        pytest.fail(HINT, pytrace=False)
    done = subprocess.run(
        [binary, *args], cwd=RULES.parent, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_alert_rules_pass_promtool_check() -> None:
    assert "SUCCESS: 4 rules found" in promtool("check", "rules", RULES.name)


def test_the_alerts_fire_as_their_unit_tests_say() -> None:
    assert "SUCCESS" in promtool("test", "rules", RULE_TESTS.name)


def test_each_alert_has_a_test() -> None:
    tests = YAML(typ="safe").load(RULE_TESTS.read_text())["tests"]
    tested = {case["alertname"] for test in tests for case in test["alert_rule_test"]}
    rules = YAML(typ="safe").load(RULES.read_text())["groups"][0]["rules"]
    assert tested == {rule["alert"] for rule in rules}


def test_the_name_reader_finds_names_and_only_names() -> None:
    expr = (
        'histogram_quantile(0.95, sum by (le, route) (rate(gateway_x_bucket{route=~"$route",'
        'a="b or c"}[$__rate_interval]))) / ignoring(le) max(up offset 5m) > bool 0.5 '
        "and on (instance) gatway_misspelt"
    )
    assert metric_names(expr) == {"gateway_x_bucket", "up", "gatway_misspelt"}


def test_the_dashboard_is_grafana_json_with_a_query_in_every_panel() -> None:
    board = json.loads(DASHBOARD.read_text())
    panels = [p for p in board["panels"] if p["type"] != "row"]
    assert len({p["id"] for p in board["panels"]}) == len(board["panels"])
    assert all(p["targets"] and p["title"] and p["description"] for p in panels)
    assert board["uid"] and board["schemaVersion"] >= 36


def test_every_query_names_a_metric_the_gateway_exports(tmp_path: Path) -> None:
    with demo_gateway(tmp_path) as served, httpx.Client(base_url=served.url) as client:
        demo = {"Authorization": "Bearer demo-key"}
        assert client.get("/v1/customers?limit=1", headers=demo).status_code == 200
        scrape = client.get("/metrics").text
    exported = exported_names(scrape)
    board = json.loads(DASHBOARD.read_text())
    for expr in dashboard_exprs(board) + rule_exprs():
        named = metric_names(expr)
        assert named, expr
        assert named <= exported, f"{sorted(named - exported)} in {expr!r} are not exported"
    for wanted in ("gateway_state_up", "gateway_webhook_backlog_age_seconds"):
        assert wanted in exported
