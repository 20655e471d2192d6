"""Concurrent Update Records calls against a live ``zcrm serve``: no lost update, unique values held once, and row
edits that end in the state of some serial order of the requests (behaviour §2.2, §3.5, §3.7, §3.8, §3.9).

Every race starts ``THREADS`` clients at once on a ``threading.Barrier``, each with its own warmed-up connection, and
waits at most ``DEADLINE`` seconds for them. Half the clients use the bulk form (``PUT /{module}`` with ``id``),
half the path form (``PUT /{module}/{id}``); both go through the same update path.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from tests.conftest import LiveServer

THREADS = 16  # within the Enterprise concurrency limit (20, behaviour §8.2)
DEADLINE = 15.0  # seconds for one race, all threads together
ADMIN_NAME = "Priya Raman"
DEAL = {"Stage": "Qualification", "Closing_Date": "2024-06-30"}


# -- helpers -------------------------------------------------------------------------------------------------------


def client(server: LiveServer) -> httpx.Client:
    token = server.credentials["access_token"]
    return httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Zoho-oauthtoken {token}"}, timeout=10
    )


def insert(server: LiveServer, module: str, *records: dict[str, Any]) -> list[str]:
    with client(server) as http:
        response = http.post(f"/crm/v5/{module}", json={"data": list(records)})
    assert response.status_code == 201, response.text
    return [item["details"]["id"] for item in response.json()["data"]]


def get(server: LiveServer, module: str, record_id: str) -> dict[str, Any]:
    with client(server) as http:
        response = http.get(f"/crm/v5/{module}/{record_id}")
    assert response.status_code == 200, response.text
    [record] = response.json()["data"]
    return dict(record)


def put(http: httpx.Client, module: str, record_id: str, item: dict[str, Any], bulk: bool) -> httpx.Response:
    """One update of one record: the bulk form (id in the item) or the path form."""
    if bulk:
        return http.put(f"/crm/v5/{module}", json={"data": [{"id": record_id, **item}]})
    return http.put(f"/crm/v5/{module}/{record_id}", json={"data": [item]})


def race(server: LiveServer, request: Callable[[httpx.Client, int], httpx.Response]) -> list[httpx.Response]:
    """Runs ``request(client, i)`` for i in 0..THREADS-1, all released at once; returns the responses in i order."""
    clients = [client(server) for _ in range(THREADS)]
    for http in clients:  # open every connection before the start
        assert http.get("/crm/v5/org").status_code == 200
    barrier = threading.Barrier(THREADS, timeout=DEADLINE)
    responses: list[httpx.Response | None] = [None] * THREADS
    failures: list[tuple[int, BaseException]] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            responses[i] = request(clients[i], i)
        except BaseException as exc:  # reported by the test, not lost in the thread
            failures.append((i, exc))

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(THREADS)]
    deadline = time.monotonic() + DEADLINE
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        assert not any(t.is_alive() for t in threads), f"requests still running after {DEADLINE} s"
    finally:
        for http in clients:
            http.close()
    assert failures == []
    return [r for r in responses if r is not None]


def successes(responses: list[httpx.Response], record_ids: list[str]) -> None:
    """Every response is 200 with one SUCCESS entry for its record."""
    for response, record_id in zip(responses, record_ids, strict=True):
        assert response.status_code == 200, response.text
        [item] = response.json()["data"]
        assert (item["code"], item["message"], item["details"]["id"]) == (
            "SUCCESS",
            "record updated",
            record_id,
        )


# -- tests ---------------------------------------------------------------------------------------------------------


def test_concurrent_appends_to_one_multiselect_lose_nothing(live_server: LiveServer) -> None:
    [deal] = insert(live_server, "Deals", {**DEAL, "Deal_Name": "Polyglot", "Foreign_Languages": ["English"]})
    values = [f"Dialect {i:02d}" for i in range(THREADS)]  # outside the pick list: stored as given

    def append(http: httpx.Client, i: int) -> httpx.Response:
        item = {"Foreign_Languages": [values[i]], "$append_values": {"Foreign_Languages": True}}
        return put(http, "Deals", deal, item, bulk=i % 2 == 1)

    successes(race(live_server, append), [deal] * THREADS)
    stored = get(live_server, "Deals", deal)["Foreign_Languages"]
    assert stored[0] == "English"
    assert sorted(stored[1:]) == values  # every append, once each, in commit order
    assert len(stored) == THREADS + 1


def test_one_unique_value_claimed_by_many_records_at_once_goes_to_exactly_one(
    live_server: LiveServer,
) -> None:
    leads = insert(
        live_server,
        "Leads",
        *({"Last_Name": f"Racer {i:02d}", "Company": "Race Ltd"} for i in range(THREADS)),
    )
    code = "RACE-0001"
    with client(live_server) as http:
        [module] = http.get("/crm/v5/settings/modules/Leads").json()["modules"]
    user_id = live_server.credentials["user_id"]

    def claim(http: httpx.Client, i: int) -> httpx.Response:
        return put(http, "Leads", leads[i], {"Lead_Code": code}, bulk=i % 2 == 1)

    responses = race(live_server, claim)
    won = [i for i, r in enumerate(responses) if r.status_code == 200]
    assert len(won) == 1, [(r.status_code, r.text) for r in responses]
    [winner] = [leads[i] for i in won]
    successes([responses[won[0]]], [winner])
    for i, response in enumerate(responses):
        if i in won:
            continue
        assert response.status_code == 400, response.text
        assert response.json() == {
            "data": [
                {
                    "code": "DUPLICATE_DATA",
                    "details": {
                        "api_name": "Lead_Code",
                        "json_path": "$.data[0].Lead_Code",
                        "id": winner,
                        "duplicate_record": {
                            "Owner": {"name": ADMIN_NAME, "id": user_id, "zuid": user_id},
                            "module": {"api_name": "Leads", "id": module["id"]},
                            "id": winner,
                        },
                        "more_records": False,
                    },
                    "message": "duplicate data",
                    "status": "error",
                }
            ]
        }
    with client(live_server) as http:
        listed = http.get(
            "/crm/v5/Leads", params={"fields": "Lead_Code", "ids": ",".join(leads), "per_page": 200}
        )
    assert listed.status_code == 200
    holders = {r["id"]: r["Lead_Code"] for r in listed.json()["data"]}
    assert holders == {lead: code if lead == winner else None for lead in leads}


FIELDS: dict[str, Any] = {
    "First_Name": "Ada",
    "Designation": "Director",
    "Email": "ada@example.com",
    "Phone": "+1 555 0100",
    "Fax": "555-0101",
    "Mobile": "555 0102",
    "Website": "https://example.com",
    "Lead_Source": "Partner",
    "Lead_Status": "Contacted",
    "Industry": "Large Enterprise",
    "No_of_Employees": 250,
    "Annual_Revenue": 1250000.5,
    "Rating": "Active",
    "City": "Chennai",
    "Country": "India",
    "Description": "One field per client",
}


def test_concurrent_updates_of_different_fields_all_land(live_server: LiveServer) -> None:
    assert len(FIELDS) == THREADS
    [lead] = insert(live_server, "Leads", {"Last_Name": "Many", "Company": "Fields Ltd"})
    names = list(FIELDS)

    def set_one(http: httpx.Client, i: int) -> httpx.Response:
        return put(http, "Leads", lead, {names[i]: FIELDS[names[i]]}, bulk=i % 2 == 1)

    successes(race(live_server, set_one), [lead] * THREADS)
    record = get(live_server, "Leads", lead)
    assert {name: record[name] for name in [*FIELDS, "Last_Name", "Company"]} == {
        **FIELDS,
        "Last_Name": "Many",
        "Company": "Fields Ltd",
    }


def test_concurrent_links_to_one_record_are_all_kept_once(live_server: LiveServer) -> None:
    listings = insert(live_server, "Listings", *({"Name": f"Unit {i:02d}"} for i in range(THREADS)))
    [deal] = insert(live_server, "Deals", {**DEAL, "Deal_Name": "Block Purchase"})

    def link(http: httpx.Client, i: int) -> httpx.Response:
        item = {"Listings": [{"Interested_Listings": {"id": listings[i]}}]}
        return put(http, "Deals", deal, item, bulk=i % 2 == 1)

    successes(race(live_server, link), [deal] * THREADS)
    rows = get(live_server, "Deals", deal)["Listings"]
    # Links are additive (§3.8): every serial order of the requests ends with all of them, each once.
    assert sorted(r["Interested_Listings"]["id"] for r in rows) == listings
    assert {r["Interested_Listings"]["name"] for r in rows} == {f"Unit {i:02d}" for i in range(THREADS)}
    assert all(r["Interested_Deals"] == {"name": "Block Purchase", "id": deal} for r in rows)
    assert len({r["id"] for r in rows}) == THREADS


def test_the_same_link_raced_is_made_once_and_the_rest_are_duplicates(live_server: LiveServer) -> None:
    [listing] = insert(live_server, "Listings", {"Name": "Contested Loft"})
    [deal] = insert(live_server, "Deals", {**DEAL, "Deal_Name": "Contest"})

    def link(http: httpx.Client, i: int) -> httpx.Response:
        return put(
            http, "Deals", deal, {"Listings": [{"Interested_Listings": {"id": listing}}]}, bulk=i % 2 == 1
        )

    responses = race(live_server, link)
    [row] = get(live_server, "Deals", deal)["Listings"]
    assert row["Interested_Listings"] == {"name": "Contested Loft", "id": listing}
    # In any serial order the first request links, and every later one finds the link made (§3.8).
    won = [r for r in responses if r.status_code == 200]
    successes(won, [deal])
    for response in responses:
        if response.status_code == 200:
            continue
        assert response.status_code == 400, response.text
        assert response.json() == {
            "data": [
                {
                    "code": "DUPLICATE_LINKING_DATA",
                    "details": {
                        "api_name": "Listings",
                        "json_path": "$.data[0].Listings[0]",
                        "id": row["id"],
                    },
                    "message": "duplicate association",
                    "status": "error",
                }
            ]
        }
    assert len(responses) == THREADS


def test_concurrent_subform_edits_end_in_a_serial_state(live_server: LiveServer) -> None:
    bidders = [{"Competitor_Name": f"Bidder {i:02d}", "Rank": i + 1} for i in range(THREADS)]
    [deal] = insert(live_server, "Deals", {**DEAL, "Deal_Name": "Auction", "Competitors": bidders})
    rows = [r["id"] for r in get(live_server, "Deals", deal)["Competitors"]]
    assert len(rows) == THREADS

    # Each request deletes a different row and mentions no other (a pure deletion, §3.9): in every serial order
    # each one finds its row, so all succeed and no row is left.
    def delete(http: httpx.Client, i: int) -> httpx.Response:
        return put(http, "Deals", deal, {"Competitors": [{"id": rows[i], "_delete": None}]}, bulk=i % 2 == 1)

    successes(race(live_server, delete), [deal] * THREADS)
    assert get(live_server, "Deals", deal)["Competitors"] == []

    # Each request replaces the rows with one new row: every serial order ends with the last request's row alone.
    def replace(http: httpx.Client, i: int) -> httpx.Response:
        item = {"Competitors": [{"Competitor_Name": f"Winner {i:02d}", "Rank": i}]}
        return put(http, "Deals", deal, item, bulk=i % 2 == 1)

    successes(race(live_server, replace), [deal] * THREADS)
    [last] = get(live_server, "Deals", deal)["Competitors"]
    i = int(last["Competitor_Name"].removeprefix("Winner "))
    assert last == {
        "Competitor_Name": f"Winner {i:02d}",
        "Competitor_Price": None,
        "Rank": i,
        "Parent_Id": {"name": "Auction", "id": deal},
        "id": last["id"],
    }
    assert 0 <= i < THREADS
    assert last["id"] not in rows
