"""``zcrm limits show|reset``: an org's API limits and credits (docs/limits.md), on the database of ``--data-dir`` /
``--database-url``, for the default org unless ``--org-id`` is given. The numbers follow this command's own
``ZCRM_API_*`` environment; calls in flight are known only to the server (``in_flight`` is null here)."""

from __future__ import annotations

from pathlib import Path

import click

from zcrm.cli.common import data_options, echo_json, org_option, org_schema, session


@click.group()
def limits() -> None:
    """An org's API limits: credits used and left, concurrency."""


@limits.command("show")
@data_options
@org_option
def limits_show(data_dir: Path, database_url: str | None, org_id: str | None) -> None:
    """Print the org's edition, credits (limit, used, remaining in 24 hours) and concurrency limits."""
    from zcrm.http.api_limits import org_limits, overrides
    from zcrm.service import limits as limits_service
    from zcrm.settings import Settings

    settings = Settings.from_env()
    with session(data_dir, database_url, org_id) as s:
        found = org_limits(org_schema(s), overrides(settings))
        echo_json(limits_service.describe(s.conn, s.org_id, found, settings.api_limits, s.now))


@limits.command("reset")
@data_options
@org_option
def limits_reset(data_dir: Path, database_url: str | None, org_id: str | None) -> None:
    """Forget the credits the org used."""
    from zcrm.service import limits as limits_service

    with session(data_dir, database_url, org_id) as s:
        echo_json(limits_service.clear(s.conn, s.org_id))


COMMANDS = (limits,)
