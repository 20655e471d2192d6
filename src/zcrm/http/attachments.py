"""A record's attachments (zoho-v5-related.md §5): upload a file or attach a link, list, download, delete.

An upload checks the module, scopes, permission and parent record (§1.3) in a read unit before it reads the body
(as ``http/files.py``), then reads the multipart form as a stream (a file over 20 MB: 415 before the rest is
read), then writes in one unit that checks everything again."""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.identity import Identity
from zcrm.errors import InvalidData
from zcrm.http.downloads import file_response
from zcrm.http.envelope import json_response, no_content, write_response
from zcrm.http.files import check_files
from zcrm.http.request import query_params
from zcrm.http.state import State
from zcrm.http.uploads import MB, read_form
from zcrm.records.attachments import delete_ids, parse_list
from zcrm.service import attachments as service
from zcrm.service import files

FILE_LIMIT = 20 * MB  # §1.4


async def upload(request: Request, state: State, module_name: str, record_id: str) -> Response:
    header = request.headers.get("authorization")
    params = query_params(request)
    await state.authed(
        header,
        lambda conn, ident, now: service.parent(conn, ident, module_name, record_id, "create"),
        write=False,
    )
    form = await read_form(request, FILE_LIMIT, max_files=1)  # a second file part is ignored (§5.1)
    try:
        url = params.get("attachmentUrl", form.fields.get("attachmentUrl"))
        title = params.get("title", form.fields.get("title"))
        if url is not None and form.files:
            raise InvalidData(details={"param_name": "attachmentUrl"})  # either a file or a URL (§5.2)
        if url is None:
            check_files(form)

        def work(conn: Connection, ident: Identity, now: int) -> Response:
            module, record = service.parent(conn, ident, module_name, record_id, "create")
            if url is not None:
                entry = service.attach_link(conn, ident, module, record, url, title, now)
            else:
                entry = service.upload_file(conn, ident, module, record, form.files[0], now)
            return json_response({"data": [entry]})

        return await state.authed(header, work, write=True)
    finally:
        form.close()


async def list_attachments(request: Request, state: State, module_name: str, record_id: str) -> Response:
    params = query_params(request)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        module, record = service.parent(conn, ident, module_name, record_id, "read")
        result = service.list_attachments(
            conn, ident, module, record, parse_list(params), state.page_tokens, now
        )
        if result is None:
            return no_content()
        data, info = result
        return json_response({"data": data, "info": info})

    return await state.authed(request.headers.get("authorization"), work, write=False)


async def download(
    request: Request, state: State, module_name: str, record_id: str, attachment_id: str
) -> Response:
    def work(conn: Connection, ident: Identity, now: int) -> tuple[str, files.StoredFile | None]:
        _, record = service.parent(conn, ident, module_name, record_id, "read")
        return ident.org_id, service.download(conn, ident, record, attachment_id)

    org_id, found = await state.authed(request.headers.get("authorization"), work, write=False)
    if found is None:
        return no_content()
    return file_response(files.content(state.db, org_id, found), found.name, found.content_type, found.size)


async def delete_many(request: Request, state: State, module_name: str, record_id: str) -> Response:
    params = query_params(request)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        _, record = service.parent(conn, ident, module_name, record_id, "delete")
        return write_response(service.delete(conn, ident, record, delete_ids(params)))

    return await state.authed(request.headers.get("authorization"), work, write=True)


async def delete_one(
    request: Request, state: State, module_name: str, record_id: str, attachment_id: str
) -> Response:
    def work(conn: Connection, ident: Identity, now: int) -> Response:
        _, record = service.parent(conn, ident, module_name, record_id, "delete")
        return write_response(service.delete(conn, ident, record, [attachment_id]))

    return await state.authed(request.headers.get("authorization"), work, write=True)
