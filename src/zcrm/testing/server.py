"""A live ``zcrm serve`` in a subprocess, for tests: started on a port it binds itself, waited for, stopped.

server = start_server(tmp_path / "zcrm")          # SQLite in the data dir
try:
    org = server.new_org()                        # an isolated org and its credentials
finally:
    server.stop()
"""

from __future__ import annotations

import os
import re
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
from zcrm.listen import LISTENING

LOCAL_HOSTS = ("127.0.0.1", "localhost")
_LISTENING = re.compile(re.escape(LISTENING) + r"http://\S+:(\d+)")


class ServerError(RuntimeError):
    """``zcrm serve`` exited or did not answer in time; the message ends with the tail of its log."""


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
    _log_start: int = field(default=0, repr=False)  # where this server's output starts in server.log

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
    by default the server makes one (``<data_dir>/admin-token``). ``port``: default 0, a free port the server binds
    itself and prints (no port is chosen ahead, so none can be taken meanwhile). The server's output goes to
    ``<data_dir>/server.log``; its credentials are read from ``<data_dir>/credentials.json``.
    Raises ``ServerError`` when the server exits or does not answer within ``timeout`` seconds."""
    data_dir = Path(data_dir)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    bypass_proxies()
    server = _launch(data_dir, port or 0, database_url, org_file, admin_token, extra_args)
    try:
        _wait_until_up(server, timeout)
    except ServerError:
        server.stop()
        raise
    server.admin_token = admin_token or read_admin_token(data_dir)
    server.credentials = Credentials.load(data_dir / "credentials.json")
    return server


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
    # closed by ZcrmServer.stop; private like the data dir's other files
    log = os.fdopen(os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")
    os.fchmod(log.fileno(), 0o600)
    process = subprocess.Popen(
        [*args, *extra_args], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
    )
    return ZcrmServer(
        base_url="",
        admin_token="",
        credentials=Credentials(base_url="", access_token="-"),
        data_dir=data_dir,
        database_url=database_url,
        log_path=log_path,
        process=process,
        _log=log,
        _log_start=log.tell(),
    )


def _bound_port(server: ZcrmServer) -> int | None:
    """The port the server printed in its banner (``listening on``), once it has."""
    try:
        with open(server.log_path, "rb") as log:
            log.seek(server._log_start)
            text = log.read().decode("utf-8", "replace")
    except OSError:
        return None
    match = _LISTENING.search(text)
    return int(match.group(1)) if match else None


def _wait_until_up(server: ZcrmServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=1, trust_env=False) as http:
        while time.monotonic() < deadline:
            assert server.process is not None
            if server.process.poll() is not None:
                raise ServerError(f"zcrm serve exited with {server.process.returncode}:\n{server.log_tail()}")
            if not server.base_url:
                port = _bound_port(server)
                if port is None:
                    time.sleep(0.05)
                    continue
                server.base_url = f"http://127.0.0.1:{port}"
            try:
                http.get(f"{server.base_url}/crm/v5/org")  # any answer (401 without a token) means it is up
                return
            except httpx.TransportError:
                time.sleep(0.05)
    raise ServerError(f"zcrm serve did not answer within {timeout:g} s:\n{server.log_tail()}")
