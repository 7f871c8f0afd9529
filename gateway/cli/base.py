"""What every ``gateway`` command shares: help that shows defaults and starts
``usage: gateway`` (as argparse's did, which scripts and the tests read), and an exit
that is a real ``SystemExit`` so ``--help`` ends ``main()`` as it ends the script."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, NoReturn, ParamSpec

import click

P = ParamSpec("P")

# A config file's name: shells complete it as a path; a missing file is load_config's
# to report (with the other problems), not the parser's: the type checks nothing.
CONFIG_FILE = click.Path()


class _Formatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "usage: " if prefix is None else prefix)


class _Context(click.Context):
    formatter_class = _Formatter

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("show_default", True)
        kwargs.setdefault("help_option_names", ["-h", "--help"])
        super().__init__(*args, **kwargs)

    def exit(self, code: int = 0) -> NoReturn:
        # Click's Exit would be swallowed by main(standalone_mode=False) and returned
        # like a command's result; --help and --version end the program instead.
        self.close()
        raise SystemExit(code)


class GatewayCommand(click.Command):
    context_class = _Context


class GatewayGroup(click.Group):
    context_class = _Context
    command_class = GatewayCommand
    group_class = type  # subgroups (gateway keys) are GatewayGroups too


def fail(message: str, code: int = 2) -> int:
    """Say what is wrong (and what to do) on stderr; the exit code to return."""
    print(message, file=sys.stderr)
    return code


def secrets_key_problem() -> str | None:
    """What is wrong with ``GATEWAY_SECRETS_KEY``, if it is set and not Fernet keys."""
    from gateway.config.sealing import KeyProblem, Sealer, keys_from_env

    try:
        Sealer(keys_from_env(), b"")
    except KeyProblem as exc:
        return str(exc)
    return None


def refuses_a_bad_secrets_key(command: Callable[P, int]) -> Callable[P, int]:
    """A command that reads or serves config stops at once (exit 2, never the value)
    when ``GATEWAY_SECRETS_KEY`` is set to something that is not Fernet keys."""

    @functools.wraps(command)
    def checked(*args: P.args, **kwargs: P.kwargs) -> int:
        if (problem := secrets_key_problem()) is not None:
            return fail(problem)
        return command(*args, **kwargs)

    return checked
