"""``gateway``: serve, check-config, simulate, webhook-receiver, keys, secrets-key and
completion (also ``python -m gateway``). Built on Click for what people expect of a
command line: ``--version``, defaults in help, did-you-mean for mistyped commands and
options, and shell completion."""

from __future__ import annotations

from collections.abc import Sequence

import click

from adapters import REGISTRY
from gateway.cli.base import GatewayGroup
from gateway.cli.checking import check_config, config_file, config_report
from gateway.cli.keys import keys, secrets_key
from gateway.cli.serving import (
    listening_line,
    receive,
    serve,
    simulate,
    state_problem,
    workers_refusal,
)
from gateway.cli.shells import completion

__all__ = [
    "config_file",
    "config_report",
    "gateway",
    "listening_line",
    "main",
    "state_problem",
    "workers_refusal",
]

EPILOG = """\b
Start with 'gateway serve --config config.yaml' (what 'make run' does),
then open http://127.0.0.1:8000/docs. 'gateway COMMAND --help' tells more."""


@click.group(
    cls=GatewayGroup,
    epilog=EPILOG,
    help="Customer Gateway: one REST API for customers, contacts and items over several "
    f"upstreams (adapters: {', '.join(REGISTRY)}).",
)
@click.version_option(package_name="customer-gateway", prog_name="gateway")
def gateway() -> None:
    pass


for command in (serve, check_config, simulate, receive, keys, secrets_key, completion):
    gateway.add_command(command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code. As argparse did, help and ``--version``
    raise ``SystemExit(0)`` and a usage error prints the usage and raises
    ``SystemExit(2)``; shell completion (``_GATEWAY_COMPLETE`` set) answers and exits."""
    args = None if argv is None else list(argv)
    try:
        code = gateway.main(args, prog_name="gateway", standalone_mode=False)
    except click.ClickException as error:
        error.show()
        raise SystemExit(error.exit_code) from None
    except click.Abort:
        click.echo("Aborted.", err=True)
        raise SystemExit(1) from None
    return code if isinstance(code, int) else 0
