"""What the benchmarks share: a real ``zcrm serve`` on a free port, ready and with its access token."""

from __future__ import annotations

import argparse
import json
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, *args: str) -> tuple[subprocess.Popen[bytes], str, str]:
    """Starts ``zcrm serve`` on ``data_dir`` with extra ``args``; returns the process, base URL and access token."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "zcrm",
        "serve",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        "--log-level",
        "warning",
        *args,
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(base + "/crm/v5/org", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    token = json.loads((Path(data_dir) / "credentials.json").read_text())["access_token"]
    return server, base, token


@contextmanager
def fresh_database(server_url: str | None) -> Iterator[str | None]:
    """A new, empty database on the PostgreSQL server of ``server_url`` (any database of it), dropped at the end;
    None (SQLite) when no URL is given."""
    if server_url is None:
        yield None
        return
    import psycopg

    name = f"zcrm_bench_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path="/" + name))
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def add_server_options(parser: argparse.ArgumentParser) -> None:
    """``--database-url`` and ``--workers``, shared by the benchmarks."""
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL server to use, e.g. postgresql://user@host/postgres: the benchmark creates a fresh"
        " database on it and drops it at the end (default: SQLite)",
    )
    parser.add_argument("--workers", type=int, default=1)


def server_args(database_url: str | None, workers: int) -> list[str]:
    """The ``zcrm serve`` options for a database (None: SQLite in the data dir) and a number of workers."""
    args = ["--workers", str(workers)]
    return [*args, "--database-url", database_url] if database_url else args
