"""How a project that integrates with Zoho CRM tests against zcrm (docs/testing-with-zcrm.md).

Run it with zcrm installed:  pytest -n 2 examples/pytest_project   (pytest-xdist; plain `pytest` works too).
Every test that uses ``zcrm_org`` has an org of its own, so the exact counts hold however the tests are spread
over workers.
"""

from __future__ import annotations

import pytest

from zcrm.client import Client
from zcrm.testing import ZcrmApp, ZcrmOrg, ZcrmServer


def insert_leads(client: Client, count: int, prefix: str) -> list[str]:
    """Inserts ``count`` leads, 100 a request (Zoho's limit); returns their ids."""
    ids: list[str] = []
    for start in range(0, count, 100):
        batch = [
            {"Last_Name": f"{prefix} {n}", "Company": "Zylker"} for n in range(start, min(start + 100, count))
        ]
        response = client.insert_records("Leads", batch)
        assert response.status_code == 201, response.body
        ids += [entry["details"]["id"] for entry in response.body["data"]]
    return ids


# -- a live server, an org per test -------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 7, 30, 101])
def test_each_org_sees_only_its_own_records(zcrm_org: ZcrmOrg, count: int) -> None:
    ids = insert_leads(zcrm_org.client, count, "Lead")
    listed = list(zcrm_org.client.iter_records("Leads", ["Last_Name"], per_page=25))
    assert sorted(record["id"] for record in listed) == sorted(ids)
    assert len(listed) == count


def test_update_and_delete_in_a_fresh_org(zcrm_org: ZcrmOrg) -> None:
    client = zcrm_org.client
    first, second, third = insert_leads(client, 3, "Ann")
    bulk = client.update_records(
        "Leads", [{"id": first, "Lead_Status": "Contacted"}, {"id": second, "Lead_Status": "Contacted"}]
    )
    assert bulk.status_code == 200
    assert [entry["code"] for entry in bulk.body["data"]] == ["SUCCESS", "SUCCESS"]
    single = client.update_record("Leads", third, {"First_Name": "Ann"})
    assert single.status_code == 200
    assert client.get_record("Leads", third).body["data"][0]["First_Name"] == "Ann"

    assert client.delete_record("Leads", first).status_code == 200
    remaining = list(client.iter_records("Leads", ["Lead_Status"]))
    assert sorted(r["id"] for r in remaining) == sorted([second, third])
    assert [r["Lead_Status"] for r in remaining if r["id"] == second] == ["Contacted"]


@pytest.mark.zcrm_org_file("tickets.yaml")
def test_an_org_from_an_org_file(zcrm_org: ZcrmOrg) -> None:
    modules = zcrm_org.client.modules().body["modules"]
    assert [m["api_name"] for m in modules if m["generated_type"] == "custom"] == ["Tickets"]
    created = zcrm_org.client.insert_records("Tickets", [{"Subject": "Printer on fire", "Priority": "High"}])
    assert created.status_code == 201
    assert [r["Subject"] for r in zcrm_org.client.iter_records("Tickets", "Subject")] == ["Printer on fire"]


def test_the_server_hands_out_isolated_orgs(zcrm_server: ZcrmServer) -> None:
    first, second = zcrm_server.new_org(), zcrm_server.new_org()
    assert first.org_id != second.org_id
    with zcrm_server.client(first) as one, zcrm_server.client(second) as other:
        insert_leads(one, 2, "Mine")
        assert list(other.iter_records("Leads", "Last_Name")) == []
        assert other.get_records("Leads", "Last_Name").status_code == 204


# -- Zoho's official SDK against the live server -----------------------------------------------------------


def test_the_official_sdk(zcrm_sdk: ZcrmOrg) -> None:
    pytest.importorskip("zohocrmsdk")
    from zohocrmsdk.src.com.zoho.crm.api.record import (
        ActionWrapper,
        BodyWrapper,
        Record,
        RecordOperations,
        SuccessResponse,
    )

    records = []
    for n in range(3):
        record = Record()
        record.add_key_value("Last_Name", f"SDK {n}")
        record.add_key_value("Company", "Zylker")
        records.append(record)
    body = BodyWrapper()
    body.set_data(records)
    answer = RecordOperations().create_records("Leads", body).get_object()
    assert isinstance(answer, ActionWrapper)
    assert all(isinstance(item, SuccessResponse) for item in answer.get_data())

    names = sorted(r["Last_Name"] for r in zcrm_sdk.client.iter_records("Leads", "Last_Name"))
    assert names == ["SDK 0", "SDK 1", "SDK 2"]


# -- the app in-process -----------------------------------------------------------------------------------


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # anyio's pytest plugin (installed with httpx) runs the async test; trio works too


def test_in_process_app(zcrm_app: ZcrmApp) -> None:
    ids = insert_leads(zcrm_app.client, 5, "Local")
    assert zcrm_app.client.get_records("Leads", "Last_Name").body["info"]["count"] == 5
    other = zcrm_app.new_org()
    assert other.client.get_records("Leads", "Last_Name").status_code == 204
    assert zcrm_app.http.get("/crm/v5/org").status_code == 401  # plain httpx, no token
    assert len(ids) == 5


@pytest.mark.anyio
async def test_in_process_app_async(zcrm_app: ZcrmApp) -> None:
    async with zcrm_app.async_client() as client:
        created = await client.insert_records("Leads", [{"Last_Name": "Async", "Company": "Zylker"}])
        assert created.status_code == 201
        names = [record["Last_Name"] async for record in client.iter_records("Leads", "Last_Name")]
    assert names == ["Async"]
