"""What the command line offers beyond its commands: --version, defaults in help,
did-you-mean for commands and options, shell completion in a real bash, and
check-config's JSON report."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from gateway.cli import main
from tests.test_cli import BROKEN
from tests.test_config import MINIMAL

GATEWAY = Path(sys.executable).with_name("gateway")


def test_version_is_the_installed_package(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"gateway, version {version('customer-gateway')}"


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        (["serve"], ["[default: 127.0.0.1]", "[default: 8000; 0<=x<=65535]", "[default: 1; x>=1]"]),
        (["simulate"], ["[default: sandbox]", "[default: 0.0; x>=0]"]),
        (["webhook-receiver"], ["[default: 9100; 0<=x<=65535]"]),
        (["check-config"], ["[default: text]"]),
    ],
)
def test_help_shows_the_defaults(
    command: list[str], shown: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    out = " ".join(capsys.readouterr().out.split())  # wrapping aside
    assert all(default in out for default in shown), out


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["serv"], "No such command 'serv'. Did you mean 'serve'?"),
        (["chek-config"], "Did you mean 'check-config'?"),
        (["keys", "hsah"], "No such command 'hsah'. Did you mean 'hash'?"),
        (["serve", "--prot", "9"], "No such option '--prot'."),
        (["simulate", "crm", "--latncy", "1"], "Did you mean '--latency'?"),
    ],
)
def test_a_mistyped_command_or_option_gets_a_suggestion(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    err = capsys.readouterr().err
    assert exited.value.code == 2 and said in err and "--help' for help" in err


def test_a_mistyped_option_names_the_close_ones(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--prot", "9"])
    assert "'--port'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "choices"),
    [(["simulate"], ["ADAPTER", "borderbolt", "inventorum"]), (["completion"], ["SHELL", "fish"])],
)
def test_a_missing_argument_lists_its_choices(
    argv: list[str], choices: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    err = capsys.readouterr().err
    assert exited.value.code == 2 and f"Missing argument '{choices[0]}'. Choose from:" in err
    assert all(choice in err for choice in choices[1:])


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["serve", "--workers", "0"], "Invalid value for '--workers': 0 is not in the range x>=1"),
        (["serve", "--port", "70000"], "70000 is not in the range 0<=x<=65535"),
        (["simulate", "crm", "--port", "1", "--latency", "-1"], "-1.0 is not in the range x>=0"),
    ],
)
def test_a_number_out_of_range_is_refused_before_anything_starts(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2 and said in capsys.readouterr().err


def _complete(words: str, tmp_path: Path) -> list[str]:
    """What a real bash offers for ``words`` (the last one being typed), through the
    script ``gateway completion bash`` prints, calling the installed ``gateway``."""
    script = tmp_path / "gateway.bash"
    made = subprocess.run(
        [GATEWAY, "completion", "bash"], capture_output=True, text=True, check=True
    )
    script.write_text(made.stdout)
    typed = words.split(" ")
    line = (
        f"source {script}\n"
        f"COMP_WORDS=({' '.join(map(shlex.quote, typed))}); COMP_CWORD={len(typed) - 1}\n"
        # as bash calls it on <Tab>: the command, the word typed, the word before
        f"_gateway_completion gateway {typed[-1]!r} {typed[-2]!r}\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "PATH": f"{GATEWAY.parent}{os.pathsep}{os.environ['PATH']}"}
    bash = shutil.which("bash")
    assert bash is not None
    done = subprocess.run([bash, "--norc", "-c", line], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_bash_completes_commands_options_and_choices(tmp_path: Path) -> None:
    assert _complete("gateway se", tmp_path) == ["secrets-key", "serve"]
    assert _complete("gateway serve --wo", tmp_path) == ["--workers"]
    assert _complete("gateway simulate inv", tmp_path) == ["inventorum"]
    assert _complete("gateway keys ", tmp_path) == ["hash", "new"]


@pytest.mark.parametrize("words", ["gateway serve --config ", "gateway check-config "])
def test_a_config_file_completes_as_a_path(words: str) -> None:
    """What the script asks of ``gateway`` when a file name is being typed: 'file' has
    bash complete paths itself."""
    env = {
        **os.environ,
        "_GATEWAY_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split(" ")) - 1),
    }
    done = subprocess.run([GATEWAY], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.split() == ["file,"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_scripts_call_back_into_gateway(
    shell: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["completion", shell]) == 0
    assert f"_GATEWAY_COMPLETE={shell}_complete" in capsys.readouterr().out


def _json_report(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = main(["check-config", "--format", "json", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_check_config_json_for_a_valid_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(MINIMAL)
    assert _json_report([str(path)], capsys) == (
        0,
        {
            "ok": True,
            "path": str(path),
            "connections": [{"name": "borderbolt", "adapter": "borderbolt"}],
            "problems": [],
        },
    )


def test_check_config_json_places_each_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN.replace("tokn: x", "tokn: hunter2-secret"))
    code, report = _json_report([str(path)], capsys)
    assert code == 1 and report["ok"] is False and report["connections"] == []
    assert report["problems"][0] == {
        "path": str(path),
        "line": 2,
        "column": 3,
        "key": "server.default_conection",
        "message": "not a field here; did you mean 'default_connection'?",
    }
    assert [(p["line"], p["column"], p["key"]) for p in report["problems"][1:]] == [
        (6, 5, "connections.shop.api_version"),
        (7, 5, "connections.shop.base_url"),
        (8, 5, "connections.shop.auth.token"),
        (8, 26, "connections.shop.auth.tokn"),
    ]
    assert "hunter2" not in json.dumps(report)


def test_check_config_json_for_an_unreadable_file_and_a_bad_secrets_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, report = _json_report([str(tmp_path / "missing.yaml")], capsys)
    assert code == 1 and report["problems"][0]["line"] is None
    assert "cannot read" in report["problems"][0]["message"]
    monkeypatch.setenv("GATEWAY_SECRETS_KEY", "not-a-fernet-key")
    code, report = _json_report([str(tmp_path / "missing.yaml")], capsys)
    assert code == 2 and report["problems"][0]["key"] == "GATEWAY_SECRETS_KEY"
    assert "gateway secrets-key" in report["problems"][0]["message"]
    assert "not-a-fernet-key" not in json.dumps(report)
