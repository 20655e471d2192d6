"""Drives the official SDK's ``TagsOperations`` against a running ``zcrm serve``.

    python tags_driver.py CREDENTIALS_JSON WORK_DIR ARGS_JSON

``ARGS_JSON`` names two leads (``leads``). The report, ``WORK_DIR/result.json``, holds what the SDK parsed from
``add_tags`` (one record, ``over_write`` as a parameter), ``add_tags_to_multiple_records``, ``get_tags``,
``remove_tags``, ``remove_tags_from_multiple_records`` (ids as a parameter) and a refused request, the record read
back through ``RecordOperations().get_record``, and every request it sent.
"""

from __future__ import annotations

import sys
from typing import Any

# before the SDK: importing driver_base installs the wire log
from driver_base import entry, error, jsonable, main, mark, outcome, plain
from zohocrmsdk.src.com.zoho.crm.api.parameter_map import ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.record import RecordOperations
from zohocrmsdk.src.com.zoho.crm.api.record import ResponseWrapper as RecordsWrapper
from zohocrmsdk.src.com.zoho.crm.api.tags import (
    AddTagsParam,
    APIException,
    ExistingTag,
    ExistingTagRequestWrapper,
    GetTagsParam,
    NewTagRequestWrapper,
    RecordActionWrapper,
    RecordSuccessResponse,
    RemoveTagsFromMultipleRecordsParam,
    ResponseWrapper,
    Tag,
    TagsOperations,
)
from zohocrmsdk.src.com.zoho.crm.api.util import Choice


def record_tags(tags: Any) -> list[dict[str, Any]]:
    """A success entry's ``tags`` (``RecordDetailTag`` objects) as JSON."""
    return [
        {"class": type(t).__name__, "name": t.get_name(), "id": t.get_id(), "color_code": t.get_color_code()}
        for t in tags or []
    ]


def tagged(item: Any) -> dict[str, Any]:
    shown = None
    if isinstance(item, RecordSuccessResponse):
        details = item.get_details()
        shown = {"id": details.get("id"), "tags": record_tags(details.get("tags"))}
    return entry(item, (RecordSuccessResponse, APIException), shown)


def actions(obj: RecordActionWrapper) -> dict[str, Any]:
    return {
        "data": [tagged(item) for item in obj.get_data()],
        "success_count": obj.get_success_count(),
        "locked_count": obj.get_locked_count(),
    }


def listed(obj: ResponseWrapper) -> dict[str, Any]:
    info = obj.get_info()
    return {
        "tags": [
            {
                "name": t.get_name(),
                "id": t.get_id(),
                "color_code": plain(t.get_color_code()),
                "created_by": jsonable(t.get_created_by()),
                "created_time": jsonable(t.get_created_time()),
            }
            for t in obj.get_tags()
        ],
        "info": {"count": info.get_count(), "allowed_count": info.get_allowed_count()},
    }


def described(response: Any) -> dict[str, Any]:
    return outcome(response, {RecordActionWrapper: actions, ResponseWrapper: listed, APIException: error})


def new_tag(name: str | None = None, color: str | None = None, tag_id: int | None = None) -> Tag:
    tag = Tag()
    if name is not None:
        tag.set_name(name)
    if color is not None:
        tag.set_color_code(Choice(color))
    if tag_id is not None:
        tag.set_id(tag_id)
    return tag


def existing(name: str) -> ExistingTag:
    tag = ExistingTag()
    tag.set_name(name)
    return tag


def read(record_id: int) -> Any:
    response = RecordOperations().get_record(record_id, "Leads")
    obj = response.get_object()
    if not isinstance(obj, RecordsWrapper):
        return {"object": type(obj).__name__}
    return jsonable(obj.get_data()[0].get_key_value("Tag"))


def scenario(creds: dict[str, str], result: dict[str, Any]) -> None:
    ops = TagsOperations()
    first, second = (int(i) for i in result["args"]["leads"])

    mark(result, "add_one")
    body = NewTagRequestWrapper()
    body.set_tags([new_tag("Prime", "#F17574"), new_tag("Active")])
    params = ParameterMap()
    params.add(AddTagsParam.over_write, "false")
    result["add_one"] = described(ops.add_tags(first, "Leads", body, params))

    mark(result, "add_many")
    prime = result["add_one"]["data"][0]["details"]["tags"][1]["id"]
    body = NewTagRequestWrapper()
    body.set_tags([new_tag(tag_id=prime), new_tag("Cold", "#57B1FD")])
    body.set_ids([first, second])
    result["add_many"] = described(ops.add_tags_to_multiple_records("Leads", body))

    mark(result, "get_tags")
    params = ParameterMap()
    params.add(GetTagsParam.module, "Leads")
    result["get_tags"] = described(ops.get_tags(params))
    result["read_after_add"] = read(first)

    mark(result, "remove_one")
    body = ExistingTagRequestWrapper()
    body.set_tags([existing("Active")])
    result["remove_one"] = described(ops.remove_tags(first, "Leads", body))

    mark(result, "remove_many")
    body = ExistingTagRequestWrapper()
    body.set_tags([existing("cold")])
    params = ParameterMap()
    params.add(RemoveTagsFromMultipleRecordsParam.ids, f"{first},{second}")
    result["remove_many"] = described(ops.remove_tags_from_multiple_records("Leads", body, params))
    result["read_after_remove"] = read(second)

    mark(result, "refused")
    body = NewTagRequestWrapper()
    body.set_tags([new_tag(tag_id=1)])
    body.set_ids([first])
    result["refused"] = described(ops.add_tags_to_multiple_records("Leads", body))
    mark(result, "end")


if __name__ == "__main__":
    sys.exit(main(scenario))
