"""Drives the official SDK's Timelines API (``TimelinesOperations.get_timelines``) against a running ``zcrm serve``.

    python timeline_driver.py CREDENTIALS_JSON WORK_DIR ARGS_JSON

``ARGS_JSON`` names the record (``module``, ``record_id``) and a well-formed id of no record (``unknown_id``).
Initialisation, the wire log, ``main`` and value tagging come from ``driver_base.py`` (run in a fresh interpreter:
the SDK's process-wide state). The report, ``WORK_DIR/result.json``, holds what the SDK parsed from each call
(its Python types kept visible: datetimes are tagged, ids are ints) and every HTTP request it sent.
"""

from __future__ import annotations

import json
import sys
from typing import Any

# before the SDK: importing driver_base installs the wire log
from driver_base import error, jsonable, main, mark, outcome, parameters
from zohocrmsdk.src.com.zoho.crm.api.parameter_map import ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.timelines import (
    APIException,
    GetTimelinesParam,
    ResponseWrapper,
    TimelinesOperations,
)


def name_id(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"name": value.get_name(), "id": value.get_id()}


def describe_entry(entry: Any) -> dict[str, Any]:
    record = entry.get_record()
    history = entry.get_field_history()
    return {
        "class": type(entry).__name__,
        "audited_time": jsonable(entry.get_audited_time()),
        "action": entry.get_action(),
        "id": entry.get_id(),
        "source": entry.get_source(),
        "type": entry.get_type(),
        "extension": entry.get_extension(),
        "done_by": name_id(entry.get_done_by()),
        "related_record": name_id(entry.get_related_record()),
        "automation_details": None if entry.get_automation_details() is None else "present",
        "record": None
        if record is None
        else {
            "name": record.get_name(),
            "id": record.get_id(),
            "module": {"api_name": record.get_module().get_api_name(), "id": record.get_module().get_id()},
        },
        "field_history": None
        if history is None
        else [
            {
                "class": type(item).__name__,
                "api_name": item.get_api_name(),
                "id": item.get_id(),
                "field_label": item.get_field_label(),
                "data_type": item.get_data_type(),
                "value": {"new": item.get_value().get_new(), "old": item.get_value().get_old()},
            }
            for item in history
        ],
    }


def timeline(obj: ResponseWrapper) -> dict[str, Any]:
    info = obj.get_info()
    return {
        "timeline": [describe_entry(entry) for entry in obj.get_timeline()],
        "info": {
            "class": type(info).__name__,
            "per_page": info.get_per_page(),
            "count": info.get_count(),
            "page": info.get_page(),
            "more_records": info.get_more_records(),
            "next_page_token": info.get_next_page_token(),
            "previous_page_token": info.get_previous_page_token(),
        },
    }


def describe(response: Any) -> dict[str, Any]:
    return outcome(response, {ResponseWrapper: timeline, APIException: error})


def params(**values: str) -> ParameterMap:
    return parameters(GetTimelinesParam, **values)


def scenario(creds: dict[str, str], result: dict[str, Any]) -> None:
    args = result["args"]
    module, record_id = args["module"], args["record_id"]
    ops = TimelinesOperations()

    mark(result, "plain")
    result["plain"] = describe(ops.get_timelines(module, record_id))

    mark(result, "detailed")
    detailed = params(
        include_inner_details="field_history.field_label,field_history.data_type",
        sort_by="audited_time",
        sort_order="desc",
        per_page="2",
    )
    result["detailed"] = describe(ops.get_timelines(module, record_id, detailed))

    mark(result, "next_page")
    token = (result["detailed"].get("info") or {}).get("next_page_token")
    result["next_page"] = describe(ops.get_timelines(module, record_id, params(page_token=token)))

    mark(result, "page_two")
    result["page_two"] = describe(ops.get_timelines(module, record_id, params(page="2", per_page="2")))

    mark(result, "filtered")
    condition = {"field": {"api_name": "done_by.id"}, "comparator": "equal", "value": args["done_by"]}
    result["filtered"] = describe(ops.get_timelines(module, record_id, params(filters=json.dumps(condition))))

    mark(result, "unknown")
    result["unknown"] = describe(ops.get_timelines(module, args["unknown_id"]))

    mark(result, "malformed")
    result["malformed"] = describe(ops.get_timelines(module, "abc"))
    mark(result, "end")


if __name__ == "__main__":
    sys.exit(main(scenario))
