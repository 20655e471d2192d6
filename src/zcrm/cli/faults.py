"""``zcrm requests list|clear`` (the request log) and ``zcrm faults list|add|remove|clear`` (fault rules), on the
database of ``--data-dir`` / ``--database-url``, for the default org unless ``--org-id`` is given. They print JSON,
as ``GET /__zcrm/requests`` and ``/__zcrm/faults`` answer (docs/control-plane.md). A running server writes its
request log every second: a request it answered a moment ago may not be listed yet."""

from __future__ import annotations

import json
from pathlib import Path

import click

from zcrm.cli.common import data_options, echo_json, org_option, session


@click.group()
def requests() -> None:
    """Read and clear the request log."""


@requests.command("list")
@data_options
@org_option
@click.option("--module", default=None, help="Only requests to this module (ignoring case).")
@click.option("--method", default=None, help="Only this HTTP method.")
@click.option("--status", default=None, help="Only this HTTP status (0: dropped connections).")
@click.option(
    "--operation", default=None, help="insert, update, delete, read, metadata, oauth, action, other."
)
@click.option("--limit", default="200", show_default=True, help="At most this many, newest first.")
def requests_list(data_dir: Path, database_url: str | None, org_id: str | None, **params: str | None) -> None:
    """Print the org's logged requests, newest first."""
    from zcrm.http.control.faults import log_filters
    from zcrm.service import faults as fault_service

    with session(data_dir, database_url, org_id) as s:
        filters = log_filters({k: v for k, v in params.items() if v is not None})
        echo_json(fault_service.requests(s.conn, s.org_id, filters))


@requests.command("clear")
@data_options
@org_option
def requests_clear(data_dir: Path, database_url: str | None, org_id: str | None) -> None:
    """Empty the org's request log."""
    from zcrm.service import faults as fault_service

    with session(data_dir, database_url, org_id) as s:
        echo_json(fault_service.clear_requests(s.conn, s.org_id))


@click.group()
def faults() -> None:
    """List, add and remove fault rules."""


@faults.command("list")
@data_options
@org_option
def faults_list(data_dir: Path, database_url: str | None, org_id: str | None) -> None:
    """Print the org's fault rules, oldest first."""
    from zcrm.service import faults as fault_service

    with session(data_dir, database_url, org_id) as s:
        echo_json(fault_service.rules(s.conn, s.org_id))


@faults.command("add", short_help="Add a fault rule given as JSON.")
@data_options
@org_option
@click.argument("rule")
def faults_add(data_dir: Path, database_url: str | None, org_id: str | None, rule: str) -> None:
    """Add a rule given as JSON, e.g. '{"match":{"module":"Leads"},"effect":{"status":503},"count":1}'."""
    from zcrm.service import faults as fault_service

    try:
        body = json.loads(rule)
    except ValueError:
        raise click.BadParameter("not JSON", param_hint="RULE") from None
    if not isinstance(body, dict):
        raise click.BadParameter("a JSON object is expected", param_hint="RULE")
    with session(data_dir, database_url, org_id) as s:
        echo_json(fault_service.add(s.conn, s.org_id, body, s.now))


@faults.command("remove")
@data_options
@org_option
@click.argument("rule_id")
def faults_remove(data_dir: Path, database_url: str | None, org_id: str | None, rule_id: str) -> None:
    """Remove one rule."""
    from zcrm.service import faults as fault_service

    with session(data_dir, database_url, org_id) as s:
        if not fault_service.remove(s.conn, s.org_id, rule_id):
            raise click.ClickException(f"no fault rule {rule_id}")
        echo_json({"id": rule_id})


@faults.command("clear")
@data_options
@org_option
def faults_clear(data_dir: Path, database_url: str | None, org_id: str | None) -> None:
    """Remove every rule of the org."""
    from zcrm.service import faults as fault_service

    with session(data_dir, database_url, org_id) as s:
        echo_json(fault_service.clear(s.conn, s.org_id))


COMMANDS = (requests, faults)
