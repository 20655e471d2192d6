"""Plumbing shared by the ``zcrm`` commands: the data-dir options, opening a data dir, one write session on an org,
printing JSON.

Commands work directly on the database of ``--data-dir`` / ``--database-url``, which must exist (only ``zcrm serve``
creates one: cli/existing.py), after the same start-up steps as ``zcrm serve`` (migrate, rewrite credentials.json),
on the default org unless ``--org-id`` is given. A Zoho error (bad input) ends the command with its code and details.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from sqlalchemy import Connection

from zcrm.cli.existing import require_database
from zcrm.errors import ZohoError
from zcrm.settings import Settings

if TYPE_CHECKING:
    from zcrm.auth.oauth import OAuthServer
    from zcrm.bootstrap import Credentials
    from zcrm.http.state import State
    from zcrm.schema.model import OrgSchema

F = TypeVar("F", bound=Callable[..., Any])
_defaults = Settings.from_env()


@dataclass(frozen=True)
class Session:
    """An open data directory: the shared state, the default org's credentials, and the org to work on."""

    conn: Connection
    now: int  # the org's clock
    org_id: str
    default_client: str | None
    base_url: str
    oauth: OAuthServer
    server_now: int = 0  # the server's clock (a new org's)


def data_options(func: F) -> F:
    func = click.option("--database-url", default=None, help="SQLAlchemy URL (ZCRM_DATABASE_URL).")(func)
    func = click.option(
        "--data-dir",
        default=str(_defaults.data_dir),
        show_default=True,
        type=click.Path(path_type=Path),
        help="The data directory (ZCRM_DATA_DIR).",
    )(func)
    return func


def org_option(func: F) -> F:
    return click.option("--org-id", default=None, help="The org to work on; default: the default org.")(func)


def prepared(data_dir: Path, database_url: str | None) -> tuple[State, Credentials]:
    """``zcrm.app.prepare`` on the data dir, keeping the address the server was started with (and its proxy)."""
    from zcrm.app import prepare
    from zcrm.service.admin import ensure_admin_token

    base = Settings.from_env()
    settings = base.with_(data_dir=data_dir, database_url=database_url or base.database_url)
    previous = data_dir / "credentials.json"
    written: dict[str, object] = {}
    if previous.exists():
        try:
            loaded = json.loads(previous.read_text("utf-8"))
        except ValueError:
            loaded = None
        written = loaded if isinstance(loaded, dict) else {}
        base_url = written.get("base_url")
        if isinstance(base_url, str) and base_url:
            settings = settings.with_(public_url=base_url)
    proxy_url, ca_file = (
        written.get("proxy_url"),
        written.get("ca_file"),
    )  # a proxy the server runs (docs/proxy.md)
    keep = (proxy_url, ca_file) if isinstance(proxy_url, str) and isinstance(ca_file, str) else None
    require_database(settings)  # only `zcrm serve` creates one: a typo in --data-dir is not a new org
    state, creds = prepare(settings, proxy=keep)
    ensure_admin_token(state.db, data_dir)
    return state, creds


@contextmanager
def session(data_dir: Path, database_url: str | None, org_id: str | None) -> Iterator[Session]:
    """One unit of work on the org (``service.orgs.unit``); Zoho errors become a failed command."""
    from zcrm.service import orgs

    state, creds = prepared(data_dir, database_url)
    target = org_id or creds.org_id
    try:
        with orgs.unit(state.db, target, state.clock.now, creds.org_id, creds.client_id) as u:
            base_url = state.settings.base_url
            yield Session(u.conn, u.now, target, u.client_id, base_url, state.oauth, u.server_now)
    except orgs.UnknownOrg:
        raise click.ClickException(f"no org {target}") from None
    except ZohoError as exc:
        raise click.ClickException(f"{exc.code}: {exc.message} {json.dumps(exc.details)}") from None
    finally:
        state.db.dispose()


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2))


def org_schema(s: Session) -> OrgSchema:
    from zcrm.service import orgs

    return orgs.schema(s.conn, s.org_id)
