"""zcrm serve's access log (--access-log, ZCRM_ACCESS_LOG) and JSON log lines (--log-format json): a line per
request, never a credential of a query string; off by default."""

from __future__ import annotations

import json
import os
from pathlib import Path
from unittest import mock

import httpx

from tests.conftest import LiveServer, served
from zcrm.http.middleware.access_log import logged_path

SECRETS = ("GRANT-SECRET-1", "REFRESH-SECRET-2", "CLIENT-SECRET-3", "ACCESS-SECRET-4")


def _calls(server: LiveServer) -> None:
    base = server.base_url
    assert httpx.get(f"{base}/__zcrm/health").status_code == 200
    httpx.post(
        f"{base}/oauth/v2/token?grant_type=authorization_code&code={SECRETS[0]}"
        f"&refresh_token={SECRETS[1]}&client_secret={SECRETS[2]}"
    )
    answer = httpx.get(f"{base}/crm/v5/Leads?fields=Last_Name&access_token={SECRETS[3]}")
    assert answer.status_code == 401


def _access_lines(server: LiveServer) -> list[str]:
    return [line for line in server.log_path.read_text().splitlines() if "zcrm.access" in line]


def test_the_access_log_prints_a_line_per_request_and_no_secret(tmp_path: Path) -> None:
    with served(tmp_path / "data", "--access-log") as server:
        _calls(server)
        server.stop()
    waits = _access_lines(server)[:-3]  # the start-up wait's health checks, then the calls
    lines = _access_lines(server)[-3:]
    assert waits and all(" GET /__zcrm/health " in line for line in waits), waits
    assert " GET /__zcrm/health 200 " in lines[0]
    assert " POST /oauth/v2/token " in lines[1] and "?" not in lines[1]
    assert " GET /crm/v5/Leads?fields=Last_Name&access_token=*** 401 " in lines[2]
    text = server.log_path.read_text()
    assert [secret for secret in SECRETS if secret in text] == []


def test_json_lines_parse_and_carry_the_request(tmp_path: Path) -> None:
    environment = {"ZCRM_ACCESS_LOG": "1", "ZCRM_LOG_FORMAT": "json"}
    with mock.patch.dict(os.environ, environment), served(tmp_path / "data") as server:
        _calls(server)
        server.stop()
    lines = [json.loads(line) for line in _access_lines(server)[-3:]]
    assert [(x["method"], x["path"], x["status"]) for x in lines] == [
        ("GET", "/__zcrm/health", 200),
        ("POST", "/oauth/v2/token", lines[1]["status"]),
        ("GET", "/crm/v5/Leads?fields=Last_Name&access_token=***", 401),
    ]
    for line in lines:
        assert set(line) == {"time", "level", "logger", "message", "method", "path", "status", "duration_ms"}
        assert line["level"] == "INFO" and line["logger"] == "zcrm.access"
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
        assert line["time"].endswith("+00:00")


def test_no_access_log_by_default(tmp_path: Path) -> None:
    with served(tmp_path / "data") as server:
        _calls(server)
        server.stop()
    assert _access_lines(server) == []


def test_oauth_paths_lose_their_query_and_others_their_credentials() -> None:
    assert logged_path("/oauth/v2/token", "code=abc&client_id=x") == "/oauth/v2/token"
    assert (
        logged_path("/crm/v5/Leads", "page_token=p&authtoken=t") == "/crm/v5/Leads?page_token=p&authtoken=***"
    )
    assert logged_path("/crm/v5/Leads", "") == "/crm/v5/Leads"
