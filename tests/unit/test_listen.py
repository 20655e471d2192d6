"""The listening socket zcrm serve binds itself (listen.py): the real port, and whether the address is loopback."""

from __future__ import annotations

import socket

import pytest

from zcrm.listen import Listening, bind, is_loopback_host


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True), ("localhost", True),
     ("LOCALHOST", True), ("0.0.0.0", False), ("::", False), ("", False), ("192.0.2.1", False),
     ("2001:db8::1", False), ("crm.example", False)],
)  # fmt: skip
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_port_0_binds_a_free_port_that_listens_at_once() -> None:
    sock, listening = bind("127.0.0.1", 0)
    try:
        assert listening.ip == "127.0.0.1" and listening.port > 0 and listening.loopback
        assert listening.url == f"http://127.0.0.1:{listening.port}" == listening.describe()
        assert sock.get_inheritable()  # worker processes serve on it
        with socket.create_connection(("127.0.0.1", listening.port), timeout=5):
            pass  # accepted into the backlog before anything serves it
    finally:
        sock.close()


def test_every_interface_is_described_as_such() -> None:
    sock, listening = bind("0.0.0.0", 0)
    sock.close()
    assert not listening.loopback and listening.everywhere
    assert listening.describe() == f"http://0.0.0.0:{listening.port} (every IPv4 address of this host)"
    assert Listening("::", 8000, dual_stack=True).describe() == (
        "http://[::]:8000 (every IPv6 and IPv4 address of this host)"
    )
    assert Listening("::", 8000).describe() == "http://[::]:8000 (every IPv6 address of this host)"
    assert Listening("::1", 8000).url == "http://[::1]:8000"


def test_a_port_in_use_cannot_be_bound() -> None:
    sock, listening = bind("127.0.0.1", 0)
    try:
        with pytest.raises(OSError):
            bind("127.0.0.1", listening.port)
    finally:
        sock.close()
