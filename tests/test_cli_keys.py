"""``gateway keys hash|new`` and the warning ``serve`` gives when a real upstream is
served with a published demo key."""

from __future__ import annotations

import hashlib
import io
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from gateway.cli import main
from gateway.cli.demo_keys import demo_key_warning
from gateway.config.text import parse_config
from tests.servers import free_port, wait_until
from tests.test_config import MINIMAL

GATEWAY = Path(sys.executable).with_name("gateway")
DIGEST = hashlib.sha256(b"s3cret-key").hexdigest()


def _hash_from_stdin(
    text: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    code = main(["keys", "hash"])
    said = capsys.readouterr()
    return code, said.out, said.err


@pytest.mark.parametrize("piped", ["s3cret-key", "s3cret-key\n", "s3cret-key\r\n"])
def test_keys_hash_reads_a_piped_key_and_prints_the_line_to_paste(
    piped: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _hash_from_stdin(piped, monkeypatch, capsys) == (0, f'key_sha256: "{DIGEST}"\n', "")


def test_the_printed_line_configures_the_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _hash_from_stdin("s3cret-key", monkeypatch, capsys)[1].strip()
    config = parse_config(MINIMAL + f"api_keys:\n  - name: app\n    {line}\n    scopes: [admin]\n")
    assert config.api_keys[0].digest == DIGEST


def test_keys_hash_takes_argv_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["keys", "hash", "s3cret-key"])
    assert exited.value.code == 2 and "unexpected extra argument" in capsys.readouterr().err
    assert main(["keys", "hash", "--key", "s3cret-key"]) == 0
    assert capsys.readouterr().out == f'key_sha256: "{DIGEST}"\n'


def test_keys_hash_of_nothing_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _hash_from_stdin("", monkeypatch, capsys)
    assert code == 2 and out == ""
    assert "no key given" in err and "gateway keys new" in err


def test_keys_hash_prompts_on_a_terminal_without_echo() -> None:
    """A real pseudo-terminal: the key is asked for twice and never shown."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: gateway on the terminal
        os.execv(str(GATEWAY), [str(GATEWAY), "keys", "hash"])
    seen = b""
    try:
        for prompt, answer in ((b"API key:", b"s3cret-key\n"), (b"confirmation:", b"s3cret-key\n")):
            seen += _read_until(fd, prompt)
            os.write(fd, answer)
        seen += _read_until(fd, b'"\r\n')
    finally:
        os.waitpid(pid, 0)
        os.close(fd)
    assert f'key_sha256: "{DIGEST}"'.encode() in seen
    assert b"s3cret-key" not in seen


def _read_until(fd: int, wanted: bytes, timeout: float = 20) -> bytes:
    got = b""
    deadline = time.monotonic() + timeout
    while wanted not in got:
        assert time.monotonic() < deadline, got
        if select.select([fd], [], [], 0.5)[0]:
            got += os.read(fd, 1024)
    return got


def test_keys_new_prints_a_strong_key_and_its_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "new"]) == 0
    key, line = capsys.readouterr().out.splitlines()
    assert key.startswith("gw_") and len(key) >= 3 + 43  # 32 random bytes, base64url
    assert line == f'key_sha256: "{hashlib.sha256(key.encode()).hexdigest()}"'
    assert main(["keys", "new"]) == 0
    assert capsys.readouterr().out.splitlines()[0] != key


REAL = MINIMAL.replace('"sandbox:"', "http://127.0.0.1:9")


def _keys(*entries: str) -> str:
    return "api_keys:\n" + "".join(
        f"  - {{name: {e}, scopes: [customers:read]}}\n" for e in entries
    )


def test_the_demo_key_warning_is_for_real_upstreams_only() -> None:
    demo, admin_hash = (
        "app, key: demo-key",
        "ops, key_sha256: " + hashlib.sha256(b"admin-key").hexdigest(),
    )
    assert demo_key_warning(parse_config(MINIMAL + _keys(demo))) is None  # sandbox only
    assert demo_key_warning(parse_config(REAL + _keys("app, key: k-1"))) is None
    warning = demo_key_warning(parse_config(REAL + _keys(demo, admin_hash, "x, key: k-2")))
    assert warning is not None
    assert "['app', 'ops']" in warning and "['borderbolt']" in warning
    assert "gateway keys new" in warning and "demo-key" not in warning


def test_serve_warns_at_start_when_a_real_upstream_has_the_demo_key(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(REAL + _keys("app, key: demo-key"))
    port = free_port()
    process = subprocess.Popen(
        [GATEWAY, "serve", "--config", str(path), "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until(lambda: httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1), 30)
    finally:
        process.terminate()
        out, err = process.communicate(timeout=10)
    said = err.decode().splitlines()
    assert said[0].startswith("WARNING: api_keys ['app'] use a published demo key")
    assert any(line.startswith("listening on ") for line in said[1:])
    logged = [line for line in out.decode().splitlines() if '"event": "demo_key_served"' in line]
    assert len(logged) == 1 and '"level": "warning"' in logged[0]
    assert "demo-key" not in out.decode() + err.decode()
