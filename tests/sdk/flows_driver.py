"""Drives any of Zoho's official Python SDKs ``zohocrmsdk5-0`` … ``zohocrmsdk8-0`` through the everyday record flows
against a running ``zcrm serve``, unchanged: the same script runs in each SDK's own venv (tests/sdk/envs.py).

    python flows_driver.py CREDENTIALS_JSON WORK_DIR [ARGS_JSON]

Initialisation (a token refresh from the server's refresh token), the wire log and ``main`` come from
``driver_base.py``. The differences between the SDK versions this driver meets are in two places, and nowhere else:
from 6.0 on ``RecordOperations`` takes the module in its constructor (5.0: in every call; ``driver_base.ModuleRecords``
hides it), and COQL moved from ``crm.api.query.QueryOperations`` (5.0) to ``crm.api.coql.CoqlOperations`` (the
imports below).

The flow, one step each (``mark``): the module list and the Deals fields (``ModulesOperations``,
``FieldsOperations``); inserts (two Listings, two Deals with a multi-select picklist, a subform row and a multi-select
lookup row, three Leads); get one and list with ``fields``; a bulk update and a single update, both with
``$append_values`` on the multi-select picklist (the bulk one also edits the subform and the multi-select lookup
rows); an upsert matched on ``duplicate_check_fields``; searches by criteria, email and word; a COQL query; a bulk
and a single delete, and a read of a deleted record. The report holds what the SDK parsed at each step, the ids it
got, its metadata cache and every request it sent.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

# before the SDK: importing driver_base installs the wire log
from driver_base import (
    ModuleRecords,
    body,
    cache_modules,
    entries,
    error,
    main,
    mark,
    outcome,
    parameters,
    plain,
    record,
    records,
)
from sdk_values import paging
from zohocrmsdk.src.com.zoho.crm.api.fields import FieldsOperations, GetFieldsParam
from zohocrmsdk.src.com.zoho.crm.api.modules import ModulesOperations
from zohocrmsdk.src.com.zoho.crm.api.record import (
    ActionWrapper,
    APIException,
    DeleteRecordsParam,
    GetRecordParam,
    GetRecordsParam,
    ResponseWrapper,
    SearchRecordsParam,
    SuccessResponse,
)
from zohocrmsdk.src.com.zoho.crm.api.util import Choice

try:  # 6.0 and later
    from zohocrmsdk.src.com.zoho.crm.api.coql import APIException as QueryException
    from zohocrmsdk.src.com.zoho.crm.api.coql import BodyWrapper as QueryBody
    from zohocrmsdk.src.com.zoho.crm.api.coql import CoqlOperations as QueryOperations
    from zohocrmsdk.src.com.zoho.crm.api.coql import ResponseWrapper as QueryRows
except ImportError:  # 5.0
    from zohocrmsdk.src.com.zoho.crm.api.query import APIException as QueryException
    from zohocrmsdk.src.com.zoho.crm.api.query import BodyWrapper as QueryBody
    from zohocrmsdk.src.com.zoho.crm.api.query import QueryOperations
    from zohocrmsdk.src.com.zoho.crm.api.query import ResponseWrapper as QueryRows


def written(item: Any) -> dict[str, Any]:
    """An ``ActionWrapper`` item: its class, code, status, message and details, and an upsert's action and
    duplicate field."""
    out = entries([item], (SuccessResponse, APIException))[0]
    if isinstance(item, SuccessResponse) and plain(item.get_action()) is not None:
        out["action"] = plain(item.get_action())
        out["duplicate_field"] = item.get_duplicate_field()
    return out


def describe(response: Any) -> dict[str, Any]:
    """A record call's ``APIResponse``: write results, records read (class, id, values) with their paging info, or
    the ``APIException``."""

    def read(obj: Any) -> dict[str, Any]:
        return {"records": records(obj.get_data()), "info": paging(obj.get_info())}

    return outcome(
        response,
        {
            ActionWrapper: lambda obj: {"data": [written(item) for item in obj.get_data()]},
            ResponseWrapper: read,
            APIException: error,
        },
    )


def ids_of(result: dict[str, Any], step: str) -> list[int]:
    """The ids of the records ``step`` wrote (every item must have succeeded)."""
    data = result[step].get("data") or []
    if not data or any(item["kind"] != "SuccessResponse" for item in data):
        raise RuntimeError(f"{step} failed: {result[step]}")
    return [int(item["details"]["id"]) for item in data]


def metadata(result: dict[str, Any]) -> None:
    """The module list and the Deals fields, as the SDK parsed them."""
    mark(result, "modules")
    response = ModulesOperations().get_modules()
    result["modules"] = outcome(
        response,
        {
            APIException: error,
            object: lambda obj: {
                "modules": {
                    m.get_api_name(): {"api_supported": m.get_api_supported(), "id": m.get_id()}
                    for m in obj.get_modules()
                }
            },
        },
    )
    mark(result, "fields")
    response = FieldsOperations().get_fields(parameters(GetFieldsParam, module="Deals"))

    def fields(obj: Any) -> dict[str, Any]:
        out = {}
        for field in obj.get_fields():
            out[field.get_api_name()] = {"data_type": plain(field.get_data_type()), "id": field.get_id()}
        return {"fields": out}

    result["fields"] = outcome(response, {APIException: error, object: fields})


def scenario(creds: dict[str, str], result: dict[str, Any]) -> None:
    metadata(result)
    work = Path(result["work"])
    listings, deals, leads = ModuleRecords("Listings"), ModuleRecords("Deals"), ModuleRecords("Leads")

    # -- inserts
    mark(result, "insert_listings")
    result["insert_listings"] = describe(
        listings.create(body(record(Name="Harbour View", Bedrooms=3), record(Name="Hill Top", Bedrooms=2)))
    )
    l1, l2 = ids_of(result, "insert_listings")
    result["cache_after_listings"] = cache_modules(work)
    deal = record(
        Deal_Name="Harbour Tower",
        Stage=Choice("Qualification"),
        Closing_Date=dt.date(2024, 6, 30),
        Amount=250000.75,
        Foreign_Languages=[Choice("French")],
        Competitors=[record(Competitor_Name="Acme Realty", Rank=2)],
        Listings=[record(Interested_Listings=record(l1))],
    )
    second = record(
        Deal_Name="Hill Deal",
        Stage=Choice("Qualification"),
        Closing_Date=dt.date(2024, 7, 1),
        Foreign_Languages=[Choice("Hindi")],
    )
    mark(result, "insert_deals")
    result["insert_deals"] = describe(deals.create(body(deal, second)))
    d1, d2 = ids_of(result, "insert_deals")
    result["cache_after_deals"] = cache_modules(work)
    mark(result, "insert_leads")
    result["insert_leads"] = describe(
        leads.create(
            body(
                record(Last_Name="Burns", Company="Zylker", Email="burns@zylker.test", Annual_Revenue=1500.5),
                record(Last_Name="Kate", Company="Acme", Email="kate@acme.test"),
                record(Last_Name="Burnside", Company="Globex", Lead_Source=Choice("Cold Call")),
            )
        )
    )
    burns, kate, burnside = ids_of(result, "insert_leads")

    # -- reads
    mark(result, "get_deal")
    result["get_deal"] = describe(
        deals.get(d1, parameters(GetRecordParam, fields="Deal_Name,Foreign_Languages,Competitors,Listings"))
    )
    mark(result, "list_leads")
    result["list_leads"] = describe(
        leads.list(
            parameters(GetRecordsParam, fields="Last_Name,Company,Email", ids=f"{burns},{kate},{burnside}")
        )
    )

    # -- updates: bulk and single, both appending to the multi-select picklist
    [row] = result["get_deal"]["records"][0]["values"]["Competitors"]
    [link] = result["get_deal"]["records"][0]["values"]["Listings"]
    kept = record(int(row["record"]["id"]), Rank=1)
    unlink = record(int(link["record"]["id"]), _delete=None)
    bulk_first = record(
        d1,
        Foreign_Languages=[Choice("Korean"), Choice("French")],
        Competitors=[kept, record(Competitor_Name="Delta Homes", Rank=3)],
        Listings=[unlink, record(Interested_Listings=record(l2))],
    )
    bulk_first.add_key_value("$append_values", {"Foreign_Languages": True})
    bulk_second = record(d2, Amount=5000.0)
    mark(result, "bulk_update")
    result["bulk_update"] = describe(deals.update(body(bulk_first, bulk_second)))
    single = record(Foreign_Languages=[Choice("Spanish")], Stage=Choice("Needs Analysis"))
    single.add_key_value("$append_values", {"Foreign_Languages": True})
    mark(result, "single_update")
    result["single_update"] = describe(deals.update_one(d1, body(single)))
    mark(result, "get_updated_deal")
    result["get_updated_deal"] = describe(deals.get(d1))

    # -- upsert: matched on Email (case-insensitively), then a refused check field
    mark(result, "upsert")
    result["upsert"] = describe(
        leads.upsert(
            body(
                record(Email="KATE@acme.test", Company="Acme Upserted"),
                record(Last_Name="Newton", Company="Upsert Inc", Email="newton@upsert.test"),
                check=["Email"],
            )
        )
    )
    mark(result, "upsert_bad_check")
    result["upsert_bad_check"] = describe(leads.upsert(body(record(Email="x@y.test"), check=["Company"])))

    # -- search
    for step, values in (
        ("search_criteria", {"criteria": "((Last_Name:starts_with:burn)and(Company:equals:zylker))"}),
        ("search_email", {"email": "KATE@acme.test"}),
        ("search_word", {"word": "globex"}),
        ("search_nothing", {"criteria": "(Last_Name:equals:Nobody)"}),
        ("search_malformed", {"criteria": "(Last_Name:equals:x"}),
    ):
        mark(result, step)
        result[step] = describe(leads.search(parameters(SearchRecordsParam, **values)))

    # -- COQL
    for step, query in (
        ("coql", "select Last_Name, Company from Leads where Last_Name like 'Burn%' order by Last_Name"),
        ("coql_error", "select Nope from Leads where id is not null"),
    ):
        mark(result, step)
        request = QueryBody()
        request.set_select_query(query)
        result[step] = outcome(
            QueryOperations().get_records(request),
            {
                QueryRows: lambda obj: {
                    "records": records(obj.get_data()),
                    "info": {
                        "count": obj.get_info().get_count(),
                        "more_records": obj.get_info().get_more_records(),
                    },
                },
                QueryException: error,
            },
        )

    # -- deletes
    mark(result, "delete_leads")
    doomed = parameters(DeleteRecordsParam, ids=str(burnside))
    doomed.add(DeleteRecordsParam.ids, str(kate))
    result["delete_leads"] = describe(leads.delete(doomed))
    mark(result, "delete_deal")
    result["delete_deal"] = describe(deals.delete_one(d2))
    mark(result, "get_deleted")
    result["get_deleted"] = describe(deals.get(d2))
    mark(result, "end")
    result["ids"] = {
        "listings": [l1, l2],
        "deals": [d1, d2],
        "leads": {"burns": burns, "kate": kate, "burnside": burnside},
    }


if __name__ == "__main__":
    sys.exit(main(scenario))
