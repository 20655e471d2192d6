"""Request checks shared by the /crm/v5 routes, the automation runner and the CLI: module, scope and profile
(behaviour §2.3 steps 4-6). No HTTP."""

from __future__ import annotations

from collections.abc import Callable

from zcrm.auth.identity import Identity
from zcrm.auth.scopes import NOTIFICATION_SCOPES, SETTINGS_SCOPES, any_scope, module_scope_allows
from zcrm.errors import (
    MSG_INVALID_QUERY,
    InvalidModule,
    InvalidQuery,
    NoPermission,
    NotSupported,
    OAuthScopeMismatch,
)
from zcrm.schema.model import Module, OrgSchema

SEARCH_SCOPES = ("ZohoSearch.securesearch.READ", "ZohoSearch.securesearch.ALL")
COQL_SCOPES = ("ZohoCRM.coql.READ", "ZohoCRM.coql.ALL")
PROFILE_PERMISSION = {"create": "create", "update": "edit", "delete": "delete", "read": "view"}
PERMISSION_NAME = {"create": "Create", "update": "Edit", "delete": "Delete", "read": "View"}
DENIED = {
    "create": "Permission denied to create",
    "update": "Permission denied to update",
    "delete": "Permission denied to delete",
    "read": "Permission denied to read",
}


def module_for(ident: Identity, name: str, details: dict[str, object]) -> Module:
    return schema_module(ident.schema, name, details)


def schema_module(schema: OrgSchema, name: str, details: dict[str, object]) -> Module:
    """The API-supported, non-subform module ``name`` (any case) of the org, else INVALID_MODULE."""
    module = schema.module(name)
    if module is None or module.generated_type == "subform":
        raise InvalidModule(details=details)
    if not module.api_supported:
        raise InvalidModule(InvalidModule.NOT_SUPPORTED, details)
    return module


def record_module(ident: Identity, name: str, operation: str) -> Module:
    """The module of a record route, after the module, scope and profile checks."""
    module = module_for(ident, name, {"resource_path_index": 0})
    if not _scope_allows(ident, module, operation):
        raise OAuthScopeMismatch()
    _profile_allows(ident, module, operation)
    return module


def convert_module(ident: Identity, name: str) -> Module:
    """The module of ``POST /crm/v5/{module}/{id}/actions/convert`` (zoho-v5-related.md §1.3, §1.6): Leads only
    (another module: INVALID_MODULE), a scope that allows creating Leads (``ALL``, ``WRITE``, ``CREATE``), and a
    profile that may create and edit Leads."""
    module = module_for(ident, name, {"resource_path_index": 0})
    if module.api_name != "Leads":
        raise InvalidModule(details={"resource_path_index": 0})
    if not _scope_allows(ident, module, "create"):
        raise OAuthScopeMismatch()
    _profile_allows(ident, module, "create")
    _profile_allows(ident, module, "update")
    return module


def relation_module(ident: Identity, name: str, method: str) -> Module:
    """The parent module of a related-records route (zoho-v5-related.md §1.3 steps 2 and 4, §1.6): GET needs a
    read scope and the profile's view; PUT and DELETE an update scope (DELETE also a delete scope) and edit."""
    if method == "GET":
        return record_module(ident, name, "read")
    module = module_for(ident, name, {"resource_path_index": 0})
    allowed = _scope_allows(ident, module, "update") or (
        method == "DELETE" and _scope_allows(ident, module, "delete")
    )
    if not allowed:
        raise OAuthScopeMismatch()
    _profile_allows(ident, module, "update")
    return module


def notes_modules(ident: Identity, name: str, operation: str) -> tuple[Module, Module | None]:
    """The parent module of a record's notes route and the org's Notes module (None when it has none), after the
    checks of zoho-v5-related.md §1.3 steps 2 and 4 and §1.6: the token holds a scope of the parent module and one of
    Notes, both for ``operation``; the profile may view the parent module and do ``operation`` on notes."""
    module = module_for(ident, name, {"resource_path_index": 0})
    notes = ident.schema.module("Notes")
    if not _scope_allows(ident, module, operation) or (
        notes is not None and not _scope_allows(ident, notes, operation)
    ):
        raise OAuthScopeMismatch()
    _profile_allows(ident, module, "read")
    if notes is not None:
        _profile_allows(ident, notes, operation)
    return module, notes


def may_read(ident: Identity, module: Module) -> bool:
    """Whether the user's profile may view ``module``'s records (the records of a related list's module)."""
    profile = ident.schema.profiles_by_id.get(ident.user.profile_id)
    return profile is not None and profile.allows(module.api_name, PROFILE_PERMISSION["read"])


def upsert_module(ident: Identity, name: str) -> Module:
    """The module of ``POST /crm/v5/{module}/upsert`` (zoho-v5-queries.md §4.1): a record module whose scopes allow
    both create and update (``ALL``, ``WRITE``, or ``CREATE`` and ``UPDATE`` together), and whose profile
    permissions allow both too."""
    module = module_for(ident, name, {"resource_path_index": 0})
    if not (_scope_allows(ident, module, "create") and _scope_allows(ident, module, "update")):
        raise OAuthScopeMismatch()
    _profile_allows(ident, module, "create")
    _profile_allows(ident, module, "update")
    return module


def tags_module(ident: Identity, name: str, operation: str) -> Module:
    """The module of the tag routes (zoho-v5-related.md §1.6): ``operation`` is ``add_tags`` or ``remove_tags``
    for the scopes; the profile must allow editing the module's records."""
    module = module_for(ident, name, {"resource_path_index": 0})
    if not _scope_allows(ident, module, operation):
        raise OAuthScopeMismatch()
    _profile_allows(ident, module, "update")
    return module


def search_module(ident: Identity, name: str) -> Module:
    """The module of ``GET /crm/v5/{module}/search`` (zoho-v5-queries.md §2.1): it exists, is API-supported and
    searchable (a default or custom module: not a linking or subform module, ``NOT_SUPPORTED``); the token holds a
    read scope of the module and ``ZohoSearch.securesearch.READ`` (or ``.ALL``); the profile may read it."""
    details: dict[str, object] = {"resource_path_index": 0}
    module = ident.schema.module(name)
    if module is None:
        raise InvalidModule(details=details)
    if not module.api_supported:
        raise InvalidModule(InvalidModule.NOT_SUPPORTED, details)
    if module.generated_type not in ("default", "custom"):
        raise NotSupported(details=details)
    if not _scope_allows(ident, module, "read") or not any_scope(ident.scopes, SEARCH_SCOPES):
        raise OAuthScopeMismatch()
    _profile_allows(ident, module, "read")
    return module


def coql_scope(ident: Identity) -> None:
    """The token may run COQL queries (zoho-v5-queries.md §3.1 step 2)."""
    if not any_scope(ident.scopes, COQL_SCOPES):
        raise OAuthScopeMismatch()


def coql_module(ident: Identity, name: str) -> Module:
    """The ``FROM`` module of a COQL query (§3.1 steps 6 and 7): it exists (any case; else ``INVALID_QUERY`` invalid
    module, the name as written), is API-supported, the token may read it (the base module only) and so may the
    profile."""
    module = ident.schema.module(name)
    if module is None or module.generated_type == "subform":
        raise InvalidQuery(MSG_INVALID_QUERY, {"reason": "invalid module", "module": name})
    if not module.api_supported:
        raise InvalidModule("the given module is not supported in api")
    if not _scope_allows(ident, module, "read"):
        raise OAuthScopeMismatch()
    _profile_allows(ident, module, "read")
    return module


def _scope_allows(ident: Identity, module: Module, operation: str) -> bool:
    """Whether the token's scopes allow ``operation`` on ``module`` (behaviour §7.5)."""
    custom = module.generated_type != "default"
    return module_scope_allows(ident.scopes, operation, module.scope_name, module.api_name, custom)


def _profile_allows(ident: Identity, module: Module, operation: str) -> None:
    profile = ident.schema.profiles_by_id.get(ident.user.profile_id)
    if profile is None or not profile.allows(module.api_name, PROFILE_PERMISSION[operation]):
        raise NoPermission(
            DENIED[operation],
            {"permissions": [f"Crm_Implied_{PERMISSION_NAME[operation]}_{module.api_name}"]},
        )


def org_administrator(ident: Identity) -> None:
    """The caller's profile is an administrator's (the control plane's org routes: ``org_admin`` in
    ``http/routes.py``), else NO_PERMISSION."""
    profile = ident.schema.profiles_by_id.get(ident.user.profile_id)
    if profile is None or not profile.admin:
        raise NoPermission("Permission denied", {"permissions": ["administrator"]})


def settings_scope(ident: Identity, area: str) -> None:
    if not any_scope(ident.scopes, SETTINGS_SCOPES[area]):
        raise OAuthScopeMismatch()


def notifications_scope(ident: Identity, operation: str) -> None:
    """The Notifications API: ``ZohoCRM.notifications.{ALL|WRITE|CREATE|UPDATE|DELETE|READ}`` by operation."""
    if not any_scope(ident.scopes, NOTIFICATION_SCOPES[operation]):
        raise OAuthScopeMismatch()


FILES_SCOPES = {
    "upload": ("ZohoCRM.Files.CREATE", "ZohoCRM.Files.ALL"),
    "download": ("ZohoCRM.Files.READ", "ZohoCRM.Files.ALL"),
}


def files_scope(ident: Identity, operation: str) -> None:
    """The Files API's scopes (zoho-v5-related.md §1.6): ``ZohoCRM.Files.CREATE`` uploads, ``.READ`` downloads,
    ``.ALL`` both."""
    if not any_scope(ident.scopes, FILES_SCOPES[operation]):
        raise OAuthScopeMismatch()


# zoho-v5-related.md §1.6: the attachments of a record need its module's scope and one of these
ATTACHMENT_SCOPES = {
    operation: ("ZohoCRM.modules.ALL", *(f"ZohoCRM.modules.attachments.{s}" for s in suffixes))
    for operation, suffixes in {
        "read": ("ALL", "READ"),
        "create": ("ALL", "WRITE", "CREATE"),
        "delete": ("ALL", "WRITE", "DELETE"),
    }.items()
}


def sub_resource_module(
    ident: Identity,
    name: str,
    scope_op: str,
    profile_op: str,
    *,
    also: tuple[str, ...] = (),
    supported: Callable[[Module], bool] | None = None,
) -> Module:
    """The module of a route under a record (zoho-v5-related.md §1.3 steps 2-4): it exists and is API-supported,
    it has the sub-resource (``supported``, else INVALID_MODULE), the token's scopes allow ``scope_op`` on it and
    hold one of ``also`` when given, and the profile allows ``profile_op`` on it."""
    details: dict[str, object] = {"resource_path_index": 0}
    module = module_for(ident, name, details)
    if supported is not None and not supported(module):
        raise InvalidModule(details=details)
    if not _scope_allows(ident, module, scope_op) or (also and not any_scope(ident.scopes, also)):
        raise OAuthScopeMismatch()
    _profile_allows(ident, module, profile_op)
    return module
