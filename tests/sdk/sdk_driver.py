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
from decimal import Decimal
from pathlib import Path
from typing import Any

from driver_base import cache_modules, main, mark  # before the SDK: importing it installs the wire log
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


def jsonable(value: Any) -> Any:
    """SDK values (Choice, Record, dates, ...) as plain JSON, tagged so the test can check the Python types."""
    if isinstance(value, Choice):
        return {"choice": jsonable(value.get_value())}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "get_key_values"):  # Record and other key-value classes (lookups, rows)
        return {"record": {k: jsonable(v) for k, v in value.get_key_values().items()}}
    if type(value).__module__.startswith("zohocrmsdk."):  # MinifiedUser, Layouts, ...
        getters = ("id", "name", "email")
        out = {
            name: jsonable(getattr(value, f"get_{name}")())
            for name in getters
            if hasattr(value, f"get_{name}")
        }
        return {type(value).__name__: out}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return {"repr": repr(value), "type": type(value).__name__}


def plain(value: Any) -> Any:
    """The SDK wraps codes, statuses and messages in Choice; unwraps them."""
    return value.get_value() if isinstance(value, Choice) else value


def answer(item: Any, details: Any = None) -> dict[str, Any]:
    """An SDK success or error entry (``SuccessResponse``, ``APIException``): code, status, message and details
    (``details`` in place of the entry's own)."""
    return {
        "code": plain(item.get_code()),
        "status": plain(item.get_status()),
        "message": plain(item.get_message()),
        "details": jsonable(item.get_details() if details is None else details),
    }


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
    if response is None:
        return {"response": None}
    out: dict[str, Any] = {"status_code": response.get_status_code()}
    obj = response.get_object()
    if obj is None:
        out["object"] = None
    elif isinstance(obj, wrapper):
        out["object"] = "ResponseWrapper"
        out["records"] = [
            {"class": type(r).__name__, "id": r.get_id(), "values": jsonable(r.get_key_values())}
            for r in obj.get_data()
        ]
        info = obj.get_info()
        out["info"] = {"class": type(info).__name__, **{n: getattr(info, f"get_{n}")() for n in info_names}}
    elif isinstance(obj, exception):
        out["object"] = "APIException"
        out["error"] = answer(obj)
    else:
        out["object"] = type(obj).__name__
    return out


def describe(response: Any) -> dict[str, Any]:
    """An SDK APIResponse as JSON: status code, object kind, and the parsed content."""
    if response is None:
        return {"response": None}
    out: dict[str, Any] = {"status_code": response.get_status_code()}
    obj = response.get_object()
    if obj is None:
        out["object"] = None
    elif isinstance(obj, ActionWrapper):
        out["object"] = "ActionWrapper"
        out["data"] = [describe_action(item) for item in obj.get_data()]
    elif isinstance(obj, ResponseWrapper):
        out["object"] = "ResponseWrapper"
        out["data"] = [jsonable(record.get_key_values()) for record in obj.get_data()]
        info = obj.get_info()
        out["info"] = (
            None
            if info is None
            else {
                "count": info.get_count(),
                "more_records": info.get_more_records(),
                "page": info.get_page(),
                "per_page": info.get_per_page(),
            }
        )
    elif isinstance(obj, APIException):
        out["object"] = "APIException"
        out["error"] = describe_exception(obj)
    else:
        out["object"] = type(obj).__name__
    return out


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
