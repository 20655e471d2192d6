"""uvicorn's server with zcrm's proxy port beside the plain one (``zcrm serve --proxy-port``, docs/proxy.md): once
uvicorn has started the app, the proxy's socket is served in the same event loop, and each tunnel it opens is
handed to the same HTTP protocol class, app and server state as the plain port, with the Zoho host it was opened for
in the connection's state (``zcrm.http.way_in``).

One process only: ``zcrm serve`` refuses ``--proxy-port`` with ``--workers`` N > 1.
"""

from __future__ import annotations

import asyncio
import socket

import uvicorn

from zcrm.http.way_in import WAY_IN
from zcrm.proxy.authority import Authority
from zcrm.proxy.tunnel import Tunnel


class ProxiedServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, proxy_socket: socket.socket, authority: Authority) -> None:
        super().__init__(config)
        self.proxy_socket = proxy_socket
        self.authority = authority
        self.pending: set[Tunnel] = set()

    def http_protocol(self, host: str) -> asyncio.Protocol:
        """The plain port's HTTP protocol for a tunnel to ``host``."""
        protocol: asyncio.Protocol = self.config.http_protocol_class(  # type: ignore[call-arg]
            config=self.config,
            server_state=self.server_state,
            app_state={**self.lifespan.state, WAY_IN: host},
            _loop=asyncio.get_running_loop(),
        )
        return protocol

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.should_exit:
            return
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: Tunnel(self.http_protocol, self.authority.context, self.pending),
            sock=self.proxy_socket,
            backlog=self.config.backlog,
        )
        self.servers.append(server)  # closed with the plain port's on shutdown

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for tunnel in list(self.pending):
            tunnel.close()
        await super().shutdown(sockets=sockets)
