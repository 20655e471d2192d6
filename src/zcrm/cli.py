"""The ``zcrm`` command."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from zcrm.cli_admin import COMMANDS, org, prepared, token_issue
from zcrm.cli_clock import COMMANDS as CLOCK_COMMANDS
from zcrm.cli_faults import COMMANDS as FAULT_COMMANDS
from zcrm.cli_limits import COMMANDS as LIMIT_COMMANDS
from zcrm.cli_processes import COMMANDS as PROCESS_COMMANDS
from zcrm.cli_snapshots import COMMANDS as SNAPSHOT_COMMANDS
from zcrm.cli_snapshots import ORG_COMMANDS
from zcrm.settings import Settings

if TYPE_CHECKING:
    from zcrm.http.state import State


def _settings(host: str, port: int, data_dir: Path, database_url: str | None, org: Path | None) -> Settings:
    base = Settings.from_env()
    return base.with_(
        host=host,
        port=port,
        data_dir=data_dir,
        database_url=database_url or base.database_url,
        org_file=org or base.org_file,
    )


@click.group()
@click.version_option(package_name="zcrm")
def main() -> None:
    """zcrm: a local server that speaks Zoho CRM's v5 REST API."""


_defaults = Settings.from_env()


@main.command()
@click.option("--host", default=_defaults.host, show_default=True, help="Interface to listen on (ZCRM_HOST).")
@click.option("--port", default=_defaults.port, show_default=True, type=int, help="Port (ZCRM_PORT).")
@click.option(
    "--data-dir",
    default=str(_defaults.data_dir),
    show_default=True,
    type=click.Path(path_type=Path),
    help="Where the SQLite database and credentials.json live (ZCRM_DATA_DIR).",
)
@click.option(
    "--database-url",
    default=None,
    help="SQLAlchemy URL; default: SQLite in the data dir (ZCRM_DATABASE_URL).",
)
@click.option(
    "--org",
    "org",
    default=None,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Org definition file (YAML or JSON) for the default org on first start (ZCRM_ORG_FILE).",
)
@click.option("--log-level", default=_defaults.log_level, show_default=True)
@click.option(
    "--workers",
    default=_defaults.workers,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes sharing the database (ZCRM_WORKERS).",
)
@click.option(
    "--seed",
    default=_defaults.seed,
    type=int,
    help="Deterministic ids: org id prefixes (and page tokens) follow this seed (ZCRM_SEED).",
)
def serve(
    host: str,
    port: int,
    data_dir: Path,
    database_url: str | None,
    org: Path | None,
    log_level: str,
    workers: int,
    seed: int | None,
) -> None:
    """Create or migrate the database, then serve the API."""
    import uvicorn

    from zcrm.app import create_app
    from zcrm.schema.orgfile import OrgFileError

    settings = _settings(host, port, data_dir, database_url, org).with_(
        log_level=log_level, workers=workers, seed=seed
    )
    try:
        app = create_app(settings)
    except OrgFileError as exc:
        raise click.ClickException(f"org file: {exc}") from exc
    creds = app.state.credentials
    admin_token_file = _admin_token(app.state.zcrm)
    click.echo(f"zcrm {settings.base_url}  (database: {settings.effective_database_url})")
    click.echo(f"  credentials file: {(settings.data_dir / 'credentials.json').resolve()}")
    click.echo(f"  org id:           {creds.org_id}")
    click.echo(f"  access token:     {creds.access_token}")
    click.echo(f"  refresh token:    {creds.refresh_token}")
    click.echo(f"  client id:        {creds.client_id}")
    click.echo(f"  client secret:    {creds.client_secret}")
    click.echo(f"  admin token file: {admin_token_file}  (for POST /__zcrm/orgs)")
    click.echo(
        f"  try: curl -H 'Authorization: Zoho-oauthtoken {creds.access_token}' "
        f"'{settings.base_url}/crm/v5/Leads?fields=Last_Name,Email'"
    )
    # no access log: OAuth endpoints take tokens and codes in query strings, and tokens are never logged
    options = {"host": host, "port": port, "log_level": log_level, "access_log": False}
    if workers > 1:
        # this process prepared the database; each worker attaches to it (zcrm.app.worker_app)
        app.state.zcrm.db.dispose()
        os.environ.update(settings.environment())
        options["http"] = "zcrm.http.drop:Protocol"  # fault rules can drop connections (http/drop.py)
        uvicorn.run("zcrm.app:worker_app", factory=True, workers=workers, **options)  # type: ignore[arg-type]
        return
    gc.collect()
    gc.freeze()  # start-up objects (the org schema, modules, routes) are permanent: keep them out of GC passes
    from zcrm.http.drop import Protocol

    uvicorn.run(app, loop="auto", http=Protocol, **options)  # type: ignore[arg-type]


def _admin_token(state: State) -> Path:
    """Creates (or reuses) the server admin token; returns the file that holds it."""
    from zcrm.auth.admin import FILE_NAME, ensure_admin_token

    with state.db.write() as conn:
        ensure_admin_token(conn, state.settings.data_dir)
    return (state.settings.data_dir / FILE_NAME).resolve()


@main.group()
def token() -> None:
    """Issue OAuth grant codes and tokens (self-client flow)."""


@token.command("grant")
@click.option(
    "--data-dir", default=str(_defaults.data_dir), show_default=True, type=click.Path(path_type=Path)
)
@click.option("--database-url", default=None)
@click.option("--client-id", default=None, help="Default: the client in credentials.json.")
@click.option("--scope", default="ZohoCRM.modules.ALL,ZohoCRM.settings.ALL", show_default=True)
@click.option("--user", "user_email", default=None, help="User email; default: the org administrator.")
def grant(
    data_dir: Path, database_url: str | None, client_id: str | None, scope: str, user_email: str | None
) -> None:
    """Print a one-use grant code (valid 3 minutes) for the authorization_code grant."""

    from zcrm.store.clocks import org_now
    from zcrm.store.orgs import load_schema

    state, creds = prepared(data_dir, database_url)
    client = client_id or creds.client_id
    with state.db.write() as conn:
        schema = load_schema(conn, creds.org_id)
        user_id = creds.user_id
        if user_email:
            match = [u for u in schema.users if u.email.lower() == user_email.lower()]
            if not match:
                raise click.ClickException(f"no user {user_email}")
            if match[0].status != "active":
                raise click.ClickException(f"user {user_email} is {match[0].status}")
            user_id = match[0].id
        now = org_now(conn, creds.org_id, state.clock.now())  # the code expires on the org's clock
        code = state.oauth.issue_grant_code(conn, client, user_id, scope, now)
    click.echo(code)


token.add_command(token_issue)
for _command in (*COMMANDS, *PROCESS_COMMANDS, *CLOCK_COMMANDS, *FAULT_COMMANDS):
    main.add_command(_command)
for _snapshot_command in SNAPSHOT_COMMANDS:
    main.add_command(_snapshot_command)
for _org_command in ORG_COMMANDS:
    org.add_command(_org_command)
for _limit_command in LIMIT_COMMANDS:
    main.add_command(_limit_command)
