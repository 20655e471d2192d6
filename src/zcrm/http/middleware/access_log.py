"""The access log (``ZCRM_ACCESS_LOG=1``, ``zcrm serve --access-log``; off by default): one line per request on
the ``zcrm.access`` logger, with its method, path, status and duration; the outermost layer, so that every answer
(a 413 as well) is logged.

The OAuth endpoints take grant codes, tokens and client secrets in their query strings: an ``/oauth/`` path is
logged without its query string, and any other query string with its credentials masked (``http/redact.py``).
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zcrm.http import redact

log = logging.getLogger("zcrm.access")


def logged_path(path: str, query: str) -> str:
    """The path as the access log shows it: no query string under /oauth/, credentials masked elsewhere."""
    if not query or path.startswith("/oauth/"):
        return path
    return f"{path}?{redact.query(query)}"


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # when the app fails before it answers

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            duration = round((time.perf_counter() - started) * 1000, 1)
            path = logged_path(scope["path"], scope.get("query_string", b"").decode("latin-1"))
            method = scope["method"]
            log.info(
                "%s %s %s %.1fms",
                method,
                path,
                status,
                duration,
                extra={"method": method, "path": path, "status": status, "duration_ms": duration},
            )
