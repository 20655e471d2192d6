"""Whatever the layers around a handler raise before answering (the request log, fault rules, API limits; the
dispatch endpoint answers the handler's own errors) is answered in Zoho's JSON envelope, never in plain text: a
``ZohoError`` as itself, anything else as 500 ``INTERNAL_ERROR``. A dropped connection (``ConnectionDropped``, a
fault rule under an in-process client) goes through."""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zcrm.errors import InternalError, ZohoError
from zcrm.http.envelope import error_response
from zcrm.http.faulting import ConnectionDropped

log = logging.getLogger("zcrm")


class ErrorGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except ConnectionDropped:
            raise
        except ZohoError as exc:
            if started:
                raise
            await error_response(exc)(scope, receive, send)
        except Exception:
            if started:
                raise
            log.exception("unhandled error around %s %r", scope["method"], scope["path"])
            await error_response(InternalError())(scope, receive, send)
