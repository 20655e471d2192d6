"""Upsert Records (zoho-v5-queries.md §4) as one unit of work inside the caller's transaction: the org's write
order is locked first, so that matching an item and inserting it cannot interleave with another write (two
concurrent upserts of the same new key give one insert and one update). Then each item, in input order, is
matched (``records/upsert.py``, against the store as the earlier items left it) and becomes exactly an insert or
an update, planned and saved by Insert's and Update's own units (``service/records.py``). Notification channels get
one callback per operation for the whole request, as for an insert or an update of several records."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from zcrm.auth.identity import Identity
from zcrm.automation.functions import AfterCommit
from zcrm.errors import InvalidData
from zcrm.records.common import unique_key
from zcrm.records.plan import Result, Written
from zcrm.records.update import Target
from zcrm.records.upsert import match, upsert_entry
from zcrm.schema.model import Field, Module
from zcrm.service import notify
from zcrm.service.records import insert_records, update_records
from zcrm.store import matches
from zcrm.store import records as store
from zcrm.store.orgs import lock as lock_org

BULK = Target()


def upsert_records(
    conn: Connection,
    ident: Identity,
    module: Module,
    items: list[Any],
    sequence: list[Field],
    now: int,
    triggers: frozenset[str],
    after: AfterCommit | None = None,
) -> list[Result]:
    """One result per item: an update of the record the item names by ``id`` or matches on ``sequence`` (its
    check fields, in order), else an insert."""
    org_id = ident.org_id
    lock_org(conn, org_id)

    def lookup(fld: Field, value: Any) -> str | None:
        if fld.unique:
            key = (fld.id, unique_key(fld, value))
            return store.unique_owners(conn, org_id, [key]).get(key)
        return matches.first_with_text(conn, org_id, module.id, fld.api_name, str(value))

    def update(item: dict[str, Any], index: int) -> Result:
        [result] = update_records(
            conn, ident, module, [item], now, triggers, BULK, None, after, index, notices
        )
        return result

    results: list[Result] = []
    notices: dict[str, list[Written]] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            results.append(_not_object(index))
            continue
        if item.get("id") is not None:
            results.append(upsert_entry(update(item, index), "update", None))
            continue
        found = match(item, sequence, lookup)
        if found is None:
            [result] = insert_records(conn, ident, module, [item], now, triggers, after, index, notices)
            results.append(upsert_entry(result, "insert", None))
            continue
        fld, record_id = found
        results.append(upsert_entry(update({**item, "id": record_id}, index), "update", fld.api_name))
    prefix = ident.schema.org.prefix
    for operation in ("insert", "update"):
        notify.queue(conn, org_id, prefix, module, operation, notices.get(operation, []), now, after)
    return results


def _not_object(index: int) -> InvalidData:
    return InvalidData(
        details={"expected_data_type": "jsonobject", "api_name": "data", "json_path": f"$.data[{index}]"}
    )
