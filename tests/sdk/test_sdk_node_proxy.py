"""Zoho's official Node SDKs configured with Zoho's own US data centre (``USDataCenter.PRODUCTION()``), their own
``RequestProxy`` on zcrm's proxy (``zcrm serve --proxy-port``, docs/proxy.md) and ``NODE_EXTRA_CA_CERTS`` on zcrm's
CA, hosts unchanged, run the flows of test_sdk_node.py against a live server. The SDKs send the token refresh
without their proxy: the process's global agent (global-agent, ``GLOBAL_AGENT_HTTP_PROXY``) takes it through the
proxy to ``accounts.zoho.com`` (docs/official-sdks-node.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import served
from tests.sdk import node_envs
from tests.sdk.node_envs import NODE_SDKS, global_agent, run_flows


@pytest.fixture(scope="module", params=sorted(NODE_SDKS))
def proxied(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp(f"node-proxy-{request.param}")
    data_dir = root / "live-data"
    with served(data_dir, "--proxy-port", "0") as server:
        creds = server.credentials
        proxy = urlsplit(creds["proxy_url"])
        args = {"proxy": {"host": proxy.hostname, "port": proxy.port}}
        report = run_flows(
            request.param,
            data_dir / "credentials.json",
            root / "work",
            args,
            {
                "NODE_EXTRA_CA_CERTS": creds["ca_file"],
                "NODE_OPTIONS": f"--require={global_agent(request.param)}",
                "GLOBAL_AGENT_HTTP_PROXY": creds["proxy_url"],
            },
        )
        headers = {"Authorization": f"Zoho-oauthtoken {creds['access_token']}"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=10) as http:
            _, d2 = report["ids"]["deals"]
            report["plain_d2"] = http.get(
                f"/crm/v8/Deals/{d2}", params={"fields": "Deal_Name,Stage,Amount,Foreign_Languages"}
            )
            report["plain_d1"] = http.get(f"/crm/v8/Deals/{report['ids']['deals'][0]}")
        report["access_token"] = creds["access_token"]
        yield report


def test_the_token_refresh_went_to_zohos_us_accounts_server_through_the_global_agent(
    proxied: dict[str, Any],
) -> None:
    [refresh] = [e for e in proxied["wire"] if e["host"] == "accounts.zoho.com"]
    assert (refresh["method"], refresh["url"], refresh["status"]) == (
        "POST",
        "https://accounts.zoho.com/oauth/v2/token",
        200,
    )
    assert refresh["proxied"] is False  # not by the SDK's RequestProxy: by the process's global agent
    # the proxy's answer: the US data centre's API domain (the plain port would name its base URL)
    assert refresh["response"]["api_domain"] == "https://www.zohoapis.com"
    assert refresh["response"]["access_token"] != proxied["access_token"]


def test_every_api_request_went_through_the_proxy_to_zohos_us_host(proxied: dict[str, Any]) -> None:
    wire = [e for e in proxied["wire"] if e["host"] != "accounts.zoho.com"]
    assert {(e["host"], e["proxied"]) for e in wire} == {("www.zohoapis.com", True)}
    assert all(e["url"].startswith("https://www.zohoapis.com/crm/v8/") for e in wire)
    [token] = {e["authorization"] for e in wire}
    assert token.startswith("Zoho-oauthtoken 1000.") and token != f"Zoho-oauthtoken {proxied['access_token']}"
    refused = [(e["path"], e["status"]) for e in wire if e["status"] >= 400]
    assert refused == [("/crm/v8/Leads/upsert", 400), ("/crm/v8/Leads/search", 400)]


def test_the_flows_went_through_and_the_state_reads_back_over_the_plain_port(proxied: dict[str, Any]) -> None:
    assert [d["message"] for d in proxied["insert"]["data"]] == ["record added"] * 2
    assert [d["message"] for d in proxied["bulk_update"]["data"]] == ["record updated"] * 2
    assert proxied["upsert_update"]["data"][0]["action"] == "update"
    assert proxied["coql"]["info"]["Count"] == 2
    assert proxied["get_deleted"] == {"status_code": 204, "object": None}
    stored = proxied["plain_d2"]
    assert stored.status_code == 200
    assert node_envs.stored(stored) == {**node_envs.QUAY_LOFTS, "id": proxied["ids"]["deals"][1]}
    assert proxied["plain_d1"].status_code == 204
