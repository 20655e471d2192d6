"""Drives the official SDK's ``NotesOperations`` (``create_notes``, ``get_notes``, ``get_note``, ``update_note``,
``delete_note``) against a running ``zcrm serve``. (The SDK's ``RelatedRecordsOperations`` reads
``/settings/related_lists`` before a record's notes: zoho-v5-related.md §2, not served on this branch.)

    python notes_driver.py CREDENTIALS_JSON WORK_DIR ARGS_JSON

Initialisation, the wire log and ``main`` come from ``driver_base.py``, value tagging from ``sdk_driver.py`` (run
in a fresh interpreter: the SDK's process-wide state). The report, ``WORK_DIR/result.json``, holds what the SDK
parsed from each call and every request it sent.
"""

from __future__ import annotations

import sys
from typing import Any

from driver_base import main, mark  # before the SDK: importing it installs the wire log
from sdk_driver import answer, describe, jsonable
from zohocrmsdk.src.com.zoho.crm.api import ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.modules import MinifiedModule
from zohocrmsdk.src.com.zoho.crm.api.notes import (
    ActionWrapper,
    APIException,
    BodyWrapper,
    GetNotesParam,
    Note,
    NotesOperations,
    ResponseWrapper,
    SuccessResponse,
)
from zohocrmsdk.src.com.zoho.crm.api.record import BodyWrapper as RecordBody
from zohocrmsdk.src.com.zoho.crm.api.record import Record, RecordOperations


def actions(response: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"status_code": response.get_status_code()}
    obj = response.get_object()
    if isinstance(obj, ActionWrapper):
        out["object"] = "ActionWrapper"
        out["data"] = [
            {"kind": type(item).__name__, **answer(item)}
            for item in obj.get_data()
            if isinstance(item, (SuccessResponse, APIException))
        ]
    elif isinstance(obj, APIException):
        out["object"] = "APIException"
        out["error"] = answer(obj)
    else:
        out["object"] = type(obj).__name__
    return out


def notes_read(response: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"status_code": response.get_status_code()}
    obj = response.get_object()
    if isinstance(obj, ResponseWrapper):
        out["object"] = "ResponseWrapper"
        out["notes"] = [
            {
                "class": type(n).__name__,
                "id": n.get_id(),
                "title": n.get_note_title(),
                "content": n.get_note_content(),
                "se_module": n.get_se_module(),
                "parent": jsonable(n.get_parent_id()),
            }
            for n in obj.get_data()
        ]
        info = obj.get_info()
        out["info"] = (
            None if info is None else {"count": info.get_count(), "sort_order": info.get_sort_order()}
        )
    elif obj is not None:
        out["object"] = type(obj).__name__
    return out


def new_note(title: str, parent_id: int, form: str) -> Note:
    note = Note()
    note.set_note_title(title)
    note.set_note_content(f"{title} content")
    parent = Record()
    parent.set_id(parent_id)
    if form == "se_module":
        note.set_se_module("Leads")
    else:
        module = MinifiedModule()
        module.set_api_name("Leads")
        parent.add_key_value("module", module)
    note.set_parent_id(parent)
    return note


def scenario(creds: dict[str, str], result: dict[str, Any]) -> None:
    records = RecordOperations()
    lead = Record()
    lead.add_key_value("Last_Name", "Sdk")
    lead.add_key_value("Company", "Zylker")
    body = RecordBody()
    body.set_data([lead])
    created = describe(records.create_records("Leads", body))
    lead_id = int(created["data"][0]["details"]["id"])
    result["lead"] = lead_id
    ops = NotesOperations()

    mark(result, "create")
    request = BodyWrapper()
    request.set_data([new_note("first", lead_id, "se_module"), new_note("second", lead_id, "module")])
    result["create"] = actions(ops.create_notes(request))
    ids = [
        int(item["details"]["id"]) for item in result["create"]["data"] if item["kind"] == "SuccessResponse"
    ]

    mark(result, "list")
    params = ParameterMap()
    params.add(GetNotesParam.fields, "Note_Title,Note_Content,Parent_Id")
    result["list"] = notes_read(ops.get_notes(params))

    mark(result, "update")
    change = Note()
    change.set_note_title("first, edited")
    update = BodyWrapper()
    update.set_data([change])
    result["update"] = actions(ops.update_note(ids[0], update))
    result["after_update"] = notes_read(ops.get_note(ids[0]))

    mark(result, "delete")
    result["delete"] = actions(ops.delete_note(ids[1]))
    result["after_delete"] = notes_read(ops.get_note(ids[1]))
    mark(result, "end")


if __name__ == "__main__":
    sys.exit(main(scenario))
