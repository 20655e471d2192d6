"""Multipart uploads read as a stream (zoho-v5-related.md §1.4): each file part goes to a spooled temporary file
(in memory up to ``SPOOL_BYTES``, then on disk) while its SHA-256 and size are counted, so a 20 MB file is never
held in memory; a file part that grows past the route's limit stops the read at once with 415
``FILE_SIZE_MORE_THAN_ALLOWED_SIZE``, the rest of the body unread. Other parts are small form fields.

A body that is not ``multipart/form-data``, or not well formed, gives a form without files: the route then answers
``REQUIRED_PARAM_MISSING`` for its ``file`` part, as Zoho does for a missing file."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from zcrm.errors import FileSizeMoreThanAllowed

MB = 1024 * 1024
SPOOL_BYTES = 256 * 1024  # a part's bytes kept in memory before its spool moves to disk
MAX_FIELD_BYTES = 64 * 1024  # a form field's value (a title, a URL)
MAX_FIELDS = 20
READ_BYTES = 256 * 1024  # a spool is read back in pieces of this size


@dataclass(slots=True)
class Upload:
    """One file part: its file name, content type, size, SHA-256 (hex) and its bytes in a spool."""

    filename: str
    content_type: str
    size: int = 0
    sha256: str = ""
    spool: IO[bytes] = field(default_factory=lambda: tempfile.SpooledTemporaryFile(SPOOL_BYTES))  # noqa: SIM115

    def chunks(self, size: int) -> Iterator[bytes]:
        """The bytes from the start, ``size`` at a time."""
        self.spool.seek(0)
        while piece := self.spool.read(size):
            yield piece

    def close(self) -> None:
        self.spool.close()


@dataclass(slots=True)
class Form:
    """A multipart body: its file parts named ``file`` in order, and its other parts as text fields."""

    files: list[Upload] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)

    def close(self) -> None:
        for upload in self.files:
            upload.close()


def announced_length(request: Request) -> int | None:
    value = request.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


async def read_form(
    request: Request, file_limit: int, *, file_part: str = "file", max_files: int = 100
) -> Form:
    """Reads the request's multipart body; every part named ``file_part`` (at most ``max_files``) is a file of at
    most ``file_limit`` bytes. The caller closes the form."""
    form = Form()
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        return form
    reader = _Reader(form, file_limit, file_part, max_files)
    parser = MultipartParser(boundary, reader.callbacks())
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            if reader.too_large:
                raise FileSizeMoreThanAllowed()
        parser.finalize()
    except MultipartParseError:
        reader.abort()
        return Form()  # not well formed: no file
    except BaseException:
        reader.abort()
        raise
    return form


class _Reader:
    """The parser's callbacks: where each part's headers and bytes go."""

    def __init__(self, form: Form, limit: int, file_part: str, max_files: int) -> None:
        self.form, self.limit, self.file_part, self.max_files = form, limit, file_part, max_files
        self.too_large = False
        self._header_field = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._upload: Upload | None = None
        self._hash: Any = None
        self._field: str | None = None
        self._value = bytearray()

    def callbacks(self) -> Any:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": self._header_field_data,
            "on_header_value": self._header_value_data,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def abort(self) -> None:
        """Closes every spool, the part being read included."""
        if self._upload is not None:
            self._upload.close()
        self.form.close()

    def _part_begin(self) -> None:
        self._headers, self._upload, self._field, self._value = {}, None, None, bytearray()

    def _header_field_data(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._header_field.lower()] = self._header_value
        self._header_field, self._header_value = b"", b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if name == self.file_part and filename is not None and len(self.form.files) < self.max_files:
            kind = self._headers.get(b"content-type", b"").decode("latin-1").strip()
            self._upload = Upload(filename.decode("utf-8", "replace"), kind or "application/octet-stream")
            self._hash = hashlib.sha256()
        elif filename is None and len(self.form.fields) < MAX_FIELDS:
            self._field = name

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        piece = data[start:end]
        upload = self._upload
        if upload is not None:
            upload.size += len(piece)
            if upload.size > self.limit:
                self.too_large = True
                return
            self._hash.update(piece)
            upload.spool.write(piece)
        elif self._field is not None and len(self._value) + len(piece) <= MAX_FIELD_BYTES:
            self._value += piece

    def _part_end(self) -> None:
        upload = self._upload
        if upload is not None and not self.too_large:
            upload.sha256 = self._hash.hexdigest()
            self.form.files.append(upload)
        elif upload is not None:
            upload.close()
        elif self._field is not None and self._field not in self.form.fields:
            self.form.fields[self._field] = self._value.decode("utf-8", "replace")
        self._upload, self._field = None, None
