"""``zcrm limits show|reset``: an org's API limits and credits (docs/limits.md), on the database of ``--data-dir`` /
``--database-url``, for the default org unless ``--org-id`` is given. The numbers follow this command's own
``ZCRM_API_*`` environment; calls in flight are known only to the server (``in_flight`` is null here)."""

from __future__ import annotations

from pathlib import Path

import click

from zcrm.cli.common import data_options, echo_json, org_option, session


@click.group()
def limits() -> None:
    """An org's API limits: credits used and left, concurrency."""


@limits.command("show")
@data_options
@org_option
def limits_show(data_dir: Path, database_url: str | None, org_id: str | None) -> None:
    """Print the org's edition, credits (limit, used, remaining in 24 hours) and concurrency limits."""
    from zcrm.http.control.limits import describe
    from zcrm.settings import Settings
    from zcrm.store.orgs import load_schema

    with session(data_dir, database_url, org_id) as s:
        echo_json(describe(s.conn, Settings.from_env(), load_schema(s.conn, s.org_id), s.now))


@limits.command("reset")
@data_options
@org_option
def limits_reset(data_dir: Path, database_url: str | None, org_id: str | None) -> None:
    """Forget the credits the org used."""
    from zcrm.store import api_usage

    with session(data_dir, database_url, org_id) as s:
        echo_json({"deleted": api_usage.clear(s.conn, s.org_id)})


COMMANDS = (limits,)
