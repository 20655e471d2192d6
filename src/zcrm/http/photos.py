"""A record's photo (zoho-v5-related.md §7): upload, download, delete.

An upload checks the module, scopes, permission and record (§1.3) in a read unit before it reads the body, then
reads the multipart form as a stream (a file over 10 MB: 415 before the rest is read), detects the image type from
the file's first bytes (§7.1), then writes in one unit. ``restrict_triggers=workflow`` is accepted: a photo upload
runs no workflow here."""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.identity import Identity
from zcrm.errors import InvalidData
from zcrm.fields.images import HEAD_BYTES, image_type
from zcrm.http.downloads import file_response
from zcrm.http.envelope import json_response, no_content
from zcrm.http.files import check_files
from zcrm.http.state import State
from zcrm.http.uploads import MB, read_form
from zcrm.service import files
from zcrm.service import photos as service

FILE_LIMIT = 10 * MB  # §1.4
MSG_BAD_IMAGE = "The image format is invalid."


def _result(message: str) -> Response:
    return json_response({"code": "SUCCESS", "details": {}, "message": message, "status": "success"})


async def upload(request: Request, state: State, module_name: str, record_id: str) -> Response:
    header = request.headers.get("authorization")
    await state.authed(
        header,
        lambda conn, ident, now: service.parent(conn, ident, module_name, record_id, "create"),
        write=False,
    )
    form = await read_form(request, FILE_LIMIT, max_files=1)
    try:
        check_files(form)
        photo = form.files[0]
        media = image_type(next(photo.chunks(HEAD_BYTES), b""))
        if media is None:
            raise InvalidData(MSG_BAD_IMAGE, {"param_name": "file"})
        photo.content_type = media  # served back as the detected type (§1.5)

        def work(conn: Connection, ident: Identity, now: int) -> Response:
            _, record = service.parent(conn, ident, module_name, record_id, "create")
            service.upload(conn, ident, record, photo, now)
            return _result("photo uploaded successfully")

        return await state.authed(header, work, write=True)
    finally:
        form.close()


async def download(request: Request, state: State, module_name: str, record_id: str) -> Response:
    def work(conn: Connection, ident: Identity, now: int) -> tuple[str, files.StoredFile | None]:
        _, record = service.parent(conn, ident, module_name, record_id, "read")
        return ident.org_id, service.find(conn, ident, record)

    org_id, found = await state.authed(request.headers.get("authorization"), work, write=False)
    if found is None:
        return no_content()
    return file_response(files.content(state.db, org_id, found), found.name, found.content_type, found.size)


async def delete(request: Request, state: State, module_name: str, record_id: str) -> Response:
    def work(conn: Connection, ident: Identity, now: int) -> Response:
        _, record = service.parent(conn, ident, module_name, record_id, "delete")
        service.delete(conn, ident, record)
        return _result("Photo deleted")

    return await state.authed(request.headers.get("authorization"), work, write=True)
