"""Org lifecycle benchmark: a new org (``POST /__zcrm/orgs``), a reset (``POST /__zcrm/orgs/{id}/reset``) and a
delete (``DELETE /__zcrm/orgs/{id}``) versus an authenticated no-op request (``GET /crm/v5/org``) on the same server,
in the same run.

Starts a real ``zcrm serve`` (SQLite, or PostgreSQL with ``--database-url``) with the standard org; with
``--before-python`` a second one run by another interpreter (e.g. main's ``.venv/bin/python``, whose zcrm is the code
before a change), each on its own data dir (and database), measured in turns so that both see the same load. Each
round sends ``--requests`` no-ops, then creates that many orgs, resets each, deletes each. Prints the p50 of each and
its ratio to the no-op.

    .venv/bin/python bench/bench_orgs.py [--requests 50] [--rounds 3] [--database-url URL]
        [--before-python /work/main/.venv/bin/python]
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import httpx
from _serve import add_server_options, fresh_database, server_args, start_server

OPERATIONS = ("no-op", "new org", "reset", "delete")


def timed(send: Callable[[], httpx.Response], expected: int) -> tuple[float, httpx.Response]:
    t0 = time.perf_counter()
    response = send()
    elapsed = time.perf_counter() - t0
    assert response.status_code == expected, response.text[:300]
    return elapsed, response


def one_round(base: str, token: str, admin_token: str, n: int, out: dict[str, list[float]]) -> None:
    with httpx.Client(base_url=base, timeout=120, trust_env=False) as client:
        user = {"Authorization": f"Zoho-oauthtoken {token}"}
        admin = {"X-ZCRM-Admin-Token": admin_token, "Content-Type": "application/json"}
        for _ in range(n):
            out["no-op"].append(timed(lambda: client.get("/crm/v5/org", headers=user), 200)[0])
        orgs = []
        for _ in range(n):
            elapsed, response = timed(lambda: client.post("/__zcrm/orgs", content=b"{}", headers=admin), 201)
            out["new org"].append(elapsed)
            orgs.append(response.json()["org_id"])
        for org in orgs:
            reset = f"/__zcrm/orgs/{org}/reset"
            out["reset"].append(timed(lambda path=reset: client.post(path, headers=admin), 200)[0])  # type: ignore[misc]
        for org in orgs:
            path = f"/__zcrm/orgs/{org}"
            out["delete"].append(timed(lambda path=path: client.delete(path, headers=admin), 200)[0])  # type: ignore[misc]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--requests", type=int, default=50, help="no-ops, new orgs, resets and deletes per round"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--before-python",
        default=None,
        help="also measure a server run by this interpreter (another checkout's venv), in turns with this one",
    )
    add_server_options(parser)
    args = parser.parse_args()
    pythons = {"this": sys.executable}
    if args.before_python:
        pythons = {"before": args.before_python, **pythons}
    admin_token = secrets.token_hex(32)
    os.environ["ZCRM_ADMIN_TOKEN"] = admin_token  # the servers' admin token
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        servers = {}
        for name, python in pythons.items():
            database_url = stack.enter_context(fresh_database(args.database_url))
            extra = server_args(database_url, args.workers)
            process, base, token = start_server(tmp / name, *extra, python=python)
            stack.callback(process.wait)
            stack.callback(process.terminate)
            servers[name] = (base, token)
        results = {name: {op: [] for op in OPERATIONS} for name in servers}
        for _ in range(args.rounds):
            for name, (base, token) in servers.items():
                one_round(base, token, admin_token, args.requests, results[name])
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{database}, {args.rounds} rounds of {args.requests} each, {args.workers} worker(s)")
    print("| server | " + " | ".join(f"{op} p50 ms" for op in OPERATIONS) + " |")
    print("|---" * (len(OPERATIONS) + 1) + "|")
    for name, measured in results.items():
        noop = statistics.median(measured["no-op"])
        cells = [f"{noop * 1000:.2f}"]
        for op in OPERATIONS[1:]:
            p50 = statistics.median(measured[op])
            cells.append(f"{p50 * 1000:.2f} ({p50 / noop:.1f}x)")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
