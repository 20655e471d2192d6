"""Zoho's official Node SDKs configured with Zoho's own US data centre (``USDataCenter.PRODUCTION()``), their own
``RequestProxy`` on zcrm's proxy (``zcrm serve --proxy-port``, docs/proxy.md) and ``NODE_EXTRA_CA_CERTS`` on zcrm's
CA, hosts unchanged, run the flows of test_sdk_node.py against a live server. The SDKs send the token refresh
without their proxy, so the driver gives them the server's access token (docs/official-sdks-node.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import LiveServer
from tests.sdk.node_envs import NODE_SDKS, run_flows


@pytest.fixture(scope="module", params=sorted(NODE_SDKS))
def proxied(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp(f"node-proxy-{request.param}")
    data_dir = root / "live-data"
    data_dir.mkdir()
    server = LiveServer(data_dir, extra_args=("--proxy-port", "0"))
    server.start()
    try:
        creds = server.credentials
        proxy = urlsplit(creds["proxy_url"])
        args = {"proxy": {"host": proxy.hostname, "port": proxy.port}}
        report = run_flows(
            request.param,
            data_dir / "credentials.json",
            root / "work",
            args,
            {"NODE_EXTRA_CA_CERTS": creds["ca_file"]},
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
    finally:
        server.stop()


def test_every_request_went_through_the_proxy_to_zohos_us_host(proxied: dict[str, Any]) -> None:
    wire = proxied["wire"]
    assert {(e["host"], e["proxied"]) for e in wire} == {("www.zohoapis.com", True)}
    assert all(e["url"].startswith("https://www.zohoapis.com/crm/v8/") for e in wire)
    assert {e["authorization"] for e in wire} == {f"Zoho-oauthtoken {proxied['access_token']}"}
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
    assert {k: v for k, v in stored.json()["data"][0].items() if not k.startswith("$")} == {
        "Deal_Name": "Quay Lofts",
        "Stage": "Needs Analysis",
        "Amount": 5000.5,
        "Foreign_Languages": ["Spanish", "Hindi"],
        "id": proxied["ids"]["deals"][1],
    }
    assert proxied["plain_d1"].status_code == 204
