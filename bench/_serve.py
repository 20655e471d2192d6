"""What the benchmarks share: a real ``zcrm serve`` on a port it binds itself, ready and with its access token."""

from __future__ import annotations

import argparse
import json
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

# the banner's line with the bound address (zcrm.listen.LISTENING)
_LISTENING = re.compile(r"listening on:\s+http://\S+:(\d+)")


def start_server(
    data_dir: Path, *args: str, python: str = sys.executable
) -> tuple[subprocess.Popen[bytes], str, str]:
    """Starts ``zcrm serve --port 0`` on ``data_dir`` with extra ``args`` (``python``: the interpreter, whose zcrm
    runs); the server binds a free port itself and prints it. Returns the process, base URL and access token."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "server.log"
    command = [python, "-m", "zcrm", "serve", "--port", "0", "--data-dir", str(data_dir)]
    with open(log_path, "ab") as log:
        server = subprocess.Popen([*command, "--log-level", "warning", *args], stdout=log, stderr=log)
    base = ""
    for _ in range(600):
        if server.poll() is not None:
            raise RuntimeError(f"zcrm serve exited: {log_path.read_text('utf-8', 'replace')[-2000:]}")
        if not base:
            match = _LISTENING.search(log_path.read_text("utf-8", "replace"))
            if match is None:
                time.sleep(0.05)
                continue
            base = f"http://127.0.0.1:{match.group(1)}"
        try:
            httpx.get(base + "/crm/v5/org", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    token = json.loads((data_dir / "credentials.json").read_text())["access_token"]
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
