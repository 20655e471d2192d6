"""Search benchmark: do Search Records and COQL answer as fast with 1,000,000 records in a module as with 10,000?

Starts a real ``zcrm serve`` with bench/bench-org.yaml and grows the Prospects module through HTTP inserts (100
records a request, the production write path, so the search keys are written as they always are). At each
checkpoint (10,000 records, then the full size) it times, on the same server and in the same run, ``--requests``
requests of each kind with values drawn at random from the records inserted so far, and reports the p50 in ms and
its ratio to the authenticated no-op (``GET /crm/v5/org``):

- equality on a text (``Last_Name``), an email, a phone and a picklist field (``Lead_Source``: one of three values,
  a third of the module matches, the first page of 200 is returned), and a prefix on text (``Last_Name``);
- a range on a number (``Annual_Revenue``, about 100 records) and on a date (``Last_Contacted``, one day: 100);
- the ``email`` search parameter, and a COQL query ``order by Created_Time desc limit 200`` (``POST
  /crm/v5/coql``: "n/a" while the server has no COQL).

    PYTHONPATH=src .venv/bin/python bench/bench_search.py [--records 1000000] [--small 10000]
        [--requests 50] [--database-url postgresql://...] [--workers N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from _serve import add_server_options, fresh_database, server_args, start_server
from bench_growth import settle

HERE = Path(__file__).parent
MODULE = "/crm/v5/Prospects"
SOURCES = ("Web", "Ads", "Partner")
DAY0 = dt.date(2000, 1, 1)
COQL = "select Last_Name from Prospects where id is not null order by Created_Time desc limit 200"


def prospect(i: int) -> dict[str, Any]:
    """Record ``i``: unique names, emails, phones and revenues; a third of the module per lead source; 100 a day."""
    return {
        "Last_Name": f"P{i}",
        "First_Name": "Ann",
        "Company": f"Co {i % 97}",
        "Email": f"p{i}@bench.test",
        "Phone": f"+1 555 {i:07d}",
        "Lead_Source": SOURCES[i % 3],
        "Annual_Revenue": i * 1.5,
        "Employees": i % 500,
        "Description": "x" * 100,
        "Code": f"c-{i}",
        "Languages": ["English"],
        "Last_Contacted": (DAY0 + dt.timedelta(days=i // 100)).isoformat(),
    }


def grow(client: httpx.Client, count: int, target: int) -> int:
    t0 = time.perf_counter()
    start = count
    while count < target:
        batch = [prospect(i) for i in range(count, min(target, count + 100))]
        response = client.post(MODULE, content=json.dumps({"data": batch}))
        assert response.status_code == 201, response.text[:300]
        count += len(batch)
        if count % 100_000 == 0:
            print(f"  {count:,} records ({(count - start) / (time.perf_counter() - t0):,.0f}/s)", flush=True)
    return count


def search(criteria: Callable[[int], str]) -> Callable[[httpx.Client, int], httpx.Response]:
    def send(client: httpx.Client, i: int) -> httpx.Response:
        return client.get(MODULE + "/search", params={"criteria": criteria(i), "fields": "Last_Name,Email"})

    return send


def coql(client: httpx.Client, i: int) -> httpx.Response:
    return client.post("/crm/v5/coql", content=json.dumps({"select_query": COQL}))


KINDS: list[tuple[str, Callable[[httpx.Client, int], httpx.Response]]] = [
    ("authenticated no-op (GET /org)", lambda client, i: client.get("/crm/v5/org")),
    ("text equals (Last_Name)", search(lambda i: f"(Last_Name:equals:p{i})")),
    ("text starts_with (Last_Name)", search(lambda i: f"(Last_Name:starts_with:P{i // 10 or 1})")),
    ("email equals", search(lambda i: f"(Email:equals:P{i}@Bench.test)")),
    ("phone equals", search(lambda i: f"(Phone:equals:+1 555 {i:07d})")),
    ("picklist equals (a third match)", search(lambda i: f"(Lead_Source:equals:{SOURCES[i % 3]})")),
    ("number between (~100 match)", search(lambda i: f"(Annual_Revenue:between:{i * 1.5},{(i + 99) * 1.5})")),
    (
        "date equals (100 match)",
        search(lambda i: f"(Last_Contacted:equals:{(DAY0 + dt.timedelta(days=i // 100)).isoformat()})"),
    ),
    (
        "email= parameter",
        lambda client, i: client.get(MODULE + "/search", params={"email": f"p{i}@bench.test"}),
    ),
    ("COQL order by Created_Time limit 200", coql),
]


def measure(client: httpx.Client, count: int, requests: int) -> dict[str, float | None]:
    rng = random.Random(count)
    out: dict[str, float | None] = {}
    for label, send in KINDS:
        timings = []
        for _ in range(requests):
            i = rng.randrange(count)
            t0 = time.perf_counter()
            response = send(client, i)
            timings.append(time.perf_counter() - t0)
            if response.status_code == 404 and send is coql:
                break
            assert response.status_code == 200, (label, response.status_code, response.text[:300])
        out[label] = statistics.median(timings) * 1000 if len(timings) == requests else None
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50, help="requests of each kind at each checkpoint")
    add_server_options(parser)
    args = parser.parse_args()
    with fresh_database(args.database_url) as database_url, tempfile.TemporaryDirectory() as tmp:
        extra = server_args(database_url, args.workers)
        server, base, token = start_server(Path(tmp) / "data", "--org", str(HERE / "bench-org.yaml"), *extra)
        try:
            headers = {"Authorization": f"Zoho-oauthtoken {token}"}
            with httpx.Client(base_url=base, headers=headers, timeout=300) as client:
                count = grow(client, 0, args.small)
                settle(database_url)
                small = measure(client, count, args.requests)
                t0 = time.perf_counter()
                count = grow(client, count, args.records)
                insert_rate = (count - args.small) / (time.perf_counter() - t0)
                settle(database_url)
                large = measure(client, count, args.requests)
        finally:
            server.terminate()
            server.wait()

    database = "PostgreSQL" if database_url else "SQLite"
    print(f"{database}, workers: {args.workers}; p50 of {args.requests} requests of each kind")
    print(f"inserts from {args.small:,} to {args.records:,} records: {insert_rate:,.0f} records/s")
    noop_small, noop_large = small[KINDS[0][0]], large[KINDS[0][0]]
    assert noop_small is not None and noop_large is not None
    print(f"{'p50 ms (x no-op)':<40} {args.small:>16,} {args.records:>16,}")
    for label, _ in KINDS:
        cells = []
        for figures, noop in ((small, noop_small), (large, noop_large)):
            value = figures[label]
            cells.append(f"{'n/a':>16}" if value is None else f"{value:>8.2f} ({value / noop:>4.1f}x)")
        print(f"{label:<40} {cells[0]:>16} {cells[1]:>16}")


if __name__ == "__main__":
    main()
