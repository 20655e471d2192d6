"""A live ``zcrm serve`` in a subprocess, for tests: started on a free port, waited for, stopped.

server = start_server(tmp_path / "zcrm")          # SQLite in the data dir
try:
    org = server.new_org()                        # an isolated org and its credentials
finally:
    server.stop()
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

from zcrm.client import Client, Credentials, ServerAdmin
from zcrm.client.control import read_admin_token

LOCAL_HOSTS = ("127.0.0.1", "localhost")
START_ATTEMPTS = 3  # a free port can be taken between choosing it and binding it: try again on another


class ServerError(RuntimeError):
    """``zcrm serve`` exited or did not answer in time; the message ends with the tail of its log."""


def free_port() -> int:
    """A TCP port nobody listens on at this moment, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bypass_proxies() -> None:
    """Adds 127.0.0.1 and localhost to ``NO_PROXY``/``no_proxy`` so that httpx and ``requests`` (the official
    SDK) reach a local server directly even when ``HTTP(S)_PROXY`` is set."""
    for name in ("NO_PROXY", "no_proxy"):
        hosts = [h.strip() for h in os.environ.get(name, "").split(",") if h.strip()]
        os.environ[name] = ",".join([*hosts, *(h for h in LOCAL_HOSTS if h not in hosts)])


@dataclass
class ZcrmServer:
    """A running ``zcrm serve``: where it answers, its server admin token and its default org's credentials."""

    base_url: str
    admin_token: str
    credentials: Credentials  # the default org's administrator (the server's credentials.json)
    data_dir: Path
    database_url: str | None
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    def client(self, credentials: Credentials | None = None) -> Client:
        """A ``Client`` for ``credentials`` (default: the default org's administrator); close it when done."""
        creds = credentials or self.credentials
        return Client(creds.base_url, creds.access_token)

    def admin(self) -> ServerAdmin:
        """A ``ServerAdmin`` with this server's admin token; close it when done."""
        return ServerAdmin(self.base_url, self.admin_token)

    def new_org(self, org_file: Mapping[str, Any] | None = None) -> Credentials:
        """``POST /__zcrm/orgs``: a new isolated org (the standard org, or the parsed org file ``org_file``)."""
        with self.admin() as admin:
            return admin.new_org(org_file)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text("utf-8", "replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """Stops the server (SIGTERM, then SIGKILL after 10 s). The data dir is left as it is."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None


def start_server(
    data_dir: Path,
    *,
    database_url: str | None = None,
    org_file: Path | None = None,
    admin_token: str | None = None,
    port: int | None = None,
    extra_args: Sequence[str] = (),
    timeout: float = 60.0,
) -> ZcrmServer:
    """Starts ``python -m zcrm serve`` on 127.0.0.1 with ``data_dir`` (created if needed) and waits until it answers.

    ``database_url``: PostgreSQL (``postgresql://…``) instead of SQLite in the data dir. ``org_file``: the default
    org's definition (first start only). ``admin_token``: fixes the server admin token (``ZCRM_ADMIN_TOKEN``);
    by default the server makes one (``<data_dir>/admin-token``). ``port``: default a free one, retried on
    another when it was taken meanwhile. The server's output goes to ``<data_dir>/server.log``.
    Raises ``ServerError`` when the server exits or does not answer within ``timeout`` seconds."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    bypass_proxies()
    for attempt in range(START_ATTEMPTS):
        server = _launch(data_dir, port or free_port(), database_url, org_file, admin_token, extra_args)
        try:
            _wait_until_up(server, timeout)
        except ServerError:
            exited = server.process is not None and server.process.poll() is not None
            server.stop()
            if port is None and exited and attempt + 1 < START_ATTEMPTS and "address" in server.log_tail():
                continue  # the port was taken between choosing and binding it
            raise
        server.admin_token = admin_token or read_admin_token(data_dir)
        server.credentials = Credentials.load(data_dir / "credentials.json")
        return server
    raise AssertionError("unreachable")  # pragma: no cover


def _launch(
    data_dir: Path,
    port: int,
    database_url: str | None,
    org_file: Path | None,
    admin_token: str | None,
    extra_args: Sequence[str],
) -> ZcrmServer:
    args = [sys.executable, "-m", "zcrm", "serve", "--port", str(port), "--data-dir", str(data_dir)]
    args += ["--log-level", "warning"]
    if database_url:
        args += ["--database-url", database_url]
    if org_file is not None:
        args += ["--org", str(org_file)]
    env = dict(os.environ)
    if admin_token:
        env["ZCRM_ADMIN_TOKEN"] = admin_token
    log_path = data_dir / "server.log"
    log = open(log_path, "ab")  # noqa: SIM115 - closed by ZcrmServer.stop
    process = subprocess.Popen(
        [*args, *extra_args], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
    )
    return ZcrmServer(
        base_url=f"http://127.0.0.1:{port}",
        admin_token="",
        credentials=Credentials(base_url=f"http://127.0.0.1:{port}", access_token="-"),
        data_dir=data_dir,
        database_url=database_url,
        log_path=log_path,
        process=process,
        _log=log,
    )


def _wait_until_up(server: ZcrmServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=1, trust_env=False) as http:
        while time.monotonic() < deadline:
            assert server.process is not None
            if server.process.poll() is not None:
                raise ServerError(f"zcrm serve exited with {server.process.returncode}:\n{server.log_tail()}")
            try:
                http.get(f"{server.base_url}/crm/v5/org")  # any answer (401 without a token) means it is up
                return
            except httpx.TransportError:
                time.sleep(0.05)
    raise ServerError(f"zcrm serve did not answer within {timeout:g} s:\n{server.log_tail()}")
