"""zcrm's CA is made once per data dir and kept across restarts; ``--proxy-port 0`` writes the port it really bound
on every start; ``--proxy-port`` with several server processes is refused (docs/proxy.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cryptography import x509

from tests.conftest import LiveServer, served
from tests.proxy.tunnels import get, proxy_port, trusting, tunnel


def _served_by(server: LiveServer) -> x509.Certificate:
    """The certificate the proxy in ``credentials.json`` presents for accounts.zoho.com (checked against ca_file),
    after answering a request through it."""
    creds = server.credentials
    sock = tunnel(proxy_port(creds), "accounts.zoho.com:443")
    with trusting(creds["ca_file"]).wrap_socket(sock, server_hostname="accounts.zoho.com") as tls:
        der = tls.getpeercert(binary_form=True)
        answer = get(tls, "accounts.zoho.com", "/crm/v5/org", creds["access_token"])
    assert answer.status_line == "HTTP/1.1 200 OK"
    assert der is not None
    return x509.load_der_x509_certificate(der)


def test_the_ca_is_made_once_and_the_real_proxy_port_is_written_on_every_start(tmp_path: Path) -> None:
    data_dir = tmp_path / "live-data"
    with served(data_dir, "--proxy-port", "0") as server:
        ca_pem = (data_dir / "ca.pem").read_bytes()
        ca_key = (data_dir / "ca-key.pem").read_bytes()
        first = _served_by(server)
        server.stop()
        server.start()
        assert (data_dir / "ca.pem").read_bytes() == ca_pem
        assert (data_dir / "ca-key.pem").read_bytes() == ca_key
        assert (data_dir / "ca-key.pem").stat().st_mode & 0o777 == 0o600
        second = _served_by(server)
        port = proxy_port(server.credentials)
        assert port != 0
        assert server.log_path.read_text().count(f"  proxy:            http://127.0.0.1:{port}  ") >= 1
    ca = x509.load_pem_x509_certificate(ca_pem)
    assert first.issuer == second.issuer == ca.subject


def _serve(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zcrm", "serve", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )


REFUSAL = (
    "Error: --proxy-port (ZCRM_PROXY_PORT) serves in one server process: it cannot be combined with --workers 2"
    " (ZCRM_WORKERS). Use --workers 1 with the proxy (docs/proxy.md).\n"
)


def test_the_proxy_with_several_workers_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "never-made"
    done = _serve(["--port", "0", "--proxy-port", "0", "--workers", "2", "--data-dir", str(data_dir)], {})
    assert done.returncode == 2
    assert done.stderr.endswith(REFUSAL)
    assert done.stdout == ""
    assert not data_dir.exists()


def test_the_proxy_setting_with_several_workers_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "never-made"
    done = _serve(["--port", "0", "--data-dir", str(data_dir)], {"ZCRM_PROXY_PORT": "0", "ZCRM_WORKERS": "2"})
    assert done.returncode == 2
    assert done.stderr.endswith(REFUSAL)
    assert not data_dir.exists()


def test_a_cli_command_on_the_data_dir_keeps_the_running_proxy_in_the_credentials(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tests.conftest import db_args
    from zcrm.cli.main import main

    data_dir = tmp_path / "live-data"
    with served(data_dir, "--proxy-port", "0") as server:
        before = server.credentials
        result = CliRunner().invoke(main, ["token", "grant", "--data-dir", str(data_dir), *db_args(data_dir)])
        assert result.exit_code == 0, result.output
        after = server.credentials
        _served_by(server)  # the proxy in credentials.json still answers
    assert (after["proxy_url"], after["ca_file"]) == (before["proxy_url"], before["ca_file"])
    assert after["base_url"] == before["base_url"]
