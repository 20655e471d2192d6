"""The ``zcrm`` command."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import click

from zcrm.settings import Settings


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
def serve(
    host: str, port: int, data_dir: Path, database_url: str | None, org: Path | None, log_level: str
) -> None:
    """Create or migrate the database, then serve the API."""
    import uvicorn

    from zcrm.app import create_app
    from zcrm.schema.orgfile import OrgFileError

    settings = _settings(host, port, data_dir, database_url, org)
    try:
        app = create_app(settings)
    except OrgFileError as exc:
        raise click.ClickException(f"org file: {exc}") from exc
    creds = app.state.credentials
    click.echo(f"zcrm {settings.base_url}  (database: {settings.effective_database_url})")
    click.echo(f"  credentials file: {(settings.data_dir / 'credentials.json').resolve()}")
    click.echo(f"  org id:           {creds.org_id}")
    click.echo(f"  access token:     {creds.access_token}")
    click.echo(f"  refresh token:    {creds.refresh_token}")
    click.echo(f"  client id:        {creds.client_id}")
    click.echo(f"  client secret:    {creds.client_secret}")
    click.echo(
        f"  try: curl -H 'Authorization: Zoho-oauthtoken {creds.access_token}' "
        f"'{settings.base_url}/crm/v5/Leads?fields=Last_Name,Email'"
    )
    gc.collect()
    gc.freeze()  # start-up objects (the org schema, modules, routes) are permanent: keep them out of GC passes
    uvicorn.run(app, host=host, port=port, log_level=log_level, loop="auto", http="auto")


@main.group()
def token() -> None:
    """Issue OAuth grant codes and tokens for the default org (self-client flow)."""


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

    from zcrm.app import prepare
    from zcrm.store.orgs import load_schema

    settings = _settings(_defaults.host, _defaults.port, data_dir, database_url, None)
    previous = data_dir / "credentials.json"
    if previous.exists():  # keep the address the server was started with
        base_url = json.loads(previous.read_text("utf-8")).get("base_url")
        if isinstance(base_url, str) and base_url:
            settings = settings.with_(public_url=base_url)
    state, creds = prepare(settings)
    client = client_id or creds.client_id
    with state.db.write() as conn:
        schema = load_schema(conn, creds.org_id)
        user_id = creds.user_id
        if user_email:
            match = [u for u in schema.users if u.email.lower() == user_email.lower()]
            if not match:
                raise click.ClickException(f"no user {user_email}")
            user_id = match[0].id
        code = state.oauth.issue_grant_code(conn, client, user_id, scope, state.clock.now())
    click.echo(code)
