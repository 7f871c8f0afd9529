"""``gateway keys hash|new`` and ``gateway secrets-key``: the keys an operator makes
by hand. An API key is read from stdin or a hidden prompt, never from the command line
unless asked (``--key``), so it stays out of shell history."""

from __future__ import annotations

import hashlib
import secrets
import sys

import click

from gateway.cli.base import GatewayCommand, GatewayGroup, fail

PREFIX = "gw_"  # so a leaked key is recognisable in logs and secret scanners


@click.group(cls=GatewayGroup)
def keys() -> None:
    """Make API keys and their key_sha256 lines."""


@keys.command("hash")
@click.option(
    "--key",
    "given",
    help="the key itself (it lands in shell history: prefer stdin or the prompt)",
)
def hash_key(given: str | None) -> int:
    """Print a key's 'key_sha256: ...' line for the config.

    The key is read from stdin when it is piped (printf %s "$KEY" | gateway keys hash),
    else asked for; paste the line into its api_keys entry in place of key."""
    if given is not None:
        key = given
    elif sys.stdin.isatty():
        key = click.prompt("API key", hide_input=True, confirmation_prompt=True)
    else:
        key = sys.stdin.read().removesuffix("\n").removesuffix("\r")
    if not key:
        return fail(
            'gateway keys hash: no key given: pipe it in (printf %s "$KEY" | gateway keys '
            "hash), type it at the prompt, or make one with 'gateway keys new'"
        )
    print(sha256_line(key))
    return 0


@keys.command("new")
def new_key() -> int:
    """Print a new random API key and its key_sha256 line.

    The key (256 random bits) is on the first line: give it to the client once. Paste
    the second line into the key's api_keys entry; the config never holds the key."""
    key = PREFIX + secrets.token_urlsafe(32)
    print(key)
    print(sha256_line(key))
    return 0


def sha256_line(key: str) -> str:
    """The YAML line to paste in an ``api_keys`` entry (quoted: a hex digest of digits
    only would read as a number)."""
    return f'key_sha256: "{hashlib.sha256(key.encode()).hexdigest()}"'


@click.command("secrets-key", cls=GatewayCommand)
def secrets_key() -> int:
    """Print a new key for GATEWAY_SECRETS_KEY.

    It encrypts config versions at rest (a Fernet key)."""
    from gateway.config.sealing import new_key as new_fernet_key

    print(new_fernet_key())
    return 0
