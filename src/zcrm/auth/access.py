"""Managing an org's access model: users, roles and profiles (docs/access.md).

Used by the ``/__zcrm/`` control plane and by the CLI. Each function validates a JSON-like body against the org's
current schema, raises a Zoho error (``zcrm.errors``) for bad input, writes through ``store.admin`` (which bumps the
org's ``schema_version``) and returns the JSON answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection

from zcrm import control_input as b
from zcrm.auth import passwords
from zcrm.errors import DuplicateData, InvalidData, invalid_id
from zcrm.schema.model import OrgSchema, Profile, Role, User
from zcrm.schema.orgfile_access import PERMISSIONS, USER_STATUSES
from zcrm.store import admin as store

STATUSES = sorted(USER_STATUSES)  # active, deleted, inactive
PERMISSION_NAMES = ["view", "create", "edit", "delete"]
USER_KEYS = (
    "first_name",
    "last_name",
    "email",
    "role",
    "profile",
    "time_zone",
    "status",
    "locale",
    "password",
)
USER_UPDATE_KEYS = ("status", "role", "profile", "password")
NEED_ADMIN = "the org must keep at least one active user with an administrator profile"
# Zoho's lengths (docs/access.md, "Limits"): user names (crm-oas v8.0/users.json), e-mail fields, profile names
# (Create Profile API); a role name has none documented and gets a profile name's
MAX_NAME = 50
MAX_EMAIL = 100
MAX_ROLE_NAME = 50
MAX_PROFILE_NAME = 50


def _role(schema: OrgSchema, value: str) -> Role:
    """A role by id or by name (case-insensitive)."""
    found = schema.roles_by_id.get(value) or next(
        (r for r in schema.roles if r.name.lower() == value.lower()), None
    )
    if found is None:
        raise InvalidData(details={"api_name": "role"})
    return found


def _profile(schema: OrgSchema, value: str) -> Profile:
    """A profile by id or by name (case-insensitive)."""
    found = schema.profiles_by_id.get(value) or next(
        (p for p in schema.profiles if p.name.lower() == value.lower()), None
    )
    if found is None:
        raise InvalidData(details={"api_name": "profile"})
    return found


def _default_profile(schema: OrgSchema) -> Profile:
    """The first profile that is not an administrator's, else the first profile."""
    return next((p for p in schema.profiles if not p.admin), schema.profiles[0])


def _time_zone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidData(details={"api_name": "time_zone"}) from None
    return value


def _email(value: str) -> str:
    local, _, domain = value.partition("@")
    if (
        not local
        or "." not in domain
        or " " in value
        or "\x00" in value  # no email holds NUL (nor can PostgreSQL's text: store/text.py)
        or domain.startswith(".")
        or domain.endswith(".")
    ):
        raise InvalidData(details={"api_name": "email", "expected_data_type": "email"})
    return value


def _password_hash(body: dict[str, Any], hashes: Mapping[str, str] | None) -> str:
    """The hash of the body's new password (``passwords.hashed`` may have computed it off the write lock)."""
    password = passwords.check_password(body["password"])
    known = (hashes or {}).get(password)
    return known if known is not None else passwords.hash_password(password)


def user_json(schema: OrgSchema, user: User) -> dict[str, Any]:
    role = schema.roles_by_id.get(user.role_id)
    profile = schema.profiles_by_id.get(user.profile_id)
    return {
        "id": user.id,
        "first_name": user.first_name or None,
        "last_name": user.last_name,
        "full_name": user.full_name,
        "email": user.email,
        "status": user.status,
        "role": {"name": role.name, "id": role.id} if role else None,
        "profile": {"name": profile.name, "id": profile.id, "admin": profile.admin} if profile else None,
        "time_zone": user.time_zone,
    }


def _stored_user(user_id: str, d: dict[str, Any], schema: OrgSchema, now: int) -> User:
    return User(
        id=user_id,
        first_name=d.get("first_name", ""),
        last_name=d["last_name"],
        email=d["email"],
        status=d["status"],
        role_id=d["role_id"],
        profile_id=d["profile_id"],
        time_zone=d.get("time_zone") or schema.org.time_zone,
        locale=d.get("locale", "en_US"),
        created_time=now,
        modified_time=now,
    )


def create_user(
    conn: Connection,
    schema: OrgSchema,
    body: dict[str, Any],
    now: int,
    hashes: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Creates a user; an optional ``password`` is stored as its hash (never shown)."""
    b.only_keys(body, USER_KEYS)
    last_name = b.required_text(body, "last_name", max_length=MAX_NAME)
    email = _email(b.required_text(body, "email", max_length=MAX_EMAIL))
    taken = next((u for u in schema.users if u.email.lower() == email.lower()), None)
    if taken is not None:
        raise DuplicateData(details={"api_name": "email", "id": taken.id})
    role_name = b.text(body, "role")
    role = _role(schema, role_name) if role_name else schema.roles[0]
    profile_name = b.text(body, "profile")
    profile = _profile(schema, profile_name) if profile_name else _default_profile(schema)
    definition: dict[str, Any] = {
        "first_name": b.text(body, "first_name", max_length=MAX_NAME) or "",
        "last_name": last_name,
        "email": email,
        "role": role.name,
        "profile": profile.name,
        "time_zone": _time_zone(b.text(body, "time_zone")),
        "status": b.choice(body, "status", STATUSES, "active"),
        "locale": b.text(body, "locale") or "en_US",
        "role_id": role.id,
        "profile_id": profile.id,
    }
    if body.get("password") is not None:
        definition[passwords.KEY] = _password_hash(body, hashes)
    user_id = store.insert_user(conn, schema.org.id, definition, now)
    return user_json(schema, _stored_user(user_id, definition, schema, now))


def update_user(
    conn: Connection,
    schema: OrgSchema,
    user_id: str,
    body: dict[str, Any],
    now: int,
    path_index: int,
    hashes: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Changes a user's status, role, profile or password (``null`` removes it). A user who becomes inactive or
    deleted loses every token."""
    b.only_keys(body, USER_UPDATE_KEYS)
    user = schema.users_by_id.get(user_id)
    definition = store.user_definition(conn, schema.org.id, user_id) if user else None
    if user is None or definition is None:
        raise invalid_id({"resource_path_index": path_index})
    status = b.choice(body, "status", STATUSES) or user.status
    role = (
        _role(schema, b.required_text(body, "role")) if "role" in body else schema.roles_by_id[user.role_id]
    )
    profile = (
        _profile(schema, b.required_text(body, "profile"))
        if "profile" in body
        else schema.profiles_by_id[user.profile_id]
    )
    admins = [
        u
        for u in schema.users
        if u.id != user.id and u.status == "active" and schema.profiles_by_id[u.profile_id].admin
    ]
    if not admins and not (status == "active" and profile.admin):
        raise InvalidData(NEED_ADMIN, {"api_name": "status" if status != "active" else "profile"})
    definition.update(
        status=status, role=role.name, role_id=role.id, profile=profile.name, profile_id=profile.id
    )
    if "password" in body:
        if body["password"] is None:
            definition.pop(passwords.KEY, None)
        else:
            definition[passwords.KEY] = _password_hash(body, hashes)
    store.update_user(conn, schema.org.id, user_id, definition, now)
    if status != "active":
        store.revoke_user_tokens(conn, schema.org.id, user_id)
    return user_json(schema, _stored_user(user_id, definition, schema, user.created_time))


def create_role(conn: Connection, schema: OrgSchema, body: dict[str, Any]) -> dict[str, Any]:
    b.only_keys(body, ("name", "reports_to"))
    name = b.required_text(body, "name", max_length=MAX_ROLE_NAME)
    taken = next((r for r in schema.roles if r.name.lower() == name.lower()), None)
    if taken is not None:
        raise DuplicateData(details={"api_name": "name", "id": taken.id})
    above = b.text(body, "reports_to")
    reports_to = None
    if above is not None:
        found = schema.roles_by_id.get(above) or next(
            (r for r in schema.roles if r.name.lower() == above.lower()), None
        )
        if found is None:
            raise InvalidData(details={"api_name": "reports_to"})
        reports_to = found
    role_id = store.insert_meta(
        conn, "roles", schema.org.id, {"name": name, "reports_to": reports_to.id if reports_to else None}
    )
    return {
        "id": role_id,
        "name": name,
        "reports_to": {"name": reports_to.name, "id": reports_to.id} if reports_to else None,
    }


def _permissions(schema: OrgSchema, raw: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, granted in raw.items():
        module = None if key == "*" else schema.module(key)
        if key != "*" and module is None:
            raise InvalidData(details={"api_name": "permissions", "module": key})
        if not isinstance(granted, list) or not all(isinstance(g, str) and g in PERMISSIONS for g in granted):
            raise InvalidData(details={"api_name": "permissions", "supported_values": PERMISSION_NAMES})
        out[module.api_name if module else "*"] = [p for p in PERMISSION_NAMES if p in granted]
    return out


def create_profile(conn: Connection, schema: OrgSchema, body: dict[str, Any]) -> dict[str, Any]:
    b.only_keys(body, ("name", "admin", "permissions"))
    name = b.required_text(body, "name", max_length=MAX_PROFILE_NAME)
    taken = next((p for p in schema.profiles if p.name.lower() == name.lower()), None)
    if taken is not None:
        raise DuplicateData(details={"api_name": "name", "id": taken.id})
    admin = b.flag(body, "admin")
    permissions = _permissions(schema, b.json_object(body, "permissions") or {})
    definition = {"name": name, "admin": admin, "permissions": permissions}
    profile_id = store.insert_meta(conn, "profiles", schema.org.id, definition)
    return {"id": profile_id, **definition}
