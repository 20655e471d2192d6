"""Drives the official SDK's ``NotesOperations`` (``create_notes``, ``get_notes``, ``get_note``, ``update_note``,
``delete_note``) against a running ``zcrm serve``. (The SDK's ``RelatedRecordsOperations`` reads
``/settings/related_lists`` before a record's notes: zoho-v5-related.md §2, not served on this branch.)

    python notes_driver.py CREDENTIALS_JSON WORK_DIR ARGS_JSON

Initialisation, the wire log, ``main`` and value tagging come from ``driver_base.py``, ``describe`` from
``sdk_driver.py`` (run in a fresh interpreter: the SDK's process-wide state). The report, ``WORK_DIR/result.json``,
holds what the SDK parsed from each call and every request it sent.
"""

from __future__ import annotations

import sys
from typing import Any

# before the SDK: importing driver_base installs the wire log
from driver_base import entries, error, jsonable, main, mark, outcome, record
from sdk_driver import body_of, describe
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
from zohocrmsdk.src.com.zoho.crm.api.record import Record, RecordOperations


def actions(response: Any) -> dict[str, Any]:
    return outcome(
        response,
        {
            ActionWrapper: lambda obj: {"data": entries(obj.get_data(), (SuccessResponse, APIException))},
            APIException: error,
        },
    )


def notes(obj: ResponseWrapper) -> dict[str, Any]:
    info = obj.get_info()
    return {
        "notes": [
            {
                "class": type(n).__name__,
                "id": n.get_id(),
                "title": n.get_note_title(),
                "content": n.get_note_content(),
                "se_module": n.get_se_module(),
                "parent": jsonable(n.get_parent_id()),
            }
            for n in obj.get_data()
        ],
        "info": None if info is None else {"count": info.get_count(), "sort_order": info.get_sort_order()},
    }


def notes_read(response: Any) -> dict[str, Any]:
    return outcome(response, {ResponseWrapper: notes}, empty={})


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
    created = describe(
        RecordOperations().create_records("Leads", body_of(record(Last_Name="Sdk", Company="Zylker")))
    )
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
