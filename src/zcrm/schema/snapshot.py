"""The snapshot format ``zcrm-snapshot/1``: an org's whole content as one JSON document (docs/snapshots.md).

The document mirrors the org's stored rows, table by table, with JSON columns as JSON values rather than text and
without the ``org_id`` column. This module knows its shape and checks it, free of SQL; ``store/snapshots.py``
reads and writes it. Checked here: the format name, the keys and JSON types of every row, ids (digit strings of at
most 19 digits), text lengths the columns allow, duplicate keys, and that every module, record, field, user and tag id
a row refers to is in the document, and each file's content and each attachment's file. The definitions themselves
are checked when the imported org's schema loads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from zcrm.errors import MSG_INVALID_DATA, MSG_INVALID_FIELD, DuplicateData, InvalidData, MandatoryNotFound

FORMAT = "zcrm-snapshot/1"
MIN_PREFIX, MAX_PREFIX = 1_000_000, 9_223_371
MISSING_REFERENCE = "the snapshot refers to an id it does not hold"
BLOB_CHUNK_BYTES = (
    1024 * 1024
)  # a file's content is cut into chunks of this size (store/files.py CHUNK_BYTES)
_ID = re.compile(r"[1-9][0-9]{0,18}")
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # id | text | int | bool | json (any JSON value) | object (a JSON object) | bytes (base64 text)
    nullable: bool = False
    length: int | None = None  # the column's maximum length (text)


def _c(name: str, kind: str = "id", *, null: bool = False, length: int | None = None) -> Column:
    return Column(name, kind, null, length)


_META = (_c("id"), _c("seq", "int"), _c("definition", "object"))
_MODULE_META = (_c("id"), _c("module_id"), _c("seq", "int"), _c("definition", "object"))

# table -> its columns in the document (and in the database, after org_id), in the order rows are written
TABLES: dict[str, tuple[Column, ...]] = {
    "roles": _META,
    "profiles": _META,
    "modules": _META,
    "fields": _MODULE_META,
    "layouts": _MODULE_META,
    "users": (
        _c("id"),
        _c("email", "text", length=255),
        _c("status", "text", length=16),
        _c("definition", "object"),
        _c("created_time", "int"),
        _c("modified_time", "int"),
    ),
    "records": (
        _c("id"),
        _c("module_id"),
        _c("parent_id", null=True),
        _c("data", "object"),
        _c("owner_id", null=True),
        _c("created_by"),
        _c("modified_by"),
        _c("created_time", "int"),
        _c("modified_time", "int"),
        _c("approval_state", "text", length=32),
        _c("lock_state", "text", null=True, length=32),
        _c("converted", "bool"),
    ),
    "unique_values": (_c("field_id"), _c("value", "text"), _c("record_id")),
    "sequences": (_c("field_id"), _c("next_value", "int")),
    "changes": (
        _c("id"),
        _c("module_id"),
        _c("record_id"),
        _c("operation", "text", length=16),
        _c("user_id"),
        _c("time", "int"),
        _c("triggers", "json"),
        _c("changed", "json"),
        _c("before", "json", null=True),
        _c("after", "json", null=True),
    ),
    "record_processes": (
        _c("record_id"),
        _c("kind", "text", length=16),
        _c("module_id"),
        _c("status", "text", length=16),
        _c("detail", "json"),
        _c("updated_time", "int"),
    ),
    "notification_channels": (
        _c("channel_id"),
        _c("events", "json"),
        _c("notify_url", "text"),
        _c("token", "text", null=True),
        _c("channel_expiry", "int"),
        _c("return_affected_field_values", "bool"),
        _c("notify_on_related_action", "bool"),
        _c("fields", "json", null=True),
        _c("notification_condition", "json", null=True),
        _c("created_by"),
        _c("created_time", "int"),
        _c("modified_time", "int"),
    ),
    # the org's installed functions (docs/automation.md): only the server admin's imports change them
    "functions": (_c("name", "text", length=255), _c("handler", "text", length=255), _c("source", "text")),
    # a record's world (zoho-v5-related.md; migration 0016)
    "relations": (
        _c("relation", "text", length=100),
        _c("left_id"),
        _c("right_id"),
        _c("data", "object"),
        _c("created_time", "int"),
    ),
    "deleted_records": (
        _c("id"),
        _c("module_id"),
        _c("display_name", "text", null=True),
        _c("deleted_by", null=True),
        _c("deleted_time", "int"),
        _c("created_by", null=True),
        _c("record", "object"),
    ),
    "blobs": (_c("sha256", "text", length=64), _c("seq", "int"), _c("data", "bytes")),
    "files": (
        _c("id", "text", length=64),
        _c("sha256", "text", length=64),
        _c("name", "text"),
        _c("content_type", "text"),
        _c("size", "int"),
        _c("created_by"),
        _c("created_time", "int"),
    ),
    "attachments": (
        _c("id"),
        _c("record_id"),
        _c("module_id"),
        _c("file_id", "text", null=True, length=64),
        _c("link_url", "text", null=True),
        _c("file_name", "text"),
        _c("size", "int"),
        _c("owner_id"),
        _c("created_by"),
        _c("modified_by"),
        _c("created_time", "int"),
        _c("modified_time", "int"),
    ),
    "tags": (
        _c("id"),
        _c("module_id"),
        _c("name", "text", length=255),
        _c("color_code", "text", null=True, length=16),
        _c("created_by"),
        _c("modified_by"),
        _c("created_time", "int"),
        _c("modified_time", "int"),
    ),
    "record_tags": (_c("record_id"), _c("tag_id")),
}
# each table's keys: no two rows may share one (the database's primary and unique keys, without org_id)
KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "unique_values": (("field_id", "value"),),
    "sequences": (("field_id",),),
    "record_processes": (("record_id", "kind"),),
    "relations": (("relation", "left_id", "right_id"),),
    "blobs": (("sha256", "seq"),),
    "record_tags": (("record_id", "tag_id"),),
    "notification_channels": (("channel_id",),),
    "users": (("id",), ("email",)),
    "functions": (("name",),),
}
# what the ids of a table's columns must name: (column, the table holding the id)
REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "fields": (("module_id", "modules"),),
    "layouts": (("module_id", "modules"),),
    "records": (("module_id", "modules"), ("parent_id", "records")),
    "unique_values": (("field_id", "fields"), ("record_id", "records")),
    "sequences": (("field_id", "fields"),),
    "changes": (("module_id", "modules"),),
    "record_processes": (("record_id", "records"), ("module_id", "modules")),
    "relations": (("left_id", "records"), ("right_id", "records")),
    "deleted_records": (("module_id", "modules"),),
    "files": (("sha256", "blobs"),),  # a file's content: its blobs rows (by sha256)
    "attachments": (("record_id", "records"), ("module_id", "modules"), ("file_id", "files")),
    "tags": (("module_id", "modules"),),
    "record_tags": (("record_id", "records"), ("tag_id", "tags")),
}
ORG_COLUMNS = (
    _c("id"),
    _c("prefix", "text", length=7),
    _c("next_id", "int"),
    _c("schema_version", "int"),
    _c("info", "object"),
    _c("created_time", "int"),
)
TOP_KEYS = ("format", "exported_time", "org", *TABLES)
JSON_KINDS = frozenset({"json", "object"})
_EXPECTED = {
    "id": "string",
    "text": "string",
    "int": "integer",
    "bool": "boolean",
    "object": "jsonobject",
    "bytes": "base64",
}


@dataclass(frozen=True)
class Snapshot:
    """A checked snapshot: the org row and each table's rows (dicts keyed by column name, JSON columns decoded)."""

    org: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]

    def counts(self) -> dict[str, int]:
        return {table: len(rows) for table, rows in self.tables.items()}

    def as_document(self, exported_time: int) -> dict[str, Any]:
        return {"format": FORMAT, "exported_time": exported_time, "org": self.org, **self.tables}


def _where(root: str, *parts: str | int) -> str:
    return root + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def _error(path: str, **details: Any) -> InvalidData:
    return InvalidData(MSG_INVALID_DATA, {"api_name": "snapshot", "json_path": path, **details})


def _check_value(column: Column, value: Any, path: str) -> None:
    if value is None:
        if not column.nullable:
            raise MandatoryNotFound(details={"api_name": "snapshot", "json_path": path})
        return
    kind = column.kind
    if kind == "json":
        return
    if kind == "object":
        ok = isinstance(value, dict)
    elif kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63
    elif kind == "bool":
        ok = isinstance(value, bool)
    else:
        ok = isinstance(value, str)
    if not ok:
        raise _error(path, expected_data_type=_EXPECTED[kind])
    if kind == "id" and not _ID.fullmatch(value):
        raise _error(path, expected_data_type="id")
    if kind == "bytes" and not _BASE64.fullmatch(value):
        raise _error(path, expected_data_type="base64")
    if kind == "text" and "\x00" in value:  # PostgreSQL's text holds no NUL (store/text.py)
        raise _error(path, expected_data_type="string")
    if column.length is not None and len(value) > column.length:
        raise _error(path, maximum_length=column.length)


def _row(columns: Iterable[Column], raw: Any, path: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _error(path, expected_data_type="jsonobject")
    names = {c.name for c in columns}
    for key in raw:
        if key not in names:
            raise InvalidData(MSG_INVALID_FIELD, {"api_name": "snapshot", "json_path": f"{path}.{key}"})
    row: dict[str, Any] = {}
    for column in columns:
        if column.name not in raw and not column.nullable:
            raise MandatoryNotFound(details={"api_name": "snapshot", "json_path": f"{path}.{column.name}"})
        value = raw.get(column.name)
        _check_value(column, value, f"{path}.{column.name}")
        row[column.name] = value
    return row


def _org(raw: Any, root: str) -> dict[str, Any]:
    org = _row(ORG_COLUMNS, raw, _where(root, "org"))
    prefix = org["prefix"]
    if not (
        prefix.isascii() and prefix.isdigit() and len(prefix) == 7 and MIN_PREFIX <= int(prefix) <= MAX_PREFIX
    ):
        raise _error(_where(root, "org", "prefix"), expected_data_type="prefix")
    if org["id"] != prefix + "0" * 12:
        raise _error(_where(root, "org", "id"), expected_data_type="id")
    if org["next_id"] < 1 or org["schema_version"] < 1:
        raise _error(_where(root, "org", "next_id" if org["next_id"] < 1 else "schema_version"))
    return org


def _check_keys(table: str, rows: list[dict[str, Any]], root: str) -> None:
    for key in KEYS.get(table, (("id",),)):
        seen: dict[tuple[Any, ...], int] = {}
        for index, row in enumerate(rows):
            value = tuple(row[name].lower() if name == "email" else row[name] for name in key)
            if value in seen:
                raise DuplicateData(
                    details={"api_name": "snapshot", "json_path": _where(root, table, index, key[-1])}
                )
            seen[value] = index


def _check_references(tables: dict[str, list[dict[str, Any]]], root: str) -> None:
    held = {
        name: {row["sha256" if name == "blobs" else "id"] for row in tables[name]}
        for name in ("modules", "fields", "records", "users", "tags", "files", "blobs")
    }
    for table, references in REFERENCES.items():
        for index, row in enumerate(tables[table]):
            for column, target in references:
                value = row[column]
                if value is not None and value not in held[target]:
                    raise InvalidData(
                        MISSING_REFERENCE,
                        {"api_name": "snapshot", "json_path": _where(root, table, index, column)},
                    )
    for index, user in enumerate(tables["users"]):
        definition = user["definition"]
        for key, target in (("role_id", "roles"), ("profile_id", "profiles")):
            if definition.get(key) not in {row["id"] for row in tables[target]}:
                path = _where(root, "users", index, "definition", key)
                raise InvalidData(MISSING_REFERENCE, {"api_name": "snapshot", "json_path": path})


def _check_tags(tables: dict[str, list[dict[str, Any]]], root: str) -> None:
    """Tags are a module's: a name once per module (ignoring case), carried by records of that module."""
    tag_modules: dict[str, str] = {}
    names: set[tuple[str, str]] = set()
    for index, tag in enumerate(tables["tags"]):
        name = (tag["module_id"], tag["name"].lower())
        if name in names:
            raise DuplicateData(
                details={"api_name": "snapshot", "json_path": _where(root, "tags", index, "name")}
            )
        names.add(name)
        tag_modules[tag["id"]] = tag["module_id"]
    record_modules = {row["id"]: row["module_id"] for row in tables["records"]}
    for index, row in enumerate(tables["record_tags"]):
        if record_modules[row["record_id"]] != tag_modules[row["tag_id"]]:
            raise _error(_where(root, "record_tags", index, "tag_id"))


def _decoded_length(data: str) -> int:
    return len(data) // 4 * 3 - (len(data) - len(data.rstrip("=")))


def _check_contents(tables: dict[str, list[dict[str, Any]]], root: str) -> None:
    """Each file's content is whole, as a download reads it: chunks 0, 1, … of ``BLOB_CHUNK_BYTES`` bytes (the last
    one at most) holding the file's ``size`` bytes; else its download would stop short of its Content-Length."""
    chunks: dict[str, list[int]] = {}
    for row in sorted(tables["blobs"], key=lambda b: (b["sha256"], b["seq"])):
        held = chunks.setdefault(row["sha256"], [])
        held.append(_decoded_length(row["data"]) if row["seq"] == len(held) else -1)  # -1: a chunk is missing
    for index, file in enumerate(tables["files"]):
        sizes = chunks[file["sha256"]]
        if (
            any(n != BLOB_CHUNK_BYTES for n in sizes[:-1])
            or not 0 < sizes[-1] <= BLOB_CHUNK_BYTES
            or sum(sizes) != file["size"]
        ):
            raise _error(_where(root, "files", index, "size"))


def parse(document: Any, root: str = "$") -> Snapshot:
    """Checks a snapshot document; ``root`` is where it sits in the request body, for ``json_path``."""
    if not isinstance(document, dict):
        raise _error(root, expected_data_type="jsonobject")
    if "format" not in document or document["format"] is None:
        raise MandatoryNotFound(details={"api_name": "format", "json_path": _where(root, "format")})
    if document["format"] != FORMAT:
        raise InvalidData(
            MSG_INVALID_DATA,
            {"api_name": "format", "json_path": _where(root, "format"), "supported_values": [FORMAT]},
        )
    for key in document:
        if key not in TOP_KEYS:
            raise InvalidData(MSG_INVALID_FIELD, {"api_name": "snapshot", "json_path": _where(root, key)})
    if "org" not in document:
        raise MandatoryNotFound(details={"api_name": "snapshot", "json_path": _where(root, "org")})
    org = _org(document["org"], root)
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, columns in TABLES.items():
        raw = document.get(table, [])
        if not isinstance(raw, list):
            raise _error(_where(root, table), expected_data_type="jsonarray")
        rows = [_row(columns, item, _where(root, table, index)) for index, item in enumerate(raw)]
        _check_keys(table, rows, root)
        tables[table] = rows
    _check_references(tables, root)
    _check_contents(tables, root)
    _check_tags(tables, root)
    return Snapshot(org, tables)


def id_floor(snapshot: Snapshot, prefix: str) -> int:
    """The lowest counter value an org with ``prefix`` may hand out next without repeating an id of the snapshot:
    one past the largest id with that prefix (metadata, users, records, changes, picklist values, rules, …)."""
    highest = 0
    pattern = re.compile(rf"(?<![0-9]){prefix}([0-9]{{12}})(?![0-9])")
    for table, rows in snapshot.tables.items():
        for column in TABLES[table]:
            if column.kind == "id":
                for row in rows:
                    value = row[column.name]
                    if value is not None and len(value) == 19 and value.startswith(prefix):
                        highest = max(highest, int(value[7:]))
            elif column.name == "definition":  # ids inside definitions: picklist values, rules, processes
                for row in rows:
                    for match in pattern.finditer(repr(row[column.name])):
                        highest = max(highest, int(match.group(1)))
    return highest + 1
