"""OAuth scopes and which of them an operation needs (behaviour §7.5)."""

from __future__ import annotations

import re
from collections.abc import Iterable

ALL_SCOPES = (
    "ZohoCRM.modules.ALL",
    "ZohoCRM.settings.ALL",
    "ZohoCRM.users.ALL",
    "ZohoCRM.org.ALL",
    "ZohoCRM.coql.READ",
    "ZohoSearch.securesearch.ALL",
    "ZohoCRM.notifications.ALL",
    "ZohoCRM.Files.ALL",
)

# operation -> module-scope suffixes that allow it
MODULE_OPERATIONS: dict[str, tuple[str, ...]] = {
    "create": ("ALL", "WRITE", "CREATE"),
    "update": ("ALL", "WRITE", "UPDATE"),
    "delete": ("ALL", "WRITE", "DELETE"),
    "read": ("ALL", "READ"),
}
# tagging records (zoho-v5-related.md §1.6): adding also with CREATE, removing with ALL or WRITE only
TAG_OPERATIONS: dict[str, tuple[str, ...]] = {
    "add_tags": ("ALL", "WRITE", "CREATE"),
    "remove_tags": ("ALL", "WRITE"),
}

SETTINGS_SCOPES: dict[str, tuple[str, ...]] = {
    "modules": ("ZohoCRM.settings.ALL", "ZohoCRM.settings.modules.READ", "ZohoCRM.settings.modules.ALL"),
    "fields": ("ZohoCRM.settings.ALL", "ZohoCRM.settings.fields.READ", "ZohoCRM.settings.fields.ALL"),
    "layouts": ("ZohoCRM.settings.ALL", "ZohoCRM.settings.layouts.READ", "ZohoCRM.settings.layouts.ALL"),
    "related_lists": (
        "ZohoCRM.settings.ALL",
        "ZohoCRM.settings.related_lists.READ",
        "ZohoCRM.settings.related_lists.ALL",
    ),
    "users": ("ZohoCRM.users.ALL", "ZohoCRM.users.READ"),
    "org": ("ZohoCRM.org.ALL", "ZohoCRM.org.READ"),
    "tags": ("ZohoCRM.settings.ALL", "ZohoCRM.settings.tags.READ", "ZohoCRM.settings.tags.ALL"),
}

# Notifications API operation -> scopes that allow it (docs/notifications.md)
NOTIFICATION_SCOPES: dict[str, tuple[str, ...]] = {
    operation: tuple(f"ZohoCRM.notifications.{suffix}" for suffix in suffixes)
    for operation, suffixes in MODULE_OPERATIONS.items()
}

_SCOPE = re.compile(
    r"^(ZohoCRM|ZohoSearch|ZohoFiles|ZohoCRMSearch|Aaaserver)(\.[A-Za-z0-9_]+)+\.(ALL|READ|CREATE|WRITE|UPDATE|DELETE)\Z",
    re.IGNORECASE | re.ASCII,
)


def is_known_scope(scope: str) -> bool:
    return _SCOPE.match(scope) is not None


def parse_scopes(raw: str) -> frozenset[str]:
    """A comma- or space-separated scope list, lower-cased for comparison."""
    return frozenset(part.strip().lower() for part in raw.replace(" ", ",").split(",") if part.strip())


def module_scope_allows(
    granted: frozenset[str], operation: str, scope_name: str, api_name: str, custom: bool
) -> bool:
    names = {scope_name.lower()}
    if custom:
        names.add(api_name.lower())
    if "zohocrm.modules.all" in granted:
        return True
    return any(
        f"zohocrm.modules.{name}.{suffix.lower()}" in granted
        for name in names
        for suffix in MODULE_OPERATIONS.get(operation) or TAG_OPERATIONS[operation]
    )


def any_scope(granted: frozenset[str], needed: Iterable[str]) -> bool:
    return any(scope.lower() in granted for scope in needed)
