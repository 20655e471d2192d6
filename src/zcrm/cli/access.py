"""The ``zcrm`` commands that manage access: ``org``, ``user``, ``role``, ``profile``, ``client``, ``token issue``.

They work directly on the database of ``--data-dir`` / ``--database-url`` (after the same start-up steps as
``zcrm serve``: migrate, create the default org if needed, rewrite credentials.json), on the default org unless
``--org-id`` is given. Each prints JSON. A Zoho error (bad input) ends the command with its code and details.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from zcrm.cli.common import data_options, echo_json, org_option, org_schema, prepared, session
from zcrm.errors import ZohoError


# -- org --------------------------------------------------------------------------------------------------------
@click.group()
def org() -> None:
    """Create, delete and reset orgs."""


@org.command("create")
@data_options
@click.option(
    "--org",
    "org_file",
    default=None,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Org definition file (YAML or JSON); default: the standard org.",
)
def org_create(data_dir: Path, database_url: str | None, org_file: Path | None) -> None:
    """Create a new, isolated org and print its administrator's credentials (the keys of credentials.json)."""
    from zcrm.auth.provision import create_org
    from zcrm.schema.orgfile import OrgFileError, normalise, read_org_file

    try:
        raw = read_org_file(org_file)
        normalise(raw)  # report a bad file as serve does, before opening the database
    except OrgFileError as exc:
        raise click.ClickException(f"org file: {exc}") from exc
    with session(data_dir, database_url, None) as s:
        echo_json(create_org(s.conn, s.oauth, raw, s.base_url, s.server_now))


@org.command("functions")
@data_options
@org_option
@click.option(
    "--org",
    "org_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Org definition file whose `functions` to install (their files beside it); nothing else of it is read.",
)
def org_functions(data_dir: Path, database_url: str | None, org_id: str | None, org_file: Path) -> None:
    """Install the functions of an org file in an org (the default org unless --org-id), replacing those of the same
    names: their code is compiled and checked, not run. Prints the org's functions by name and handler."""
    from zcrm.schema.orgfile import OrgFileError, read_org_file
    from zcrm.schema.orgfile_rules import org_file_functions
    from zcrm.service import functions as function_service

    try:
        given = org_file_functions(read_org_file(org_file))
    except OrgFileError as exc:
        raise click.ClickException(f"org file: {exc}") from exc
    with session(data_dir, database_url, org_id) as s:
        echo_json({"org_id": s.org_id, "functions": function_service.install(s.conn, s.org_id, given)})


# -- user -------------------------------------------------------------------------------------------------------
@click.group()
def user() -> None:
    """Create users, change their status, set their passwords."""


@user.command("create")
@data_options
@org_option
@click.option("--email", required=True)
@click.option("--last-name", required=True)
@click.option("--first-name", default=None)
@click.option("--role", default=None, help="Role name or id; default: the first role.")
@click.option("--profile", default=None, help="Profile name or id; default: the first non-admin profile.")
@click.option("--time-zone", default=None, help="IANA time zone; default: the org's.")
@click.option("--status", type=click.Choice(["active", "inactive", "deleted"]), default="active")
def user_create(data_dir: Path, database_url: str | None, org_id: str | None, **fields: str | None) -> None:
    """Create a user and print it."""
    from zcrm.auth.access import create_user

    body = {key: value for key, value in fields.items() if value is not None}
    with session(data_dir, database_url, org_id) as s:
        echo_json(create_user(s.conn, org_schema(s), body, s.now))


@user.command("set-status")
@data_options
@org_option
@click.argument("email")
@click.argument("status", type=click.Choice(["active", "inactive", "deleted"]))
def user_set_status(
    data_dir: Path, database_url: str | None, org_id: str | None, email: str, status: str
) -> None:
    """Set a user's status. An inactive or deleted user's tokens stop working (they are revoked)."""
    from zcrm.auth.access import update_user

    with session(data_dir, database_url, org_id) as s:
        schema = org_schema(s)
        match = [u for u in schema.users if u.email.lower() == email.lower()]
        if not match:
            raise click.ClickException(f"no user {email}")
        echo_json(update_user(s.conn, schema, match[0].id, {"status": status}, s.now, path_index=0))


def _read_password(from_stdin: bool) -> str:
    """The new password: the first line of standard input (without its line end), else asked twice, hidden."""
    if from_stdin:
        return sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _hashed(password: str) -> str:
    from zcrm.auth.passwords import hash_password

    try:
        return hash_password(password)
    except ZohoError as exc:
        raise click.ClickException(f"{exc.code}: {exc.message} {json.dumps(exc.details)}") from None


_password_stdin = click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of standard input."
)


@user.command("set-password")
@data_options
@org_option
@click.argument("email")
@_password_stdin
@click.option("--clear", is_flag=True, help="Remove the user's password instead.")
def user_set_password(
    data_dir: Path,
    database_url: str | None,
    org_id: str | None,
    email: str,
    password_stdin: bool,
    clear: bool,
) -> None:
    """Set a user's password for the OAuth consent page (asked twice, or read with --password-stdin), or remove
    it with --clear. Only its argon2 hash is stored; it is never printed."""
    from zcrm.auth.access import update_user

    if clear and password_stdin:
        raise click.UsageError("--clear takes no password")
    password = None if clear else _read_password(password_stdin)
    hashes = {} if password is None else {password: _hashed(password)}  # hashed before the write transaction
    with session(data_dir, database_url, org_id) as s:
        schema = org_schema(s)
        match = [u for u in schema.users if u.email.lower() == email.lower()]
        if not match:
            raise click.ClickException(f"no user {email}")
        update_user(s.conn, schema, match[0].id, {"password": password}, s.now, path_index=0, hashes=hashes)
    echo_json({"id": match[0].id, "email": match[0].email, "password": "removed" if clear else "set"})


@user.command("hash-password")
@_password_stdin
def user_hash_password(password_stdin: bool) -> None:
    """Print the argon2 hash of a password (asked twice, or read with --password-stdin), for a user's
    password_hash in an org file."""
    click.echo(_hashed(_read_password(password_stdin)))


# -- role, profile ------------------------------------------------------------------------------------------------
@click.group()
def role() -> None:
    """Create roles."""


@role.command("create")
@data_options
@org_option
@click.option("--name", required=True)
@click.option("--reports-to", default=None, help="Name or id of the role above; default: none (top level).")
def role_create(
    data_dir: Path, database_url: str | None, org_id: str | None, name: str, reports_to: str | None
) -> None:
    """Create a role and print it."""
    from zcrm.auth.access import create_role

    with session(data_dir, database_url, org_id) as s:
        echo_json(create_role(s.conn, org_schema(s), {"name": name, "reports_to": reports_to}))


def _permissions(values: tuple[str, ...]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for value in values:
        module, sep, granted = value.partition("=")
        if not sep or not module.strip():
            raise click.BadParameter(
                f"{value!r}: expected MODULE=view,create,edit,delete", param_hint="--permission"
            )
        out[module.strip()] = [p.strip() for p in granted.split(",") if p.strip()]
    return out


@click.group()
def profile() -> None:
    """Create profiles."""


@profile.command("create")
@data_options
@org_option
@click.option("--name", required=True)
@click.option("--admin", is_flag=True, help="An administrator's profile (every permission, every record).")
@click.option(
    "--permission",
    "permissions",
    multiple=True,
    help="MODULE=view,create,edit,delete (repeatable; MODULE may be '*', the default for other modules).",
)
def profile_create(
    data_dir: Path,
    database_url: str | None,
    org_id: str | None,
    name: str,
    admin: bool,
    permissions: tuple[str, ...],
) -> None:
    """Create a profile and print it."""
    from zcrm.auth.access import create_profile

    body = {"name": name, "admin": admin, "permissions": _permissions(permissions)}
    with session(data_dir, database_url, org_id) as s:
        echo_json(create_profile(s.conn, org_schema(s), body))


# -- client, token issue ---------------------------------------------------------------------------------------
@click.group()
def client() -> None:
    """Create OAuth clients."""


@client.command("create")
@data_options
@org_option
@click.option("--name", default=None, help="Default: Self Client.")
@click.option("--redirect-uri", default=None, help="Required for --type server.")
@click.option(
    "--type", "client_type", type=click.Choice(["self", "server"]), default="self", show_default=True
)
def client_create(
    data_dir: Path,
    database_url: str | None,
    org_id: str | None,
    name: str | None,
    redirect_uri: str | None,
    client_type: str,
) -> None:
    """Create an OAuth client acting for the org administrator; prints client_id and client_secret (shown once)."""
    from zcrm.auth.provision import create_client
    from zcrm.service.orgs import administrator

    body = {"name": name, "redirect_uri": redirect_uri, "client_type": client_type}
    with session(data_dir, database_url, org_id) as s:
        admin = administrator(s.conn, s.org_id)
        echo_json(create_client(s.conn, s.oauth, s.org_id, admin, body, s.now))


@click.command("issue")
@data_options
@org_option
@click.option("--user", "user_email", required=True, help="The email of an active user of the org.")
@click.option(
    "--scope", required=True, help="Comma-separated scopes, e.g. ZohoCRM.modules.ALL,ZohoCRM.users.READ"
)
@click.option(
    "--client-id", default=None, help="Default: the client of credentials.json (or the org's first)."
)
def token_issue(
    data_dir: Path,
    database_url: str | None,
    org_id: str | None,
    user_email: str,
    scope: str,
    client_id: str | None,
) -> None:
    """Print a refresh token and an access token for a user, with exactly the given scopes."""
    from zcrm.auth.provision import issue_tokens

    body = {"email": user_email, "scope": scope, "client_id": client_id}
    with session(data_dir, database_url, org_id) as s:
        echo_json(issue_tokens(s.conn, s.oauth, org_schema(s), body, s.default_client, s.now))


@click.group()
def token() -> None:
    """Issue OAuth grant codes and tokens (self-client flow)."""


@token.command("grant")
@data_options
@click.option("--client-id", default=None, help="Default: the client in credentials.json.")
@click.option("--scope", default="ZohoCRM.modules.ALL,ZohoCRM.settings.ALL", show_default=True)
@click.option("--user", "user_email", default=None, help="User email; default: the org administrator.")
def grant(
    data_dir: Path, database_url: str | None, client_id: str | None, scope: str, user_email: str | None
) -> None:
    """Print a one-use grant code (valid 3 minutes) for the authorization_code grant."""
    from zcrm.service import orgs

    state, creds = prepared(data_dir, database_url)
    client = client_id or creds.client_id
    with orgs.unit(state.db, creds.org_id, state.clock.now, creds.org_id, creds.client_id) as u:
        schema = orgs.schema(u.conn, creds.org_id)
        user_id = creds.user_id
        if user_email:
            match = [u for u in schema.users if u.email.lower() == user_email.lower()]
            if not match:
                raise click.ClickException(f"no user {user_email}")
            if match[0].status != "active":
                raise click.ClickException(f"user {user_email} is {match[0].status}")
            user_id = match[0].id
        code = state.oauth.issue_grant_code(u.conn, client, user_id, scope, u.now)  # on the org's clock
    click.echo(code)


token.add_command(token_issue)
COMMANDS = (org, user, role, profile, client, token)
