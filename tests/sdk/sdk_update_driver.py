"""Drives Zoho's official Python SDK (``zohocrmsdk5-0``) through Update Records against a running ``zcrm serve``.

Run as ``sdk_driver.py`` is (one scenario per fresh interpreter, same arguments, same ``WORK_DIR/result.json``):

    python sdk_update_driver.py SCENARIO CREDENTIALS_JSON WORK_DIR [ARGS_JSON]

It reuses ``driver_base.py``'s wire log (``requests.Session.send`` wrapped), SDK initialisation and ``main``, and
``sdk_driver.py``'s helpers that turn SDK objects into JSON; importing ``driver_base`` installs the wire log before
the SDK is imported. Each wire entry here also records the request's ``If-Unmodified-Since`` header.

Scenarios:
- ``update``: bulk ``update_records`` on three Deals (``$append_values`` on the multi-select picklist, subform rows,
  multi-select lookup and multi-user lookup rows, an image row ``_delete``), single ``update_record`` on a Lead,
  a bulk update on Leads with one success and two failures, ``If-Unmodified-Since`` through a ``HeaderMap``
  (stale: ``ALREADY_MODIFIED``; the record's own ``Modified_Time``: success), and ``get_record`` of every record
  after the step that touched it. Arguments: the ids the test seeded (see ``scenario_update``).
"""

from __future__ import annotations

import sys
from typing import Any

import requests
from driver_base import WIRE, main, mark  # before the SDK: importing it installs the wire log
from sdk_driver import body_of, describe, describe_exception, jsonable
from zohocrmsdk.src.com.zoho.crm.api import Header, HeaderMap
from zohocrmsdk.src.com.zoho.crm.api.modules import MinifiedModule
from zohocrmsdk.src.com.zoho.crm.api.record import (
    ActionWrapper,
    APIException,
    DuplicateRecord,
    ImageUpload,
    Record,
    RecordOperations,
    ResponseWrapper,
)
from zohocrmsdk.src.com.zoho.crm.api.users import MinifiedUser
from zohocrmsdk.src.com.zoho.crm.api.util import Choice

_logged_send = requests.Session.send


def _send_with_headers(self: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> Any:
    """``driver_base``'s wire log, plus the conditional header of each request."""
    response = _logged_send(self, request, **kwargs)
    WIRE[-1]["if_unmodified_since"] = request.headers.get("If-Unmodified-Since")
    return response


requests.Session.send = _send_with_headers  # type: ignore[method-assign]

# The stale If-Unmodified-Since: earlier than any record the test creates.
STALE = "2020-01-01T00:00:00+05:30"


def value_json(value: Any) -> Any:
    """``sdk_driver.jsonable``, plus image rows (``ImageUpload``: id and file id) and the ``DuplicateRecord`` of a
    DUPLICATE_DATA error (id, owner and module)."""
    if isinstance(value, ImageUpload):
        return {"ImageUpload": {"id": value.get_id(), "File_Id__s": value.get_file_id__s()}}
    if isinstance(value, DuplicateRecord):
        module = value.get_module()
        return {
            "DuplicateRecord": {
                "id": value.get_id(),
                "Owner": jsonable(value.get_owner()),
                "module": None
                if not isinstance(module, MinifiedModule)
                else {"api_name": module.get_api_name(), "id": module.get_id()},
            }
        }
    if isinstance(value, dict):
        return {str(k): value_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [value_json(v) for v in value]
    return jsonable(value)


def action(response: Any) -> dict[str, Any]:
    """``describe`` of a write, with the errors' details through ``value_json``."""
    out = describe(response)
    obj = response.get_object() if response is not None else None
    if isinstance(obj, ActionWrapper):
        for index, item in enumerate(obj.get_data()):
            if isinstance(item, APIException):
                out["data"][index] = {**describe_exception(item), "details": value_json(item.get_details())}
    return out


def read(ops: RecordOperations, record_id: int, module: str) -> dict[str, Any]:
    """``get_record`` as JSON; row-valued fields keep image rows readable."""
    response = ops.get_record(record_id, module)
    out = describe(response)
    obj = response.get_object() if response is not None else None
    if isinstance(obj, ResponseWrapper):
        out["data"] = [
            {k: value_json(v) for k, v in record.get_key_values().items()} for record in obj.get_data()
        ]
    return out


def ref(record_id: int) -> Record:
    target = Record()
    target.set_id(record_id)
    return target


def scenario_update(creds: dict[str, str], result: dict[str, Any]) -> None:
    """Arguments: ``deals`` [d1, d2, d3]; ``competitors`` the three subform row ids of d1; ``listings`` [l1, l2, l3];
    ``listing_rows`` the linking row ids of d1 to l1 and l2; ``users`` {"admin", "other"}; ``image_rows`` the two
    image row ids of d1; ``leads`` [a, b, c]; ``lead_code`` the Lead_Code of a (b and c hold another one and none)."""
    args = result["args"]
    ops = RecordOperations()
    d1, d2, d3 = (int(i) for i in args["deals"])
    c1, _c2, _c3 = (int(i) for i in args["competitors"])
    _l1, _l2, l3 = (int(i) for i in args["listings"])
    link_l1, _link_l2 = (int(i) for i in args["listing_rows"])
    image_a, _image_b = (int(i) for i in args["image_rows"])
    lead_a, lead_b, lead_c = (int(i) for i in args["leads"])

    # 1. Bulk update of three deals.
    first = Record()
    first.set_id(d1)
    first.add_key_value("Foreign_Languages", [Choice("Korean"), Choice("French")])
    first.add_key_value("$append_values", {"Foreign_Languages": True})
    kept = Record()
    kept.set_id(c1)
    kept.add_key_value("Competitor_Price", 199999.5)
    added = Record()
    added.add_key_value("Competitor_Name", "Delta Homes")
    added.add_key_value("Rank", 4)
    first.add_key_value("Competitors", [kept, added])  # c2 and c3, not mentioned, are deleted
    unlink = Record()
    unlink.set_id(link_l1)
    unlink.add_key_value("_delete", None)
    link = Record()
    link.add_key_value("Interested_Listings", ref(l3))
    first.add_key_value("Listings", [unlink, link])
    user_row = Record()
    other = MinifiedUser()
    other.set_id(int(args["users"]["other"]))
    user_row.add_key_value("User", other)
    first.add_key_value("AssociatedUser", [user_row])
    image = ImageUpload()
    image.set_id(image_a)
    image.set_delete(None)
    first.add_key_value("Image_Upload", [image])

    second = Record()
    second.set_id(d2)
    second.add_key_value("Foreign_Languages", [Choice("Spanish"), Choice("German")])
    second.add_key_value("$append_values", {"Foreign_Languages": True})
    second.add_key_value("Amount", 5000.0)

    third = Record()
    third.set_id(d3)
    third.add_key_value("Foreign_Languages", [Choice("Hindi")])  # no $append_values: replaces
    third.add_key_value("Stage", Choice("Needs Analysis"))

    mark(result, "update_deals")
    result["update_deals"] = action(ops.update_records("Deals", body_of(first, second, third)))
    for name, deal_id in (("get_d1", d1), ("get_d2", d2), ("get_d3", d3)):
        mark(result, name)
        result[name] = read(ops, deal_id, "Deals")

    # 2. Single update of a lead.
    lead = Record()
    lead.add_key_value("First_Name", "Ann")
    lead.add_key_value("Annual_Revenue", 2500.25)
    lead.add_key_value("Lead_Source", Choice("Partner"))
    lead.add_key_value("No_of_Employees", 7)
    mark(result, "update_lead")
    result["update_lead"] = action(ops.update_record(lead_a, "Leads", body_of(lead)))

    # 3. One success, one unique clash (case-insensitive), one unknown field.
    fine = Record()
    fine.set_id(lead_a)
    fine.add_key_value("Description", "checked")
    clash = Record()
    clash.set_id(lead_b)
    clash.add_key_value("Lead_Code", args["lead_code"].lower())
    clash.add_key_value("Designation", "Clashing")
    unknown = Record()
    unknown.set_id(lead_c)
    unknown.add_key_value("Designation", "Unknown")
    unknown.add_key_value("Nickname", "Nobody")
    mark(result, "partial")
    result["partial"] = action(ops.update_records("Leads", body_of(fine, clash, unknown)))
    for name, lead_id in (("after_partial_b", lead_b), ("after_partial_c", lead_c)):
        mark(result, name)
        result[name] = read(ops, lead_id, "Leads")

    # 4. If-Unmodified-Since: stale on the path form, then the record's own Modified_Time on the bulk form.
    mark(result, "get_a")
    result["get_a"] = read(ops, lead_a, "Leads")
    modified = result["get_a"]["data"][0]["Modified_Time"]["datetime"]
    stale = Record()
    stale.add_key_value("Designation", "Stale")
    headers = HeaderMap()
    headers.add(Header("If-Unmodified-Since"), STALE)
    mark(result, "stale")
    result["stale"] = action(ops.update_record(lead_a, "Leads", body_of(stale), headers))
    mark(result, "after_stale")
    result["after_stale"] = read(ops, lead_a, "Leads")
    fresh_a, fresh_b = Record(), Record()
    fresh_a.set_id(lead_a)
    fresh_a.add_key_value("Designation", "Fresh")
    fresh_b.set_id(lead_b)
    fresh_b.add_key_value("Designation", "Fresh")
    headers = HeaderMap()
    headers.add(Header("If-Unmodified-Since"), modified)
    mark(result, "fresh")
    result["fresh"] = action(ops.update_records("Leads", body_of(fresh_a, fresh_b), headers))
    result["fresh_header"] = modified

    for name, lead_id in (("get_lead_a", lead_a), ("get_lead_b", lead_b), ("get_lead_c", lead_c)):
        mark(result, name)
        result[name] = read(ops, lead_id, "Leads")
    mark(result, "end")


SCENARIOS = {"update": scenario_update}


if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
