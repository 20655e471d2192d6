"""Drives the official SDK's ``QueryOperations().get_records`` (COQL) against a running ``zcrm serve``.

    python coql_driver.py CREDENTIALS_JSON WORK_DIR ARGS_JSON

Initialisation, the wire log and ``main`` come from ``driver_base.py``, value tagging from ``sdk_driver.py`` (run
in a fresh interpreter: the SDK's process-wide state). The report, ``WORK_DIR/result.json``, holds what the SDK
parsed from each query (records with their key-values, ``Info``, an empty 204, an ``APIException``) and every
request it sent.
"""

from __future__ import annotations

import sys
from typing import Any

from driver_base import main, mark
from sdk_driver import answer, jsonable
from zohocrmsdk.src.com.zoho.crm.api.query import APIException, BodyWrapper, QueryOperations, ResponseWrapper

QUERIES = {
    "lookups": "select Last_Name, Account_Name, Account_Name.Account_Name, 'Email' as Mail from Contacts"
    " where Account_Name is not null order by Last_Name",
    "aggregate": "select Lead_Source, COUNT(id), SUM(Annual_Revenue) from Leads where id is not null"
    " group by Lead_Source",
    "paged": "select Last_Name from Leads where Last_Name like 'L%' limit 1, 1",
    "nothing": "select Last_Name from Leads where Last_Name = 'Nobody'",
    "syntax": "select Last_Name, from Leads where id is not null",
    "unknown_column": "select Nope from Leads where id is not null",
    "bad_operator": "select Last_Name from Leads where Last_Name > 'x'",
}


def describe(response: Any) -> dict[str, Any]:
    if response is None:
        return {"response": None}
    out: dict[str, Any] = {"status_code": response.get_status_code()}
    obj = response.get_object()
    if obj is None:
        out["object"] = None
    elif isinstance(obj, ResponseWrapper):
        out["object"] = "ResponseWrapper"
        out["records"] = [
            {"class": type(r).__name__, "id": r.get_id(), "values": jsonable(r.get_key_values())}
            for r in obj.get_data()
        ]
        info = obj.get_info()
        out["info"] = {
            "class": type(info).__name__,
            "count": info.get_count(),
            "more_records": info.get_more_records(),
        }
    elif isinstance(obj, APIException):
        out["object"] = "APIException"
        out["error"] = answer(obj)
    else:
        out["object"] = type(obj).__name__
    return out


def scenario(creds: dict[str, str], result: dict[str, Any]) -> None:
    ops = QueryOperations()
    for step, query in QUERIES.items():
        mark(result, step)
        body = BodyWrapper()
        body.set_select_query(query)
        result[step] = describe(ops.get_records(body))
    mark(result, "end")


if __name__ == "__main__":
    sys.exit(main(scenario))
