"""The official Python SDKs 5.0 to 8.0, each configured with Zoho's own US data centre (``USDataCenter.PRODUCTION()``)
and nothing else changed, run through zcrm's proxy (``zcrm serve --proxy-port``, docs/proxy.md) against a live
server: only ``HTTPS_PROXY`` and ``REQUESTS_CA_BUNDLE`` point them at zcrm. What they wrote is read back over the
plain port. (8.0 also takes its API domain from the token answer's ``api_domain``: ``SDKConfig.update_api_domain``.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import served
from tests.sdk.envs import PYTHON_SDKS, python_of
from tests.sdk.live import in_step, run_driver

DRIVER = Path(__file__).with_name("proxy_driver.py")


@pytest.fixture(scope="module", params=["v5", "v6", "v7", "v8"])
def flow(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    api = str(request.param)
    root = tmp_path_factory.mktemp(f"sdk-proxy-{api}")
    data_dir = root / "live-data"
    with served(data_dir, "--proxy-port", "0") as server:
        creds = server.credentials
        env = {"HTTPS_PROXY": creds["proxy_url"], "REQUESTS_CA_BUNDLE": creds["ca_file"]}
        python = python_of(PYTHON_SDKS[api])
        report = run_driver(DRIVER, data_dir / "credentials.json", root / "work", {}, env, python)
        report["api"] = api
        headers = {"Authorization": f"Zoho-oauthtoken {creds['access_token']}"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=10) as http:
            first, second = report["ids"]
            report["plain_first"] = http.get(f"/crm/v5/Leads/{first}", params={"fields": "Last_Name,Company"})
            report["plain_second"] = http.get(f"/crm/v5/Leads/{second}")
            report["plain_deleted"] = http.get("/crm/v5/Leads/deleted", params={"type": "recycle"})
        return report


def test_every_request_went_to_zohos_own_hosts(flow: dict[str, Any]) -> None:
    assert {(entry["url"], entry["path"].split("/")[1]) for entry in flow["wire"]} == {
        ("https://accounts.zoho.com", "oauth"),
        ("https://www.zohoapis.com", "crm"),
    }
    assert all(entry["status"] < 300 for entry in flow["wire"])


def test_the_token_refresh_answers_zohos_us_api_domain(flow: dict[str, Any]) -> None:
    [refresh] = [entry for entry in flow["wire"] if entry["path"] == "/oauth/v2/token"]
    assert refresh["form"]["grant_type"] == "refresh_token"
    assert refresh["status"] == 200
    body = refresh["response"]
    assert set(body) == {"access_token", "api_domain", "token_type", "expires_in"}
    assert body["api_domain"] == "https://www.zohoapis.com"
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 3600)
    later = [entry["authorization"] for entry in flow["wire"] if entry["path"].startswith("/crm/")]
    assert later and set(later) == {f"Zoho-oauthtoken {body['access_token']}"}


def test_insert_get_update_search_coql_delete_through_the_proxy(flow: dict[str, Any]) -> None:
    first, second = flow["ids"]
    assert [(e["kind"], e["code"], e["status"]) for e in flow["insert"]["data"]] == [
        ("SuccessResponse", "SUCCESS", "success")
    ] * 2
    assert flow["insert"]["status_code"] == 201
    [got] = flow["get"]["records"]
    assert (str(got["id"]), got["values"]["Last_Name"], got["values"]["Company"]) == (
        first,
        "Proxied",
        "Harbour Tunnel Ltd",
    )
    [updated] = flow["update"]["data"]
    assert (updated["code"], updated["message"], updated["details"]["id"]) == (
        "SUCCESS",
        "record updated",
        first,
    )
    assert [str(r["id"]) for r in flow["search"]["records"]] == [first]
    [selected] = flow["coql"]["records"]
    assert (str(selected["id"]), selected["values"]["Company"]) == (first, "Harbour Tunnel Group")
    [deleted] = flow["delete"]["data"]
    assert (deleted["code"], deleted["message"], deleted["details"]) == (
        "SUCCESS",
        "record deleted",
        {"id": second},
    )
    assert [e["path"] for e in in_step(flow, "delete")] == [f"/crm/{flow['api']}/Leads/{second}"]


def test_what_the_sdk_wrote_is_in_the_servers_data(flow: dict[str, Any]) -> None:
    plain = flow["plain_first"]
    assert plain.status_code == 200
    [record] = plain.json()["data"]
    assert (record["id"], record["Last_Name"], record["Company"]) == (
        flow["ids"][0],
        "Proxied",
        "Harbour Tunnel Group",
    )
    assert flow["plain_second"].status_code == 204
    assert flow["ids"][1] in [entry["id"] for entry in flow["plain_deleted"].json()["data"]]
