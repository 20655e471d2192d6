"""Delete benchmark: what a record's world (zoho-v5-related.md) costs a delete. Every delete now keeps a recycle-bin
entry and removes the records' notes, attachments, links and tags in its transaction (``service/cascade.py``).

Starts a real ``zcrm serve`` (SQLite, or PostgreSQL with ``--database-url``), inserts ``--records`` Leads in 100s and
``--notes`` notes on Contacts (which the deletes must look through), then deletes the Leads 100 per request over one
keep-alive connection. Prints the median and total time per request, and the notes' insert rate (each note holds a
lookup, ``Parent_Id``, whose search key an insert writes since migration 0017). To compare with code before issue 15, run it
with that code first on ``PYTHONPATH`` (``PYTHONPATH=<old checkout>/src .venv/bin/python bench/bench_delete.py``).

    .venv/bin/python bench/bench_delete.py [--records 2000] [--notes 10000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from _serve import add_server_options, fresh_database, server_args, start_server


def insert(client: httpx.Client, module: str, items: list[dict[str, object]]) -> list[str]:
    ids: list[str] = []
    for start in range(0, len(items), 100):
        response = client.post(f"/crm/v5/{module}", json={"data": items[start : start + 100]})
        assert response.status_code == 201, response.text
        ids += [entry["details"]["id"] for entry in response.json()["data"]]
    return ids


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--notes", type=int, default=10000)
    add_server_options(parser)
    args = parser.parse_args()
    with fresh_database(args.database_url) as database_url, tempfile.TemporaryDirectory() as tmp:
        server, base, token = start_server(Path(tmp) / "data", *server_args(database_url, args.workers))
        try:
            headers = {"Authorization": f"Zoho-oauthtoken {token}"}
            with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
                contacts = insert(client, "Contacts", [{"Last_Name": f"C{i}"} for i in range(50)])
                notes = [
                    {
                        "Note_Content": f"note {i}",
                        "Parent_Id": {"id": contacts[i % 50]},
                        "$se_module": "Contacts",
                    }
                    for i in range(args.notes)
                ]
                began = time.perf_counter()
                insert(client, "Notes", notes)
                inserting = time.perf_counter() - began
                leads = insert(
                    client,
                    "Leads",
                    [{"Last_Name": f"L{i}", "Company": f"Co {i}"} for i in range(args.records)],
                )
                times = []
                for start in range(0, len(leads), 100):
                    ids = ",".join(leads[start : start + 100])
                    began = time.perf_counter()
                    response = client.delete("/crm/v5/Leads", params={"ids": ids})
                    times.append(time.perf_counter() - began)
                    assert response.status_code == 200, response.text
        finally:
            server.terminate()
            server.wait()
    database = "PostgreSQL" if args.database_url else "SQLite"
    median = statistics.median(times) * 1000
    rate = args.records / sum(times)
    print(f"{database}: {args.records} Leads deleted 100 per request with {args.notes} notes in the org")
    print(f"  median {median:.1f} ms per request, {rate:,.0f} records/s")
    if args.notes:  # a lookup each (Parent_Id): what a lookup's search key costs an insert
        print(f"  the notes' inserts: {args.notes / inserting:,.0f} records/s")


if __name__ == "__main__":
    main()
