"""Record-level access (behaviour §4, NO_PERMISSION versus AUTHORIZATION_FAILED): which records a user can see and
edit, from the module's org-wide default sharing, the record's owner and the role hierarchy.

- Administrators (an admin profile) reach every record.
- ``public_read_write``: everyone reaches every record; ``public_read_only``: everyone sees every record, but only
  the owner and the users above the owner in the role hierarchy edit it; ``private``: only those see and edit it.
"""

from __future__ import annotations

from zcrm.schema.model import Module, OrgSchema, User


def subordinate_role_ids(schema: OrgSchema, role_id: str) -> set[str]:
    """The roles below ``role_id`` in the hierarchy, at any depth."""
    below: set[str] = set()
    frontier = [role_id]
    while frontier:
        current = frontier.pop()
        for role in schema.roles:
            if role.reports_to == current and role.id not in below:
                below.add(role.id)
                frontier.append(role.id)
    return below


def reachable_owners(schema: OrgSchema, user: User) -> frozenset[str]:
    """The user and every user in a role below the user's role."""
    roles = subordinate_role_ids(schema, user.role_id)
    return frozenset({user.id} | {u.id for u in schema.users if u.role_id in roles})


def is_admin(schema: OrgSchema, user: User) -> bool:
    profile = schema.profiles_by_id.get(user.profile_id)
    return profile is not None and profile.admin


def visible_owners(schema: OrgSchema, user: User, module: Module) -> frozenset[str] | None:
    """The owners whose records the user sees in ``module``; None when the user sees every record."""
    if is_admin(schema, user) or module.sharing != "private":
        return None
    return reachable_owners(schema, user)


def can_see(schema: OrgSchema, user: User, module: Module, owner_id: str | None) -> bool:
    owners = visible_owners(schema, user, module)
    return owners is None or owner_id in owners


def can_edit(schema: OrgSchema, user: User, module: Module, owner_id: str | None) -> bool:
    if is_admin(schema, user) or module.sharing == "public_read_write":
        return True
    return owner_id in reachable_owners(schema, user)
