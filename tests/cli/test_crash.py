"""A server killed with SIGKILL in the middle of a 100-record bulk update: after a restart every record is either
fully old or fully new, and the change log matches the records (each request is one transaction)."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from pathlib import Path

import httpx

from tests.conftest import served, sql


def test_sigkill_during_a_bulk_update_leaves_each_record_old_or_new(tmp_path: Path) -> None:
    data_dir = tmp_path / "crash"
    with served(data_dir) as server:
        base = server.base_url
        headers = {"Authorization": f"Zoho-oauthtoken {server.credentials['access_token']}"}
        body = {
            "data": [
                {"Last_Name": f"Old {i}", "Company": "Before", "Description": "o" * 500} for i in range(100)
            ]
        }
        ids = [
            item["details"]["id"]
            for item in httpx.post(f"{base}/crm/v5/Leads", headers=headers, json=body).json()["data"]
        ]
        outcomes: list[int] = []
        for delay in (0.0, 0.002, 0.005, 0.01, 0.02):  # kill at several points of the request's life
            round_no = len(outcomes)
            update = {
                "data": [
                    {
                        "id": rid,
                        "Last_Name": f"New {round_no} {i}",
                        "Company": f"After {round_no}",
                        "Description": "n" * 500,
                    }
                    for i, rid in enumerate(ids)
                ]
            }

            def send(payload: dict[str, object] = update) -> None:
                with contextlib.suppress(httpx.HTTPError):  # the server may die under the request
                    httpx.put(f"{base}/crm/v5/Leads", headers=headers, json=payload, timeout=10)

            sender = threading.Thread(target=send)
            sender.start()
            time.sleep(delay)
            assert server.process is not None
            os.kill(server.process.pid, signal.SIGKILL)
            server.process.wait(10)
            sender.join(10)
            server.process = None
            server.start()
            records = httpx.get(
                f"{base}/crm/v5/Leads",
                headers=headers,
                params={"fields": "Last_Name,Company", "per_page": "200"},
            ).json()["data"]
            companies = {r["Company"] for r in records}
            assert len(records) == 100 and len(companies) == 1  # all old or all new, never a mix
            (company,) = companies
            for record in records:
                index = ids.index(record["id"])
                expected = f"New {round_no} {index}" if company == f"After {round_no}" else None
                if expected is not None:
                    assert record["Last_Name"] == expected
            updated = company == f"After {round_no}"
            outcomes.append(1 if updated else 0)
            changes = sql(
                server,
                "SELECT COUNT(*) FROM changes WHERE operation = 'update' AND after LIKE :pattern",
                {"pattern": f'%"After {round_no}"%'},
            )
            assert changes == [(100 if updated else 0,)]  # the change log matches the records
            if not updated:  # the records kept the values of an earlier, committed state
                assert company in ("Before", *[f"After {r}" for r in range(round_no)])
