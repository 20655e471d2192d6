"""What the benchmarks share: a real ``zcrm serve`` on a free port, ready and with its access token."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

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
