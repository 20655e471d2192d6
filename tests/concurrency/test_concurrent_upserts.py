"""Concurrent Upsert Records calls against a live ``zcrm serve`` (zoho-v5-queries.md §4.2): many clients upserting
the same new key at once create one record, never two, whether the key is the system-defined check field (Email,
which is not unique) or a unique field (Lead_Code). The races run as those of test_concurrent_updates.py."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.concurrency.test_concurrent_updates import THREADS, client, race
from tests.conftest import LiveServer


def search(server: LiveServer, criteria: str) -> list[dict[str, Any]]:
    with client(server) as http:
        response = http.get("/crm/v5/Leads/search", params={"criteria": criteria})
    if response.status_code == 204:
        return []
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


@pytest.mark.parametrize(
    ("field", "value", "criteria"),
    [
        ("Email", "racer@upsert.test", "(Email:equals:racer@upsert.test)"),
        ("Lead_Code", "UPSERT-RACE", "(Lead_Code:equals:UPSERT-RACE)"),
    ],
)
def test_many_upserts_of_one_new_key_create_one_record(
    live_server: LiveServer, field: str, value: str, criteria: str
) -> None:
    def upsert(http: httpx.Client, i: int) -> httpx.Response:
        item = {"Last_Name": "Racer", "Company": "Race Ltd", field: value, "Description": f"client {i:02d}"}
        return http.post("/crm/v5/Leads/upsert", json={"data": [item]})

    responses = race(live_server, upsert)
    assert len(responses) == THREADS
    entries = []
    for response in responses:
        assert response.status_code == 200, response.text
        [entry] = response.json()["data"]
        entries.append(entry)
    actions = sorted(e["action"] for e in entries)
    assert actions == ["insert"] + ["update"] * (THREADS - 1), entries
    assert {e["duplicate_field"] for e in entries if e["action"] == "update"} == {field}
    ids = {e["details"]["id"] for e in entries}
    found = search(live_server, criteria)
    assert [r["id"] for r in found] == list(ids)  # one record, the one every client wrote
    [record] = found
    assert record[field] == value and record["Description"].startswith("client ")
