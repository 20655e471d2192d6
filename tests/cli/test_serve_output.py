"""What ``zcrm serve`` prints, checked against a live server: no secret unless ``--show-credentials``, the address it
really listens on (``--port 0``, ``--host 0.0.0.0``), and a warning on stderr when that is beyond loopback."""

from __future__ import annotations

import json
import os
import queue
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.conftest import db_args, effective_database_url
from zcrm.cli.serve import database_text

BANNER_END = "       curl "  # the last line of the banner


@dataclass
class Served:
    """A ``zcrm serve`` subprocess whose banner has been read."""

    process: subprocess.Popen[str]
    data_dir: Path
    banner: list[str]
    rest: tuple[str, str] = field(default=("", ""))

    @property
    def port(self) -> int:
        match = re.search(r"^  listening on: +http://\S+:(\d+)", "\n".join(self.banner), re.MULTILINE)
        assert match, self.banner
        return int(match.group(1))

    @property
    def credentials(self) -> dict[str, str]:
        return dict(json.loads((self.data_dir / "credentials.json").read_text()))

    def stop(self) -> tuple[str, str]:
        """Stops the server; the rest of its stdout and all of its stderr."""
        if self.process.poll() is None:
            self.process.terminate()
        out, err = self.process.communicate(timeout=30)
        self.rest = (out, err)
        return out, err


def serve(data_dir: Path, *args: str, env: dict[str, str] | None = None, umask: int = -1) -> Served:
    """Starts ``zcrm serve`` and reads its banner from stdout (the socket listens before the banner is printed:
    connections made after it wait in the socket's backlog until the server accepts them). A banner that does not
    end within 60 s stops the server and fails the test."""
    process = subprocess.Popen(
        [sys.executable, "-m", "zcrm", "serve", "--data-dir", str(data_dir), *db_args(data_dir), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "NO_PROXY": "127.0.0.1,localhost", **(env or {})},
        umask=umask,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:  # the banner's lines, then None at its end or at the end of the output
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.rstrip("\n"))
            if line.startswith(BANNER_END):
                break
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    banner: list[str] = []
    try:
        while (line := lines.get(timeout=60)) is not None:
            banner.append(line)
    except queue.Empty:
        pass
    if not banner or not banner[-1].startswith(BANNER_END):
        process.terminate()  # SIGTERM: uvicorn's supervisor stops its workers too
        try:
            _, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate(timeout=30)
        raise AssertionError(
            f"zcrm serve printed no whole banner (exit {process.returncode}): {banner}\n{err}"
        )
    return Served(process, data_dir, banner)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "served"


@pytest.fixture
def stopper() -> Iterator[list[Served]]:
    servers: list[Served] = []
    yield servers
    for server in servers:
        server.stop()


def started(stopper: list[Served], data_dir: Path, *args: str, env: dict[str, str] | None = None) -> Served:
    server = serve(data_dir, *args, env=env)
    stopper.append(server)
    return server


def answers(server: Served) -> httpx.Response:
    creds = server.credentials
    return httpx.get(
        f"http://127.0.0.1:{server.port}/crm/v5/org",
        headers={"Authorization": f"Zoho-oauthtoken {creds['access_token']}"},
        timeout=30,
    )


def test_no_secret_is_printed_by_default(stopper: list[Served], data_dir: Path) -> None:
    server = started(stopper, data_dir, "--port", "0")
    response = answers(server)
    assert response.status_code == 200, response.text
    out, err = server.stop()
    creds = server.credentials
    printed = "\n".join(server.banner) + out + err
    for key in ("client_secret", "refresh_token", "access_token"):
        assert creds[key] not in printed, key
    port = server.port
    resolved = data_dir.resolve()
    assert server.banner[:6] == [
        f"zcrm http://127.0.0.1:{port}",
        f"  listening on:     http://127.0.0.1:{port}",
        f"  database:         {database_text(effective_database_url(data_dir))}",
        f"  data dir:         {resolved}",
        f"  org id:           {creds['org_id']}",
        f"  credentials file: {resolved / 'credentials.json'}  (client id and secret, refresh and access tokens)",
    ]
    assert "--show-credentials prints them" in server.banner[6]
    assert f"  admin token file: {resolved / 'admin-token'}  (for POST /__zcrm/orgs)" in server.banner
    assert creds["base_url"] == f"http://127.0.0.1:{port}"  # the real port, in credentials.json too
    assert "WARNING" not in err  # loopback: no warning


def test_show_credentials_prints_them(stopper: list[Served], data_dir: Path) -> None:
    server = started(stopper, data_dir, "--port", "0", "--show-credentials")
    assert answers(server).status_code == 200
    creds = server.credentials
    assert [line for line in server.banner if line.startswith(("  client ", "  refresh ", "  access "))] == [
        f"  client id:        {creds['client_id']}",
        f"  client secret:    {creds['client_secret']}",
        f"  refresh token:    {creds['refresh_token']}",
        f"  access token:     {creds['access_token']}",
    ]


def test_all_interfaces_warn_and_print_the_real_address(stopper: list[Served], data_dir: Path) -> None:
    server = started(stopper, data_dir, "--host", "0.0.0.0", "--port", "0")
    port = server.port
    assert port > 0
    assert server.banner[0] == f"zcrm http://127.0.0.1:{port}"  # what clients on this host use
    assert server.banner[1] == f"  listening on:     http://0.0.0.0:{port} (every IPv4 address of this host)"
    assert "  passwords:        required on the OAuth consent page (ZCRM_REQUIRE_PASSWORDS)" in server.banner
    assert answers(server).status_code == 200
    _, err = server.stop()
    warnings = [line for line in err.splitlines() if line.startswith("WARNING: zcrm")]
    assert warnings == [
        f"WARNING: zcrm listens on http://0.0.0.0:{port} (every IPv4 address of this host), not only on loopback:"
        " anyone who can reach this address can call its API with a token and open its OAuth consent page. The"
        " consent page requires passwords: users without one cannot sign in there (set one with `zcrm user"
        " set-password EMAIL`). See docs/security.md."
    ]


def test_all_interfaces_with_passwords_off_says_so(stopper: list[Served], data_dir: Path) -> None:
    server = started(
        stopper, data_dir, "--host", "0.0.0.0", "--port", "0", env={"ZCRM_REQUIRE_PASSWORDS": "off"}
    )
    assert (
        "  passwords:        only for users who have one on the OAuth consent page (ZCRM_REQUIRE_PASSWORDS)"
        in (server.banner)
    )
    _, err = server.stop()
    assert "ZCRM_REQUIRE_PASSWORDS=off: the consent page signs in users without a password" in err


def test_workers_serve_on_the_socket_bound_before_them(stopper: list[Served], data_dir: Path) -> None:
    server = started(stopper, data_dir, "--port", "0", "--workers", "2")
    assert server.credentials["base_url"] == f"http://127.0.0.1:{server.port}"
    for _ in range(6):  # new connections, spread over the workers
        assert answers(server).status_code == 200


def test_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        data_dir = tmp_path / "d"
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "zcrm",
                "serve",
                "--port",
                str(port),
                "--data-dir",
                str(data_dir),
                *db_args(data_dir),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"Error: cannot listen on 127.0.0.1:{port}: Address already in use" in result.stderr
    assert result.stdout == ""


def test_a_database_password_is_not_printed() -> None:
    assert database_text("postgresql://zcrm:hunter2@db.example:5432/zcrm") == (
        "postgresql://zcrm:***@db.example:5432/zcrm"
    )
    assert database_text("sqlite:////tmp/x/zcrm.sqlite3") == "sqlite:////tmp/x/zcrm.sqlite3"


def test_all_interfaces_require_passwords_on_the_live_consent_page(
    stopper: list[Served], data_dir: Path
) -> None:
    from click.testing import CliRunner

    from tests.api.test_oauth_web import ADMIN, inputs
    from zcrm.cli import main
    from zcrm.http.oauth_web import NOTE_REQUIRED, WRONG_REQUIRED

    server = started(stopper, data_dir, "--host", "0.0.0.0", "--port", "0")
    base = ["--data-dir", str(data_dir), *db_args(data_dir)]
    runner = CliRunner()
    made = runner.invoke(
        main, ["client", "create", "--type", "server", "--redirect-uri", "http://127.0.0.1:9/cb", *base]
    )
    assert made.exit_code == 0, made.output
    client_id = json.loads(made.output)["client_id"]
    url = f"http://127.0.0.1:{server.port}/oauth/v2/auth"
    query = {"response_type": "code", "client_id": client_id, "scope": "ZohoCRM.modules.ALL"}
    with httpx.Client(timeout=30, trust_env=False) as browser:

        def submit(password: str) -> httpx.Response:
            page = browser.get(url, params=query)
            assert page.status_code == 200 and NOTE_REQUIRED in page.text.replace("&#x27;", "'")
            form = {**inputs(page).inputs, "email": ADMIN, "password": password, "action": "accept"}
            return browser.post(url, data=form)

        assert "Enter your password." in submit("").text
        refused = submit("the admin has none")
        assert refused.status_code == 400 and WRONG_REQUIRED in refused.text
        set_pw = runner.invoke(
            main, ["user", "set-password", ADMIN, "--password-stdin", *base], input="s3cret pw\n"
        )
        assert set_pw.exit_code == 0, set_pw.output
        accepted = submit("s3cret pw")
        assert accepted.status_code == 303, accepted.text
        assert accepted.headers["location"].startswith("http://127.0.0.1:9/cb?code=1000.")
