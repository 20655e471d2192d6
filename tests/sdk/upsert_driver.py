"""Drives the official SDK's ``RecordOperations().upsert_records`` against a running ``zcrm serve``.

    python upsert_driver.py CREDENTIALS_JSON WORK_DIR ARGS_JSON

Initialisation, the wire log, ``main`` and value tagging come from ``driver_base.py``, ``describe`` from
``sdk_driver.py`` (run in a fresh interpreter: the SDK's process-wide state). The report, ``WORK_DIR/result.json``,
holds what the SDK parsed from each upsert (each ``SuccessResponse``'s ``get_action()`` and
``get_duplicate_field()``, or an ``APIException``), the record read back after each, and every request it sent.
"""

from __future__ import annotations

import sys
from typing import Any

# before the SDK: importing driver_base installs the wire log
from driver_base import answer, error, main, mark, outcome, plain, record
from sdk_driver import describe
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
    return outcome(
        ops.upsert_records("Leads", body),
        {ActionWrapper: lambda obj: {"data": [entry(item) for item in obj.get_data()]}, APIException: error},
    )


def read(ops: RecordOperations, record_id: int) -> dict[str, Any]:
    out = describe(ops.get_record(record_id, "Leads"))
    return {"status_code": out["status_code"], "record": out.get("data", [None])[0]}


def scenario(creds: dict[str, str], result: dict[str, Any]) -> None:
    ops = RecordOperations()
    mark(result, "insert")
    result["insert"] = upsert(ops, [record(Last_Name="Sdk", Company="Zylker", Email="sdk@upsert.test")], None)
    inserted = int(result["insert"]["data"][0]["details"]["id"])
    result["after_insert"] = read(ops, inserted)
    mark(result, "update")
    result["update"] = upsert(ops, [record(Email="SDK@upsert.test", Company="Updated by SDK")], ["Email"])
    result["after_update"] = read(ops, inserted)
    mark(result, "bad_check")
    result["bad_check"] = upsert(ops, [record(Email="sdk@upsert.test")], ["Company"])
    mark(result, "end")
    result["inserted"] = inserted


if __name__ == "__main__":
    sys.exit(main(scenario))
