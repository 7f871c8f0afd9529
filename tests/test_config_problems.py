"""config.yaml's problems all in one run, in file order; YAML anchors and aliases within
bounds; positions that never fail."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from gateway.cli import main
from gateway.config.model import ConfigError
from gateway.config.text import parse_config, positions, positions_in
from gateway.config.yaml_guard import MAX_ALIASES, guard_yaml
from tests.test_config import MINIMAL, problems
from tests.test_hardening import BILLION_LAUGHS

FOUR_STAGES = """\
server:
  default_connection: shopp
api_keys:
  - {name: app, key: k1, scopes: [customers:read]}
  - {name: app, key: k2, scopes: [customers:raed], connections: [shop, crn]}
connections:
  shop:
    adapter: inventorum
    api_version: 11
    base_url: "sandbox:"
    auth: {type: bearer, token: "${SHOP_TOKEN}"}
  shop:
    adapter: borderbolt
    base_url: "sandbox:"
    auth: {type: bearer, token: t}
  crm:
    adapter: crm
    base_url: "sandbox:"
    auth: {type: bearer, token: t}
"""


def test_check_config_reports_every_problem_in_one_run_in_file_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key written twice, a variable not set, fields and cross-references: one run."""
    monkeypatch.delenv("SHOP_TOKEN", raising=False)
    path = tmp_path / "c.yaml"
    path.write_text(FOUR_STAGES)
    assert main(["check-config", str(path)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"config error in {path}: 7 problems",
        f"  {path}:2:3: server.default_connection: no connection named 'shopp'; "
        "did you mean 'shop'?",
        f"  {path}:5:6: api_keys.1.name: a second API key named 'app' (api_keys.0 is the "
        "first); names must be unique",
        f"  {path}:5:26: api_keys.1.scopes: unknown scope 'customers:raed'; "
        "did you mean 'customers:read'?",
        f"  {path}:5:72: api_keys.1.connections.1: no connection named 'crn'; did you mean 'crm'?",
        f"  {path}:9:5: connections.shop.api_version: 11 is not offered: adapter 'inventorum' "
        "serves API version 9 or 10",
        f"  {path}:11:26: connections.shop.auth.token: environment variable SHOP_TOKEN is not set",
        f"  {path}:12:3: connections.shop: 'shop' is written twice in this mapping (first on "
        "line 7); keep one",
    ]


def test_every_unset_variable_is_named_and_its_unknown_value_not_judged() -> None:
    text = MINIMAL.replace('"sandbox:"', '"${BB_URL}"').replace("token: t", 'token: "${BB_TOK}"')
    assert problems(text + "server: {default_connection: '${DEFAULT}'}\n") == [
        ("connections.borderbolt.base_url", "environment variable BB_URL is not set"),
        ("connections.borderbolt.auth.token", "environment variable BB_TOK is not set"),
        ("server.default_connection", "environment variable DEFAULT is not set"),
    ]


def test_names_given_twice_are_errors_in_every_section() -> None:
    hook = "{name: erp, url: 'https://e.test/h', secret: whsec_" + "QUJD" * 8 + "}"
    text = (
        MINIMAL
        + "  borderbolt:\n    adapter: crm\n"
        + "api_keys:\n  - {name: a, key: k1, scopes: [admin]}\n"
        + "  - {name: a, key: k2, scopes: [admin]}\n"
        + f"webhooks:\n  - {hook}\n  - {hook}\n"
    )
    found = problems(text)
    assert [where for where, _ in found] == [
        "connections.borderbolt",
        "api_keys.1.name",
        "webhooks.1.name",
    ]
    assert found[0][1].startswith("'borderbolt' is written twice in this mapping (first on line 3")


def test_a_reference_without_a_close_name_lists_the_names() -> None:
    text = (
        MINIMAL
        + "server: {default_connection: zzz}\napi_keys: [{name: a, key: k, "
        + ("scopes: [admin], connections: ['*', qqq]}]\n")
    )
    assert problems(text) == [
        (
            "server.default_connection",
            "no connection named 'zzz'; the only connection is 'borderbolt'",
        ),
        (
            "api_keys.0.connections.1",
            "no connection named 'qqq'; the only connection is 'borderbolt'",
        ),
    ]


def test_references_are_checked_even_when_fields_are_wrong_too() -> None:
    text = MINIMAL.replace("token: t", "tokn: t") + "server: {default_connection: borderbolx}\n"
    assert [where for where, _ in problems(text)] == [
        "connections.borderbolt.auth.token",
        "connections.borderbolt.auth.tokn",
        "server.default_connection",
    ]


def test_urls_the_egress_policy_refuses_are_reported_with_the_fields_problems() -> None:
    text = (
        MINIMAL.replace("token: t", "tokn: t")
        + "webhooks:\n  - {name: meta, url: 'http://169.254.169.254/latest',"
        + " secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}\n"
    )
    found = [where for where, _ in problems(text)]
    assert "connections.borderbolt.auth.tokn" in found and "webhooks.0.url" in found


# Anchors and aliases ---------------------------------------------------------------------

# What PyYAML's safe_dump writes when two connections share one auth value.
SAFE_DUMPED = """\
connections:
  a:
    adapter: borderbolt
    auth: &id001
      token: t
      type: bearer
    base_url: 'sandbox:'
  b:
    adapter: borderbolt
    auth: *id001
    base_url: 'sandbox:'
"""
MERGED = """\
connections:
  bb: &upstream
    adapter: borderbolt
    base_url: "sandbox:"
    auth: {type: bearer, token: "${BB_TOKEN:-t}"}
    timeout: {read: 5}
  bb-slow:
    <<: *upstream
    timeout: {read: 30}
"""


def test_aliases_and_merge_keys_are_accepted() -> None:
    shared = parse_config(SAFE_DUMPED, env={})
    assert shared.connections["b"].auth == shared.connections["a"].auth
    merged = parse_config(MERGED, env={"BB_TOKEN": "from-env"})
    slow = merged.connections["bb-slow"]
    assert slow.adapter == "borderbolt" and slow.timeout.read == 30
    assert slow.auth.token.get_secret_value() == "from-env"  # type: ignore[union-attr]
    assert merged.connections["bb"].timeout.read == 5


def test_a_problem_in_a_merged_connection_is_placed_at_it() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(MERGED.replace("    timeout: {read: 30}", "    colour: red"), env={})
    assert caught.value.located() == [
        (
            "connections.bb-slow.colour",
            caught.value.problems[0][1],
            (9, 5),
        )
    ]


def test_an_alias_bomb_is_refused_fast_at_the_alias_that_crosses_the_bound() -> None:
    started = time.monotonic()
    with pytest.raises(ConfigError) as caught:
        parse_config(BILLION_LAUGHS + "\nconnections: {}\n", env={})
    assert time.monotonic() - started < 0.5
    [(where, said, at)] = caught.value.located()
    assert where == "" and "aliases expand to more than" in said and "alias bomb" in said
    assert at is not None and at[0] == 5  # line e: each *d holds 7,381 values


def test_alias_count_and_expanded_depth_are_bounded() -> None:
    many = "a: &a x\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"
    with pytest.raises(ConfigError, match=f"more than {MAX_ALIASES} aliases"):
        guard_yaml(many)
    # 20 levels, aliased 20 levels down: written depth 21, expanded depth 41
    nested = "a: &a " + "[" * 20 + "]" * 20 + "\nb: " + "[" * 19 + "*a" + "]" * 19 + "\n"
    with pytest.raises(ConfigError, match="expand deeper than 32 levels") as caught:
        guard_yaml(nested)
    assert caught.value.positions == [(2, 23)]


@pytest.mark.anyio
async def test_the_admin_api_accepts_an_anchored_config(tmp_path: Path) -> None:
    from gateway.app import create_app
    from gateway.config.text import load_config
    from tests.conftest import client_for

    text = MERGED + "api_keys: [{name: admin, key: admin-key, scopes: [admin]}]\n"
    path = tmp_path / "config.yaml"
    path.write_text(text)
    app = create_app(load_config(path), config_path=path)
    try:
        async with client_for(app, key="admin-key") as admin:
            checked = await admin.post("/admin/config/validate", content=text.encode())
            assert checked.status_code == 200, checked.text
            etag = (await admin.get("/admin/config")).headers["etag"]
            put = await admin.put(
                "/admin/config",
                content=text.replace("read: 30", "read: 40").encode(),
                headers={"If-Match": etag, "Content-Type": "application/yaml"},
            )
            assert put.status_code == 200, put.text
        live = app.state.runtime.config.connections
        assert live["bb-slow"].timeout.read == 40 and live["bb-slow"].adapter == "borderbolt"
        assert load_config(path).connections["bb-slow"].timeout.read == 40
    finally:
        await app.state.runtime.aclose()


# Positions ---------------------------------------------------------------------------------


def test_positions_never_fail_for_nodes_without_marks() -> None:
    tree = YAML(typ="rt", pure=True).load(MINIMAL)
    added = CommentedMap()  # built in memory, as the admin API's merge builds nodes
    added["adapter"] = "crm"
    tree["connections"]["crm"] = added
    tree["connections"]["borderbolt"]["auth"]["scheme"] = "x"
    found = positions_in(
        tree,
        [
            "connections.crm.adapter",
            "connections.borderbolt.auth.scheme",
            "connections.borderbolt.auth.token",
        ],
    )
    assert found == [(2, 1), (6, 5), (6, 26)]  # crm, auth: the deepest known
    assert positions(MINIMAL, ["connections.nowhere.at.all"]) == [(2, 1)]
