"""The listening socket of ``zcrm serve``: bound by zcrm itself, so that it knows the address it really listens on
(``--port 0`` gives a free port, known before the database is prepared and ``credentials.json`` written) and whether
that address is reachable from beyond this host.

uvicorn serves on the bound socket: in its own process (one worker) or in each of its worker processes.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

LISTENING = (
    "  listening on:     "  # the banner's line with the bound address (zcrm.testing reads the port there)
)
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names only this machine: a loopback address (127.0.0.0/8, ::1) or ``localhost``. Any other
    name, and the unspecified addresses ``0.0.0.0`` and ``::`` (every interface), count as reachable from outside."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Listening:
    """The address a bound socket listens on."""

    ip: str
    port: int
    dual_stack: bool = False  # an IPv6 socket that takes IPv4 connections too (IPV6_V6ONLY off)

    @property
    def loopback(self) -> bool:
        return is_loopback_host(self.ip)

    @property
    def everywhere(self) -> bool:
        """Whether it is the unspecified address (every interface of the host)."""
        return ipaddress.ip_address(self.ip).is_unspecified

    @property
    def url(self) -> str:
        host = f"[{self.ip}]" if ":" in self.ip else self.ip
        return f"http://{host}:{self.port}"

    def describe(self) -> str:
        """The URL, and what an unspecified address means."""
        if not self.everywhere:
            return self.url
        family = ("IPv6 and IPv4" if self.dual_stack else "IPv6") if ":" in self.ip else "IPv4"
        return f"{self.url} (every {family} address of this host)"


def bind(host: str, port: int) -> tuple[socket.socket, Listening]:
    """A TCP socket bound to ``host``:``port`` (``port`` 0: a free one chosen by the system) and listening, as
    uvicorn binds it (``SO_REUSEADDR``, inheritable for worker processes). A host name is resolved: the first
    address it resolves to is bound. Raises ``OSError`` when the address cannot be bound."""
    infos = socket.getaddrinfo(
        host or None, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP, flags=socket.AI_PASSIVE
    )
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    bound = sock.getsockname()
    dual = family == socket.AF_INET6 and not sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY)
    return sock, Listening(str(bound[0]), int(bound[1]), dual)
