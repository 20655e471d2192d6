"""Drives the official SDK's ``RecordOperations().convert_lead`` against a running ``zcrm serve``.

    python convert_driver.py CREDENTIALS_JSON WORK_DIR ARGS_JSON

Initialisation, the wire log, ``main`` and ``record`` come from ``driver_base.py``, ``describe`` from
``sdk_driver.py`` (run in a fresh interpreter: the SDK's process-wide state). The report, ``WORK_DIR/result.json``,
holds what the SDK parsed from a conversion with a deal (the ``SuccessResponse``'s details: the contact, deal and
account), the lead and deal read back, a second conversion of the same lead (``APIException``), a conversion whose
owner (``assign_to``) is no user, and every request it sent.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from driver_base import main, mark, record  # before the SDK: importing it installs the wire log
from sdk_driver import body_of, created_id, describe
from zohocrmsdk.src.com.zoho.crm.api.record import (
    ConvertBodyWrapper,
    LeadConverter,
    MoveAttachmentsTo,
    Record,
    RecordOperations,
)
from zohocrmsdk.src.com.zoho.crm.api.users import MinifiedUser
from zohocrmsdk.src.com.zoho.crm.api.util import Choice


def convert(
    ops: RecordOperations, lead_id: int, deal: Record | None, owner: int | None = None
) -> dict[str, Any]:
    converter = LeadConverter()
    converter.set_overwrite(True)
    converter.set_notify_lead_owner(True)
    converter.set_notify_new_entity_owner(False)
    target = MoveAttachmentsTo()
    target.set_api_name("Contacts")
    converter.set_move_attachments_to(target)
    if deal is not None:
        converter.set_deals(deal)
    if owner is not None:
        user = MinifiedUser()
        user.set_id(owner)
        converter.set_assign_to(user)
    body = ConvertBodyWrapper()
    body.set_data([converter])
    return describe(ops.convert_lead(lead_id, body))


def scenario(creds: dict[str, str], result: dict[str, Any]) -> None:
    ops = RecordOperations()
    mark(result, "create")
    lead = record(Last_Name="Sdk", First_Name="Convert", Company="Zylker SDK", Email="convert@sdk.test")
    other = record(Last_Name="Sdk", First_Name="Again", Company="Zylker SDK", Email="again@sdk.test")
    created = describe(ops.create_records("Leads", body_of(lead, other)))
    lead_id, other_id = (created_id({"data": [item]}) for item in created["data"])
    deal = record(Deal_Name="SDK deal", Closing_Date=dt.date(2026, 12, 31), Stage=Choice("Qualification"))
    mark(result, "convert")
    result["convert"] = convert(ops, lead_id, deal)
    result["lead"] = describe(ops.get_record(lead_id, "Leads"))
    deal_id = int(result["convert"]["data"][0]["details"]["Deals"]["record"]["id"])
    result["deal"] = describe(ops.get_record(deal_id, "Deals"))
    mark(result, "again")
    result["again"] = convert(ops, lead_id, None)
    mark(result, "bad_owner")
    result["bad_owner"] = convert(ops, other_id, None, owner=1234567000000000001)
    mark(result, "end")
    result["ids"] = {"lead": lead_id, "other": other_id}


if __name__ == "__main__":
    sys.exit(main(scenario))
