"""Whether a data dir (or a ``--database-url``) already holds a zcrm database, checked without creating one: the
admin commands work only on an existing one (``zcrm serve`` creates it), and ``zcrm serve --org`` warns that the org
file is not read for an existing one."""

from __future__ import annotations

from pathlib import Path

import click

from zcrm.settings import Settings


class NoDatabase(click.ClickException):
    """A data dir without a zcrm database, given to a command that needs one (exit code 2, as a usage error)."""

    exit_code = 2


def holds_database(settings: Settings) -> bool:
    """Whether the database of ``settings`` has zcrm's tables (nothing is created to find out)."""
    from zcrm.service.existing import holds_database as holds

    return holds(settings.effective_database_url)


def require_database(settings: Settings) -> None:
    """Refuses (``NoDatabase``) a data dir or database URL without a zcrm database."""
    if holds_database(settings):
        return
    where = f"data dir {Path(settings.data_dir)}"
    if settings.database_url:
        where = f"the database of --database-url (ZCRM_DATABASE_URL) for {where}"
    raise NoDatabase(
        f"no zcrm database in {where}: check --data-dir (ZCRM_DATA_DIR), or create one with "
        f"`zcrm serve --data-dir {settings.data_dir}`"
    )
