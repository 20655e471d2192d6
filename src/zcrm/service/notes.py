"""A record's notes (zoho-v5-related.md §4) as units of work in the caller's transaction: the parent checks of §1.3
steps 5 to 7, then the record reads and writes of the Notes module (``service/reads.py``, ``service/records.py``)
with the parent taken from the path, so workflow rules, the timeline and notifications see ordinary note writes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from zcrm.auth.identity import Identity
from zcrm.auth.sharing import can_see
from zcrm.automation.functions import AfterCommit
from zcrm.errors import MSG_RELATION_NAME, InvalidData, invalid_id
from zcrm.fields.coerce import parse_id
from zcrm.fields.render import Renderer
from zcrm.records import notes
from zcrm.records.model import StoredRecord
from zcrm.records.paging import PageTokens
from zcrm.records.plan import Result
from zcrm.records.present import Presenter
from zcrm.records.reads import lookup_ids
from zcrm.records.update import Target
from zcrm.schema.model import ROW_TYPES, Module
from zcrm.service import reads
from zcrm.service import records as service
from zcrm.service.parents import visible_parent
from zcrm.store import notes as note_store
from zcrm.store import records as store

# the keys of a list's ``info`` on a related list (§3.1)
INFO_KEYS = (
    "per_page",
    "next_page_token",
    "count",
    "page",
    "previous_page_token",
    "page_token_expiry",
    "more_records",
)


def parent(
    conn: Connection, ident: Identity, module: Module, notes_module: Module | None, record_id: str
) -> tuple[Module, str]:
    """The Notes module and the parent record's id after §1.3 steps 5 to 7: a well-formed id, a module with notes,
    a record of it the user can see."""
    parsed = parse_id(record_id)
    if parsed is None:
        raise invalid_id({"resource_path_index": 1})
    if notes_module is None or not notes.has_notes(ident.schema, module):
        raise InvalidData(MSG_RELATION_NAME, {"resource_path_index": 2})
    return notes_module, visible_parent(conn, ident, module, parsed).id


def list_notes(
    conn: Connection,
    ident: Identity,
    notes_module: Module,
    parent_id: str,
    params: dict[str, str],
    tokens: PageTokens,
    now: int,
    since: int | None,
) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """A page of the parent's notes the user sees, oldest first (§4.3), with the info of §3.1."""
    condition = note_store.parent_condition(conn.dialect.name, parent_id)
    found = reads.list_records(conn, ident, notes_module, params, tokens, now, since, condition)
    if found is None:
        return None
    data, info = found
    return data, {key: info[key] for key in INFO_KEYS}


def note_of(
    conn: Connection, ident: Identity, notes_module: Module, parent_id: str, note_id: str
) -> StoredRecord | None:
    """The note ``note_id`` of the parent, if it is one the user sees."""
    parsed = parse_id(note_id)
    if parsed is None:
        return None
    note = store.fetch(conn, ident.org_id, [parsed], module_id=notes_module.id).get(parsed)
    if note is None or note.data.get(notes.PARENT) != parent_id:
        return None
    if not can_see(ident.schema, ident.user, notes_module, note.owner_id):
        return None
    return note


def get_note(
    conn: Connection,
    ident: Identity,
    notes_module: Module,
    parent_id: str,
    note_id: str,
    params: dict[str, str],
) -> dict[str, Any] | None:
    """One note of the parent as a list entry (§3.1's single form): the ``fields`` asked for, else every field."""
    note = note_of(conn, ident, notes_module, parent_id, note_id)
    if note is None:
        return None
    raw = params.get("fields")
    names = (
        [f.strip() for f in raw.split(",") if f.strip()] if raw else [f.api_name for f in notes_module.fields]
    )
    wanted = [
        n for n in names if n in notes_module.by_name and notes_module.by_name[n].data_type not in ROW_TYPES
    ]
    named = reads.display_names(
        conn, ident.schema, ident.org_id, lookup_ids(notes_module, [note], ident.schema)
    )
    presenter = Presenter(ident.schema, Renderer(ident.schema, ident.user, named))
    return presenter.list_record(notes_module, note, wanted)


def _under(item: Any, module: Module, parent_id: str) -> Any:
    """A note item with the path's parent: the body's ``Parent_Id`` and module are ignored (§4.2)."""
    if not isinstance(item, dict):
        return item
    kept = {k: v for k, v in item.items() if k != notes.PARENT and k not in notes.MODULE_KEYS}
    return {**kept, notes.PARENT: parent_id, "se_module": module.api_name}


def add_notes(
    conn: Connection,
    ident: Identity,
    module: Module,
    notes_module: Module,
    parent_id: str,
    items: list[Any],
    now: int,
    triggers: frozenset[str],
    after: AfterCommit,
) -> list[Result]:
    """Inserts the notes ``items`` under the parent (§4.2), as Insert Records of the Notes module."""
    written = [_under(item, module, parent_id) for item in items]
    return service.insert_records(conn, ident, notes_module, written, now, triggers, after)


def update_note(
    conn: Connection,
    ident: Identity,
    module: Module,
    notes_module: Module,
    parent_id: str,
    note_id: str,
    items: list[Any],
    now: int,
    triggers: frozenset[str],
    after: AfterCommit,
) -> list[Result] | None:
    """Updates a note of the parent (§4.4) as Update Records' path form; None when it is not one of its notes."""
    if note_of(conn, ident, notes_module, parent_id, note_id) is None:
        return None
    written = [_under(item, module, parent_id) for item in items]
    target = Target(path_id=note_id, path_form=True)
    return service.update_records(conn, ident, notes_module, written, now, triggers, target, None, after)


def delete_note(
    conn: Connection,
    ident: Identity,
    notes_module: Module,
    parent_id: str,
    note_id: str,
    now: int,
    triggers: frozenset[str],
    after: AfterCommit,
) -> list[Result]:
    """Deletes a note of the parent (§4.4); B §5.4's ``record not deleted`` when it is not one of its notes."""
    note = note_of(conn, ident, notes_module, parent_id, note_id)
    if note is None:
        return [InvalidData("record not deleted", {"id": note_id})]
    return service.delete_records(conn, ident, notes_module, [note.id], now, triggers, after)
