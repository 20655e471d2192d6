"""Drives the official SDK's ``RecordOperations().search_records`` against a running ``zcrm serve``.

    python search_driver.py CREDENTIALS_JSON WORK_DIR ARGS_JSON

Initialisation, the wire log and ``main`` come from ``driver_base.py``, ``describe_records`` from ``sdk_driver.py``
(run in a fresh interpreter: the SDK's process-wide state). The report, ``WORK_DIR/result.json``, holds what the SDK
parsed from each search (records, ``Info``, an empty 204, an ``APIException``) and every request it sent.
"""

from __future__ import annotations

import sys
from typing import Any

from driver_base import main, mark
from sdk_driver import describe_records
from zohocrmsdk.src.com.zoho.crm.api.parameter_map import ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.record import (
    APIException,
    RecordOperations,
    ResponseWrapper,
    SearchRecordsParam,
)


def describe(response: Any) -> dict[str, Any]:
    return describe_records(
        response, ResponseWrapper, APIException, ("per_page", "count", "page", "more_records")
    )


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
