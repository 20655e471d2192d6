"""The request body limit (``ZCRM_MAX_BODY_BYTES``), for every route: Zoho's, OAuth's and the control plane's.

``BodyLimit`` wraps the whole ASGI app. A request whose ``Content-Length`` announces more than the limit is answered
413 ``LIMIT_EXCEEDED`` ``{"limit": <bytes>}`` at once, its body never read (the server drops it). A body sent
without a length (chunked) is counted as the app reads it: the read that passes the limit raises ``BodyTooLarge``,
which the app answers like any Zoho error; whatever else the app does with it (an OAuth form parser that gives up,
say), the answer is that 413.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zcrm.errors import BodyTooLarge
from zcrm.http.envelope import error_response


def _announced(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


class BodyLimit:
    """``uploads(method, path)`` tells the upload routes, whose limit is ``upload_bytes`` (their files are limited
    one by one as they are read: ``http/uploads.py``)."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        upload_bytes: int | None = None,
        uploads: Callable[[str, str], bool] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes if upload_bytes is not None else max_bytes
        self.uploads = uploads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        if self.uploads is not None and self.uploads(scope["method"], scope["path"]):
            limit = self.upload_bytes

        def too_large() -> BodyTooLarge:
            return BodyTooLarge(details={"limit": limit})

        announced = _announced(scope)
        if announced is not None and announced > limit:
            await error_response(too_large())(scope, receive, send)
            return
        received = 0
        exceeded = False
        started = False  # the client has had the start of an answer
        replaced = False  # ... and it is the 413: the app's own messages are dropped

        async def counted() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise too_large()
            return message

        async def answer(message: Message) -> None:
            nonlocal started, replaced
            if replaced or (exceeded and not started):  # the app's answer to a body it could not finish
                if not replaced:
                    replaced = started = True
                    await error_response(too_large())(scope, receive, send)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, answer)
        except BodyTooLarge:
            if not started:
                await error_response(too_large())(scope, receive, send)
