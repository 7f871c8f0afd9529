"""config.yaml: shape, ${VAR} expansion and readable problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.config.model import ConfigError
from gateway.config.text import expand_env, load_config, parse_config

MINIMAL = """
connections:
  borderbolt:
    adapter: borderbolt
    base_url: "sandbox:"
    auth: {type: bearer, token: t}
"""


def problems(text: str, env: dict[str, str] | None = None) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, env=env or {})
    return caught.value.problems


def test_defaults() -> None:
    config = parse_config(MINIMAL, env={})
    assert config.server.max_body_bytes == 1_048_576
    assert config.server.default_connection is None
    assert config.connections["borderbolt"].timeout.read == 10
    assert config.connections["borderbolt"].is_sandbox


def test_env_expansion_with_and_without_defaults() -> None:
    node = {"a": "${X}", "b": ["${Y:-fallback}", "${Z:-}"], "c": "$${X} costs $$5", "d": 3}
    assert expand_env(node, {"X": "ex"}) == {
        "a": "ex",
        "b": ["fallback", ""],
        "c": "${X} costs $5",
        "d": 3,
    }
    assert expand_env("${Y:-d}", {"Y": "set"}) == "set"
    assert expand_env("pre-${X}-post", {"X": "mid"}) == "pre-mid-post"


def test_missing_variable_names_its_path() -> None:
    text = MINIMAL.replace("token: t", 'token: "${BB_TOKEN}"')
    assert problems(text) == [
        ("connections.borderbolt.auth.token", "environment variable BB_TOKEN is not set")
    ]
    assert (
        parse_config(text, env={"BB_TOKEN": "s3"})
        .connections["borderbolt"]
        .auth.token.get_secret_value()
        == "s3"
    )


def test_expanded_values_are_not_reparsed_as_yaml() -> None:
    text = MINIMAL.replace("token: t", 'token: "${BB_TOKEN}"')
    config = parse_config(text, env={"BB_TOKEN": "a: b\n- c"})
    assert config.connections["borderbolt"].auth.token.get_secret_value() == "a: b\n- c"


def test_every_problem_is_reported_with_its_path() -> None:
    text = """
server: {default_connection: ghost, max_body_bytes: 0}
api_keys:
  - {name: a, scopes: [customers:read]}
  - {name: b, key: k, scopes: [customers:raed], connections: [nowhere]}
connections:
  borderbolt: {adapter: borderbolt, base_url: "sandbox:", auth: {type: bearer, token: t}}
  bad name: {adapter: borderbolt, base_url: "sandbox:", auth: {type: bearer, token: t}}
  other: {adapter: salesforce, base_url: "ftp://x", auth: {type: basic}, colour: red}
"""
    found = dict(problems(text))
    assert "server.max_body_bytes" in found
    assert "give exactly one of 'key' or 'key_sha256'" in found["api_keys.0"]
    assert "unknown scope" in found["api_keys.1.scopes"]
    assert "unknown adapter 'salesforce'" in found["connections.other.adapter"]
    assert "sandbox:" in found["connections.other.base_url"]
    assert "connections.other.colour" in found
    assert "connections.other.auth" in found
    assert "connections.bad name.[key]" in found


def test_reference_problems() -> None:
    text = (
        MINIMAL
        + """
server: {default_connection: ghost}
api_keys:
  - {name: a, key: same, scopes: [admin], connections: [nowhere]}
  - {name: b, key: same, scopes: [admin]}
"""
    )
    assert set(problems(text)) == {
        (
            "server.default_connection",
            "no connection named 'ghost'; the only connection is 'borderbolt'",
        ),
        (
            "api_keys.0.connections.0",
            "no connection named 'nowhere'; the only connection is 'borderbolt'",
        ),
        ("api_keys.1", "same key as 'a'"),
    }


def test_api_version_only_where_the_adapter_has_versions() -> None:
    text = MINIMAL.replace("adapter: borderbolt", "adapter: borderbolt\n    api_version: 10")
    assert problems(text) == [
        ("connections.borderbolt.api_version", "adapter 'borderbolt' takes no api_version")
    ]


@pytest.mark.parametrize(
    ("line", "said"),
    [
        (
            "    api_version: 11\n",
            "11 is not offered: adapter 'inventorum' serves API version 9 or 10",
        ),
        ("", "is required: adapter 'inventorum' serves API version 9 or 10"),
    ],
)
def test_api_version_problem_names_the_key_itself(line: str, said: str) -> None:
    text = MINIMAL.replace("adapter: borderbolt", "adapter: inventorum\n" + line.rstrip("\n"))
    assert problems(text) == [("connections.borderbolt.api_version", said)]


@pytest.mark.parametrize("text", ["connections: [", "- a\n- b", "", "connections: {}"])
def test_unusable_documents(text: str) -> None:
    assert problems(text)


def test_load_from_argument_env_or_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "gw.yaml"
    path.write_text(MINIMAL)
    assert "borderbolt" in load_config(path).connections
    monkeypatch.setenv("GATEWAY_CONFIG", str(path))
    assert "borderbolt" in load_config().connections
    monkeypatch.delenv("GATEWAY_CONFIG")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"cannot read config\.yaml"):
        load_config()


def test_the_shipped_config_is_valid_and_uses_the_sandbox() -> None:
    config = load_config(Path(__file__).parent.parent / "config.yaml")
    assert all(c.is_sandbox for c in config.connections.values())
    assert config.server.default_connection in config.connections
