"""Records benchmark: bulk insert through HTTP versus the raw SQLite insert rate, and list/get latency.

Starts a real ``zcrm serve`` (one worker, SQLite) on a free port, sends 100-record inserts over one keep-alive
connection, then times list and single-record GETs. Prints a table and exits.

    .venv/bin/python bench/bench_records.py [--requests 50]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from _serve import start_server


def lead(i: int) -> dict[str, object]:
    return {
        "Last_Name": f"Bench {i}",
        "First_Name": "Ann",
        "Company": f"Company {i % 97}",
        "Email": f"lead{i}@bench.test",
        "Phone": "+1 555 0100",
        "Lead_Source": "Web Download",
        "Annual_Revenue": 1500.5,
        "No_of_Employees": i % 5000,
        "Description": "x" * 200,
        "Lead_Code": f"code-{i}",
    }


def raw_sqlite_rate(rows: int) -> float:
    """Rows/s for writing the same rows straight into zcrm's own tables (records with their indexes, one unique
    value and one change row each), 100 per transaction, with plain sqlite3: what the database alone costs."""
    from zcrm.store import Database

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "raw.sqlite3"
        Database(f"sqlite:///{path}").migrate()
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        docs = [json.dumps(lead(i)) for i in range(rows)]
        start = time.perf_counter()
        for base in range(0, rows, 100):
            batch = range(base, min(rows, base + 100))
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT INTO records (org_id, id, module_id, parent_id, data, owner_id, created_by, modified_by,"
                " created_time, modified_time, approval_state, lock_state, converted)"
                " VALUES ('o', ?, 'm', NULL, ?, 'u', 'u', 'u', 1, 1, 'approved', NULL, 0)",
                [(f"{i:019d}", docs[i]) for i in batch],
            )
            db.executemany(
                "INSERT INTO unique_values VALUES ('o', 'f', ?, ?)",
                [(f"code-{i}", f"{i:019d}") for i in batch],
            )
            db.executemany(
                "INSERT INTO changes (org_id, id, module_id, record_id, operation, user_id, time, triggers,"
                " changed, before, after) VALUES ('o', ?, 'm', ?, 'insert', 'u', 1, '[]', '{}', NULL, ?)",
                [(f"9{i:018d}", f"{i:019d}", docs[i]) for i in batch],
            )
            db.execute("COMMIT")
        elapsed = time.perf_counter() - start
        db.close()
    return rows / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50, help="100-record insert requests to send")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server, base, token = start_server(Path(tmp))
        try:
            headers = {"Authorization": f"Zoho-oauthtoken {token}"}
            with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
                bodies = [
                    json.dumps({"data": [lead(r * 100 + i) for i in range(100)]})
                    for r in range(args.requests)
                ]
                client.post("/crm/v5/Leads", content=json.dumps({"data": [lead(10**7)]}))  # warm up
                latencies = []
                start = time.perf_counter()
                for body in bodies:
                    t0 = time.perf_counter()
                    response = client.post("/crm/v5/Leads", content=body)
                    latencies.append(time.perf_counter() - t0)
                    assert response.status_code == 201, response.text[:300]
                elapsed = time.perf_counter() - start
                insert_rate = args.requests * 100 / elapsed
                some_id = response.json()["data"][0]["details"]["id"]

                def timed(path: str, params: dict[str, str] | None = None, n: int = 200) -> list[float]:
                    out = []
                    for _ in range(n):
                        t0 = time.perf_counter()
                        r = client.get(path, params=params)
                        out.append(time.perf_counter() - t0)
                        assert r.status_code == 200
                    return out

                org = timed("/crm/v5/org")
                single = timed(f"/crm/v5/Leads/{some_id}")
                listing = timed(
                    "/crm/v5/Leads", {"fields": "Last_Name,Email,Owner,Company", "per_page": "200"}, 50
                )
        finally:
            server.terminate()
            server.wait()
    raw = raw_sqlite_rate(args.requests * 100)

    def ms(values: list[float], q: float) -> str:
        return f"{statistics.quantiles(values, n=100)[int(q) - 1] * 1000:.2f}"

    print(f"{'measure':<48} {'value':>12}")
    print(f"{'bulk insert via HTTP, records/s (100/request)':<48} {insert_rate:>12.0f}")
    print(f"{'raw sqlite3 writes of the same rows, rows/s':<48} {raw:>12.0f}")
    print(f"{'HTTP insert / raw':<48} {insert_rate / raw:>12.1%}")
    print(f"{'100-record insert p50 / p99, ms':<48} {ms(latencies, 50):>6} / {ms(latencies, 99)}")
    print(f"{'GET /org (authenticated no-op) p50 / p99, ms':<48} {ms(org, 50):>6} / {ms(org, 99)}")
    print(f"{'GET one record p50 / p99, ms':<48} {ms(single, 50):>6} / {ms(single, 99)}")
    print(f"{'GET list of 200 (4 fields) p50 / p99, ms':<48} {ms(listing, 50):>6} / {ms(listing, 99)}")


if __name__ == "__main__":
    main()
