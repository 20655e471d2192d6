"""The access sections of an org file: roles (the hierarchy), profiles (module permissions) and users."""

from __future__ import annotations

from typing import Any

from zcrm.auth.passwords import is_hash as is_password_hash
from zcrm.schema.orgfile_checks import OrgFileError, req

PERMISSIONS = frozenset({"view", "create", "edit", "delete"})
USER_STATUSES = frozenset({"active", "inactive", "deleted"})


def normalise_roles(raw: Any) -> list[dict[str, Any]]:
    raw = raw or [{"name": "CEO"}]
    if not isinstance(raw, list):
        raise OrgFileError("roles: must be a list")
    roles = []
    for index, role in enumerate(raw):
        if not isinstance(role, dict):
            raise OrgFileError(f"roles[{index}]: must be a mapping")
        roles.append(
            {"name": str(req(role, "name", f"roles[{index}]")), "reports_to": role.get("reports_to")}
        )
    names = {r["name"] for r in roles}
    for role in roles:
        if role["reports_to"] is not None and role["reports_to"] not in names:
            raise OrgFileError(f"roles.{role['name']}: reports_to '{role['reports_to']}' is not a role")
    return roles


def normalise_profiles(raw: Any, modules: set[str]) -> list[dict[str, Any]]:
    raw = raw or [{"name": "Administrator", "admin": True}]
    if not isinstance(raw, list):
        raise OrgFileError("profiles: must be a list")
    profiles: list[dict[str, Any]] = []
    for index, profile in enumerate(raw):
        if not isinstance(profile, dict):
            raise OrgFileError(f"profiles[{index}]: must be a mapping")
        name = str(req(profile, "name", f"profiles[{index}]"))
        if any(p["name"] == name for p in profiles):
            raise OrgFileError(f"profiles.{name}: duplicate profile name")
        permissions = profile.get("permissions") or {}
        if not isinstance(permissions, dict):
            raise OrgFileError(f"profiles.{name}: permissions must be a mapping")
        for module, granted in permissions.items():
            if module != "*" and module not in modules:
                raise OrgFileError(f"profiles.{name}: unknown module '{module}'")
            if not isinstance(granted, list) or not set(granted) <= PERMISSIONS:
                raise OrgFileError(
                    f"profiles.{name}.{module}: permissions are a list of {sorted(PERMISSIONS)}"
                )
        profiles.append(
            {
                "name": name,
                "admin": bool(profile.get("admin", False)),
                "permissions": {k: list(v) for k, v in permissions.items()},
            }
        )
    return profiles


def normalise_users(raw: Any, roles: list[str], profiles: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    raw = raw or [{"first_name": "Admin", "last_name": "User", "email": "admin@zcrm.test"}]
    if not isinstance(raw, list):
        raise OrgFileError("users: must be a list")
    users: list[dict[str, Any]] = []
    first_role = roles[0]
    admin_profile = next((p["name"] for p in profiles.values() if p["admin"]), next(iter(profiles)))
    for index, user in enumerate(raw):
        where = f"users[{index}]"
        if not isinstance(user, dict):
            raise OrgFileError(f"{where}: must be a mapping")
        item = {
            "first_name": str(user.get("first_name") or ""),
            "last_name": str(req(user, "last_name", where)),
            "email": str(req(user, "email", where)),
            "role": str(user.get("role") or first_role),
            "profile": str(user.get("profile") or admin_profile),
            "time_zone": user.get("time_zone"),
            "status": str(user.get("status") or "active"),
            "locale": str(user.get("locale") or "en_US"),
        }
        if item["role"] not in roles:
            raise OrgFileError(f"{where}: role '{item['role']}' is not defined")
        if item["profile"] not in profiles:
            raise OrgFileError(f"{where}: profile '{item['profile']}' is not defined")
        if item["status"] not in USER_STATUSES:
            raise OrgFileError(f"{where}: status must be one of {sorted(USER_STATUSES)}")
        if "password" in user:
            raise OrgFileError(
                f"{where}: an org file holds no password, only its hash: password_hash (zcrm user hash-password)"
            )
        if user.get("password_hash") is not None:
            if not is_password_hash(user["password_hash"]):
                raise OrgFileError(
                    f"{where}.password_hash: not an argon2 hash ($argon2id$v=19$m=…,t=…,p=…$salt$hash;"
                    " zcrm user hash-password makes one)"
                )
            item["password_hash"] = user["password_hash"]
        if "\x00" in str(item["email"]):
            raise OrgFileError(f"{where}: email must not hold a NUL character")
        if item["time_zone"] is not None and not isinstance(item["time_zone"], str):
            raise OrgFileError(f"{where}: time_zone must be a string")
        users.append(item)
    emails = [u["email"].lower() for u in users]
    if len(set(emails)) != len(emails):
        raise OrgFileError("users: duplicate email")
    if not any(u["status"] == "active" and profiles[u["profile"]]["admin"] for u in users):
        raise OrgFileError("users: at least one active user with an admin profile is required")
    return users
