"""Insert and delete through the pure engine (``records/insert.py``, ``records/delete.py``), and the engine's
purity: importing every module of ``zcrm.records`` loads neither SQLAlchemy nor Starlette nor the store."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import orjson

from tests.unit.engine_org import (
    ADA,
    DUPLICATE,
    NOT_APPROVED,
    RULED,
    SPECIMENS,
    T0,
    TARGETS,
    VIC,
    err,
    org,
    record,
    snapshot,
)
from zcrm.automation.functions import AfterCommit
from zcrm.errors import ZohoError
from zcrm.records.delete import plan_delete
from zcrm.records.insert import plan_insert
from zcrm.records.model import StoredRecord
from zcrm.records.plan import Plan, Snapshot
from zcrm.schema.model import Module

A, B = "5550001000000000101", "5550001000000000102"
T1 = "5550001000000000201"
NOW = T0 + 60


def entries(plan: Plan) -> list[dict[str, Any]]:
    return [r.as_dict() if isinstance(r, ZohoError) else r for r in plan.results]


def insert(items: list[Any], *stored: StoredRecord, module: Module = SPECIMENS, **kw: Any) -> Plan:
    schema = org(module)
    return plan_insert(
        schema, schema.users_by_id[ADA], module, items, kw.pop("state", snapshot(*stored)), NOW, **kw
    )


def delete(
    ids: list[str], *stored: StoredRecord, user: str = ADA, module: Module = SPECIMENS, **kw: Any
) -> Plan:
    schema = org(module)
    records = {r.id: r for r in stored if r.module_id == module.id}
    return plan_delete(schema, schema.users_by_id[user], module, ids, records, snapshot(*stored), NOW, **kw)


def test_engine_modules_import_no_sql_http_or_store() -> None:
    code = (
        "import importlib, pkgutil, sys, zcrm.records as r\n"
        "for m in pkgutil.iter_modules(r.__path__): importlib.import_module('zcrm.records.' + m.name)\n"
        "bad = ('sqlalchemy', 'starlette', 'zcrm.store', 'zcrm.http', 'zcrm.service')\n"
        "print(sorted(k for k in sys.modules if k.startswith(bad)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_insert_plan() -> None:
    target = record(T1, module=TARGETS, Name="T")
    state = snapshot(target)
    plan = insert([{"Name": "n", "Code": "AbC", "Target": {"id": T1}}], state=state)
    [entry] = entries(plan)
    assert (entry["code"], entry["message"], entry["status"]) == ("SUCCESS", "record added", "success")
    [new] = plan.inserts
    assert entry["details"]["id"] == new.id and new.owner_id == ADA
    assert new.data == {"Name": "n", "Code": "AbC", "Target": T1}
    assert plan.claims == [("f_Code", "abc", new.id)]
    [change] = plan.changes
    assert change["op"] == "insert" and orjson.loads(change["changed"])["Code"] == [None, "AbC"]


def test_insert_duplicates_within_the_request_and_against_stored_rows() -> None:
    holder = record(A, Code="one", owner=VIC)
    plan = insert(
        [{"Name": "x", "Code": "ONE"}, {"Name": "y", "Code": "two"}, {"Name": "z", "Code": "Two"}], holder
    )
    first, second, third = entries(plan)
    assert first == err(
        "DUPLICATE_DATA",
        {
            "api_name": "Code",
            "json_path": "$.data[0].Code",
            "id": A,
            "duplicate_record": {
                "Owner": {"name": "Vic Viewer", "id": VIC, "zuid": VIC},
                "module": {"api_name": "Specimens", "id": SPECIMENS.id},
                "id": A,
            },
            "more_records": False,
        },
        DUPLICATE,
    )
    assert second["code"] == "SUCCESS"
    assert third["code"] == "DUPLICATE_DATA" and third["details"]["id"] == second["details"]["id"]
    assert third["details"]["duplicate_record"]["Owner"] == {"name": "Ada Admin", "id": ADA, "zuid": ADA}
    assert [r.data["Name"] for r in plan.inserts] == ["y"]


def test_insert_autonumbers_come_from_the_stored_sequence() -> None:
    from dataclasses import replace

    from zcrm.schema.model import Field

    number = Field(
        "f_Number", "Number", "Number", "autonumber", auto_number={"prefix": "SP-", "start_number": 100}
    )
    module = replace(SPECIMENS, fields=(*SPECIMENS.fields, number), by_name={}, by_id={}, uniques=[])
    state = Snapshot(sequences={"f_Number": 107})
    plan = insert(
        [{"Name": "a", "Code": "a"}, {"Name": "b", "Code": "b", "Count": "x"}, {"Name": "c", "Code": "c"}],
        module=module,
        state=state,
    )
    assert [r.data["Number"] for r in plan.inserts] == ["SP-107", "SP-108"]  # the failed item takes no number
    assert plan.inserts[1].data["Name"] == "c"


def test_insert_runs_workflow_rules_with_the_trigger() -> None:
    after = AfterCommit()
    plan = insert(
        [{"Name": "a", "Code": "a", "Count": 50}], module=RULED, triggers=frozenset({"workflow"}), after=after
    )
    assert after.calls == []  # an "edit" rule
    assert len(plan.changes) == 1


def test_delete_plan_and_errors() -> None:
    mine, blocked = record(A), record(B)
    blocked.approval_state = "approval_process_pending"
    plan = delete([A, B, A, T1], mine, blocked)
    assert entries(plan) == [
        {"code": "SUCCESS", "details": {"id": A}, "message": "record deleted", "status": "success"},
        err("NOT_APPROVED", {"id": B}, "cannot delete record that is not approved yet"),
        err("INVALID_DATA", {"id": A}, "record not deleted"),
        err("INVALID_DATA", {"id": T1}, "record not deleted"),
    ]
    assert plan.deletes == [A] and plan.written == [(A, {}, None)]
    [change] = plan.changes
    assert (
        change["op"] == "delete" and orjson.loads(change["before"]) == mine.data and change["after"] is None
    )
    assert NOT_APPROVED != "cannot delete record that is not approved yet"  # delete has its own message


def test_delete_needs_the_user_to_reach_the_record() -> None:
    plan = delete([A], record(A, owner=ADA), user=VIC)
    assert entries(plan) == [
        err("AUTHORIZATION_FAILED", {"id": A}, "User does not have sufficient privilege to delete records")
    ]
    assert plan.deletes == [] and plan.changes == []
