"""One client connection of zcrm's proxy port (docs/proxy.md): its ``CONNECT host:443`` request, refused unless
the host is one of Zoho's, then TLS with a certificate for that host from zcrm's CA, then the same HTTP protocol as
the plain port (uvicorn's, ``zcrm.http.drop.Protocol``) on the TLS transport, in this process. Nothing is ever
forwarded anywhere.

A refusal is a plain-text HTTP answer that names the host and closes the connection: 403 for a host that is not
Zoho's (or a port other than 443), 405 for a request that is not ``CONNECT``, 400 for a malformed one. A TLS client
that names another host than Zoho's in its SNI gets the certificate of the tunnel's Zoho host, which a client that
checks certificates rejects (hostname mismatch); one that does not gets a 403 for its request.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from http import HTTPStatus
from typing import cast

from zcrm.datacentres import is_zoho_host, normalise_host
from zcrm.proxy.authority import refused_name

MAX_HEAD = 16 * 1024  # bytes of a CONNECT request's head
HEAD_TIMEOUT = 30.0  # seconds for a client to send its CONNECT request
HANDSHAKE_TIMEOUT = 30.0
ZOHO_ONLY = (
    "zcrm's proxy only serves Zoho's hosts (accounts.zoho.com, www.zohoapis.com and the other data centres' hosts,"
    " port 443; see docs/proxy.md) and never forwards to the internet"
)
log = logging.getLogger("zcrm")

# The HTTP protocol of a tunnelled connection, for the Zoho host it was opened for.
HttpFactory = Callable[[str], asyncio.Protocol]
# The server-side TLS context for a Zoho host.
Contexts = Callable[[str], ssl.SSLContext]


def split_target(target: str) -> tuple[str, int] | None:
    """``host`` and ``port`` of a CONNECT target (``host:port``, ``[v6]:port``); None when malformed."""
    host, sep, port = target.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        return None
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host or any(c in host for c in " /@"):
        return None
    return host, int(port)


def answer(status: HTTPStatus, text: str, headers: tuple[tuple[str, str], ...] = ()) -> bytes:
    """A plain-text HTTP/1.1 answer that closes the connection."""
    body = (text + "\n").encode("utf-8")
    lines = [
        f"HTTP/1.1 {status.value} {status.phrase}",
        "Content-Type: text/plain; charset=utf-8",
        f"Content-Length: {len(body)}",
        "Connection: close",
        *(f"{name}: {value}" for name, value in headers),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class Handover(asyncio.Protocol):
    """The TLS transport's protocol until the HTTP protocol takes over: keeps what arrives meanwhile (the client's
    first request can come with the end of the handshake)."""

    def __init__(self) -> None:
        self.received = bytearray()
        self.eof = False
        self.lost: Exception | bool | None = False

    def data_received(self, data: bytes) -> None:
        self.received += data

    def eof_received(self) -> bool | None:
        self.eof = True
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = exc if exc is not None else True


class Refusal(asyncio.Protocol):
    """The HTTP side of a TLS connection whose SNI named a host that is not Zoho's: a 403 to its first request."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(
                answer(HTTPStatus.FORBIDDEN, f"{ZOHO_ONLY}: refused TLS for {self.name} (SNI)")
            )
            self.transport.close()


class Tunnel(asyncio.Protocol):
    """One connection of the proxy port (see the module's docstring)."""

    def __init__(self, http: HttpFactory, contexts: Contexts, pending: set[Tunnel]) -> None:
        self.http = http
        self.contexts = contexts
        self.pending = pending  # connections not yet handed to the HTTP protocol (closed on shutdown)
        self.transport: asyncio.Transport | None = None
        self.head = bytearray()
        self.opened = False
        self.timer: asyncio.TimerHandle | None = None
        self.task: asyncio.Task[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports are not asyncio's classes
        self.pending.add(self)
        self.timer = asyncio.get_running_loop().call_later(HEAD_TIMEOUT, self.close)

    def connection_lost(self, exc: Exception | None) -> None:
        self.pending.discard(self)
        if self.timer is not None:
            self.timer.cancel()

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def refuse(self, status: HTTPStatus, text: str, headers: tuple[tuple[str, str], ...] = ()) -> None:
        assert self.transport is not None
        self.transport.write(answer(status, text, headers))
        self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self.opened:
            return  # reading is paused once the tunnel opens: nothing arrives here
        self.head += data
        end = self.head.find(b"\r\n\r\n")
        if end < 0:
            if len(self.head) > MAX_HEAD:
                self.refuse(
                    HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "the proxy request's head is too large"
                )
            return
        rest = bytes(self.head[end + 4 :])
        line = bytes(self.head[:end]).split(b"\r\n", 1)[0].decode("latin-1")
        parts = line.split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            self.refuse(HTTPStatus.BAD_REQUEST, f"zcrm's proxy: not an HTTP/1.1 request line: {line[:200]!r}")
            return
        method, target, _version = parts
        if method.upper() != "CONNECT":
            self.refuse(
                HTTPStatus.METHOD_NOT_ALLOWED,
                f"zcrm's proxy takes only CONNECT host:443 (an HTTPS tunnel), not {method[:20]} {target[:200]}: "
                f"{ZOHO_ONLY}. Call zcrm's API on its plain port, or over HTTPS through this proxy.",
                (("Allow", "CONNECT"),),
            )
            return
        split = split_target(target)
        if split is None:
            self.refuse(
                HTTPStatus.BAD_REQUEST, f"zcrm's proxy: CONNECT needs host:port, not {target[:200]!r}"
            )
            return
        host, port = split
        if port != 443 or not is_zoho_host(host):
            log.warning("proxy: refused CONNECT %s", target[:200])
            self.refuse(HTTPStatus.FORBIDDEN, f"{ZOHO_ONLY}: refused CONNECT {target[:200]}")
            return
        if rest:
            self.refuse(HTTPStatus.BAD_REQUEST, "zcrm's proxy: data sent before the tunnel was established")
            return
        self.opened = True
        if self.timer is not None:
            self.timer.cancel()
        assert self.transport is not None
        self.transport.pause_reading()
        self.transport.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self.task = asyncio.get_running_loop().create_task(self.open(normalise_host(host)))

    async def open(self, host: str) -> None:
        """TLS as ``host``, then the HTTP protocol on the TLS transport."""
        transport = self.transport
        assert transport is not None
        handover = Handover()
        loop = asyncio.get_running_loop()
        try:
            tls = await loop.start_tls(
                transport,
                handover,
                self.contexts(host),
                server_side=True,
                ssl_handshake_timeout=HANDSHAKE_TIMEOUT,
            )
        except (TimeoutError, OSError, ssl.SSLError, ConnectionError) as exc:
            log.info("proxy: TLS handshake for %s failed: %s", host, exc)
            transport.close()
            return
        finally:
            self.pending.discard(self)
        if tls is None or handover.lost is not False:
            transport.close()
            return
        refused = refused_name(tls.get_extra_info("ssl_object"))
        if refused is not None:
            log.warning("proxy: refused TLS for %s (SNI) in a tunnel to %s", refused[:200], host)
        http = Refusal(refused) if refused is not None else self.http(host)
        http.connection_made(tls)
        tls.set_protocol(http)
        if handover.received:
            http.data_received(bytes(handover.received))
        if handover.eof:
            http.eof_received()
