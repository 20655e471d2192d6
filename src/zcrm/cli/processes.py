"""The ``zcrm`` commands for record processes: ``approvals`` (list, approve, reject, delegate, resubmit),
``review`` (approve, reject, resubmit) and ``zia end``.

Like the access commands (cli/access.py) they work directly on the database of ``--data-dir`` /
``--database-url``, on the default org unless ``--org-id`` is given, and print JSON; approval and review actions
are taken as the user named by ``--as`` (their email), with the same checks as the API.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from zcrm.cli.common import Session, data_options, echo_json, org_option, org_schema, session

if TYPE_CHECKING:
    from zcrm.auth.identity import Identity
    from zcrm.schema.model import Module


def _identity(s: Session, email: str) -> Identity:
    from zcrm.auth.identity import Identity
    from zcrm.auth.scopes import parse_scopes

    schema = org_schema(s)
    user = next((u for u in schema.users if u.email.lower() == email.lower()), None)
    if user is None:
        raise click.ClickException(f"no user {email}")
    if user.status != "active":
        raise click.ClickException(f"user {email} is {user.status}")
    return Identity(s.org_id, user, parse_scopes("ZohoCRM.modules.ALL"), schema)


def _module(ident: Identity, name: str) -> Module:
    from zcrm.auth.guards import record_module

    return record_module(ident, name, "update")


def _user_id(ident: Identity, email: str | None) -> str | None:
    if email is None:
        return None
    user = next((u for u in ident.schema.users if u.email.lower() == email.lower()), None)
    if user is None:
        raise click.ClickException(f"no user {email}")
    return user.id


def as_option(func: Any) -> Any:
    return click.option("--as", "as_email", required=True, help="The email of the user who acts.")(func)


@click.group(short_help="Records in approval processes: waiting on a user, acting on it.")
def approvals() -> None:
    """Records in approval processes: what waits on a user, and acting on it."""


@approvals.command("list")
@data_options
@org_option
@as_option
@click.option("--others", is_flag=True, help="What waits on other users instead (administrators).")
def approvals_list(
    data_dir: Path, database_url: str | None, org_id: str | None, as_email: str, others: bool
) -> None:
    """The approvals waiting on the user, oldest first."""
    from zcrm.fields.render import Renderer
    from zcrm.records import approval_actions
    from zcrm.service import approval_actions as approval_service

    with session(data_dir, database_url, org_id) as s:
        ident = _identity(s, as_email)
        renderer = Renderer(ident.schema, ident.user)
        echo_json(
            [
                approval_actions.list_item(renderer, approval, module, info, ident.user.id)
                for approval, module, info in approval_service.waiting(s.conn, ident, "approval", others)
            ]
        )


def _act(
    kind: str,
    action: str,
    data_dir: Path,
    database_url: str | None,
    org_id: str | None,
    as_email: str,
    module: str,
    record_id: str,
    comments: str | None,
    to_email: str | None = None,
) -> None:
    from zcrm.records.approval_actions import Request
    from zcrm.service import approval_actions as approval_service

    with session(data_dir, database_url, org_id) as s:
        ident = _identity(s, as_email)
        wanted = Request(action, comments, _user_id(ident, to_email))
        echo_json(
            approval_service.act_on_record(
                s.conn, ident, _module(ident, module), record_id, kind, wanted, s.now
            )
        )


def _action_command(group: click.Group, kind: str, action: str, help_text: str) -> None:
    @group.command(action, help=help_text)
    @data_options
    @org_option
    @as_option
    @click.argument("module")
    @click.argument("record_id")
    @click.option("--comments", default=None)
    def command(
        data_dir: Path,
        database_url: str | None,
        org_id: str | None,
        as_email: str,
        module: str,
        record_id: str,
        comments: str | None,
    ) -> None:
        _act(kind, action, data_dir, database_url, org_id, as_email, module, record_id, comments)


_action_command(approvals, "approval", "approve", "Approve a record waiting on the user.")
_action_command(approvals, "approval", "reject", "Reject a record waiting on the user.")
_action_command(approvals, "approval", "resubmit", "Submit a rejected record again.")


@approvals.command("delegate")
@data_options
@org_option
@as_option
@click.argument("module")
@click.argument("record_id")
@click.option("--to", "to_email", required=True, help="The email of the user who approves instead.")
@click.option("--comments", default=None)
def approvals_delegate(
    data_dir: Path,
    database_url: str | None,
    org_id: str | None,
    as_email: str,
    module: str,
    record_id: str,
    to_email: str,
    comments: str | None,
) -> None:
    """Pass the user's turn on a record to another user."""
    _act(
        "approval",
        "delegate",
        data_dir,
        database_url,
        org_id,
        as_email,
        module,
        record_id,
        comments,
        to_email,
    )


@click.group()
def review() -> None:
    """Records in a module's review process."""


_action_command(review, "review", "approve", "Approve a record in review (as one of its reviewers).")
_action_command(review, "review", "reject", "Reject a record in review (as one of its reviewers).")
_action_command(review, "review", "resubmit", "Submit a rejected record for review again.")


@click.group()
def zia() -> None:
    """Zia image validation."""


@zia.command("end")
@data_options
@org_option
@click.argument("module")
@click.argument("record_id")
@click.option("--outcome", type=click.Choice(["approved", "rejected"]), default="approved", show_default=True)
def zia_end(
    data_dir: Path, database_url: str | None, org_id: str | None, module: str, record_id: str, outcome: str
) -> None:
    """End a record's running image validation now."""
    from zcrm.errors import invalid_id
    from zcrm.service import process_control as process_service

    with session(data_dir, database_url, org_id) as s:
        target = org_schema(s).module(module)
        if target is None:
            raise click.ClickException(f"no module {module}")
        record = process_service.fetch(s.conn, s.org_id, target.id, record_id)
        if record is None:
            raise invalid_id({"id": record_id})
        process_service.end_validation(s.conn, s.org_id, record, outcome, s.now, None)
        echo_json({"id": record.id, "outcome": outcome, "lock_state": record.lock_state})


COMMANDS = (approvals, review, zia)
