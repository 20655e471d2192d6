"""Tags on records (zoho-v5-related.md §10), pure: the add and remove requests' checks, which of the given tags exist
and which an add creates, and each record's result with the record's tag list afterwards (the store's part:
``store/tags.py``; the unit of work: ``service/tags.py``). Limits: 500 ids a request, 10 tags a record, 200 tags a
module (§10.3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from zcrm.auth.sharing import can_edit
from zcrm.errors import (
    AuthorizationFailed,
    InvalidData,
    LimitExceeded,
    MandatoryNotFound,
    ZohoError,
    invalid_id,
)
from zcrm.fields.coerce import parse_id
from zcrm.records.common import UPDATE_BLOCKED, state_error
from zcrm.records.model import StoredRecord
from zcrm.schema.model import Module, OrgSchema, User

# the colours of the sdk's ``Tag.color_code`` enum
COLORS = (
    "#F17574",
    "#F48435",
    "#E7A826",
    "#A8C026",
    "#63C57E",
    "#1DB9B4",
    "#57B1FD",
    "#879BFC",
    "#D297EE",
    "#FD87BD",
    "#969696",
    "#658BA8",
    "#B88562",
)
MAX_IDS = 500
PER_RECORD = 10
PER_MODULE = 200
MAX_NAME = 255  # the column's size (Zoho documents no limit in the API pages)
UPDATED = "tags updated successfully"


@dataclass(slots=True)
class Tag:
    """A module's tag, as stored."""

    id: str
    name: str
    color_code: str | None
    created_by: str
    modified_by: str
    created_time: int
    modified_time: int


@dataclass(frozen=True, slots=True)
class Given:
    """One item of the request's ``tags``: an id (which wins) or a name, and the colour a new tag gets."""

    index: int
    id: str | None
    name: str | None
    color_code: str | None


@dataclass(frozen=True, slots=True)
class TagRequest:
    tags: tuple[Given, ...]
    ids: tuple[Any, ...]  # the bulk form's raw ids, as given; the path's id on the single form
    over_write: bool = False


def _path(index: int, key: str | None = None) -> str:
    return f"$.tags[{index}]" + (f".{key}" if key else "")


def _given(index: int, item: Any) -> Given:
    if not isinstance(item, dict):
        raise InvalidData(
            details={"expected_data_type": "jsonobject", "api_name": "tags", "json_path": _path(index)}
        )
    tag_id = item.get("id")
    name = item.get("name")
    color = item.get("color_code")
    if tag_id is None and name is None:
        raise MandatoryNotFound(details={"api_name": "name", "json_path": _path(index, "name")})
    if name is not None and (not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_NAME):
        raise InvalidData(details={"api_name": "name", "json_path": _path(index, "name")})
    if color is not None:
        if not isinstance(color, str) or color.upper() not in COLORS:
            raise InvalidData(details={"api_name": "color_code", "json_path": _path(index, "color_code")})
        color = color.upper()
    parsed = None
    if tag_id is not None:
        parsed = parse_id(tag_id)
        if parsed is None:
            raise InvalidData(details={"api_name": "id", "json_path": _path(index, "id")})
    return Given(index, parsed, None if name is None else name.strip(), color)


def _over_write(body: dict[str, Any], query: str | None) -> bool:
    """``over_write`` from the query (as the sdk's ``AddTagsParam`` sends it), else from the body."""
    if query is not None:
        if query.lower() not in ("true", "false"):
            raise InvalidData(details={"param_name": "over_write"})
        return query.lower() == "true"
    value = body.get("over_write", False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InvalidData(
            details={"expected_data_type": "boolean", "api_name": "over_write", "json_path": "$.over_write"}
        )
    return value


def _ids(body: dict[str, Any], query: str | None) -> tuple[Any, ...]:
    """The bulk form's ids: the body's ``ids``, else (remove) the comma-separated query parameter."""
    raw = body.get("ids")
    if raw in (None, []) and query is not None and query.strip():
        parts = [p.strip() for p in query.split(",")]
        if len(parts) > MAX_IDS:
            raise LimitExceeded(details={"limit": MAX_IDS, "param_name": "ids"})
        return tuple(parts)
    if raw is None or raw == []:
        raise MandatoryNotFound(details={"api_name": "ids", "json_path": "$.ids"})
    if not isinstance(raw, list):
        raise InvalidData(
            details={"expected_data_type": "jsonarray", "api_name": "ids", "json_path": "$.ids"}
        )
    if len(raw) > MAX_IDS:
        raise LimitExceeded(details={"limit": MAX_IDS, "api_name": "ids", "json_path": "$.ids"})
    return tuple(raw)


def parse_request(
    body: dict[str, Any], path_id: str | None, query: dict[str, str], adding: bool
) -> TagRequest:
    """The request's tags, ids and ``over_write`` (add only), or the request error its body gives (§10.1):
    ``tags`` first, then ``ids`` (the bulk form: ``path_id`` None), then ``over_write``."""
    tags = body.get("tags")
    if tags is None or tags == []:
        raise MandatoryNotFound(details={"api_name": "tags", "json_path": "$.tags"})
    if not isinstance(tags, list):
        raise InvalidData(
            details={"expected_data_type": "jsonarray", "api_name": "tags", "json_path": "$.tags"}
        )
    given = tuple(_given(index, item) for index, item in enumerate(tags))
    ids = (path_id,) if path_id is not None else _ids(body, None if adding else query.get("ids"))
    over_write = _over_write(body, query.get("over_write")) if adding else False
    return TagRequest(given, ids, over_write)


def resolve(
    given: Sequence[Given], module_tags: Sequence[Tag], adding: bool
) -> tuple[list[Tag], list[Given]]:
    """The existing tags the request names (by id, else by name ignoring case; no duplicates, in request order) and,
    when ``adding``, the names it names that the module does not have yet (each once: its first spelling and
    colour). A tag id not of the module is the request's INVALID_DATA; on remove, unknown names are ignored."""
    by_id = {t.id: t for t in module_tags}
    by_name = {t.name.lower(): t for t in module_tags}
    chosen: dict[str, Tag] = {}
    new: dict[str, Given] = {}
    for item in given:
        if item.id is not None:
            tag = by_id.get(item.id)
            if tag is None:
                raise InvalidData(details={"api_name": "id", "json_path": _path(item.index, "id")})
            chosen.setdefault(tag.id, tag)
            continue
        assert item.name is not None
        tag = by_name.get(item.name.lower())
        if tag is not None:
            chosen.setdefault(tag.id, tag)
        elif adding:
            new.setdefault(item.name.lower(), item)
    return list(chosen.values()), list(new.values())


def ordered(tags: Sequence[Tag]) -> list[dict[str, Any]]:
    """A record's tags as its ``Tag`` field and a result show them: ordered by name, ignoring case."""
    return [
        {"name": t.name, "id": t.id, "color_code": t.color_code}
        for t in sorted(tags, key=lambda t: (t.name.lower(), t.name, t.id))
    ]


@dataclass(slots=True)
class TagPlan:
    """Per-record results (in request order), the tags to create and the links to add and remove."""

    results: list[dict[str, Any] | ZohoError] = field(default_factory=list)
    created: list[Tag] = field(default_factory=list)
    linked: list[tuple[str, str]] = field(default_factory=list)  # (record id, tag id)
    unlinked: list[tuple[str, str]] = field(default_factory=list)
    success_count: int = 0
    locked_count: int = 0


@dataclass(frozen=True, slots=True)
class TagWork:
    """What a tag request works on: the module's tags, the tags it names (existing, and new ones with their ids)."""

    module_tags: Sequence[Tag]
    chosen: Sequence[Tag]
    new: Sequence[Tag]


def _record_error(
    schema: OrgSchema, user: User, module: Module, raw: Any, record: StoredRecord | None
) -> tuple[ZohoError | None, bool]:
    """Why the record cannot be tagged (and whether that is its lock), checked like an update's (§10.1)."""
    if record is None:
        return invalid_id({"id": str(raw)}), False
    if not can_edit(schema, user, module, record.owner_id):
        return AuthorizationFailed(details={"id": record.id}), False
    locked = state_error(record, UPDATE_BLOCKED)
    return locked, locked is not None


def plan_tags(
    schema: OrgSchema,
    user: User,
    module: Module,
    request: TagRequest,
    adding: bool,
    records: dict[str, StoredRecord],
    current: dict[str, list[str]],
    work: TagWork,
) -> TagPlan:
    """Each of the request's ids' result: its record's tags after adding (or replacing with, ``over_write``) or
    removing ``work.chosen`` and ``work.new``, within the limits; ``current`` holds each record's tag ids now."""
    out = TagPlan()
    known = {t.id: t for t in [*work.module_tags, *work.new]}
    wanted = [*work.chosen, *work.new]
    wanted_ids = [t.id for t in wanted]
    before = {rid: list(ids) for rid, ids in current.items()}
    after = {rid: list(ids) for rid, ids in current.items()}
    over_module = adding and bool(work.new) and len(work.module_tags) + len(work.new) > PER_MODULE
    for raw in request.ids:
        rid = parse_id(raw)
        record = records.get(rid) if rid is not None else None
        error, locked = _record_error(schema, user, module, raw, record)
        if error is None and record is not None:
            mine = after.setdefault(record.id, [])
            if not adding:
                changed = [t for t in mine if t not in wanted_ids]
            elif request.over_write:
                changed = list(wanted_ids)
            else:
                changed = mine + [t for t in wanted_ids if t not in mine]
            if over_module:
                error = LimitExceeded(details={"id": record.id, "limit": PER_MODULE})
            elif len(changed) > PER_RECORD:
                error = LimitExceeded(details={"id": record.id, "limit": PER_RECORD})
            else:
                after[record.id] = changed
                out.success_count += 1
                details = {"id": record.id, "tags": ordered([known[t] for t in changed])}
                out.results.append(
                    {"code": "SUCCESS", "details": details, "message": UPDATED, "status": "success"}
                )
                continue
        assert error is not None
        out.locked_count += locked
        out.results.append(error)
    for rid, ids in after.items():
        old = before.get(rid, [])
        out.linked += [(rid, t) for t in ids if t not in old]
        out.unlinked += [(rid, t) for t in old if t not in ids]
    used = {t for _, t in out.linked}
    out.created = [t for t in work.new if t.id in used]
    return out


def carried(
    lead_tags: Sequence[Tag], module_tags: Sequence[Tag], current: Sequence[str]
) -> tuple[list[str], list[Tag]]:
    """Convert Lead's ``carry_over_tags`` on one record (zoho-v5-related.md §8.4): of ``lead_tags`` (in the
    request's order), the ids of the module's tags (same name ignoring case) the record gets and the lead's tags
    whose names the module gets as new tags; ``current`` holds the record's tag ids. Within §10.3's limits: adding
    stops once the record carries ``PER_RECORD`` tags, and a name the module does not have is left out once it
    has ``PER_MODULE`` tags; the conversion goes on without them."""
    by_name = {t.name.lower(): t for t in module_tags}
    room, module_room = PER_RECORD - len(current), PER_MODULE - len(module_tags)
    linked: list[str] = []
    new: list[Tag] = []
    for tag in {t.id: t for t in lead_tags}.values():  # each once, in order
        found = by_name.get(tag.name.lower())
        if found is not None and found.id in current:
            continue
        if len(linked) + len(new) >= room:
            break
        if found is not None:
            linked.append(found.id)
        elif len(new) < module_room:
            new.append(tag)
    return linked, new
