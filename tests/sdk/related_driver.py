"""Drives the official SDK's ``RelatedListsOperations`` and ``RelatedRecordsOperations`` against a running
``zcrm serve``.

    python related_driver.py CREDENTIALS_JSON WORK_DIR ARGS_JSON

ARGS_JSON names a campaign and two leads (``campaign``, ``leads``). The report, ``WORK_DIR/result.json``, holds what
the SDK parsed from the Campaigns related lists, from linking both leads (``update_related_records``), from the
campaign's leads read back (``get_related_records``), from delinking one (``delink_records``) and from the list read
again, and every request it sent.
"""

from __future__ import annotations

import sys
from typing import Any

# before the SDK: importing driver_base installs the wire log
from driver_base import entries, error, main, mark, outcome, records
from zohocrmsdk.src.com.zoho.crm.api.parameter_map import ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.record import Record
from zohocrmsdk.src.com.zoho.crm.api.related_lists import GetRelatedListsParam, RelatedListsOperations
from zohocrmsdk.src.com.zoho.crm.api.related_lists import ResponseWrapper as ListsWrapper
from zohocrmsdk.src.com.zoho.crm.api.related_records import (
    ActionWrapper,
    APIException,
    BodyWrapper,
    DelinkRecordsParam,
    GetRelatedRecordsParam,
    RelatedRecordsOperations,
    ResponseWrapper,
    SuccessResponse,
)


def related_lists(obj: ListsWrapper) -> dict[str, Any]:
    return {
        "object": "ListsWrapper",
        "lists": [
            {"api_name": r.get_api_name(), "module": r.get_module().get_api_name(), "type": r.get_type(),
             "href": r.get_href(), "id": r.get_id()}
            for r in obj.get_related_lists()
        ],
    }  # fmt: skip


def related(obj: ResponseWrapper) -> dict[str, Any]:
    info = obj.get_info()
    return {
        "records": records(obj.get_data()),
        "info": {"count": info.get_count(), "more_records": info.get_more_records()},
    }


def parsed(response: Any) -> dict[str, Any]:
    """An SDK answer as JSON: status code, object kind, and what it holds."""
    return outcome(
        response,
        {
            ListsWrapper: related_lists,
            ActionWrapper: lambda obj: {"data": entries(obj.get_data(), (SuccessResponse, APIException))},
            ResponseWrapper: related,
            APIException: error,
        },
    )


def member(lead_id: int, status: str | None) -> Record:
    record = Record()
    record.set_id(lead_id)
    if status is not None:
        record.add_key_value("Member_Status", status)
    return record


def read(ops: RelatedRecordsOperations, campaign: int) -> dict[str, Any]:
    params = ParameterMap()
    params.add(GetRelatedRecordsParam.fields, "Last_Name,Member_Status")
    return parsed(ops.get_related_records(campaign, params))


def scenario(creds: dict[str, str], result: dict[str, Any]) -> None:
    args = result["args"]
    campaign, leads = int(args["campaign"]), [int(i) for i in args["leads"]]
    mark(result, "lists")
    params = ParameterMap()
    params.add(GetRelatedListsParam.module, "Campaigns")
    result["lists"] = parsed(RelatedListsOperations().get_related_lists(params))
    ops = RelatedRecordsOperations("Leads", "Campaigns")
    mark(result, "link")
    body = BodyWrapper()
    body.set_data([member(leads[0], "Sent"), member(leads[1], None)])
    result["link"] = parsed(ops.update_related_records(campaign, body))
    mark(result, "read")
    result["read"] = read(ops, campaign)
    mark(result, "delink")
    params = ParameterMap()
    params.add(DelinkRecordsParam.ids, str(leads[1]))
    result["delink"] = parsed(ops.delink_records(campaign, params))
    mark(result, "read_again")
    result["read_again"] = read(ops, campaign)
    mark(result, "end")


if __name__ == "__main__":
    sys.exit(main(scenario))
