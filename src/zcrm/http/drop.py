"""The HTTP protocol of ``zcrm serve``: uvicorn's own (httptools or h11), with each connection's transport in the
scope's ``state``, so that a fault rule can close a connection without answering (``http/faulting.Dropped``). ASGI
has no message for that: an app that raises before answering gets a 500 from the server."""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.auto import AutoHTTPProtocol

from zcrm.http.faulting import TRANSPORT


class Protocol(AutoHTTPProtocol):  # type: ignore[misc,valid-type]
    app_state: dict[str, Any]

    def connection_made(self, transport: asyncio.Transport) -> None:
        self.app_state = {**self.app_state, TRANSPORT: transport}  # this connection's own copy
        super().connection_made(transport)
