"""The first layer that knows the route table: it classifies the request once (``classify``, given at assembly:
``http/routes.classify``) and keeps the request's ``Call`` in ``scope["state"]`` for the layers inside, with the
body as the handler reads it (control-plane bodies, which no layer reads, are not kept)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zcrm.http.call import CALL, Call, RequestKind, header

KEPT_MULTIPART = 64 * 1024


class Classify:
    def __init__(
        self, app: ASGIApp, classify: Callable[[str, str, str], RequestKind], fault_header: bool
    ) -> None:
        self.app = app
        self.classify = classify
        self.fault_header = fault_header  # X-Zcrm-Fault is honoured (ZCRM_FAULT_HEADER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # the path as the server decoded it: a URL's path goes through urlsplit, which drops tabs and newlines
        # (so /crm/v5/Leads/%0a would be the list of Leads)
        kind = self.classify(scope["method"], scope["path"], scope["query_string"].decode("latin-1"))
        fault = header(scope, b"x-zcrm-fault") if self.fault_header and not kind.control else None
        call = Call(kind, fault)
        scope.setdefault("state", {})[CALL] = call
        if kind.control:
            await self.app(scope, receive, send)
            return
        chunks = call.chunks
        # a multipart body (an upload) is kept only up to KEPT_MULTIPART bytes: no layer reads it as JSON, and the
        # request log keeps no more of a body than its cap
        room = KEPT_MULTIPART if (header(scope, b"content-type") or "").startswith("multipart/") else None

        async def recording() -> Message:
            nonlocal room
            message = await receive()
            if message["type"] == "http.request":
                body = message.get("body", b"")
                if room is None:
                    chunks.append(body)
                elif room > 0:
                    chunks.append(body[:room])
                    room -= len(chunks[-1])
            return message

        await self.app(scope, recording, send)
