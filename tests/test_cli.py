"""The command line: check-config, serve, python -m gateway."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from gateway.cli import listening_line, main
from gateway.config.text import parse_config
from tests.test_config import MINIMAL

ROOT = Path(__file__).parent.parent


def test_check_config_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(MINIMAL)
    assert main(["check-config", str(path)]) == 0
    assert "config OK: 1 connection(s): borderbolt (borderbolt)" in capsys.readouterr().out


def test_check_config_errors_are_readable_and_exit_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(MINIMAL.replace("borderbolt\n    base_url", "nosuch\n    base_url"))
    assert main(["check-config", str(path)]) == 1
    err = capsys.readouterr().err
    assert "connections.borderbolt.adapter: unknown adapter 'nosuch'" in err
    assert main(["check-config", str(tmp_path / "missing.yaml")]) == 1
    assert "cannot read" in capsys.readouterr().err


BROKEN = """\
server:
  default_conection: borderbolt
connections:
  shop:
    adapter: inventorum
    api_version: 11
    base_url: "https://pos.example.test/api?tenant=1"
    auth: {type: bearer, tokn: x}
"""


def test_check_config_reports_like_a_compiler(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    monkeypatch.setenv("GATEWAY_CONFIG", str(path))  # the path comes from the environment
    assert main(["check-config"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"config error in {path}: 5 problems",
        f"  {path}:2:3: server.default_conection: not a field here; "
        "did you mean 'default_connection'?",
        f"  {path}:6:5: connections.shop.api_version: 11 is not offered: adapter 'inventorum' "
        "serves API version 9 or 10",
        f"  {path}:7:5: connections.shop.base_url: must not carry a query string or fragment: "
        "give the origin and any path prefix (https://upstream.example.com/tenant), and "
        "credentials under auth",
        f"  {path}:8:5: connections.shop.auth.token: required",
        f"  {path}:8:26: connections.shop.auth.tokn: not a field here; did you mean 'token'?",
    ]


def test_check_config_places_a_yaml_syntax_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("connections:\n  a: [1\n  b: 2\n")
    assert main(["check-config", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[1].startswith(f"  {path}:3:4: not valid YAML: expected ',' or ']'")


def test_check_config_never_prints_a_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        MINIMAL.replace("token: t", "token: hunter2-secret")
        + "api_keys: [{name: a, key: sk-live-123, scopes: [nope]}]\n"
    )
    assert main(["check-config", str(path)]) == 1
    out = capsys.readouterr()
    assert "hunter2" not in out.err + out.out and "sk-live" not in out.err + out.out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    "command",
    [
        # The installed script, run from elsewhere: proves the package installs whole.
        [str(Path(sys.executable).with_name("gateway")), "serve"],
        [sys.executable, "-m", "gateway", "serve"],
    ],
    ids=["gateway-script", "python-m-gateway"],
)
def test_serve_answers_on_the_default_config(command: list[str], tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [*command, "--config", str(ROOT / "config.yaml"), "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(
                    f"http://127.0.0.1:{port}/v1/customers",
                    headers={"Authorization": "Bearer demo-key"},
                    timeout=2,
                )
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        assert response.status_code == 200
        assert response.json()["meta"]["total"] == 156
        index = httpx.get(f"http://127.0.0.1:{port}/", timeout=2).json()
        assert index["links"]["docs"] == "/docs"
        assert index["links"]["openapi"] == "/openapi.json"
        assert index["links"]["connections"] == "/v1/connections"
    finally:
        process.terminate()
        out, err = process.communicate(timeout=10)
    origin = f"http://127.0.0.1:{port}"
    said = err.decode().splitlines()
    assert said.count(f"listening on {origin}  docs: {origin}/docs  demo key: demo-key") == 1
    lines = out.decode().splitlines()
    assert any('"event": "request"' in line and '"status": 200' in line for line in lines)
    assert not any("demo-key" in line for line in lines)


def test_the_listening_line_shows_a_key_only_for_a_sandbox_only_config() -> None:
    demo = parse_config(MINIMAL + "api_keys: [{name: d, key: k-1, scopes: [customers:read]}]")
    assert listening_line(demo, "::1", 9000) == (
        "listening on http://[::1]:9000  docs: http://[::1]:9000/docs  demo key: k-1"
    )
    real = parse_config(
        MINIMAL.replace('"sandbox:"', "https://bb.example.test")
        + "api_keys: [{name: d, key: k-1, scopes: [customers:read]}]"
    )
    line = listening_line(real, "127.0.0.1", 9000, workers=2)
    assert line.endswith("(2 workers)  keys: api_keys in the config (not shown)")
    assert "k-1" not in line


def test_several_workers_on_local_state_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--config", str(ROOT / "config.yaml"), "--workers", "2"]) == 2
    path = tmp_path / "c.yaml"
    path.write_text(MINIMAL)
    assert main(["serve", "--config", str(path), "--workers", "2"]) == 2
    error = capsys.readouterr().err
    assert "server.state.backend is 'local'" in error and "backend: redis" in error


def test_several_workers_with_sandbox_connections_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.yaml"
    state = "server: {state: {backend: redis, url: 'redis://127.0.0.1:1/0'}}\n"
    path.write_text(state + MINIMAL)
    assert main(["serve", "--config", str(path), "--workers", "2"]) == 2
    error = capsys.readouterr().err
    assert "gateway simulate" in error and "'sandbox:'" in error


@pytest.mark.parametrize("command", [[], ["serve"], ["check-config"], ["simulate"]])
def test_help_reads_as_plain_text(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0 and out.startswith("usage: gateway")
    assert "``" not in out  # no reStructuredText from the docstrings
    if not command:
        assert "gateway serve --config config.yaml" in out and "/docs" in out


def test_a_secrets_key_that_is_no_key_is_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["secrets-key"]) == 0
    made = capsys.readouterr().out.strip()
    path = tmp_path / "config.yaml"
    path.write_text(MINIMAL)
    monkeypatch.setenv("GATEWAY_SECRETS_KEY", made)
    assert main(["check-config", str(path)]) == 0
    monkeypatch.setenv("GATEWAY_SECRETS_KEY", "not-a-fernet-key")
    assert main(["check-config", str(path)]) == 2
    said = capsys.readouterr().err
    assert "GATEWAY_SECRETS_KEY must be Fernet keys" in said and "gateway secrets-key" in said
    assert "Traceback" not in said and "not-a-fernet-key" not in said
