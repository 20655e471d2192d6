"""``zcrm serve --workers N``: several processes share the database, and the guarantees hold across them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import LiveServer, served


def _worker_pids(server: LiveServer) -> list[int]:
    assert server.process is not None
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()
    pids = []
    for child in children:
        cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        if b"spawn_main" in cmdline:  # multiprocessing's worker processes (not its resource tracker)
            pids.append(int(child))
    return pids


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[LiveServer]:
    data_dir = tmp_path / "workers"
    with served(data_dir, "--workers", "2") as server:
        yield server


def test_two_workers_serve_one_database(two_workers: LiveServer) -> None:
    assert len(_worker_pids(two_workers)) == 2
    creds = two_workers.credentials
    headers = {"Authorization": f"Zoho-oauthtoken {creds['access_token']}"}
    created = httpx.post(
        f"{two_workers.base_url}/crm/v5/Leads",
        headers=headers,
        json={"data": [{"Last_Name": "Shared", "Company": "Z"}]},
    )
    assert created.status_code == 201
    lead = created.json()["data"][0]["details"]["id"]
    # a token issued by one process works in every process; a record written by one is read by all
    refreshed = httpx.post(
        creds["accounts_url"],
        data={
            "grant_type": "refresh_token",
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
            "refresh_token": creds["refresh_token"],
        },
    ).json()["access_token"]
    for token in [creds["access_token"], refreshed] * 10:  # new connections, spread over both workers
        response = httpx.get(
            f"{two_workers.base_url}/crm/v5/Leads/{lead}",
            headers={"Authorization": f"Zoho-oauthtoken {token}"},
        )
        assert response.status_code == 200
        assert response.json()["data"][0]["Last_Name"] == "Shared"


def test_unique_values_and_appends_hold_across_workers(two_workers: LiveServer) -> None:
    base = two_workers.base_url
    headers = {"Authorization": f"Zoho-oauthtoken {two_workers.credentials['access_token']}"}
    leads = httpx.post(
        f"{base}/crm/v5/Leads",
        headers=headers,
        json={"data": [{"Last_Name": f"L{i}", "Company": "Z"} for i in range(16)]},
    )
    lead_ids = [item["details"]["id"] for item in leads.json()["data"]]
    deal = httpx.post(
        f"{base}/crm/v5/Deals",
        headers=headers,
        json={
            "data": [
                {
                    "Deal_Name": "D",
                    "Stage": "Qualification",
                    "Closing_Date": "2024-01-01",
                    "Foreign_Languages": ["English"],
                }
            ]
        },
    ).json()["data"][0]["details"]["id"]
    barrier = threading.Barrier(16)
    codes: list[int] = []
    appends: list[int] = []
    lock = threading.Lock()

    def claim(index: int) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            client.get("/crm/v5/org")  # connected before the race
            barrier.wait(timeout=15)
            claimed = client.put(f"/crm/v5/Leads/{lead_ids[index]}", json={"data": [{"Lead_Code": "SAME"}]})
            appended = client.put(
                f"/crm/v5/Deals/{deal}",
                json={
                    "data": [
                        {"Foreign_Languages": [f"Lang{index}"], "$append_values": {"Foreign_Languages": True}}
                    ]
                },
            )
        with lock:
            codes.append(claimed.status_code)
            appends.append(appended.status_code)

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(codes) == [200] + [400] * 15
    assert appends == [200] * 16
    holders = httpx.get(
        f"{base}/crm/v5/Leads", headers=headers, params={"fields": "Lead_Code", "per_page": "200"}
    ).json()["data"]
    assert [r["Lead_Code"] for r in holders].count("SAME") == 1
    languages = httpx.get(f"{base}/crm/v5/Deals/{deal}", headers=headers).json()["data"][0][
        "Foreign_Languages"
    ]
    assert sorted(languages) == sorted(["English", *[f"Lang{i}" for i in range(16)]])


def test_simultaneous_first_starts_share_one_database(tmp_path: Path) -> None:
    """Several hosts starting at once on one empty database: migrations and the default org happen once."""
    import json
    import subprocess
    import sys

    from tests.conftest import make_settings, sql

    first = make_settings(tmp_path / "host-a")
    url = first.effective_database_url
    script = (
        "import json, sys; from pathlib import Path; from zcrm.app import prepare; from zcrm.settings import Settings;"
        "state, creds = prepare(Settings(data_dir=Path(sys.argv[1]), database_url=sys.argv[2]));"
        "print(json.dumps(creds.org_id))"
    )
    hosts = [tmp_path / f"host-{name}" for name in "abcd"]
    for host in hosts:
        host.mkdir(parents=True, exist_ok=True)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(host), url], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for host in hosts
    ]
    outputs = [process.communicate(timeout=60) for process in processes]
    assert [process.returncode for process in processes] == [0] * len(hosts), [
        err[-500:] for _, err in outputs
    ]
    org_ids = {json.loads(out) for out, _ in outputs}
    assert len(org_ids) == 1
    assert sql(first, "SELECT COUNT(*) FROM orgs") == [(1,)]
