"""Talking to zcrm's proxy port at the socket level: a CONNECT request and its answer, a TLS connection through an
opened tunnel, and an HTTP/1.1 exchange on it."""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass

ESTABLISHED = b"HTTP/1.1 200 Connection established\r\n\r\n"


@dataclass(frozen=True)
class Answer:
    status_line: str
    headers: dict[str, str]
    body: bytes


def proxy_port(credentials: dict[str, str]) -> int:
    return int(credentials["proxy_url"].rsplit(":", 1)[1])


def read_all(sock: socket.socket | ssl.SSLSocket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def parse(raw: bytes) -> Answer:
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    return Answer(status_line, headers, body)


def request_line(port: int, raw: bytes) -> Answer:
    """Sends ``raw`` to the proxy port; its answer (the proxy closes the connection after a refusal)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        return parse(read_all(sock))


def connect(port: int, target: str) -> Answer:
    """A CONNECT request for ``target`` that the proxy refuses: its answer."""
    return request_line(port, f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())


def tunnel(port: int, target: str) -> socket.socket:
    """A socket through which the proxy opened a tunnel to ``target``."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
    answer = b""
    while len(answer) < len(ESTABLISHED):
        chunk = sock.recv(len(ESTABLISHED) - len(answer))
        assert chunk, answer
        answer += chunk
    assert answer == ESTABLISHED
    return sock


def trusting(ca_file: str) -> ssl.SSLContext:
    """A client TLS context that trusts zcrm's CA (and checks host names)."""
    return ssl.create_default_context(cafile=ca_file)


def get(tls: ssl.SSLSocket, host: str, path: str, token: str) -> Answer:
    """An HTTP/1.1 GET on a TLS connection, which then closes."""
    tls.sendall(
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Zoho-oauthtoken {token}\r\n"
        "Connection: close\r\n\r\n".encode()
    )
    return parse(read_all(tls))
