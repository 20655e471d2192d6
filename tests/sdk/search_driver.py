"""Drives the official SDK's ``RecordOperations().search_records`` against a running ``zcrm serve``.

    python search_driver.py CREDENTIALS_JSON WORK_DIR ARGS_JSON

Initialisation, the wire log and ``main`` come from ``driver_base.py``, value tagging from ``sdk_driver.py`` (run
in a fresh interpreter: the SDK's process-wide state). The report, ``WORK_DIR/result.json``, holds what the SDK
parsed from each search (records, ``Info``, an empty 204, an ``APIException``) and every request it sent.
"""

from __future__ import annotations

import sys
from typing import Any

from driver_base import main, mark
from sdk_driver import answer, jsonable
from zohocrmsdk.src.com.zoho.crm.api.parameter_map import ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.record import (
    APIException,
    RecordOperations,
    ResponseWrapper,
    SearchRecordsParam,
)


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
            "per_page": info.get_per_page(),
            "count": info.get_count(),
            "page": info.get_page(),
            "more_records": info.get_more_records(),
        }
    elif isinstance(obj, APIException):
        out["object"] = "APIException"
        out["error"] = answer(obj)
    else:
        out["object"] = type(obj).__name__
    return out


def params(**values: Any) -> ParameterMap:
    param_map = ParameterMap()
    for name, value in values.items():
        param_map.add(getattr(SearchRecordsParam, name), value)
    return param_map


def scenario(creds: dict[str, str], result: dict[str, Any]) -> None:
    ops = RecordOperations()
    searches = {
        "criteria": params(criteria="((Last_Name:starts_with:burn)and(Company:equals:zylker))"),
        "email": params(email="KATE@acme.test"),
        "phone": params(phone="15550102030"),
        "word": params(word="lobe", fields="Last_Name,Company"),
        "paged": params(criteria="(Last_Name:in:Burns,Kate,Burnside)", per_page=2, page=1),
        "nothing": params(criteria="(Last_Name:equals:Nobody)"),
        "malformed": params(criteria="(Last_Name:equals:x"),
        "bad_operator": params(criteria="(Last_Name:greater_than:x)"),
    }
    for step, param_map in searches.items():
        mark(result, step)
        result[step] = describe(ops.search_records("Leads", param_map))
    mark(result, "end")


if __name__ == "__main__":
    sys.exit(main(scenario))
