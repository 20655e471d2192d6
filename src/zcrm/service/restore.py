"""``POST /__zcrm/records/{module}/{id}/restore`` (docs/deleted-records.md "Restoring a record"): one unit of work
under the org's write lock that puts a record of the recycle bin back as it was stored, with its child rows, unique
values and search keys, writes its ``restore`` change event and removes its entry; or changes nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from zcrm.auth.identity import Identity
from zcrm.errors import invalid_id
from zcrm.fields.coerce import parse_id
from zcrm.records import restore as engine
from zcrm.schema.model import Module
from zcrm.store import keys as key_store
from zcrm.store import records as record_store
from zcrm.store import recycle as store
from zcrm.store.ids import IdPool
from zcrm.store.orgs import lock as lock_org


def restore(conn: Connection, ident: Identity, module: Module, raw_id: str, now: int) -> dict[str, Any]:
    """Restores the record ``raw_id`` of ``module`` from the bin at ``now`` (the org's clock), as ``ident``'s user;
    the answer's JSON. Raises the entry's error (``records/restore.entry_error``) or ``DUPLICATE_DATA`` when
    another record holds one of its unique values now, before writing anything."""
    org_id = ident.org_id
    lock_org(conn, org_id)
    record_id = parse_id(raw_id)
    if record_id is None:
        raise invalid_id({"resource_path_index": engine.PATH_INDEX})
    entry = store.get(conn, org_id, record_id)
    exists = bool(record_store.fetch(conn, org_id, [record_id]))
    error = engine.entry_error(entry, module, exists, now)
    if error is not None:
        raise error
    assert entry is not None and entry.record is not None
    record = engine.stored_of(entry.record)
    claims = engine.unique_claims(module, record)
    owners = record_store.unique_owners(conn, org_id, [(f.id, key) for f, key in claims])
    clashes = [(f, owners[(f.id, key)]) for f, key in claims if (f.id, key) in owners]
    if clashes:
        holders = record_store.fetch(conn, org_id, [holder for _, holder in clashes])
        raise engine.duplicate_error(
            ident.schema, module, [(f, holders.get(holder), holder) for f, holder in clashes]
        )
    key_store.write(conn, org_id, module, [record], [], [])
    record_store.insert(conn, org_id, [record, *record.children])
    record_store.insert_unique(conn, org_id, [(f.id, key, record.id) for f, key in claims])
    change_id = next(IdPool(conn, org_id, ident.schema.org.prefix, 1))
    record_store.add_changes(conn, org_id, [engine.change(change_id, module, record, ident.user.id, now)])
    store.remove(conn, org_id, record.id)
    return engine.answer(module, record)
