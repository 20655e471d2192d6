"""Drives Zoho's official Python SDKs for API v2 (``zohocrmsdk2-0``) and v2.1 (``zohocrmsdk2-1``) against a running
``zcrm serve``. Both install the package ``zcrmsdk`` with the same API, so one driver serves both; it runs with the
interpreter of the SDK's own venv (tests/sdk/envs.py), in a fresh process (the SDK keeps process-wide state):

    python flows_v2_driver.py CREDENTIALS_JSON WORK_DIR [ARGS_JSON]

The SDK's environment is zcrm's own: a ``DataCenter.Environment`` of ``base_url`` and ``accounts_url`` from
``CREDENTIALS_JSON``, a refresh token from it, and the token store (``tokens.csv``), metadata cache (``resources/``)
and log (``sdk.log``) in ``WORK_DIR``. The flows, each a step marked in the wire log (``wire_log.py``): token refresh,
modules and fields metadata, inserts (a Listings record; a Deal with a subform row, a multi-select picklist and, with
the v2.1 SDK only, multi-select and multi-user lookup rows; three Leads), a get and a list, a bulk update and a single
update with ``$append_values``, upserts on ``duplicate_check_fields``, searches by criteria, email and word, a COQL
query, bulk and single deletes. The report, ``WORK_DIR/result.json``, holds what the SDK parsed at each step
(``outcome``), the ids made, the step marks and the wire log; a step that raises ends the run with ``ok`` false and
the traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sdk_values import Values, body_of, paging, parameters_of, record_of

# before the SDK: importing wire_log installs the wire log
from wire_log import WIRE
from zcrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zcrmsdk.src.com.zoho.api.authenticator.store.file_store import FileStore
from zcrmsdk.src.com.zoho.api.logger import Logger
from zcrmsdk.src.com.zoho.crm.api import fields as fields_api
from zcrmsdk.src.com.zoho.crm.api import modules as modules_api
from zcrmsdk.src.com.zoho.crm.api import query as query_api
from zcrmsdk.src.com.zoho.crm.api import record as record_api
from zcrmsdk.src.com.zoho.crm.api.dc.data_center import DataCenter
from zcrmsdk.src.com.zoho.crm.api.initializer import Initializer
from zcrmsdk.src.com.zoho.crm.api.parameter_map import ParameterMap
from zcrmsdk.src.com.zoho.crm.api.sdk_config import SDKConfig
from zcrmsdk.src.com.zoho.crm.api.user_signature import UserSignature
from zcrmsdk.src.com.zoho.crm.api.users import User
from zcrmsdk.src.com.zoho.crm.api.util import Choice
from zcrmsdk.src.com.zoho.crm.api.util.constants import Constants

Record = record_api.Record
# The v2.0 SDK types a multi-select lookup's value as a string and a multi-user lookup's as a list of users
# (``Utility.fill_data_type``), so it cannot send their rows; the v2.1 SDK sends lists of linking-module records.
LINK_ROWS = Constants.API_VERSION == "v2.1"
# The user the SDK's token store files the token under (the SDK requires one; the server does not see it).
SIGNATURE = "admin@zcrm.test"
CLOSING = dt.date(2024, 6, 30)


def initialize(creds: dict[str, str], work: Path) -> None:
    """Initialises the SDK on zcrm: its environment from ``base_url`` and ``accounts_url`` (the ready-made data
    centres name zohoapis.com), the server's refresh token. The SDK asks for a token on its first call."""
    base = creds["base_url"]
    Initializer.initialize(
        user=UserSignature(SIGNATURE),
        environment=DataCenter.Environment(base, creds["accounts_url"], base, "zcrm"),
        token=OAuthToken(
            client_id=creds["client_id"],
            client_secret=creds["client_secret"],
            refresh_token=creds["refresh_token"],
        ),
        store=FileStore(str(work / "tokens.csv")),
        sdk_config=SDKConfig(auto_refresh_fields=False, pick_list_validation=True),
        resource_path=str(work),
        logger=Logger.get_instance(Logger.Levels.INFO, str(work / "sdk.log")),
    )


# the SDK's values as plain JSON (a key-value class such as ``Record`` or ``User`` tagged by its class name)
VALUES = Values(Choice, "zcrmsdk.", lambda value: type(value).__name__)
jsonable = VALUES.jsonable
plain = VALUES.plain


def answer(item: Any) -> dict[str, Any]:
    """A success or error entry (``SuccessResponse``, ``APIException``): its class, code, status, message,
    details."""
    out = {
        "kind": type(item).__name__,
        "code": plain(item.get_code()),
        "status": plain(item.get_status()),
        "message": plain(item.get_message()),
        "details": jsonable(item.get_details()),
    }
    if hasattr(
        item, "get_action"
    ):  # a SuccessResponse (an upsert's action and matched field; None otherwise)
        out["action"] = plain(item.get_action())
        out["duplicate_field"] = item.get_duplicate_field()
    return out


def records_of(items: Any) -> list[dict[str, Any]]:
    return [{"id": r.get_id(), "values": jsonable(r.get_key_values())} for r in items]


def outcome(response: Any) -> dict[str, Any]:
    """An ``APIResponse`` as JSON: status code, the parsed object's class and what it holds."""
    if response is None:
        return {"response": None}
    out: dict[str, Any] = {"status_code": response.get_status_code()}
    obj = response.get_object()
    out["object"] = None if obj is None else type(obj).__name__
    if obj is None:
        return out
    if hasattr(obj, "get_code") and hasattr(obj, "get_details"):  # APIException
        out["error"] = answer(obj)
    elif type(obj).__name__ == "ActionWrapper":
        out["data"] = [answer(item) for item in obj.get_data()]
    elif hasattr(obj, "get_modules"):
        out["modules"] = [
            {
                "api_name": m.get_api_name(),
                "api_supported": m.get_api_supported(),
                "generated_type": plain(m.get_generated_type()),
                "id": m.get_id(),
            }
            for m in obj.get_modules()
        ]
    elif hasattr(obj, "get_fields"):
        out["fields"] = {
            f.get_api_name(): {
                "id": f.get_id(),
                "data_type": f.get_data_type(),
                "lookup": None if f.get_lookup() is None else jsonable(f.get_lookup().get_module()),
            }
            for f in obj.get_fields()
        }
    elif hasattr(obj, "get_data"):
        out["records"] = records_of(obj.get_data())
        out["info"] = paging(obj.get_info())
    return out


def record(record_id: int | None = None, **values: Any) -> Any:
    return record_of(Record, record_id, **values)


def body(*items: Any, check: list[str] | None = None, trigger: list[str] | None = None) -> Any:
    return body_of(record_api.BodyWrapper, items, check, trigger)


def params(names: type, **values: Any) -> Any:
    return parameters_of(ParameterMap, names, **values)


def ids_of(done: dict[str, Any]) -> list[int]:
    return [int(item["details"]["id"]) for item in done.get("data", []) if item["kind"] == "SuccessResponse"]


def flows(creds: dict[str, str], result: dict[str, Any]) -> None:
    ops = record_api.RecordOperations()
    made: dict[str, Any] = result.setdefault("ids", {})

    def step(name: str, run: Callable[[], Any]) -> Any:
        result.setdefault("marks", {})[name] = len(WIRE)
        result[name] = outcome(run())
        return result[name]

    # token refresh (the SDK's first call asks for a token) and the SDK's own metadata calls
    step("modules", lambda: modules_api.ModulesOperations().get_modules())
    result["tokens_csv"] = (Path(result["work"]) / "tokens.csv").read_text()
    step("fields", lambda: fields_api.FieldsOperations("Deals").get_fields())

    # inserts: a Listings record, a Deal with a subform row (and linking rows on v2.1), three Leads
    step("insert_listing", lambda: ops.create_records("Listings", body(record(Name="Harbour View 12B"))))
    [listing] = made["listing"] = ids_of(result["insert_listing"])
    user = User()
    user.set_id(int(creds["user_id"]))
    deal = record(
        Deal_Name="Harbour View Tower",
        Stage=Choice("Qualification"),
        Closing_Date=CLOSING,
        Amount=250000.75,
        Foreign_Languages=[Choice("French"), Choice("Korean")],
        Competitors=[record(Competitor_Name="Acme Realty", Rank=2)],
    )
    if LINK_ROWS:  # the multi-select lookup and the multi-user lookup, as rows of their linking modules
        deal.add_key_value("Listings", [record(Interested_Listings=record(listing))])
        deal.add_key_value("AssociatedUser", [record(User=user)])
    step("insert_deal", lambda: ops.create_records("Deals", body(deal, trigger=["workflow"])))
    [made["deal"]] = ids_of(result["insert_deal"])
    leads = (
        record(Last_Name="Daly", Company="Zylker Harbour", Email="ann.daly@example.com"),
        record(Last_Name="Okafor", Company="Okafor Freight", Lead_Source=Choice("Cold Call")),
        record(Last_Name="Quinn", Company="Quinn Couriers"),
    )
    step("insert_leads", lambda: ops.create_records("Leads", body(*leads)))
    lead_ids = made["leads"] = ids_of(result["insert_leads"])

    # reads: one record, then a list
    step("get_deal", lambda: ops.get_record(made["deal"], "Deals"))
    daly, okafor, quinn = lead_ids
    joined = f"{daly},{okafor}"
    step(
        "list_leads",
        lambda: ops.get_records(
            "Leads", params(record_api.GetRecordsParam, fields="Last_Name,Company,Email", ids=joined)
        ),
    )

    # updates: bulk (ids in the body), then single (the id in the path)
    step(
        "bulk_update",
        lambda: ops.update_records(
            "Leads",
            body(record(daly, Company="Daly Bulk"), record(okafor, Company="Okafor Bulk")),
        ),
    )
    # neither SDK has $append_values in its model; a Record passes the key and its map through as given
    appended = record(Amount=260000.5, Foreign_Languages=[Choice("Spanish")])
    appended.add_key_value("$append_values", {"Foreign_Languages": True})
    step("single_update", lambda: ops.update_record(made["deal"], "Deals", body(appended)))
    step("get_updated_deal", lambda: ops.get_record(made["deal"], "Deals"))

    # upserts: an update matched on Email, an insert, a refused duplicate check field
    step(
        "upsert",
        lambda: ops.upsert_records(
            "Leads",
            body(
                record(Last_Name="Daly", Email="ANN.DALY@example.com", Company="Daly Upserted"),
                record(Last_Name="Novak", Email="novak@example.com", Company="Novak Ltd"),
                check=["Email"],
            ),
        ),
    )
    made["upserted"] = ids_of(result["upsert"])
    step(
        "upsert_bad_check",
        lambda: ops.upsert_records("Leads", body(record(Last_Name="X"), check=["Nope"])),
    )

    # searches
    search = record_api.SearchRecordsParam
    step(
        "search_criteria",
        lambda: ops.search_records("Leads", params(search, criteria="(Company:starts_with:Daly)")),
    )
    step("search_email", lambda: ops.search_records("Leads", params(search, email="novak@example.com")))
    step("search_word", lambda: ops.search_records("Leads", params(search, word="Okafor")))
    step("search_bad", lambda: ops.search_records("Leads", params(search, criteria="(Company:bogus:x)")))

    # COQL
    query = query_api.BodyWrapper()
    query.set_select_query(
        "select Last_Name, Company from Leads where Company like 'Daly%' order by id limit 10"
    )
    step("coql", lambda: query_api.QueryOperations().get_records(query))

    # deletes: bulk (Okafor and the upserted Novak), then single (Quinn), then read a deleted record
    [_, novak] = made["upserted"]
    doomed = f"{okafor},{novak}"
    step(
        "delete_leads", lambda: ops.delete_records("Leads", params(record_api.DeleteRecordsParam, ids=doomed))
    )
    step("delete_lead", lambda: ops.delete_record(quinn, "Leads"))
    step("get_deleted", lambda: ops.get_record(quinn, "Leads"))
    result.setdefault("marks", {})["end"] = len(WIRE)


def main() -> int:
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    creds_path, work_dir = sys.argv[1:3]
    work = Path(work_dir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    creds = json.loads(Path(creds_path).read_text())
    result: dict[str, Any] = {"work": str(work), "args": json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}}
    try:
        initialize(creds, work)
        flows(creds, result)
        result["ok"] = True
    except Exception:
        result["ok"] = False
        result["traceback"] = traceback.format_exc()
    result["wire"] = WIRE
    (work / "result.json").write_text(json.dumps(result, indent=1, default=repr))
    return 0


if __name__ == "__main__":
    sys.exit(main())
