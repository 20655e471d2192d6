"""``zcrm clock show|set|advance|freeze|unfreeze|reset``: an org's clock (docs/control-plane.md#clock).

Like the access commands (cli/access.py) they work directly on the database of ``--data-dir`` /
``--database-url``, on the default org unless ``--org-id`` is given, and print the clock as
``GET /__zcrm/clock`` shows it. A running server sees the change on the org's next request.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from zcrm.cli.common import data_options, echo_json, org_option, session

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"^(\d+)([smhd]?)\Z")


def _change(
    data_dir: Path, database_url: str | None, org_id: str | None, name: str, body: dict[str, Any]
) -> None:
    from zcrm.service import clock as clock_service

    with session(data_dir, database_url, org_id) as s:
        if name == "show":
            echo_json(clock_service.show(s.conn, s.org_id, s.server_now))
            return
        echo_json(clock_service.change(s.conn, s.org_id, name, body, s.server_now))


@click.group()
def clock() -> None:
    """An org's clock: show, set, advance, freeze, unfreeze, reset."""


@clock.command("show")
@data_options
@org_option
def clock_show(data_dir: Path, database_url: str | None, org_id: str | None) -> None:
    """Print the org's time, whether it is frozen, and its offset from the server's clock."""
    _change(data_dir, database_url, org_id, "show", {})


@clock.command("set")
@data_options
@org_option
@click.argument("time")
@click.option("--frozen", is_flag=True, help="Freeze the clock at TIME (default: it runs on from TIME).")
def clock_set(data_dir: Path, database_url: str | None, org_id: str | None, time: str, frozen: bool) -> None:
    """Set the org's clock to TIME: yyyy-MM-ddTHH:mm:ss±HH:MM (or Z), or epoch seconds."""
    value: str | int = int(time) if time.isdigit() else time
    _change(data_dir, database_url, org_id, "set", {"time": value, "frozen": frozen})


@clock.command("advance")
@data_options
@org_option
@click.argument("duration")
def clock_advance(data_dir: Path, database_url: str | None, org_id: str | None, duration: str) -> None:
    """Move the org's clock forward by DURATION: seconds, or a number with s, m, h or d (90, 15m, 2h, 1d)."""
    match = _DURATION.match(duration.strip())
    if match is None:
        raise click.BadParameter("seconds, or a number followed by s, m, h or d", param_hint="DURATION")
    seconds = int(match[1]) * UNITS[match[2] or "s"]
    _change(data_dir, database_url, org_id, "advance", {"seconds": seconds})


@clock.command("freeze")
@data_options
@org_option
def clock_freeze(data_dir: Path, database_url: str | None, org_id: str | None) -> None:
    """Stop the org's clock where it stands."""
    _change(data_dir, database_url, org_id, "freeze", {})


@clock.command("unfreeze")
@data_options
@org_option
def clock_unfreeze(data_dir: Path, database_url: str | None, org_id: str | None) -> None:
    """Let the org's frozen clock run again from where it stands."""
    _change(data_dir, database_url, org_id, "unfreeze", {})


@clock.command("reset")
@data_options
@org_option
def clock_reset(data_dir: Path, database_url: str | None, org_id: str | None) -> None:
    """Put the org back on the server's clock."""
    _change(data_dir, database_url, org_id, "reset", {})


COMMANDS = (clock,)
