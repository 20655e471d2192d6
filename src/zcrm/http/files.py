"""The Files API (zoho-v5-related.md §6): ``POST /crm/v5/files`` stores each ``file`` part of a multipart body and
answers its id; ``GET /crm/v5/files?id=`` answers a file's bytes (§1.5), 204 for an unknown id. The scopes are
checked before the body is read; the body is read as a stream (``http/uploads.py``), then stored in one write
unit, so a request with one file over 20 MB stores nothing."""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.guards import files_scope
from zcrm.auth.identity import Identity
from zcrm.errors import InvalidData, RequiredParamMissing
from zcrm.http.downloads import file_response
from zcrm.http.envelope import json_response, no_content
from zcrm.http.request import query_params
from zcrm.http.state import State
from zcrm.http.uploads import MB, Form, read_form
from zcrm.service import files as service

FILE_LIMIT = 20 * MB  # each file (§1.4)


def check_files(form: Form) -> None:
    """An upload route's common checks: a ``file`` part, and no empty file (§1.4)."""
    if not form.files:
        raise RequiredParamMissing(details={"param_name": "file"})
    if any(upload.size == 0 for upload in form.files):
        raise InvalidData(details={"param_name": "file"})


async def upload(request: Request, state: State) -> Response:
    header = request.headers.get("authorization")
    await state.authed(header, lambda conn, ident, now: files_scope(ident, "upload"), write=False)
    form = await read_form(request, FILE_LIMIT)
    try:
        check_files(form)

        def work(conn: Connection, ident: Identity, now: int) -> Response:
            files_scope(ident, "upload")
            data = []
            for part in form.files:
                stored = service.store_content(conn, ident.org_id, ident.user.id, part, now)
                data.append(
                    {
                        "code": "SUCCESS",
                        "details": {"name": stored.name, "id": stored.id},
                        "message": f"{stored.name} uploaded Succeessfully",
                        "status": "success",
                    }
                )
            return json_response({"data": data})

        return await state.authed(header, work, write=True)
    finally:
        form.close()


async def download(request: Request, state: State) -> Response:
    params = query_params(request)

    def work(conn: Connection, ident: Identity, now: int) -> tuple[str, service.StoredFile | None]:
        files_scope(ident, "download")
        file_id = params.get("id")
        if not file_id:
            raise RequiredParamMissing(details={"param_name": "id"})
        return ident.org_id, service.find(conn, ident.org_id, file_id)

    org_id, found = await state.authed(request.headers.get("authorization"), work, write=False)
    if found is None:
        return no_content()
    return file_response(service.content(state.db, org_id, found), found.name, found.content_type, found.size)
