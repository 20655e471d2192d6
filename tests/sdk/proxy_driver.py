"""Drives the official Python SDK through zcrm's proxy (docs/proxy.md): configured with Zoho's own US data centre
(``USDataCenter.PRODUCTION()``: ``https://accounts.zoho.com`` and ``https://www.zohoapis.com``) and nothing else
changed. The test runs it with ``HTTPS_PROXY`` (the server's ``proxy_url``) and ``REQUESTS_CA_BUNDLE`` (its
``ca_file``) in the environment.

    python proxy_driver.py CREDENTIALS_JSON WORK_DIR

It runs under any of the Python SDKs 5.0 to 8.0 (tests/sdk/envs.py): 5.0 names the module in each call of
``RecordOperations`` and has COQL in ``query``; 6.0 and later name it when making ``RecordOperations`` and have COQL in
``coql``. The scenario refreshes the access token, then inserts two Leads, reads the first, updates it, searches for it,
selects it with COQL and deletes the second. Each wire entry also records the request's scheme and host (``url``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

# before the SDK: importing driver_base installs the wire log
from driver_base import (
    WIRE,
    ModuleRecords,
    body,
    entries,
    error,
    initialize,
    main,
    mark,
    outcome,
    parameters,
    record,
    records,
)
from zohocrmsdk.src.com.zoho.crm.api.dc import USDataCenter
from zohocrmsdk.src.com.zoho.crm.api.record import (
    ActionWrapper,
    APIException,
    ResponseWrapper,
    SearchRecordsParam,
    SuccessResponse,
)

try:  # 5.0
    from zohocrmsdk.src.com.zoho.crm.api.query import BodyWrapper as QueryBody
    from zohocrmsdk.src.com.zoho.crm.api.query import QueryOperations as CoqlOperations
    from zohocrmsdk.src.com.zoho.crm.api.query import ResponseWrapper as QueryRecords
except ModuleNotFoundError:  # 6.0 and later
    from zohocrmsdk.src.com.zoho.crm.api.coql import BodyWrapper as QueryBody
    from zohocrmsdk.src.com.zoho.crm.api.coql import CoqlOperations
    from zohocrmsdk.src.com.zoho.crm.api.coql import ResponseWrapper as QueryRecords

_send = requests.Session.send


def _send_noting_host(self: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> Any:
    parts = urlsplit(request.url or "")
    response = _send(self, request, **kwargs)  # driver_base's: appends the entry
    WIRE[-1]["url"] = f"{parts.scheme}://{parts.netloc}"
    return response


requests.Session.send = _send_noting_host  # type: ignore[method-assign]


def action(response: Any) -> dict[str, Any]:
    return outcome(
        response,
        {
            ActionWrapper: lambda obj: {"data": entries(obj.get_data(), (SuccessResponse, APIException))},
            APIException: error,
        },
    )


def found(response: Any) -> dict[str, Any]:
    return outcome(
        response,
        {
            (ResponseWrapper, QueryRecords): lambda obj: {"records": records(obj.get_data())},
            APIException: error,
        },
    )


def scenario(creds: dict[str, str], result: dict[str, Any]) -> None:
    work = result["work"]
    mark(result, "initialize")
    initialize(creds, Path(work), environment_=USDataCenter.PRODUCTION())
    leads = ModuleRecords("Leads")

    mark(result, "insert")
    lead = record(Last_Name="Proxied", Company="Harbour Tunnel Ltd")
    other = record(Last_Name="Tunnelled", Company="Harbour Tunnel Ltd")
    result["insert"] = action(leads.create(body(lead, other)))
    lead_id, other_id = (int(item["details"]["id"]) for item in result["insert"]["data"])
    result["ids"] = [str(lead_id), str(other_id)]

    mark(result, "get")
    result["get"] = found(leads.get(lead_id))

    mark(result, "update")
    change = record(Company="Harbour Tunnel Group")
    result["update"] = action(leads.update_one(lead_id, body(change)))

    mark(result, "search")
    result["search"] = found(
        leads.search(parameters(SearchRecordsParam, criteria="(Last_Name:equals:Proxied)"))
    )

    mark(result, "coql")
    query = QueryBody()
    query.set_select_query(f"select Last_Name, Company from Leads where id = {lead_id}")
    result["coql"] = found(CoqlOperations().get_records(query))

    mark(result, "delete")
    result["delete"] = action(leads.delete_one(other_id))


if __name__ == "__main__":
    raise SystemExit(main(scenario, initialized=False))
