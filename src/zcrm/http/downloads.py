"""File answers (zoho-v5-related.md §1.5): the stored bytes, streamed chunk by chunk, with ``Content-Type``,
``Content-Disposition`` (an ASCII ``filename`` and, for other names, ``filename*`` in UTF-8) and
``Content-Length``; and, an addition, ``X-Content-Type-Options: nosniff``, so that a browser never takes an
uploaded file for a page of the server."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator

from starlette.responses import StreamingResponse


def disposition(name: str) -> str:
    """``attachment; filename="…"``, plus ``filename*=UTF-8''…`` for a name outside printable ASCII or holding
    ``"`` or ``\\``."""
    plain = name.isascii() and name.isprintable() and '"' not in name and "\\" not in name
    if plain:
        return f'attachment; filename="{name}"'
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{urllib.parse.quote(name, safe='')}"


def file_response(chunks: Iterator[bytes], name: str, content_type: str, size: int) -> StreamingResponse:
    """A 200 streaming ``chunks`` (a synchronous iterator: read in a worker thread)."""
    headers = {
        "Content-Disposition": disposition(name),
        "Content-Length": str(size),
        "X-Content-Type-Options": "nosniff",  # an uploaded type is never sniffed into HTML (an addition)
    }
    return StreamingResponse(chunks, status_code=200, media_type=content_type, headers=headers)
