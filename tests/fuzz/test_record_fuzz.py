"""Record bodies for every field data type of the default org (src/zcrm/schema/standard/org.json), valid and invalid,
drawn by hypothesis (tests/fuzz/records.py) and sent to a live ``zcrm serve``: insert, get, update, list and delete.

- A valid record is created (201 ``SUCCESS``), reads back with the values sent (for the types that keep them as
  they are: text, numbers of whole digits, booleans, dates, datetimes as the same instant, multi-select picklists
  without repeats), is updated, listed and deleted.
- A record with one invalid value gets exactly the per-record error of that value (400, ``data[0]``), on insert
  and on update, and changes nothing.
- No answer is a 5xx, every body is JSON, and the server is healthy afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import hypothesis.strategies as st
import pytest
from hypothesis import given

from tests.fuzz.harness import EXAMPLES, Org, assert_healthy, fuzz_settings, prepare_org, start_server
from tests.fuzz.records import Drawn, Pools, RecordStrategies, minimal_value
from zcrm.fields.coerce import parse_datetime
from zcrm.schema.model import ROW_TYPES, Module
from zcrm.store.orgs import load_schema

RECORD_EXAMPLES = EXAMPLES  # per data type; each example is a record's life: two to seven requests
# every data type of the standard org's writable fields (src/zcrm/schema/standard/org.json)
DATA_TYPES = {
    "ALARM", "RRULE", "autonumber", "bigint", "boolean", "currency", "date", "datetime", "double", "email",
    "event_reminder", "imageupload", "integer", "jsonarray", "layout", "lookup", "multiselectlookup",
    "multiselectpicklist", "multiuserlookup", "ownerlookup", "participants", "percent", "phone", "picklist",
    "pricing_details", "profileimage", "subform", "text", "textarea", "userlookup", "website",
}  # fmt: skip


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    server = start_server(tmp_path)
    try:
        yield prepare_org(server)
    finally:
        server.stop()


def answer(response: httpx.Response) -> Any:
    """The JSON body of an answer that must not be a server error."""
    assert response.status_code < 500, f"{response.status_code} {response.text[:2000]}"
    if not response.content:
        return None
    assert response.headers["content-type"] == "application/json;charset=UTF-8", response.headers
    return response.json()


class RecordFuzz:
    def __init__(self, org: Org) -> None:
        self.org = org
        self.http = org.http()
        db = org.database()
        try:
            with db.read() as conn:
                self.schema = load_schema(conn, org.org_id)
        finally:
            db.dispose()
        users = [u.id for u in self.schema.users if u.status == "active"]
        self.pools = Pools(records=dict(org.records), users=users)
        self.strategies = RecordStrategies(self.schema, self.pools)
        self.seed()
        self.stats: Counter[str] = Counter()
        self.modules = [
            m
            for m in self.schema.modules
            if m.api_supported and m.generated_type in ("default", "custom") and self._creatable(m)
        ]

    def _creatable(self, module: Module) -> bool:
        return all(
            f.data_type not in ("lookup", "ownerlookup", "userlookup") or self.strategies._targets(f)
            for f in self.strategies.mandatory(module)
        )

    def seed(self) -> None:
        """A record in every module a lookup can name, so that lookups have something to point at; modules whose
        mandatory lookups point at others are made after those. Then a file for the upload fields (an image and a
        text file)."""
        png = b"\x89PNG\r\n\x1a\n" + bytes(24)
        uploads = [("file", ("seed.png", png, "image/png")), ("file", ("seed.txt", b"seed", "text/plain"))]
        sent = self.http.post("/crm/v5/files", files=uploads)
        assert sent.status_code == 200, sent.text
        image, document = (entry["details"]["id"] for entry in sent.json()["data"])
        self.pools.images.append(image)
        self.pools.documents.append(document)
        waiting = [
            m for m in self.schema.modules if m.api_supported and m.generated_type in ("default", "custom")
        ]
        while waiting:
            progress = False
            for module in list(waiting):
                if self.pools.records.get(module.api_name):
                    waiting.remove(module)
                    continue
                item = {
                    f.api_name: minimal_value(self.strategies, module, f)
                    for f in self.strategies.mandatory(module)
                }
                parent = self.strategies.note_parent(module)
                if None in item.values() or (module.api_name == "Notes" and not parent):
                    continue
                item.update(parent)
                created = self.http.post(f"/crm/v5/{module.api_name}", json={"data": [item]})
                assert created.status_code == 201, created.text
                self.pools.records[module.api_name] = [created.json()["data"][0]["details"]["id"]]
                waiting.remove(module)
                progress = True
            if not progress:
                break

    # -- one record's life ----------------------------------------------------------------------------------------
    def life(self, data: st.DataObject, fields: list[tuple[str, str]]) -> None:
        """Insert, read, update, list and delete one record of a module of ``fields`` (module, api name), with a
        value for that field; a refused insert or update ends or skips the rest."""
        name, focus_name = data.draw(st.sampled_from(fields), label="field")
        module = self.schema.module(name)
        assert module is not None
        focus = module.by_name[focus_name]
        self.stats[focus.data_type] += 1
        invalid = data.draw(st.booleans(), label="invalid insert")
        drawn: Drawn = data.draw(self.strategies.record(module, invalid=invalid, focus=focus), label="insert")
        inserted = answer(self.http.post(f"/crm/v5/{name}", json={"data": [drawn.item]}))
        if drawn.expected is not None:
            assert inserted == {"data": [drawn.expected.as_dict()]}, (drawn.item, inserted)
            self.stats["refused"] += 1
            return
        assert inserted["data"][0]["code"] == "SUCCESS", (drawn.item, inserted)
        assert inserted["data"][0]["message"] == "record added"
        record_id = inserted["data"][0]["details"]["id"]
        self.read_back(module, record_id, drawn)

        invalid = data.draw(st.booleans(), label="invalid update")
        change: Drawn = data.draw(
            self.strategies.record(module, update=True, invalid=invalid, focus=focus), label="update"
        )
        before = answer(self.http.get(f"/crm/v5/{name}/{record_id}"))
        updated = answer(self.http.put(f"/crm/v5/{name}/{record_id}", json={"data": [change.item]}))
        # a target linked again comes before the invalid value, which is the item's last key
        refusal = self.duplicate_link(module, before["data"][0], change.item)
        if refusal is None and change.expected is not None:
            refusal = change.expected.as_dict()
        if refusal is not None:
            assert updated == {"data": [refusal]}, (change.item, updated)
            after = answer(self.http.get(f"/crm/v5/{name}/{record_id}"))
            assert after == before, "a refused update changed the record"
            self.stats["refused"] += 1
        else:
            assert updated["data"][0]["code"] == "SUCCESS", (change.item, updated)
            self.read_back(module, record_id, change)

        fields = sorted(
            {*drawn.item, *change.item, "Modified_Time"}
            - {f.api_name for f in module.fields if f.data_type in ROW_TYPES}
        )[:50]
        listed = answer(
            self.http.get(f"/crm/v5/{name}", params={"fields": ",".join(fields), "ids": record_id})
        )
        assert [r["id"] for r in listed["data"]] == [record_id], listed

        deleted = answer(self.http.delete(f"/crm/v5/{name}/{record_id}"))
        assert deleted == {
            "data": [
                {
                    "code": "SUCCESS",
                    "details": {"id": record_id},
                    "message": "record deleted",
                    "status": "success",
                }
            ]
        }
        gone = self.http.get(f"/crm/v5/{name}/{record_id}")
        assert (gone.status_code, gone.content) == (204, b"")
        self.stats["lived"] += 1

    @staticmethod
    def duplicate_link(module: Module, record: dict[str, Any], item: dict[str, Any]) -> dict[str, Any] | None:
        """The error of an update that links a target the record already links (links are additive, §3.8): at the
        first such row, in the item's order, with the id of the linking row that holds it."""
        for key, rows in item.items():
            fld = module.by_name.get(key)
            if fld is None or fld.link is None or not isinstance(rows, list):
                continue
            connected = fld.link.connectedlookup_apiname
            linked = {row[connected]["id"]: row["id"] for row in record.get(key) or []}
            for index, row in enumerate(rows):
                if not isinstance(row, dict) or not isinstance(row.get(connected), dict):
                    return None  # a malformed row: its own error comes first
                target = row[connected]["id"]
                if target in linked:
                    details = {
                        "api_name": key,
                        "json_path": f"$.data[0].{key}[{index}]",
                        "id": linked[target],
                    }
                    return {
                        "code": "DUPLICATE_LINKING_DATA",
                        "details": details,
                        "message": "duplicate association",
                        "status": "error",
                    }
        return None

    def read_back(self, module: Module, record_id: str, drawn: Drawn) -> None:
        read = answer(self.http.get(f"/crm/v5/{module.api_name}/{record_id}"))
        [record] = read["data"]
        for api_name, expected in drawn.check.items():
            shown = record.get(api_name)
            if module.by_name[api_name].data_type == "datetime":
                assert isinstance(shown, str) and parse_datetime(shown) == expected, (
                    api_name,
                    shown,
                    expected,
                )
            else:
                assert shown == expected, (api_name, shown, expected)


def lives(fuzz: RecordFuzz, fields: list[tuple[str, str]]) -> None:
    @fuzz_settings(RECORD_EXAMPLES)
    @given(data=st.data())
    def life(data: st.DataObject) -> None:
        fuzz.life(data, fields)

    life()


def test_record_bodies_of_every_data_type(org: Org) -> None:
    """For every data type of the org's fields, ``RECORD_EXAMPLES`` records' lives, each centred on a field of
    that type (any module), its value valid or not."""
    fuzz = RecordFuzz(org)
    by_type: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for module in fuzz.modules:
        for fld in fuzz.strategies.writable(module):
            by_type[fld.data_type].append((module.api_name, fld.api_name))
    assert set(by_type) >= DATA_TYPES, sorted(DATA_TYPES - set(by_type))
    try:
        for data_type in sorted(by_type):
            lives(fuzz, by_type[data_type])
    finally:
        fuzz.http.close()
    assert all(fuzz.stats[t] >= RECORD_EXAMPLES for t in by_type), fuzz.stats
    assert fuzz.stats["lived"] and fuzz.stats["refused"], fuzz.stats
    assert_healthy(org)


def test_a_datetime_reads_back_as_the_same_instant() -> None:
    """The oracle's own check: ``parse_datetime`` reads what the server renders."""
    assert parse_datetime("2030-01-31T10:00:00+05:30") == int(
        dt.datetime(2030, 1, 31, 4, 30, tzinfo=dt.UTC).timestamp()
    )
