"""What the APIs hanging off a record take and answer (zoho-v5-related.md), for the OpenAPI document
(``http/openapi.py``): related lists and records, notes, attachments, files, photos, lead conversion, deleted
records, tags. Keyed by (method, template); ``http/openapi_operations.py`` joins it with the others."""

from __future__ import annotations

from zcrm.http.openapi_shapes import (
    NO_CONTENT,
    NOT_MODIFIED,
    NULLABLE_STRING,
    OBJECT,
    OBJECTS,
    POSITIVE,
    STRING,
    TRUE_FALSE,
    WRITE_400,
    Answer,
    Described,
    choice,
    empty,
    json,
    ok,
    ref,
    shape,
)

ANY_JSON = shape({}, {"data": OBJECTS, "info": OBJECT})
USER_REF = {
    "type": ["object", "null"],
    "required": ["name", "id"],
    "properties": {"name": STRING, "id": STRING},
}
DELETED_ENTRY = shape(
    {
        "deleted_by": USER_REF,
        "id": STRING,
        "display_name": {"type": ["string", "null"]},
        "type": choice(["recycle", "permanent"]),
        "created_by": USER_REF,
        "deleted_time": STRING,
    }
)
DELETED_INFO = shape(
    {
        "per_page": POSITIVE,
        "count": {"type": "integer"},
        "page": POSITIVE,
        "more_records": {"type": "boolean"},
    }
)
WRITTEN = {
    "200": json("Every item succeeded", "WriteResults"),
    "207": json("Some items failed", "WriteResults"),
    "400": WRITE_400,
}

# tags (§10.1): ``ids`` only on the bulk forms; the answer's ``success_count`` and ``locked_count`` only there too
TAGS_BODY = shape(
    {"tags": {"type": "array", "minItems": 1, "items": OBJECT}},
    {"ids": {"type": "array", "maxItems": 500}, "over_write": {"type": ["boolean", "null"]}},
)
TAGGED = {
    **WRITTEN,
    "200": json(
        "Every record was tagged", shape({"data": OBJECTS}, {"success_count": STRING, "locked_count": STRING})
    ),
}

MULTIPART = "multipart/form-data"
PAGING = {"page": POSITIVE, "per_page": POSITIVE}
BINARY = {"type": "string", "format": "binary"}
FILE_PART = {"format": "binary", "description": "the file: a part with a file name"}
LINK = {
    "attachmentUrl": {
        "type": "string",
        "description": "a link to attach (absolute http or https), not with a file",
    },
    "title": {"type": "string", "description": "the link's name"},
}
UPLOAD_FORM = {"type": "object", "properties": {"file": FILE_PART, **LINK}}
PHOTO_FORM = {
    "type": "object",
    "required": ["file"],
    "properties": {"file": {**FILE_PART, "description": "a PNG, JPEG, GIF or BMP image, at most 10 MB"}},
}
TOO_LARGE = json("The file is over the route's limit: FILE_SIZE_MORE_THAN_ALLOWED_SIZE", "Error")
FILE_BYTES = Answer("The file's bytes, with its stored Content-Type", "*/*", BINARY)
PHOTO_BYTES = Answer("The photo's bytes (PNG, JPEG, GIF or BMP)", "image/*", BINARY)

SINCE = {
    "If-Modified-Since": {"type": "string", "description": "an ISO datetime with offset or an HTTP-date"}
}
# a related list's ``info`` (§3.1)
NOTES_INFO = shape(
    {
        "per_page": {"type": "integer"},
        "next_page_token": NULLABLE_STRING,
        "count": {"type": "integer"},
        "page": {"type": "integer"},
        "previous_page_token": NULLABLE_STRING,
        "page_token_expiry": NULLABLE_STRING,
        "more_records": {"type": "boolean"},
    }
)

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
        {
            **ok(shape({"data": OBJECTS, "info": NOTES_INFO}), "The record's notes, oldest first"),
            "204": NO_CONTENT,
            "304": empty("Not modified since If-Modified-Since"),
        },
        query={
            "fields": {
                "type": "string",
                "minLength": 1,
                "description": "comma-separated API names, at most 50",
            },
            "ids": {"type": "string", "description": "comma-separated note ids, at most 100"},
            "sort_by": choice(["id", "Created_Time", "Modified_Time"]),
            "sort_order": choice(["asc", "desc"]),
            "page": POSITIVE,
            "per_page": POSITIVE,
            "page_token": STRING,
        },
        required_query=("fields",),
        headers=SINCE,
    ),
    ("POST", "/crm/v5/{module}/{id}/Notes"): Described(
        {"201": json("Every note was added", "WriteResults"), "207": WRITTEN["207"], "400": WRITE_400},
        body=ref("WriteBody"),
        body_required=True,
    ),
    ("GET", "/crm/v5/{module}/{id}/Notes/{note_id}"): Described(
        {**ok(shape({"data": OBJECTS}), "The note"), "204": NO_CONTENT}, query={"fields": STRING}
    ),
    ("PUT", "/crm/v5/{module}/{id}/Notes/{note_id}"): Described(
        WRITTEN, body=ref("WriteBody"), body_required=True
    ),
    ("DELETE", "/crm/v5/{module}/{id}/Notes/{note_id}"): Described(
        {"200": json("Deleted", "WriteResults"), "400": WRITE_400}, query={"wf_trigger": TRUE_FALSE}
    ),
    # -- attachments (§5) -----------------------------------------------------------------------------------
    ("GET", "/crm/v5/{module}/{id}/Attachments"): Described(
        {
            **ok(shape({"data": OBJECTS, "info": OBJECT}), "The record's attachments, newest first"),
            "204": NO_CONTENT,
        },
        query={
            "fields": {"type": "string", "minLength": 1, "description": "comma-separated names, at most 50"},
            "ids": {"type": "string", "description": "comma-separated attachment ids, at most 100"},
            **PAGING,
            "page_token": STRING,
        },
        required_query=("fields",),
    ),
    ("POST", "/crm/v5/{module}/{id}/Attachments"): Described(
        {**ok("WriteResults", "Uploaded or attached: one entry"), "415": TOO_LARGE},
        query={"attachmentUrl": LINK["attachmentUrl"], "title": LINK["title"]},
        body=UPLOAD_FORM,
        body_media=MULTIPART,
    ),
    ("DELETE", "/crm/v5/{module}/{id}/Attachments"): Described(
        {**WRITTEN, "400": WRITE_400},
        query={"ids": {"type": "string", "minLength": 1, "description": "comma-separated ids, at most 100"}},
        required_query=("ids",),
    ),
    ("GET", "/crm/v5/{module}/{id}/Attachments/{attachment_id}"): Described(
        {"200": FILE_BYTES, "204": NO_CONTENT}
    ),
    ("DELETE", "/crm/v5/{module}/{id}/Attachments/{attachment_id}"): Described(
        {"200": WRITTEN["200"], "400": WRITE_400}
    ),
    # -- files (§6) -----------------------------------------------------------------------------------------
    ("POST", "/crm/v5/files"): Described(WRITTEN),
    ("GET", "/crm/v5/files"): Described({"200": FILE_BYTES, "204": NO_CONTENT}, query={"id": STRING}),
    # -- photo (§7) -----------------------------------------------------------------------------------------
    ("POST", "/crm/v5/{module}/{id}/photo"): Described(
        {**ok("Result", "Uploaded (a bare result)"), "415": TOO_LARGE},
        query={"restrict_triggers": STRING},
        body=PHOTO_FORM,
        body_media=MULTIPART,
    ),
    ("GET", "/crm/v5/{module}/{id}/photo"): Described({"200": PHOTO_BYTES, "204": NO_CONTENT}),
    ("DELETE", "/crm/v5/{module}/{id}/photo"): Described(ok("Result", "Deleted (also when there was none)")),
    # -- convert (§8) ---------------------------------------------------------------------------------------
    ("POST", "/crm/v5/{module}/{id}/actions/convert"): Described(
        {
            "200": json(
                "The lead was converted: one entry naming its contact, account and deal", "WriteResults"
            ),
            "400": WRITE_400,
        },
        body=shape({"data": {"type": "array", "minItems": 1, "maxItems": 1, "items": OBJECT}}),
        body_required=True,
    ),
    # -- deleted records (§9) -------------------------------------------------------------------------------
    ("GET", "/crm/v5/{module}/deleted"): Described(
        {
            **ok(shape({"data": {"type": "array", "items": DELETED_ENTRY}, "info": DELETED_INFO})),
            "204": NO_CONTENT,
        },
        query={"type": choice(["all", "recycle", "permanent"]), "page": POSITIVE, "per_page": POSITIVE},
        headers={
            "If-Modified-Since": {
                "type": "string",
                "description": "an ISO datetime with offset or an HTTP-date",
            }
        },
    ),
    # -- tags (§10) -----------------------------------------------------------------------------------------
    ("GET", "/crm/v5/settings/tags"): Described(
        ok(shape({"tags": OBJECTS, "info": OBJECT})),
        query={"module": {"type": "string", "minLength": 1}, "my_tags": TRUE_FALSE},
        required_query=("module",),
    ),
    ("POST", "/crm/v5/{module}/actions/add_tags"): Described(
        TAGGED, query={"over_write": TRUE_FALSE}, body=TAGS_BODY, body_required=True
    ),
    ("POST", "/crm/v5/{module}/actions/remove_tags"): Described(
        TAGGED, query={"ids": STRING}, body=TAGS_BODY, body_required=True
    ),
    ("POST", "/crm/v5/{module}/{id}/actions/add_tags"): Described(
        TAGGED, query={"over_write": TRUE_FALSE}, body=TAGS_BODY, body_required=True
    ),
    ("POST", "/crm/v5/{module}/{id}/actions/remove_tags"): Described(
        TAGGED, body=TAGS_BODY, body_required=True
    ),
}
