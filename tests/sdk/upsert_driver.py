"""Drives the official SDK's ``RecordOperations().upsert_records`` against a running ``zcrm serve``.

    python upsert_driver.py CREDENTIALS_JSON WORK_DIR ARGS_JSON

Initialisation, the wire log and ``main`` come from ``driver_base.py``, value tagging from ``sdk_driver.py`` (run
in a fresh interpreter: the SDK's process-wide state). The report, ``WORK_DIR/result.json``, holds what the SDK
parsed from each upsert (each ``SuccessResponse``'s ``get_action()`` and ``get_duplicate_field()``, or an
``APIException``), the record read back after each, and every request it sent.
"""

from __future__ import annotations

import sys
from typing import Any

from driver_base import main, mark  # before the SDK: importing it installs the wire log
from sdk_driver import answer, describe, plain
from zohocrmsdk.src.com.zoho.crm.api.record import (
    ActionWrapper,
    APIException,
    BodyWrapper,
    Record,
    RecordOperations,
    SuccessResponse,
)


def entry(item: Any) -> dict[str, Any]:
    if isinstance(item, SuccessResponse):
        return {
            "kind": "SuccessResponse",
            "action": plain(item.get_action()),
            "duplicate_field": item.get_duplicate_field(),
            **answer(item),
        }
    if isinstance(item, APIException):
        return {"kind": "APIException", **answer(item)}
    return {"kind": type(item).__name__}


def upsert(ops: RecordOperations, records: list[Record], check: list[str] | None) -> dict[str, Any]:
    body = BodyWrapper()
    body.set_data(records)
    if check is not None:
        body.set_duplicate_check_fields(check)
    body.set_trigger(["workflow"])
    response = ops.upsert_records("Leads", body)
    out: dict[str, Any] = {"status_code": response.get_status_code()}
    obj = response.get_object()
    if isinstance(obj, ActionWrapper):
        out["object"] = "ActionWrapper"
        out["data"] = [entry(item) for item in obj.get_data()]
    elif isinstance(obj, APIException):
        out["object"] = "APIException"
        out["error"] = answer(obj)
    else:
        out["object"] = type(obj).__name__
    return out


def lead(**values: Any) -> Record:
    record = Record()
    for name, value in values.items():
        record.add_key_value(name, value)
    return record


def read(ops: RecordOperations, record_id: int) -> dict[str, Any]:
    out = describe(ops.get_record(record_id, "Leads"))
    return {"status_code": out["status_code"], "record": out.get("data", [None])[0]}


def scenario(creds: dict[str, str], result: dict[str, Any]) -> None:
    ops = RecordOperations()
    mark(result, "insert")
    result["insert"] = upsert(ops, [lead(Last_Name="Sdk", Company="Zylker", Email="sdk@upsert.test")], None)
    inserted = int(result["insert"]["data"][0]["details"]["id"])
    result["after_insert"] = read(ops, inserted)
    mark(result, "update")
    result["update"] = upsert(ops, [lead(Email="SDK@upsert.test", Company="Updated by SDK")], ["Email"])
    result["after_update"] = read(ops, inserted)
    mark(result, "bad_check")
    result["bad_check"] = upsert(ops, [lead(Email="sdk@upsert.test")], ["Company"])
    mark(result, "end")
    result["inserted"] = inserted


if __name__ == "__main__":
    sys.exit(main(scenario))
