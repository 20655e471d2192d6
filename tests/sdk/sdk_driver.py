"""Drives Zoho's official Python SDK (``zohocrmsdk5-0``) against a running ``zcrm serve``.

The SDK keeps process-wide state (``Initializer``, ``Utility``'s class attributes, its metadata cache), so every
scenario runs in a fresh interpreter:

    python sdk_driver.py SCENARIO CREDENTIALS_JSON WORK_DIR [ARGS_JSON]

``CREDENTIALS_JSON`` is the server's ``credentials.json``. The SDK's token store (``tokens.csv``), its metadata cache
(``resources/``) and its log (``sdk.log``) go to ``WORK_DIR``: a new directory gives a client that has never run, and
reusing one gives a client that comes back with its stored token and cache. The driver writes
what it observed to ``WORK_DIR/result.json``: the values the SDK parsed, plus every HTTP request the SDK sent
(``driver_base.py`` wraps ``requests.Session.send``, so the log is what went on the wire, in order).

Scenarios:
- ``crud``: create Listings, Leads and Deals records, read them back (list and single), delete them (bulk and single)
  and read a deleted record again;
  (argument ``account_id``: an Accounts record the deal's ``Account_Name`` lookup points at);
- ``mandatory``: create a Lead without ``Last_Name``;
- ``get_record``: read one record (arguments ``module`` and ``id``).

An optional fifth argument is a JSON object of scenario arguments.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

# before the SDK: importing driver_base installs the wire log
from driver_base import answer, cache_modules, error, jsonable, main, mark, outcome, records
from zohocrmsdk.src.com.zoho.crm.api.parameter_map import ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.record import (
    ActionWrapper,
    APIException,
    BodyWrapper,
    DeleteRecordsParam,
    GetRecordParam,
    GetRecordsParam,
    Record,
    RecordOperations,
    ResponseWrapper,
    SuccessResponse,
)
from zohocrmsdk.src.com.zoho.crm.api.users import MinifiedUser
from zohocrmsdk.src.com.zoho.crm.api.util import Choice

# The date and datetime written to the lead (the test spells out the same values).
LEAD_DATE = dt.date(2024, 6, 15)
LEAD_DATETIME = dt.datetime(2024, 5, 2, 11, 17, 33, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))


class Unexpected(Exception):
    pass


def describe_exception(exc: APIException) -> dict[str, Any]:
    return {"kind": "APIException", **answer(exc)}


def describe_action(item: Any) -> dict[str, Any]:
    if isinstance(item, SuccessResponse):
        return {"kind": "SuccessResponse", **answer(item)}
    if isinstance(item, APIException):
        return describe_exception(item)
    return {"kind": type(item).__name__, "repr": repr(item)}


def describe_records(
    response: Any, wrapper: type, exception: type, info_names: tuple[str, ...]
) -> dict[str, Any]:
    """A records answer (a search's or a COQL query's) as JSON: status code, object kind, each record's class, id
    and values, the ``info`` getters named, or the error of an ``exception``."""

    def found(obj: Any) -> dict[str, Any]:
        info = obj.get_info()
        return {
            "records": records(obj.get_data()),
            "info": {"class": type(info).__name__, **{n: getattr(info, f"get_{n}")() for n in info_names}},
        }

    return outcome(response, {wrapper: found, exception: error})


def page_info(info: Any) -> dict[str, Any] | None:
    if info is None:
        return None
    return {
        "count": info.get_count(),
        "more_records": info.get_more_records(),
        "page": info.get_page(),
        "per_page": info.get_per_page(),
    }


def describe(response: Any) -> dict[str, Any]:
    """An SDK APIResponse as JSON: status code, object kind, and the parsed content."""
    return outcome(
        response,
        {
            ActionWrapper: lambda obj: {"data": [describe_action(item) for item in obj.get_data()]},
            ResponseWrapper: lambda obj: {
                "data": [jsonable(record.get_key_values()) for record in obj.get_data()],
                "info": page_info(obj.get_info()),
            },
            APIException: lambda obj: {"error": describe_exception(obj)},
        },
    )


def created_id(response: dict[str, Any]) -> int:
    data = response.get("data") or []
    if len(data) != 1 or data[0]["kind"] != "SuccessResponse":
        raise Unexpected(f"create failed: {response}")
    return int(data[0]["details"]["id"])


def body_of(*records: Record) -> BodyWrapper:
    body = BodyWrapper()
    body.set_data(list(records))
    return body


def scenario_crud(creds: dict[str, str], result: dict[str, Any]) -> None:
    ops = RecordOperations()

    # The Listings record the deal links to. Listings has no lookup, subform or linking field, so this fetches
    # the Listings metadata only; the Deals call that follows then shows the recursive fetches.
    mark(result, "create_listing")
    listing = Record()
    listing.add_key_value("Name", "Harbour View 12B")
    listing.add_key_value("Listing_Price", 420000.0)
    listing.add_key_value("Bedrooms", 3)
    result["create_listing"] = describe(ops.create_records("Listings", body_of(listing)))
    listing_id = created_id(result["create_listing"])
    result["cache_after_listing"] = cache_modules(Path(result["work"]))

    user_id = int(creds["user_id"])
    mark(result, "create_deal")
    deal = Record()
    deal.add_key_value("Deal_Name", "Harbour View Tower")
    deal.add_key_value("Stage", Choice("Qualification"))
    deal.add_key_value("Closing_Date", dt.date(2024, 6, 30))
    deal.add_key_value("Amount", 250000.75)
    account = Record()
    account.set_id(int(result["args"]["account_id"]))
    deal.add_key_value("Account_Name", account)
    deal.add_key_value("Foreign_Languages", [Choice("French"), Choice("Korean")])
    competitor = Record()
    competitor.add_key_value("Competitor_Name", "Acme Realty")
    competitor.add_key_value("Competitor_Price", 240000.5)
    competitor.add_key_value("Rank", 2)
    deal.add_key_value("Competitors", [competitor])
    listing_row = Record()
    listing_ref = Record()
    listing_ref.set_id(listing_id)
    listing_row.add_key_value("Interested_Listings", listing_ref)
    deal.add_key_value("Listings", [listing_row])
    user_row = Record()
    user_ref = MinifiedUser()  # the linking module's User field is a userlookup
    user_ref.set_id(user_id)
    user_row.add_key_value("User", user_ref)
    deal.add_key_value("AssociatedUser", [user_row])
    result["create_deal"] = describe(ops.create_records("Deals", body_of(deal)))
    result["cache_after_deal"] = cache_modules(Path(result["work"]))
    deal_id = created_id(result["create_deal"])

    mark(result, "create_lead")
    lead = Record()
    lead.add_key_value("Last_Name", "Daly")
    lead.add_key_value("First_Name", "Ann")
    lead.add_key_value("Company", "Zylker Harbour")
    lead.add_key_value("Email", "ann.daly@example.com")
    lead.add_key_value("Lead_Source", Choice("Cold Call"))
    lead.add_key_value("Annual_Revenue", 1500.5)
    lead.add_key_value("No_of_Employees", 42)
    lead.add_key_value("Email_Opt_Out", True)
    lead.add_key_value("Description", "Met at the harbour expo")
    lead.add_key_value("Follow_Up_Date", LEAD_DATE)
    lead.add_key_value("Last_Contacted_At", LEAD_DATETIME)
    second = Record()
    second.add_key_value("Last_Name", "Okafor")
    second.add_key_value("Company", "Okafor Freight")
    result["create_leads"] = describe(ops.create_records("Leads", body_of(lead, second)))
    lead_ids = [
        int(item["details"]["id"])
        for item in result["create_leads"].get("data", [])
        if item["kind"] == "SuccessResponse"
    ]
    if len(lead_ids) != 2:
        raise Unexpected(f"lead create failed: {result['create_leads']}")

    mark(result, "get_leads")
    params = ParameterMap()
    for name in ("Last_Name", "First_Name", "Company", "Email", "Lead_Source", "Annual_Revenue", "Owner"):
        params.add(GetRecordsParam.fields, name)
    params.add(GetRecordsParam.ids, ",".join(str(i) for i in lead_ids))
    params.add(GetRecordsParam.sort_order, "asc")
    result["get_leads"] = describe(ops.get_records("Leads", params))

    mark(result, "get_lead")
    result["get_lead"] = describe(ops.get_record(lead_ids[0], "Leads"))

    mark(result, "get_deals")
    params = ParameterMap()
    params.add(
        GetRecordsParam.fields, "Deal_Name,Stage,Closing_Date,Amount,Foreign_Languages,Competitors,Owner"
    )
    result["get_deals"] = describe(ops.get_records("Deals", params))

    mark(result, "get_deal")
    result["get_deal"] = describe(ops.get_record(deal_id, "Deals"))

    mark(result, "get_deal_fields")
    params = ParameterMap()
    params.add(GetRecordParam.fields, "Deal_Name,Listings")
    result["get_deal_fields"] = describe(ops.get_record(deal_id, "Deals", params))

    mark(result, "delete_leads")
    params = ParameterMap()
    for lead_id in lead_ids:
        params.add(DeleteRecordsParam.ids, str(lead_id))  # the SDK types this parameter as str
    params.add(DeleteRecordsParam.wf_trigger, False)
    result["delete_leads"] = describe(ops.delete_records("Leads", params))

    mark(result, "delete_deal")
    result["delete_deal"] = describe(ops.delete_record(deal_id, "Deals"))

    mark(result, "get_deleted_lead")
    result["get_deleted_lead"] = describe(ops.get_record(lead_ids[0], "Leads"))
    mark(result, "get_deleted_deal")
    result["get_deleted_deal"] = describe(ops.get_record(deal_id, "Deals"))
    mark(result, "end")
    result["ids"] = {"deal": str(deal_id), "leads": [str(i) for i in lead_ids], "listing": str(listing_id)}


def scenario_get_record(creds: dict[str, str], result: dict[str, Any]) -> None:
    mark(result, "get_record")
    args = result["args"]
    result["get_record"] = describe(RecordOperations().get_record(int(args["id"]), args["module"]))


def scenario_mandatory(creds: dict[str, str], result: dict[str, Any]) -> None:
    lead = Record()
    lead.add_key_value("Company", "Nameless Ltd")
    lead.add_key_value("Email", "nobody@example.com")
    mark(result, "create")
    result["create"] = describe(RecordOperations().create_records("Leads", body_of(lead)))


SCENARIOS = {"crud": scenario_crud, "mandatory": scenario_mandatory, "get_record": scenario_get_record}


if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
