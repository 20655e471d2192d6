"""A data-integration connector as they are released: plain ``requests`` with Zoho's hosts hard-coded, pointed at
zcrm only by its environment (``HTTPS_PROXY``, ``REQUESTS_CA_BUNDLE``). It refreshes its token with the parameters
in the query string, calls v2 on the bare ``zohoapis.com`` host with a module name in lower case, and follows the
``api_domain`` of the token answer for v8 (issue 16; docs/proxy.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.conftest import LiveServer

CONNECTOR = r"""
import json, sys
import requests

creds = json.loads(sys.argv[1])
token = requests.post(
    "https://accounts.zoho.com/oauth/v2/token",
    params={
        "refresh_token": creds["refresh_token"],
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
        "grant_type": "refresh_token",
    },
    timeout=10,
).json()
headers = {"Authorization": "Zoho-oauthtoken " + token["access_token"]}
made = requests.post(
    "https://zohoapis.com/crm/v2/leads",
    json={"data": [{"Last_Name": "Connector", "Company": "Pipes Ltd"}]},
    headers=headers,
    timeout=10,
)
listed = requests.get(token["api_domain"] + "/crm/v8/Leads", params={"fields": "Last_Name,Company"}, headers=headers, timeout=10)
print(json.dumps({
    "api_domain": token["api_domain"],
    "made": [made.status_code, made.json()],
    "listed": [listed.status_code, listed.json()],
}))
"""


def test_a_connector_with_zohos_hosts_runs_through_the_proxy_unchanged(server: LiveServer) -> None:
    creds = server.credentials
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(HTTPS_PROXY=creds["proxy_url"], REQUESTS_CA_BUNDLE=creds["ca_file"])
    run = subprocess.run(
        [sys.executable, "-c", CONNECTOR, json.dumps(creds)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(creds["ca_file"]).parent,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["api_domain"] == "https://www.zohoapis.com"
    status, body = report["made"]
    assert status == 201
    [entry] = body["data"]
    assert (entry["code"], entry["status"], entry["message"]) == ("SUCCESS", "success", "record added")
    status, body = report["listed"]
    assert status == 200
    assert [(r["Last_Name"], r["Company"], r["id"]) for r in body["data"]] == [
        ("Connector", "Pipes Ltd", entry["details"]["id"])
    ]
    headers = {"Authorization": f"Zoho-oauthtoken {creds['access_token']}"}
    with httpx.Client(base_url=server.base_url, headers=headers, trust_env=False, timeout=10) as plain:
        read = plain.get(f"/crm/v5/Leads/{entry['details']['id']}")
    assert read.status_code == 200
    assert read.json()["data"][0]["Last_Name"] == "Connector"
