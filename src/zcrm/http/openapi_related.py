"""What the APIs hanging off a record take and answer (zoho-v5-related.md), for the OpenAPI document
(``http/openapi.py``): related lists and records, notes, attachments, files, photos, lead conversion, deleted
records, tags. Keyed by (method, template); ``http/openapi_operations.py`` joins it with the others."""

from __future__ import annotations

from zcrm.http.openapi_shapes import (
    NO_CONTENT,
    NOT_MODIFIED,
    OBJECT,
    OBJECTS,
    STRING,
    WRITE_400,
    Described,
    json,
    ok,
    ref,
    shape,
)

ANY_JSON = shape({}, {"data": OBJECTS, "info": OBJECT})
WRITTEN = {
    "200": json("Every item succeeded", "WriteResults"),
    "207": json("Some items failed", "WriteResults"),
    "400": WRITE_400,
}

RELATED_OPERATIONS: dict[tuple[str, str], Described] = {
    # -- related lists (§2, §3) -----------------------------------------------------------------------------
    ("GET", "/crm/v5/settings/related_lists"): Described(
        ok(shape({"related_lists": OBJECTS})),
        query={"module": STRING, "layout_id": STRING},
        required_query=("module",),
    ),
    ("GET", "/crm/v5/settings/related_lists/{id}"): Described(
        ok(shape({"related_lists": OBJECTS})),
        query={"module": STRING, "layout_id": STRING},
        required_query=("module",),
    ),
    ("GET", "/crm/v5/{module}/{id}/{related_list}"): Described(
        {**ok(shape({"data": OBJECTS, "info": OBJECT})), "204": NO_CONTENT, "304": NOT_MODIFIED},
        query={
            "fields": STRING,
            "ids": STRING,
            "sort_by": STRING,
            "sort_order": STRING,
            "page": STRING,
            "per_page": STRING,
            "page_token": STRING,
            "converted": STRING,
        },
        required_query=("fields",),
        headers={"If-Modified-Since": STRING},
    ),
    ("PUT", "/crm/v5/{module}/{id}/{related_list}"): Described(
        WRITTEN, body=ref("WriteBody"), body_required=True
    ),
    ("DELETE", "/crm/v5/{module}/{id}/{related_list}"): Described(
        WRITTEN, query={"ids": STRING}, required_query=("ids",)
    ),
    ("GET", "/crm/v5/{module}/{id}/{related_list}/{related_id}"): Described(
        {**ok(shape({"data": OBJECTS})), "204": NO_CONTENT}, query={"fields": STRING}
    ),
    ("PUT", "/crm/v5/{module}/{id}/{related_list}/{related_id}"): Described(
        WRITTEN, body=ref("WriteBody"), body_required=True
    ),
    ("DELETE", "/crm/v5/{module}/{id}/{related_list}/{related_id}"): Described(WRITTEN),
    # -- notes (§4) -----------------------------------------------------------------------------------------
    ("GET", "/crm/v5/{module}/{id}/Notes"): Described(
        {**ok(ANY_JSON), "204": NO_CONTENT}, query={"fields": STRING}
    ),
    ("POST", "/crm/v5/{module}/{id}/Notes"): Described(
        {"201": json("Every item succeeded", "WriteResults"), "207": WRITTEN["207"], "400": WRITE_400},
        body=ref("WriteBody"),
        body_required=True,
    ),
    ("GET", "/crm/v5/{module}/{id}/Notes/{note_id}"): Described(
        {**ok(ANY_JSON), "204": NO_CONTENT}, query={"fields": STRING}
    ),
    ("PUT", "/crm/v5/{module}/{id}/Notes/{note_id}"): Described(
        WRITTEN, body=ref("WriteBody"), body_required=True
    ),
    ("DELETE", "/crm/v5/{module}/{id}/Notes/{note_id}"): Described(WRITTEN),
    # -- attachments (§5) -----------------------------------------------------------------------------------
    ("GET", "/crm/v5/{module}/{id}/Attachments"): Described(
        {**ok(ANY_JSON), "204": NO_CONTENT}, query={"fields": STRING}
    ),
    ("POST", "/crm/v5/{module}/{id}/Attachments"): Described(WRITTEN),
    ("DELETE", "/crm/v5/{module}/{id}/Attachments"): Described(WRITTEN, query={"ids": STRING}),
    ("GET", "/crm/v5/{module}/{id}/Attachments/{attachment_id}"): Described(
        {**ok(OBJECT), "204": NO_CONTENT}
    ),
    ("DELETE", "/crm/v5/{module}/{id}/Attachments/{attachment_id}"): Described(WRITTEN),
    # -- files (§6) -----------------------------------------------------------------------------------------
    ("POST", "/crm/v5/files"): Described(WRITTEN),
    ("GET", "/crm/v5/files"): Described({**ok(OBJECT), "204": NO_CONTENT}, query={"id": STRING}),
    # -- photo (§7) -----------------------------------------------------------------------------------------
    ("POST", "/crm/v5/{module}/{id}/photo"): Described(ok("Result")),
    ("GET", "/crm/v5/{module}/{id}/photo"): Described({**ok(OBJECT), "204": NO_CONTENT}),
    ("DELETE", "/crm/v5/{module}/{id}/photo"): Described(ok("Result")),
    # -- convert (§8) ---------------------------------------------------------------------------------------
    ("POST", "/crm/v5/{module}/{id}/actions/convert"): Described(
        WRITTEN, body=ref("WriteBody"), body_required=True
    ),
    # -- deleted records (§9) -------------------------------------------------------------------------------
    ("GET", "/crm/v5/{module}/deleted"): Described(
        {**ok(ANY_JSON), "204": NO_CONTENT}, query={"type": STRING}
    ),
    # -- tags (§10) -----------------------------------------------------------------------------------------
    ("GET", "/crm/v5/settings/tags"): Described(ok(shape({"tags": OBJECTS})), query={"module": STRING}),
    ("POST", "/crm/v5/{module}/actions/add_tags"): Described(WRITTEN, body=OBJECT, body_required=True),
    ("POST", "/crm/v5/{module}/actions/remove_tags"): Described(WRITTEN, body=OBJECT, body_required=True),
    ("POST", "/crm/v5/{module}/{id}/actions/add_tags"): Described(WRITTEN, body=OBJECT, body_required=True),
    ("POST", "/crm/v5/{module}/{id}/actions/remove_tags"): Described(
        WRITTEN, body=OBJECT, body_required=True
    ),
}
