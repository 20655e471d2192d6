"""The ``zcrm`` commands of the org lifecycle: ``snapshot save|load``, ``org delete|reset|set-seed`` and ``seed``.

Like the access commands (cli/access.py) they work directly on the database of ``--data-dir`` / ``--database-url``,
on the default org unless ``--org-id`` is given, and print JSON (docs/snapshots.md).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import orjson

from zcrm.cli.common import data_options, echo_json, org_option, prepared, session
from zcrm.errors import ZohoError

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from zcrm.auth.identity import Identity
    from zcrm.http.state import State


def _fail(exc: ZohoError) -> click.ClickException:
    return click.ClickException(f"{exc.code}: {exc.message} {orjson.dumps(exc.details).decode()}")


# -- snapshot ---------------------------------------------------------------------------------------------------
@click.group(short_help="Save an org to a snapshot file, or load one.")
def snapshot() -> None:
    """Save an org to a snapshot file, or load one into a new or an existing org."""


@snapshot.command("save")
@data_options
@org_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def snapshot_save(data_dir: Path, database_url: str | None, org_id: str | None, file: Path) -> None:
    """Write the org (the default org unless --org-id) to FILE as a zcrm-snapshot/1 JSON document ('-': stdout)."""
    from zcrm.service import orgs

    state, creds = prepared(data_dir, database_url)
    target = org_id or creds.org_id

    def check(conn: Connection, now: int) -> None:
        if not orgs.exists(conn, target):
            raise click.ClickException(f"no org {target}")

    try:
        document = orgs.export(state.db, target, state.clock.now, check)
    finally:
        state.db.dispose()
    content = orjson.dumps(document) + b"\n"
    if str(file) == "-":
        click.echo(content.decode(), nl=False)
        return
    file.write_bytes(content)
    counts = {key: len(value) for key, value in document.items() if isinstance(value, list)}
    echo_json({"org_id": target, "file": str(file), "saved": counts})


def _read_snapshot(file: Path) -> Any:
    try:
        return orjson.loads(sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise click.ClickException(f"{file}: {exc}") from None


@snapshot.command("load")
@data_options
@org_option
@click.option("--new", "new", is_flag=True, help="Load into a new org and print its credentials.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def snapshot_load(
    data_dir: Path, database_url: str | None, org_id: str | None, new: bool, file: Path
) -> None:
    """Load FILE (a zcrm-snapshot/1 document; '-': stdin) into the org (the default org unless --org-id), replacing
    all its content in one transaction, or into a new org (--new)."""
    from zcrm.auth.provision import admin_credentials
    from zcrm.schema.snapshot import parse
    from zcrm.service import orgs

    if new and org_id:
        raise click.UsageError("--new and --org-id exclude each other")
    document = _read_snapshot(file)
    try:
        checked = parse(document)
    except ZohoError as exc:
        raise _fail(exc) from None
    with session(data_dir, database_url, org_id) as s:
        if new:
            seed = s.oauth.settings.seed
            created = orgs.create_from_snapshot(s.conn, checked, s.server_now, document, seed)
            echo_json(admin_credentials(s.conn, s.oauth, created, s.base_url, s.server_now))
        else:
            echo_json(orgs.import_snapshot(s.conn, s.org_id, checked))


# -- org delete, reset, set-seed ---------------------------------------------------------------------------------
@click.command("delete")
@data_options
@click.option("--org-id", required=True, help="The org to delete (not the default org).")
def org_delete(data_dir: Path, database_url: str | None, org_id: str) -> None:
    """Delete an org and every row it owns (records, metadata, users, OAuth clients and tokens, logs, seed)."""
    from zcrm.errors import InvalidData
    from zcrm.service import orgs

    with session(data_dir, database_url, org_id) as s:
        try:
            deleted = orgs.delete(s.conn, s.org_id)
        except InvalidData:  # the default org
            raise click.ClickException(orgs.DEFAULT_ORG) from None
        echo_json(deleted)


@click.command("reset")
@data_options
@org_option
def org_reset(data_dir: Path, database_url: str | None, org_id: str | None) -> None:
    """Put the org back to its seed (the org as created, or as `zcrm org set-seed` left it), in one transaction."""
    from zcrm.service import orgs

    with session(data_dir, database_url, org_id) as s:
        echo_json(orgs.reset(s.conn, s.org_id))


@click.command("set-seed")
@data_options
@org_option
def org_set_seed(data_dir: Path, database_url: str | None, org_id: str | None) -> None:
    """Make the org's current state its seed (what `zcrm org reset` goes back to)."""
    from zcrm.service import orgs

    with session(data_dir, database_url, org_id) as s:
        echo_json(orgs.put_seed(s.conn, s.org_id, s.now))


# -- seed --------------------------------------------------------------------------------------------------------
@contextmanager
def _progress(total: int, label: str, shown: bool | None) -> Iterator[Any]:
    """A progress bar on stderr (when it is a terminal, or ``--progress``), else nothing."""
    if shown is None:
        shown = sys.stderr.isatty()
    if not shown:
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar


def _seed_identity(state: State, org_id: str, email: str | None) -> Identity:
    from zcrm.auth.identity import Identity
    from zcrm.auth.scopes import parse_scopes
    from zcrm.service import orgs

    schema, user_id = orgs.schema_and_admin(state.db, org_id, admin=email is None)
    user = next(
        (u for u in schema.users if (u.id == user_id if email is None else u.email.lower() == email.lower())),
        None,
    )
    if user is None:
        raise click.ClickException(f"no user {email}")
    if user.status != "active":
        raise click.ClickException(f"user {email} is {user.status}")
    return Identity(org_id, user, parse_scopes("ZohoCRM.modules.ALL"), schema)


@click.command("seed", short_help="Insert records from JSON, YAML or CSV files into a module.")
@data_options
@org_option
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--module", "module_name", required=True, help="The module the records go to (API name).")
@click.option("--as", "as_email", default=None, help="The email of the user who inserts; default: the admin.")
@click.option(
    "--trigger",
    "triggers",
    multiple=True,
    type=click.Choice(["workflow", "approval", "blueprint", "pathfinder", "orchestration"]),
    help="Automation the inserts trigger, as the API's `trigger` (repeatable); default: none.",
)
@click.option("--progress/--no-progress", default=None, help="Show a progress bar; default: on a terminal.")
def seed(
    data_dir: Path,
    database_url: str | None,
    org_id: str | None,
    files: tuple[Path, ...],
    module_name: str,
    as_email: str | None,
    triggers: tuple[str, ...],
    progress: bool | None,
) -> None:
    """Insert the records of FILES (JSON, YAML: a list or {"data": [...]}; CSV: a header row of field API names)
    into --module, through the Insert Records API's checks, 100 per transaction. Prints what was inserted and
    every failed record with its file and row (1-based); exits 1 when any record failed."""
    from zcrm.auth.guards import record_module
    from zcrm.records.seedfile import SeedFileError, batches, read_records
    from zcrm.service import orgs
    from zcrm.service.after import run_functions
    from zcrm.service.records import insert_batch

    state, creds = prepared(data_dir, database_url)
    target = org_id or creds.org_id
    try:
        if not orgs.found(state.db, target):
            raise click.ClickException(f"no org {target}")
        ident = _seed_identity(state, target, as_email)
        try:
            module = record_module(ident, module_name, "create")
        except ZohoError as exc:
            raise _fail(exc) from None
        loaded: list[tuple[Path, list[Any]]] = []
        for file in files:
            try:
                loaded.append((file, read_records(file.name, file.read_text("utf-8-sig"), module)))
            except (SeedFileError, UnicodeDecodeError) as exc:
                raise click.ClickException(f"{file}: {exc}") from None
        total = sum(len(records) for _, records in loaded)
        inserted, errors = 0, []
        with _progress(total, f"seeding {module.api_name}", progress) as bar:
            for file, records in loaded:
                for offset, batch in batches(records):
                    results, after = insert_batch(
                        state.db, ident, module, batch, state.clock.now(), frozenset(triggers)
                    )
                    run_functions(
                        state.db,
                        state.schemas,
                        state.clock,
                        None,
                        state.function_pool,
                        target,
                        ident.user.id,
                        after,
                    )
                    for index, result in enumerate(results):
                        if isinstance(result, ZohoError):
                            errors.append({"file": str(file), "row": offset + index + 1, **result.as_dict()})
                        else:
                            inserted += 1
                    if bar is not None:
                        bar.update(len(batch))
    finally:
        if state.functions is not None:
            state.functions.close()
        state.db.dispose()
    echo_json(
        {
            "org_id": target,
            "module": module.api_name,
            "inserted": inserted,
            "failed": len(errors),
            "errors": errors,
        }
    )
    if errors:
        sys.exit(1)


COMMANDS = (snapshot, seed)
ORG_COMMANDS = (org_delete, org_reset, org_set_seed)
