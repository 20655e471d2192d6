"""The ``zcrm serve`` command: its options, start-up, what it prints at start, and how it hands its bound socket
to uvicorn.

The banner (stdout) says where the server listens and where its files are, never a secret unless asked
(``--show-credentials``): start-up output ends up in CI logs. Warnings (stderr): a listening address beyond
loopback, and data-dir modes that were tightened.
"""

from __future__ import annotations

import contextlib
import gc
import inspect
import os
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from sqlalchemy import make_url

from zcrm.listen import LISTENING, Listening
from zcrm.logs import FORMATS, log_config
from zcrm.settings import Settings

if TYPE_CHECKING:
    from zcrm.bootstrap import Credentials
    from zcrm.http.state import State
    from zcrm.proxy.authority import Authority

_defaults = Settings.from_env()
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")  # uvicorn's


def bind_error(host: str, port: int, exc: OSError, option: str = "--port") -> click.ClickException:
    """The message for a port that cannot be bound, with a hint about the option that chose it."""
    return click.ClickException(
        f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another port with {option}"
        " (0 picks a free one)"
    )


def database_text(url: str) -> str:
    """A database URL as printed: without its password."""
    return make_url(url).render_as_string(hide_password=True)


def banner(
    settings: Settings,
    listening: Listening,
    creds: Credentials,
    admin_token_file: Path,
    show_credentials: bool,
) -> list[str]:
    """The lines ``zcrm serve`` prints on stdout before serving."""
    data_dir = Path(settings.data_dir).resolve()
    credentials_file = data_dir / "credentials.json"
    lines = [
        f"zcrm {settings.base_url}",
        f"{LISTENING}{listening.describe()}",
        f"  database:         {database_text(settings.effective_database_url)}",
        f"  data dir:         {data_dir}",
        f"  org id:           {creds.org_id}",
        f"  credentials file: {credentials_file}  (client id and secret, refresh and access tokens)",
    ]
    if settings.proxy_url is not None:
        lines += [
            f"  proxy:            {settings.proxy_url}  (HTTPS for Zoho's hosts only: HTTPS_PROXY; docs/proxy.md)",
            f"  proxy CA:         {(data_dir / 'ca.pem')}  (trust it: REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS, ...)",
        ]
    if show_credentials:
        lines += [
            f"  client id:        {creds.client_id}",
            f"  client secret:    {creds.client_secret}",
            f"  refresh token:    {creds.refresh_token}",
            f"  access token:     {creds.access_token}",
        ]
    else:
        lines.append(
            "                    (tokens and secrets are not printed: --show-credentials prints them)"
        )
    required = "required" if settings.passwords_required else "only for users who have one"
    lines += [
        f"  admin token file: {admin_token_file}  (for POST /__zcrm/orgs)",
        f"  passwords:        {required} on the OAuth consent page (ZCRM_REQUIRE_PASSWORDS)",
        f"  try: TOKEN=$(python3 -c \"import json; print(json.load(open('{credentials_file}'))['access_token'])\")",
        f"       curl -H \"Authorization: Zoho-oauthtoken $TOKEN\" '{settings.base_url}/crm/v5/Leads?fields=Last_Name,Email'",
    ]
    return lines


def exposure_warning(settings: Settings, listening: Listening) -> str | None:
    """The warning for an address beyond loopback (None on loopback)."""
    if listening.loopback:
        return None
    text = (
        f"WARNING: zcrm listens on {listening.describe()}, not only on loopback: anyone who can reach this address"
        " can call its API with a token and open its OAuth consent page."
    )
    if settings.passwords_required:
        return text + (
            " The consent page requires passwords: users without one cannot sign in there"
            " (set one with `zcrm user set-password EMAIL`). See docs/security.md."
        )
    return text + (
        " ZCRM_REQUIRE_PASSWORDS=off: the consent page signs in users without a password, so anyone who reaches"
        " it can act as them. See docs/security.md."
    )


def run(
    app: Any,
    sock: socket.socket,
    settings: Settings,
    options: dict[str, Any],
    proxy: tuple[socket.socket, Authority] | None = None,
) -> None:
    """Serves ``app`` on the bound socket: in this process, or with ``settings.workers`` > 1 in uvicorn's worker
    processes, each of which builds the app with ``zcrm.app:worker_app``. ``proxy``: the proxy port's socket and
    zcrm's CA (one process only, zcrm.proxy.server)."""
    import uvicorn

    if settings.workers > 1:
        from uvicorn.supervisors import Multiprocess

        config = uvicorn.Config("zcrm.app:worker_app", factory=True, workers=settings.workers, **options)
        supervisor: Any = Multiprocess
        with contextlib.suppress(KeyboardInterrupt):
            if "target" in inspect.signature(Multiprocess).parameters:  # older uvicorn (0.30)
                supervisor(config, target=uvicorn.Server(config).run, sockets=[sock]).run()
            else:
                supervisor(config, sockets=[sock]).run()
        return
    config = uvicorn.Config(app, **options)
    server: uvicorn.Server
    if proxy is not None:
        from zcrm.proxy.server import ProxiedServer

        server = ProxiedServer(config, *proxy)
    else:
        server = uvicorn.Server(config)
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock])
    if not server.started:
        sys.exit(3)  # uvicorn's STARTUP_FAILURE


def _settings(host: str, port: int, data_dir: Path, database_url: str | None, org: Path | None) -> Settings:
    base = Settings.from_env()
    return base.with_(
        host=host,
        port=port,
        data_dir=data_dir,
        database_url=database_url or base.database_url,
        org_file=org or base.org_file,
    )


@click.command()
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
@click.option(
    "--proxy-port",
    default=_defaults.proxy_port,
    type=click.IntRange(0, 65535),
    help="Also listen on this port (same --host) as an HTTPS proxy for Zoho's own hosts (accounts.zoho.com, "
    "www.zohoapis.eu, ...), served by this server with certificates from its CA (<data dir>/ca.pem); "
    "0: a free port. One server process only (ZCRM_PROXY_PORT; docs/proxy.md).",
)
@click.option(
    "--log-level",
    default=_defaults.log_level,
    show_default=True,
    type=click.Choice(LOG_LEVELS, case_sensitive=False),
    callback=lambda _ctx, _param, value: value.lower(),
    help="uvicorn's log level (ZCRM_LOG_LEVEL).",
)
@click.option(
    "--access-log/--no-access-log",
    default=_defaults.access_log,
    help="Log a line per request: method, path, status, duration; never a query string of /oauth/ nor a "
    "credential (ZCRM_ACCESS_LOG=1).",
)
@click.option(
    "--log-format",
    type=click.Choice(FORMATS),
    default=_defaults.log_format if _defaults.log_format in FORMATS else "text",
    show_default=True,
    help="Log lines as text, or as JSON objects one a line for log collectors (ZCRM_LOG_FORMAT).",
)
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
    proxy_port: int | None,
    log_level: str,
    access_log: bool,
    log_format: str,
    workers: int,
    seed: int | None,
    show_credentials: bool,
) -> None:
    """Create or migrate the database, then serve the API."""
    from zcrm.app import create_app
    from zcrm.cli.existing import holds_database
    from zcrm.datadir import secure
    from zcrm.listen import bind
    from zcrm.schema.orgfile import OrgFileError

    if proxy_port is not None and workers > 1:
        raise click.UsageError(
            "--proxy-port (ZCRM_PROXY_PORT) serves in one server process: it cannot be combined with "
            f"--workers {workers} (ZCRM_WORKERS). Use --workers 1 with the proxy (docs/proxy.md)."
        )
    settings = _settings(host, port, data_dir, database_url, org).with_(
        log_level=log_level, workers=workers, seed=seed, access_log=access_log, log_format=log_format
    )
    # bound before anything is created or printed: a port in use leaves no data dir and no banner behind,
    # and the real port (--port 0) goes into credentials.json
    try:
        sock, listening = bind(host, port)
    except OSError as exc:
        raise bind_error(host, port, exc) from exc
    settings = settings.with_(port=listening.port)
    proxy_sock: socket.socket | None = None
    if proxy_port is not None:
        try:
            proxy_sock, proxy_listening = bind(host, proxy_port)
        except OSError as exc:
            sock.close()
            raise bind_error(host, proxy_port, exc, "--proxy-port") from exc
        settings = settings.with_(proxy_port=proxy_listening.port)  # the real one, in credentials.json
    if org is not None and holds_database(settings):
        click.echo(
            f"warning: --org {org} is ignored: the data dir {settings.data_dir} already holds a zcrm database"
            " (an org file is read only when the database is created; a new --data-dir starts from it)",
            err=True,
        )
    for note in secure(settings.data_dir, settings.effective_database_url):
        click.echo(f"note: data dir: {note}", err=True)
    if settings.require_passwords == "auto":  # from the address really bound; the workers inherit it
        settings = settings.with_(require_passwords="off" if listening.loopback else "on")
    try:
        app = create_app(settings)
    except OrgFileError as exc:
        sock.close()
        if proxy_sock is not None:
            proxy_sock.close()
        raise click.ClickException(f"org file: {exc}") from exc
    admin_token_file = _admin_token(app.state.zcrm)
    warning = exposure_warning(settings, listening)
    if warning is not None:
        click.echo(warning, err=True)
    for line in banner(settings, listening, app.state.credentials, admin_token_file, show_credentials):
        click.echo(line)
    # uvicorn's access log stays off (OAuth endpoints take tokens and codes in query strings): --access-log is
    # zcrm's own, which never prints them (http/middleware/access_log.py)
    options: dict[str, object] = {
        "log_level": log_level,
        "access_log": False,
        "log_config": log_config(log_level, log_format),
    }
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

    proxy = None
    if proxy_sock is not None:
        from zcrm.datacentres import is_zoho_host
        from zcrm.proxy.authority import Authority

        proxy = (proxy_sock, Authority(settings.data_dir, is_zoho_host))
    run(app, sock, settings, {**options, "loop": "auto", "http": Protocol}, proxy)


def _admin_token(state: State) -> Path:
    """Creates (or reuses) the server admin token; returns the file that holds it."""
    from zcrm.auth.admin import FILE_NAME
    from zcrm.service.admin import ensure_admin_token

    ensure_admin_token(state.db, state.settings.data_dir)
    return (state.settings.data_dir / FILE_NAME).resolve()
