"""zcrm.testing without pytest's plugin machinery: the live server's start and failure, the in-process app and
its blocking transport, and the official SDK's set-up."""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path

import pytest

from tests.conftest import database_url, make_settings, sql
from zcrm.client import Client
from zcrm.testing import ServerError, ZcrmApp, close_sdk_log, configure_sdk, start_server


def webhook_threads() -> int:
    return sum(1 for t in threading.enumerate() if t.name == "zcrm-webhooks")


def test_in_process_app_runs_its_lifespan_and_answers_through_asgi(tmp_path: Path) -> None:
    before = webhook_threads()
    with ZcrmApp(make_settings(tmp_path / "data")) as app:
        assert webhook_threads() == before + 1  # the lifespan started the webhook deliverer
        assert app.admin_token == (tmp_path / "data" / "admin-token").read_text().strip()
        created = app.http.post(
            "/crm/v5/Leads",
            headers={"Authorization": f"Zoho-oauthtoken {app.credentials.access_token}"},
            content=b'{"data":[{"Last_Name":"Daly","Company":"Zylker"}]}',
        )
        assert created.status_code == 201
        assert created.headers["content-type"] == "application/json;charset=UTF-8"
        assert created.json()["data"][0]["code"] == "SUCCESS"

        other = app.new_org()
        assert other.org_id != app.credentials.org_id
        assert other.client.get_records("Leads", "Last_Name").status_code == 204

        async def listed() -> list[str]:
            async with app.async_client() as client:
                return [r["Last_Name"] async for r in client.iter_records("Leads", "Last_Name")]

        assert asyncio.run(listed()) == ["Daly"]
    assert webhook_threads() == before


def test_in_process_app_with_an_org_of_its_own(tmp_path: Path) -> None:
    org_file = Path(__file__).parents[2] / "examples" / "pytest_project" / "tickets.yaml"
    with ZcrmApp(make_settings(tmp_path / "data", org_file=org_file), own_org=True) as app:
        default_org = app.app.state.credentials.org_id
        own = app.credentials.org_id
        assert own != default_org
        assert app.client.org().body["org"][0]["id"] == own
        modules = [
            m["api_name"] for m in app.client.modules().body["modules"] if m["generated_type"] == "custom"
        ]
        assert modules == ["Tickets"]
    assert sql(tmp_path / "data", "SELECT id FROM orgs") == [(default_org,)]  # close() deleted it


def test_start_server_reports_a_failed_start(tmp_path: Path) -> None:
    with pytest.raises(ServerError) as caught:
        start_server(tmp_path / "data", org_file=tmp_path / "missing.yaml")
    message = str(caught.value)
    assert message.startswith("zcrm serve exited with 2:\n")
    assert "missing.yaml' does not exist" in message


def test_live_server_admin_token_orgs_and_the_official_sdk(tmp_path: Path) -> None:
    pytest.importorskip("zohocrmsdk")
    token = "ab" * 32
    server = start_server(tmp_path / "data", admin_token=token, database_url=database_url(tmp_path / "data"))
    try:
        assert server.admin_token == token
        assert (tmp_path / "data" / "admin-token").read_text().strip() == token
        assert server.base_url == f"http://127.0.0.1:{server.port}"
        with server.client() as client:
            assert client.org().body["org"][0]["id"] == server.credentials.org_id
        creds = server.new_org()

        sdk_logger = logging.getLogger("SDKLogger")
        configure_sdk(creds, tmp_path / "sdk-1")
        configure_sdk(creds, tmp_path / "sdk-2", access_token_only=True)
        handlers = [h for h in sdk_logger.handlers if isinstance(h, logging.FileHandler)]
        assert [Path(h.baseFilename) for h in handlers] == [(tmp_path / "sdk-2" / "sdk.log").resolve()]
        assert "refresh" in (tmp_path / "sdk-1" / "tokens.csv").read_text()  # a token from the token endpoint

        from zohocrmsdk.src.com.zoho.crm.api.org import OrgOperations, ResponseWrapper

        answer = OrgOperations().get_organization().get_object()
        assert isinstance(answer, ResponseWrapper)
        assert [str(org.get_id()) for org in answer.get_org()] == [creds.org_id]
        # each configuration kept its token in its own store (header and one row each)
        stores = [(tmp_path / d / "tokens.csv").read_text().splitlines() for d in ("sdk-1", "sdk-2")]
        assert [len(lines) for lines in stores] == [2, 2]
        assert creds.access_token in stores[1][1]
        close_sdk_log()
        assert not [h for h in sdk_logger.handlers if isinstance(h, logging.FileHandler)]
        with Client(creds.base_url, creds.access_token) as client:
            assert client.get_records("Leads", "Last_Name").status_code == 204
    finally:
        server.stop()
    assert server.process is None
