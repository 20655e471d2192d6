"""Orgs and their metadata: creating an org from a normalised definition, and loading its schema."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection, text

from zcrm.automation.approvals import ApprovalProcess
from zcrm.automation.functions import Installed
from zcrm.automation.rules import Action, Condition, WorkflowRule
from zcrm.automation.zia import ZiaValidation
from zcrm.schema.model import (
    Field,
    Layout,
    LinkSpec,
    Module,
    OrgInfo,
    OrgSchema,
    PicklistValue,
    Profile,
    Role,
    User,
)
from zcrm.store import fields
from zcrm.store.functions import install
from zcrm.store.ids import format_id
from zcrm.store.prefixes import MAX_PREFIX as MAX_PREFIX  # where the tests read it
from zcrm.store.prefixes import new_prefix

META_TABLES = ("roles", "profiles", "modules", "fields", "layouts")


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def insert_org(
    conn: Connection, seed: int | None, next_id: int, is_default: bool, info: str, now: int
) -> tuple[str, str]:
    """The ``orgs`` row of a new org at schema version 1, with a new id prefix (from ``seed`` when given); returns
    the org's id and prefix."""
    prefix = new_prefix(conn, seed)
    org_id = format_id(prefix, 0)
    conn.execute(
        text(
            "INSERT INTO orgs (id, prefix, next_id, schema_version, is_default, info, created_time) "
            "VALUES (:id, :prefix, :next, 1, :d, :info, :now)"
        ),
        {"id": org_id, "prefix": prefix, "next": next_id, "d": is_default, "info": info, "now": now},
    )
    return org_id, prefix


def create_org(
    conn: Connection,
    definition: dict[str, Any],
    now: int,
    *,
    is_default: bool = False,
    seed: int | None = None,
) -> str:
    """Persist a normalised org definition (``schema.orgfile.normalise``); returns the new org id. With a
    ``seed`` (ZCRM_SEED) the org's id prefix is derived from it (``store/prefixes.py``), else random. (New orgs of
    the control plane copy a template instead: ``store/templates.py``.) The caller keeps its seed:
    ``store.snapshots.new_org``."""
    org_id, prefix = insert_org(conn, seed, 1, is_default, _dumps(definition["org"]), now)
    next_id = write_definition(conn, org_id, prefix, definition, now)
    conn.execute(text("UPDATE orgs SET next_id = :n WHERE id = :org"), {"n": next_id, "org": org_id})
    return org_id


def write_definition(conn: Connection, org_id: str, prefix: str, definition: dict[str, Any], now: int) -> int:
    """Writes the rows of a normalised org definition under ``org_id`` (its roles, profiles, users, modules,
    fields, layouts and functions), with ids ``prefix`` + 1, 2, …; returns the next counter value."""
    counter = iter(range(1, 10**12))
    meta: dict[str, list[dict[str, Any]]] = {
        table: [] for table in META_TABLES
    }  # inserted per table at the end

    def add(table: str, row_id: str, module_id: str | None, seq: int, definition: Any) -> None:
        meta[table].append(
            {"org": org_id, "id": row_id, "module": module_id, "seq": seq, "d": _dumps(definition)}
        )

    def new_id() -> str:  # the org is new and not yet visible: count locally, store the end once
        return format_id(prefix, next(counter))

    role_ids = {role["name"]: new_id() for role in definition["roles"]}
    for seq, role in enumerate(definition["roles"]):
        stored = {"name": role["name"], "reports_to": role_ids.get(role["reports_to"] or "")}
        add("roles", role_ids[role["name"]], None, seq, stored)
    profile_ids = {profile["name"]: new_id() for profile in definition["profiles"]}
    for seq, profile in enumerate(definition["profiles"]):
        add("profiles", profile_ids[profile["name"]], None, seq, profile)
    user_ids: dict[str, str] = {}
    for user in definition["users"]:
        stored = dict(user)
        stored["role_id"] = role_ids[user["role"]]
        stored["profile_id"] = profile_ids[user["profile"]]
        conn.execute(
            text(
                "INSERT INTO users (org_id, id, email, status, definition, created_time, modified_time) "
                "VALUES (:org, :id, :email, :status, :d, :now, :now)"
            ),
            {
                "org": org_id,
                "id": user_ids.setdefault(user["email"].lower(), new_id()),
                "email": user["email"].lower(),
                "status": user["status"],
                "d": _dumps(stored),
                "now": now,
            },
        )
    for seq, module in enumerate(definition["modules"]):
        module_id = new_id()
        stored_module = {k: v for k, v in module.items() if k not in ("fields", "layouts")}
        stored_module["workflow_rules"] = [
            {**rule, "id": new_id()} for rule in module.get("workflow_rules", [])
        ]
        stored_module["approval_processes"] = [
            {**process, "id": new_id(), "approvers": [user_ids[email] for email in process["approvers"]]}
            for process in module.get("approval_processes", [])
        ]
        if module.get("review_process"):
            review = module["review_process"]
            stored_module["review_process"] = {
                **review,
                "id": new_id(),
                "approvers": [user_ids[email] for email in review["approvers"]],
            }
        add("modules", module_id, None, seq, stored_module)
        for field_seq, field in enumerate(module["fields"]):
            stored_field = dict(field)
            stored_field["pick_list_values"] = [
                {**value, "id": new_id(), "sequence_number": index + 1}
                for index, value in enumerate(field["pick_list_values"])
            ]
            add("fields", new_id(), module_id, field_seq, stored_field)
        for layout_seq, layout in enumerate(module["layouts"]):
            add("layouts", new_id(), module_id, layout_seq, layout)
    for table, rows in meta.items():
        if rows:
            conn.execute(
                text(
                    f"INSERT INTO {table} (org_id, id, module_id, seq, definition) "
                    "VALUES (:org, :id, :module, :seq, :d)"
                ),
                rows,
            )
    functions = definition.get("functions", [])
    install(conn, org_id, {f["name"]: Installed(f["name"], f["handler"], f["source"]) for f in functions})
    return next(counter)


def default_org_id(conn: Connection) -> str | None:
    row = conn.execute(
        text("SELECT id FROM orgs WHERE is_default = :t ORDER BY created_time"), {"t": True}
    ).first()
    return None if row is None else str(row[0])


def schema_version(conn: Connection, org_id: str) -> int | None:
    row = conn.execute(text("SELECT schema_version FROM orgs WHERE id = :org"), {"org": org_id}).first()
    return None if row is None else int(row[0])


def prefix(conn: Connection, org_id: str) -> str | None:
    """The org's record-id prefix (None: no such org)."""
    row = conn.execute(text("SELECT prefix FROM orgs WHERE id = :org"), {"org": org_id}).first()
    return None if row is None else str(row[0])


def _field(field_id: str, seq: int, d: dict[str, Any]) -> Field:
    link = d.get("link")
    currency = d.get("currency") or {}
    return Field(
        id=field_id,
        api_name=d["api_name"],
        field_label=d["field_label"],
        data_type=d["data_type"],
        sequence=seq,
        length=d.get("length"),
        decimal_place=d.get("decimal_place"),
        system_mandatory=d.get("system_mandatory", False),
        read_only=d.get("read_only", False),
        custom_field=d.get("custom_field", False),
        visible=d.get("visible", True),
        unique=d.get("unique", False),
        unique_case_sensitive=d.get("unique_case_sensitive", False),
        pick_list_values=tuple(
            PicklistValue(
                display_value=v["display_value"],
                actual_value=v["actual_value"],
                id=v["id"],
                sequence_number=v["sequence_number"],
                probability=v.get("probability"),
                forecast_category=v.get("forecast_category"),
            )
            for v in d.get("pick_list_values", [])
        ),
        lookup_module=d.get("lookup_module"),
        associated_module=d.get("associated_module"),
        link=LinkSpec(**link) if link else None,
        currency_precision=currency.get("precision"),
        currency_rounding=currency.get("rounding_option"),
        textarea_type=d.get("textarea_type"),
        formula=d.get("formula"),
        auto_number=d.get("auto_number"),
        api_create=d.get("api_create", True),
        api_update=d.get("api_update", True),
    )


def _workflow_rule(d: dict[str, Any]) -> WorkflowRule:
    return WorkflowRule(
        id=d["id"],
        name=d["name"],
        when=d["when"],
        field=d.get("field"),
        match=d.get("match", "all"),
        conditions=tuple(
            Condition(c["field"], c["operator"], c.get("value")) for c in d.get("conditions", [])
        ),
        actions=tuple(
            Action(
                a["type"],
                a.get("field", ""),
                a.get("value"),
                function=a.get("function"),
                webhook=a.get("webhook"),
                url=a.get("url"),
                body_type=a.get("body_type"),
                secret=a.get("secret"),
            )
            for a in d.get("actions", [])
        ),
        active=d.get("active", True),
    )


def _approval_process(d: dict[str, Any]) -> ApprovalProcess:
    return ApprovalProcess(
        id=d["id"],
        name=d["name"],
        when=d["when"],
        approvers=tuple(d["approvers"]),
        conditions=tuple(
            Condition(c["field"], c["operator"], c.get("value")) for c in d.get("conditions", [])
        ),
        match=d.get("match", "all"),
        approve=d.get("approve", "any"),
        active=d.get("active", True),
    )


def _zia(d: dict[str, Any]) -> ZiaValidation:
    return ZiaValidation(
        fields=tuple(d["fields"]), delay=d.get("delay"), outcome=d.get("outcome", "approved")
    )


def load_schema(conn: Connection, org_id: str) -> OrgSchema:
    org_row = conn.execute(
        text("SELECT id, prefix, schema_version, info, created_time FROM orgs WHERE id = :org"),
        {"org": org_id},
    ).one()
    info = orjson.loads(org_row.info)
    org = OrgInfo(
        id=org_row.id,
        prefix=org_row.prefix,
        company_name=info["company_name"],
        time_zone=info["time_zone"],
        currency=info["currency"],
        country_code=info["country_code"],
        edition=info["edition"],
        primary_email=info["primary_email"],
        created_time=int(org_row.created_time),
        extra=info,
    )
    params = {"org": org_id}
    fields_by_module: dict[str, list[Field]] = {}
    for field_id, module_id, seq, definition in fields.rows(conn, org_id):
        fields_by_module.setdefault(module_id, []).append(_field(field_id, seq, orjson.loads(definition)))
    layouts_by_module: dict[str, list[Layout]] = {}
    for row in conn.execute(
        text("SELECT id, module_id, definition FROM layouts WHERE org_id = :org ORDER BY module_id, seq"),
        params,
    ):
        d = orjson.loads(row.definition)
        layouts_by_module.setdefault(row.module_id, []).append(
            Layout(id=row.id, name=d["name"], required=frozenset(d.get("required", [])))
        )
    modules = []
    for row in conn.execute(
        text("SELECT id, seq, definition FROM modules WHERE org_id = :org ORDER BY seq"), params
    ):
        d = orjson.loads(row.definition)
        modules.append(
            Module(
                id=row.id,
                api_name=d["api_name"],
                singular_label=d["singular_label"],
                plural_label=d["plural_label"],
                generated_type=d["generated_type"],
                api_supported=d["api_supported"],
                scope_name=d["scope_name"],
                sequence=row.seq,
                display_field=tuple(d["display_field"]),
                fields=tuple(fields_by_module.get(row.id, [])),
                layouts=tuple(layouts_by_module.get(row.id, [])),
                parent_module=d.get("parent_module"),
                sharing=d.get("sharing", "public_read_write"),
                workflow_rules=tuple(_workflow_rule(r) for r in d.get("workflow_rules", [])),
                approval_processes=tuple(_approval_process(p) for p in d.get("approval_processes", [])),
                review_process=_approval_process(d["review_process"]) if d.get("review_process") else None,
                zia_validation=_zia(d["zia_image_validation"]) if d.get("zia_image_validation") else None,
            )
        )
    roles = [
        Role(id=row.id, name=d["name"], reports_to=d.get("reports_to"))
        for row in conn.execute(
            text("SELECT id, definition FROM roles WHERE org_id = :org ORDER BY seq"), params
        )
        for d in [orjson.loads(row.definition)]
    ]
    profiles = [
        Profile(
            id=row.id,
            name=d["name"],
            admin=d.get("admin", False),
            permissions={k: frozenset(v) for k, v in d.get("permissions", {}).items()},
        )
        for row in conn.execute(
            text("SELECT id, definition FROM profiles WHERE org_id = :org ORDER BY seq"), params
        )
        for d in [orjson.loads(row.definition)]
    ]
    users = []
    for row in conn.execute(
        text(
            "SELECT id, status, definition, created_time, modified_time FROM users "
            "WHERE org_id = :org ORDER BY id"
        ),
        params,
    ):
        d = orjson.loads(row.definition)
        users.append(
            User(
                id=row.id,
                first_name=d.get("first_name", ""),
                last_name=d["last_name"],
                email=d["email"],
                status=row.status,
                role_id=d["role_id"],
                profile_id=d["profile_id"],
                time_zone=d.get("time_zone") or org.time_zone,
                locale=d.get("locale", "en_US"),
                created_time=int(row.created_time),
                modified_time=int(row.modified_time),
            )
        )
    return OrgSchema(
        org=org,
        version=int(org_row.schema_version),
        modules=tuple(modules),
        users=tuple(users),
        profiles=tuple(profiles),
        roles=tuple(roles),
    )


def lock(conn: Connection, org_id: str) -> None:
    """Serialises an org's record writes for the rest of the transaction, so that checks made before writing
    (unique values, links, appends) hold when the writes land. SQLite write transactions already hold the database
    lock (``BEGIN IMMEDIATE``); on PostgreSQL this locks the org's row."""
    if conn.dialect.name != "sqlite":
        conn.execute(text("SELECT 1 FROM orgs WHERE id = :org FOR UPDATE"), {"org": org_id})


def lock_if_exists(conn: Connection, org_id: str) -> bool:
    """``lock``, and whether the org still exists. A writer that runs apart from the org's requests (the request
    log's) checks it under the lock, so that it never writes rows for an org deleted meanwhile: ``delete_org``
    takes the same lock first, so either it waits for that writer's rows (and deletes them), or the writer finds
    the org gone."""
    locking = "" if conn.dialect.name == "sqlite" else " FOR UPDATE"
    found = conn.execute(text(f"SELECT 1 FROM orgs WHERE id = :org{locking}"), {"org": org_id}).first()
    return found is not None
