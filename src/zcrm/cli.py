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
@click.option(
    "--port",
    default=_defaults.port,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (ZCRM_PORT); 0: a free port, printed at start and written to credentials.json.",
)
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
@click.option(
    "--show-credentials",
    is_flag=True,
    help="Also print the client secret and the refresh and access tokens (they are in credentials.json; "
    "without this option they are never printed, so that they stay out of logs).",
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
    show_credentials: bool,
) -> None:
    """Create or migrate the database, then serve the API."""
    from zcrm.app import create_app
    from zcrm.cli_serve import banner, exposure_warning, run
    from zcrm.datadir import secure
    from zcrm.listen import bind
    from zcrm.schema.orgfile import OrgFileError

    settings = _settings(host, port, data_dir, database_url, org).with_(
        log_level=log_level, workers=workers, seed=seed
    )
    for note in secure(settings.data_dir, settings.effective_database_url):
        click.echo(f"note: data dir: {note}", err=True)
    try:
        sock, listening = bind(host, port)  # bound first: the real port goes into credentials.json
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    settings = settings.with_(port=listening.port)
    if settings.require_passwords == "auto":  # from the address really bound; the workers inherit it
        settings = settings.with_(require_passwords="off" if listening.loopback else "on")
    try:
        app = create_app(settings)
    except OrgFileError as exc:
        sock.close()
        raise click.ClickException(f"org file: {exc}") from exc
    admin_token_file = _admin_token(app.state.zcrm)
    warning = exposure_warning(settings, listening)
    if warning is not None:
        click.echo(warning, err=True)
    for line in banner(settings, listening, app.state.credentials, admin_token_file, show_credentials):
        click.echo(line)
    # no access log: OAuth endpoints take tokens and codes in query strings, and tokens are never logged
    options: dict[str, object] = {"log_level": log_level, "access_log": False}
    if workers > 1:
        # this process prepared the database; each worker attaches to it (zcrm.app.worker_app)
        app.state.zcrm.db.dispose()
        os.environ.update(settings.environment())
        options["http"] = "zcrm.http.drop:Protocol"  # fault rules can drop connections (http/drop.py)
        run(None, sock, settings, options)
        return
    gc.collect()
    gc.freeze()  # start-up objects (the org schema, modules, routes) are permanent: keep them out of GC passes
    from zcrm.http.drop import Protocol

    run(app, sock, settings, {**options, "loop": "auto", "http": Protocol})


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
