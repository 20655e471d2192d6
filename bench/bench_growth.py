"""Growth benchmark: does zcrm stay as fast with 1,000,000 records in a module as with 10,000?

Starts a real ``zcrm serve`` with bench/bench-org.yaml and grows the Prospects module through HTTP inserts
(100 records a request). At each checkpoint (10,000 records, then the full size) it measures, on the same
server: bulk update throughput (100-record PUTs of records spread over the whole module), list GETs deep into
the module by ``page_token``, and the server's resident memory (all its processes). ``page_token`` reaches
100,000 records at most (Zoho's limit), so the deep walks go that far from each end of the module, sorted by id
ascending and descending. Prints a table and exits.

    .venv/bin/python bench/bench_growth.py [--records 1000000] [--database-url postgresql://...] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from _serve import add_server_options, fresh_database, server_args, start_server
from bench_update import change, prospect, raw_required_rate

HERE = Path(__file__).parent
MODULE = "/crm/v5/Prospects"
PAGE_TOKEN_LIMIT = 100_000  # records reachable with page_token (Zoho's limit)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, in MB (Linux /proc)."""
    total = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
        todo += [int(c) for c in children]
    return total / 1024


def grow(client: httpx.Client, ids: list[str], target: int) -> float:
    """Inserts records until the module holds ``target``; returns the insert rate."""
    start, t0 = len(ids), time.perf_counter()
    while len(ids) < target:
        batch = [prospect(i) for i in range(len(ids), min(target, len(ids) + 100))]
        response = client.post(MODULE, content=json.dumps({"data": batch}))
        assert response.status_code == 201, response.text[:300]
        ids += [item["details"]["id"] for item in response.json()["data"]]
        if len(ids) % 100_000 == 0:
            print(f"  {len(ids):,} records", flush=True)
    return (len(ids) - start) / max(time.perf_counter() - t0, 1e-9)


def sample(ids: list[str], requests: int, round_no: int) -> list[int]:
    """Positions of ``requests`` batches of 100 different records drawn at random from the whole module."""
    rng = random.Random(round_no)
    return [i for _ in range(requests) for i in rng.sample(range(len(ids)), 100)]


def update_rate(
    client: httpx.Client, ids: list[str], requests: int, round_no: int
) -> tuple[float, list[float]]:
    """100-record PUTs of records drawn at random from the whole module; records/s and per-request seconds."""
    picks = sample(ids, requests, round_no)
    bodies = [
        json.dumps({"data": [change(ids[i], i, round_no) for i in picks[k * 100 : (k + 1) * 100]]})
        for k in range(requests)
    ]
    latency = []
    t0 = time.perf_counter()
    for body in bodies:
        t1 = time.perf_counter()
        response = client.put(MODULE, content=body)
        latency.append(time.perf_counter() - t1)
        assert response.status_code == 200, response.text[:300]
    return requests * 100 / (time.perf_counter() - t0), latency


def page_latency(client: httpx.Client, total: int, order: str) -> tuple[float, float, int]:
    """Walks the module with ``page_token`` (200 a page, sorted by id in ``order``) as deep as Zoho allows
    (100,000 records, then PAGINATION_LIMIT_EXCEEDED); p50 ms of the first ten pages and of the last ten, and the
    number of pages."""
    params: dict[str, Any] = {
        "fields": "Last_Name,Code",
        "per_page": 200,
        "sort_by": "id",
        "sort_order": order,
    }
    timings = []
    seen = 0
    while True:
        t1 = time.perf_counter()
        response = client.get(MODULE, params=params)
        elapsed = time.perf_counter() - t1
        if response.status_code == 400 and response.json()["code"] == "PAGINATION_LIMIT_EXCEEDED":
            assert seen == PAGE_TOKEN_LIMIT < total, (seen, total)
            break
        timings.append(elapsed)
        assert response.status_code == 200, response.text[:300]
        body = response.json()
        seen += len(body["data"])
        if not body["info"]["more_records"]:
            assert seen == total, (seen, total)
            break
        params = {**params, "page_token": body["info"]["next_page_token"]}
    return statistics.median(timings[:10]) * 1000, statistics.median(timings[-10:]) * 1000, len(timings)


def settle(database_url: str | None) -> None:
    """On PostgreSQL, does the maintenance a bulk load leaves behind (VACUUM ANALYZE, a checkpoint) before
    measuring, so that the figures are the steady state's and not autovacuum's catch-up on the 2 cores."""
    if database_url is None:
        return
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")


def measure(
    client: httpx.Client, ids: list[str], pid: int, requests: int, round_no: int, target: str | Path
) -> dict[str, float]:
    rate, latency = update_rate(client, ids, requests, round_no)
    # the same number of other random records, written with plain SQL (server idle): what the database alone
    # does at this size
    others = [ids[i] for i in sample(ids, requests, round_no + 100)]
    floor = raw_required_rate(target, others, 1, first_change=(2 + round_no) * 10**18, tag=f"g{round_no}-")
    first, last, pages = page_latency(client, len(ids), "asc")
    end_first, end_last, _ = page_latency(client, len(ids), "desc")
    return {
        "records": len(ids),
        "update": rate,
        "floor": floor,
        "put_p50": statistics.median(latency) * 1000,
        "first_pages": first,
        "last_pages": last,
        "end_first_pages": end_first,
        "end_last_pages": end_last,
        "pages": pages,
        "rss": rss_mb(pid),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200, help="100-record PUTs at each checkpoint")
    add_server_options(parser)
    args = parser.parse_args()
    with fresh_database(args.database_url) as database_url, tempfile.TemporaryDirectory() as tmp:
        extra = server_args(database_url, args.workers)
        server, base, token = start_server(Path(tmp) / "data", "--org", str(HERE / "bench-org.yaml"), *extra)
        try:
            headers = {"Authorization": f"Zoho-oauthtoken {token}"}
            with httpx.Client(base_url=base, headers=headers, timeout=300) as client:
                ids: list[str] = []
                grow(client, ids, args.small)
                settle(database_url)
                target = database_url or Path(tmp) / "data" / "zcrm.sqlite3"
                small = measure(client, ids, server.pid, args.requests, 1, target)
                insert_rate = grow(client, ids, args.records)
                settle(database_url)
                large = measure(client, ids, server.pid, args.requests, 2, target)
        finally:
            server.terminate()
            server.wait()

    database = "PostgreSQL" if database_url else "SQLite"
    print(f"{database}, workers: {args.workers}; {args.requests} PUTs of 100 records at each size")
    print(f"inserts from {args.small:,} to {args.records:,} records: {insert_rate:,.0f} records/s")
    print(f"{'records in module':<40} {small['records']:>12,.0f} {large['records']:>12,.0f} {'ratio':>8}")
    rows = [
        ("bulk update, records/s", "update", "{:>12,.0f}"),
        ("required writes alone (plain SQL), rows/s", "floor", "{:>12,.0f}"),
        ("100-record PUT p50, ms", "put_p50", "{:>12.2f}"),
        ("list by id asc: first 10 pages p50, ms", "first_pages", "{:>12.2f}"),
        ("list by id asc: last 10 pages p50, ms", "last_pages", "{:>12.2f}"),
        ("list by id desc: first 10 pages p50, ms", "end_first_pages", "{:>12.2f}"),
        ("list by id desc: last 10 pages p50, ms", "end_last_pages", "{:>12.2f}"),
        ("pages of 200 walked each way", "pages", "{:>12,.0f}"),
        ("server resident memory, MB", "rss", "{:>12.0f}"),
    ]
    for label, key, fmt in rows:
        ratio = large[key] / small[key] if small[key] else float("nan")
        print(f"{label:<40} {fmt.format(small[key])} {fmt.format(large[key])} {ratio:>8.2f}")


if __name__ == "__main__":
    main()
