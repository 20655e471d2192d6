"""The ``zcrm`` command: one group, each command group in its own module of this package."""

from __future__ import annotations

import click

from zcrm.cli.access import COMMANDS as ACCESS_COMMANDS
from zcrm.cli.access import org
from zcrm.cli.clock import COMMANDS as CLOCK_COMMANDS
from zcrm.cli.faults import COMMANDS as FAULT_COMMANDS
from zcrm.cli.limits import COMMANDS as LIMIT_COMMANDS
from zcrm.cli.processes import COMMANDS as PROCESS_COMMANDS
from zcrm.cli.serve import serve
from zcrm.cli.snapshots import COMMANDS as SNAPSHOT_COMMANDS
from zcrm.cli.snapshots import ORG_COMMANDS


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="zcrm")
def main() -> None:
    """zcrm: a local server that speaks Zoho CRM's v5 REST API."""


for _command in (
    serve,
    *ACCESS_COMMANDS,
    *PROCESS_COMMANDS,
    *CLOCK_COMMANDS,
    *FAULT_COMMANDS,
    *SNAPSHOT_COMMANDS,
):
    main.add_command(_command)
for _command in LIMIT_COMMANDS:
    main.add_command(_command)
for _org_command in ORG_COMMANDS:
    org.add_command(_org_command)
