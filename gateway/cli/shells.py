"""``gateway completion bash|zsh|fish``: the script that completes gateway's commands
and options in that shell, from Click's own mechanism (it calls back into ``gateway``
with ``_GATEWAY_COMPLETE`` set, so completion never goes stale)."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

from gateway.cli.base import GatewayCommand

SHELLS = ("bash", "zsh", "fish")


@click.command(cls=GatewayCommand)
@click.argument("shell", metavar="SHELL", type=click.Choice(SHELLS))
def completion(shell: str) -> int:
    """Print the shell completion script for SHELL.

    SHELL is bash, zsh or fish.

    \b
    bash: eval "$(gateway completion bash)"   in ~/.bashrc
    zsh:  eval "$(gateway completion zsh)"    in ~/.zshrc
    fish: gateway completion fish > ~/.config/fish/completions/gateway.fish"""
    root = click.get_current_context().find_root().command
    complete = get_completion_class(shell)
    assert complete is not None  # every SHELLS entry is one Click knows
    print(complete(root, {}, "gateway", "_GATEWAY_COMPLETE").source())
    return 0
