"""Drives the official SDK's ``RecordOperations().get_deleted_records`` against a running ``zcrm serve``.

    python deleted_driver.py CREDENTIALS_JSON WORK_DIR ARGS_JSON

(``ARGS_JSON``: ``deleted_time``, the epoch second the test's records were deleted at.) Initialisation, the wire log
and ``main`` come from ``driver_base.py`` (run in a fresh interpreter: the SDK's process-wide state). The report,
``WORK_DIR/result.json``, holds what the SDK parsed from each call (its ``DeletedRecord`` entries and ``Info``, an
empty 204, an ``APIException``) and every request it sent.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

# before the SDK: importing driver_base installs the wire log
from driver_base import error, main, mark, outcome, parameters, plain
from zohocrmsdk.src.com.zoho.crm.api.header_map import HeaderMap
from zohocrmsdk.src.com.zoho.crm.api.parameter_map import ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.record import (
    APIException,
    DeletedRecordsWrapper,
    GetDeletedRecordsHeader,
    GetDeletedRecordsParam,
    RecordOperations,
)


def user(value: Any) -> dict[str, Any] | None:
    return None if value is None else {"name": value.get_name(), "id": value.get_id()}


def deleted(obj: DeletedRecordsWrapper) -> dict[str, Any]:
    info = obj.get_info()
    return {
        "data": [
            {
                "class": type(entry).__name__,
                "id": entry.get_id(),
                "display_name": entry.get_display_name(),
                "type": plain(entry.get_type()),
                "deleted_by": user(entry.get_deleted_by()),
                "created_by": user(entry.get_created_by()),
                "deleted_time": int(entry.get_deleted_time().timestamp()),
            }
            for entry in obj.get_data()
        ],
        "info": {
            "class": type(info).__name__,
            **{n: getattr(info, f"get_{n}")() for n in ("per_page", "count", "page", "more_records")},
        },
    }


def describe(response: Any) -> dict[str, Any]:
    return outcome(response, {DeletedRecordsWrapper: deleted, APIException: error})


def params(**values: Any) -> ParameterMap:
    return parameters(GetDeletedRecordsParam, **values)


def since(epoch: int) -> HeaderMap:
    header_map = HeaderMap()
    header_map.add(GetDeletedRecordsHeader.if_modified_since, dt.datetime.fromtimestamp(epoch, dt.UTC))
    return header_map


def scenario(creds: dict[str, str], result: dict[str, Any]) -> None:
    ops = RecordOperations()
    deleted_time = int(result["args"]["deleted_time"])
    calls: dict[str, tuple[ParameterMap | None, HeaderMap | None]] = {
        "all": (None, None),
        "recycle": (params(type="recycle", per_page=2, page=1), None),
        "recycle_page_2": (params(type="recycle", per_page=2, page=2), None),
        "permanent": (params(type="permanent"), None),
        "since_before": (None, since(deleted_time - 1)),
        "since_then": (None, since(deleted_time)),
        "bad_type": (params(type="deleted"), None),
    }
    for step, (param_map, header_map) in calls.items():
        mark(result, step)
        result[step] = describe(ops.get_deleted_records("Leads", param_map, header_map))
    mark(result, "end")


if __name__ == "__main__":
    sys.exit(main(scenario))
