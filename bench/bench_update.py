"""Update benchmark: bulk update through HTTP versus the raw database rate for the same rows, and single-record
update latency versus an authenticated no-op request, in the same run.

Starts a real ``zcrm serve`` (SQLite, or PostgreSQL with ``--database-url``; ``--workers`` processes) with
bench/bench-org.yaml, inserts the records, then sends 100-record PUTs (10 fields each, including a unique field and
a ``$append_values`` multi-select append) over ``--clients`` keep-alive connections. After the server stops, the
same rows are written with plain SQL twice: "raw" UPDATEs of the records alone, and "required writes alone",
everything zcrm must write for such an update (records, unique values, change log) with no Python logic at all.
Prints a table and exits.

    .venv/bin/python bench/bench_update.py [--records 10000] [--rounds 3] [--database-url URL --workers 2 --clients 2]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from _serve import add_server_options, fresh_database, server_args, start_server

HERE = Path(__file__).parent


def prospect(i: int) -> dict[str, Any]:
    return {
        "Last_Name": f"P{i}",
        "First_Name": "Ann",
        "Company": f"Co {i % 97}",
        "Email": f"p{i}@bench.test",
        "Phone": "+1 555 0100",
        "Lead_Source": "Web",
        "Annual_Revenue": 10.5,
        "Employees": i % 500,
        "Description": "x" * 100,
        "Code": f"c-{i}",
        "Languages": ["English"],
    }


def change(record_id: str, i: int, round_no: int) -> dict[str, Any]:
    return {
        "id": record_id,
        "Last_Name": f"P{i} r{round_no}",
        "Company": f"Co {round_no}",
        "Email": f"p{i}.{round_no}@bench.test",
        "Phone": f"+1 555 {round_no:04d}",
        "Lead_Source": "Ads",
        "Annual_Revenue": 20.25 + round_no,
        "Employees": round_no,
        "Description": f"round {round_no}",
        "Code": f"c-{i}-{round_no}",
        "Languages": [["French", "German", "Korean"][round_no % 3]],
        "$append_values": {"Languages": True},
    }


class RawDb:
    """A plain DBAPI connection, sqlite3 on a database file or psycopg on a URL, with explicit transactions and
    ``?`` placeholders: the raw measurements run the same statements on either database."""

    def __init__(self, target: str | Path) -> None:
        if isinstance(target, str) and target.startswith("postgresql"):
            import psycopg

            self.conn: Any = psycopg.connect(target, autocommit=True)
            self.mark, self.begin = "%s", "BEGIN"
            self.conn.execute("ANALYZE")  # the best plans for the plain SQL, whatever autovacuum did so far
        else:
            self.conn = sqlite3.connect(target, isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.mark, self.begin = "?", "BEGIN IMMEDIATE"

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        cursor = self.conn.cursor()
        cursor.execute(sql.replace("?", self.mark), params)
        rows = cursor.fetchall() if cursor.description else []
        cursor.close()
        return list(rows)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        cursor = self.conn.cursor()
        cursor.executemany(sql.replace("?", self.mark), rows)
        cursor.close()

    def close(self) -> None:
        self.conn.close()


def raw_update_rate(target: str | Path, ids: list[str], rounds: int) -> float:
    """Rows/s for batch-UPDATEs of the same records' JSON documents by primary key, 100 per transaction, with
    plain sqlite3 (on a copy of the server's database) or psycopg: what the database alone costs."""
    db = RawDb(target)
    org_id = db.execute("SELECT org_id FROM records LIMIT 1")[0][0]
    docs = {rid: json.dumps({**prospect(i), "Layout": "1"}) for i, rid in enumerate(ids)}
    start = time.perf_counter()
    for round_no in range(rounds):
        for base in range(0, len(ids), 100):
            batch = ids[base : base + 100]
            db.execute(db.begin)
            db.executemany(
                "UPDATE records SET data = ?, modified_time = ?, modified_by = modified_by"
                " WHERE org_id = ? AND id = ?",
                [(docs[rid], round_no, org_id, rid) for rid in batch],
            )
            db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.close()
    return len(ids) * rounds / elapsed


# the fields of bench-org.yaml that have search keys (store/keys.py), by the form of their keys
KEYED = {"Last_Name": "text", "First_Name": "text", "Company": "text", "Email": "text", "Phone": "text",
         "Lead_Source": "text", "Code": "text", "Annual_Revenue": "number", "Employees": "number"}  # fmt: skip


def raw_required_rate(
    target: str | Path,
    ids: list[str],
    rounds: int,
    connections: int = 1,
    first_change: int = 10**18,
    tag: str = "",
    keys: bool = False,
) -> float:
    """Rows/s for the writes zcrm cannot skip, as plain SQL with no Python logic: per 100-record transaction,
    read the records and the unique values they will claim, UPDATE the records, replace their unique values, and
    append one change-log row each (the changed fields' old and new values and the record after). The floor under
    any implementation of Update Records on this schema. ``connections`` share the records between them and write
    at the same time; the change-log ids they write start at ``first_change``, the unique values they claim begin
    with ``c-{tag}``. With ``keys``, each round changes the 8 keyed fields ``change()`` changes and also replaces
    their search keys (a key row removed and one added per changed value): the floor under any search index kept
    in the write's transaction."""
    size = -(-len(ids) // connections)
    parts = [(k * size, ids[k * size : (k + 1) * size]) for k in range(connections)]
    work = _plan_keys(target, ids, rounds, tag) if keys else None
    start = time.perf_counter()
    with ThreadPoolExecutor(connections) as pool:
        list(
            pool.map(
                lambda part: _required_writes(target, part[0], part[1], rounds, first_change, tag, work),
                parts,
            )
        )
    return len(ids) * rounds / (time.perf_counter() - start)


def _key_rows(
    org_id: str, module_id: str, rid: str, data: dict[str, Any], postgres: bool
) -> set[tuple[str, tuple[Any, ...]]]:
    """(table, primary key) of a record's search keys (PostgreSQL: decimals as ``Decimal``, since a float parameter
    would compare the numeric keys as float8, past their index)."""
    rows = set()
    for name, form in KEYED.items():
        value = data.get(name)
        if value is not None:
            key = str(value).lower()[:200] if form == "text" else value
            if postgres and isinstance(key, float):
                key = Decimal(repr(key))
            rows.add((f"{form}_keys", (org_id, module_id, name, key, rid)))
    return rows


KeyWork = dict[
    tuple[int, str], tuple[str, list[tuple[str, tuple[Any, ...]]], list[tuple[str, tuple[Any, ...]]]]
]


def _plan_keys(target: str | Path, ids: list[str], rounds: int, tag: str) -> KeyWork:
    """Before the clock starts: for each round and record, its new document (the 8 values ``change()`` changes,
    and its code) and the key rows that go and come, from the records' current values."""
    db = RawDb(target)
    postgres = db.mark == "%s"
    org_id, module_id = db.execute("SELECT org_id, module_id FROM records LIMIT 1")[0]
    marks = ", ".join("?" * len(ids))
    current = {rid: json.loads(data) for rid, data in db.execute(
        f"SELECT id, data FROM records WHERE org_id = ? AND id IN ({marks})", [org_id, *ids]
    )}  # fmt: skip
    db.close()
    work: KeyWork = {}
    for round_no in range(rounds):
        for i, rid in enumerate(ids):
            values = {n: v for n, v in change(rid, i, round_no).items() if n in KEYED}
            new = {**prospect(i), "Layout": "1", **values, "Code": f"c-{tag}{i}-{round_no}"}
            old_keys = _key_rows(org_id, module_id, rid, current[rid], postgres)
            new_keys = _key_rows(org_id, module_id, rid, new, postgres)
            work[(round_no, rid)] = (
                json.dumps(new),
                sorted(old_keys - new_keys),
                sorted(new_keys - old_keys),
            )
            current[rid] = new
    return work


def _replace_keys(
    db: RawDb, gone: list[tuple[str, tuple[Any, ...]]], added: list[tuple[str, tuple[Any, ...]]]
) -> None:
    for table in ("text_keys", "number_keys"):
        db.executemany(
            f"DELETE FROM {table} WHERE org_id = ? AND module_id = ? AND field = ? AND search_key = ?"
            " AND record_id = ?",
            [key for t, key in gone if t == table],
        )
        db.executemany(
            f"INSERT INTO {table} (org_id, module_id, field, search_key, record_id) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",  # on PostgreSQL the other floors ran first and left the keys behind
            [key for t, key in added if t == table],
        )


def _required_writes(
    target: str | Path,
    offset: int,
    ids: list[str],
    rounds: int,
    first_change: int,
    tag: str,
    keys: KeyWork | None = None,
) -> None:
    db = RawDb(target)
    org_id, module_id = db.execute("SELECT org_id, module_id FROM records LIMIT 1")[0]
    field_id = db.execute("SELECT field_id FROM unique_values LIMIT 1")[0][0]
    docs = {rid: json.dumps({**prospect(offset + i), "Layout": "1"}) for i, rid in enumerate(ids)}
    changed = json.dumps(
        {k: [None, v] for k, v in change("1", 0, 0).items() if k not in ("id", "$append_values")}
    )
    sequence = first_change + offset * rounds  # change-log ids of its own, apart from the server's
    for round_no in range(rounds):
        for base in range(0, len(ids), 100):
            batch = ids[base : base + 100]
            codes = [f"c-{tag}{offset + base + k}-{round_no}" for k in range(len(batch))]
            marks = ", ".join("?" * len(batch))
            if keys is not None:  # the keyed values change every round (planned before the clock started)
                for rid in batch:
                    docs[rid] = keys[(round_no, rid)][0]
            db.execute(db.begin)
            db.execute(f"SELECT * FROM records WHERE org_id = ? AND id IN ({marks})", [org_id, *batch])
            if keys is not None:
                _replace_keys(
                    db,
                    [g for rid in batch for g in keys[(round_no, rid)][1]],
                    [a for rid in batch for a in keys[(round_no, rid)][2]],
                )
            db.execute(
                f"SELECT * FROM unique_values WHERE org_id = ? AND field_id = ? AND value IN ({marks})",
                [org_id, field_id, *codes],
            )
            db.executemany(
                "UPDATE records SET data = ?, modified_time = ?, modified_by = modified_by"
                " WHERE org_id = ? AND id = ?",
                [(docs[rid], round_no, org_id, rid) for rid in batch],
            )
            db.executemany(
                "DELETE FROM unique_values WHERE org_id = ? AND field_id = ? AND record_id = ?",
                [(org_id, field_id, rid) for rid in batch],
            )
            db.executemany(
                "INSERT INTO unique_values (org_id, field_id, value, record_id) VALUES (?, ?, ?, ?)",
                [(org_id, field_id, code, rid) for code, rid in zip(codes, batch, strict=True)],
            )
            rows = []
            for rid in batch:
                sequence += 1
                rows.append((org_id, str(sequence), module_id, rid, round_no, changed, docs[rid]))
            db.executemany(
                "INSERT INTO changes (org_id, id, module_id, record_id, operation, user_id, time, triggers,"
                " changed, before, after) VALUES (?, ?, ?, ?, 'update', '1', ?, '[]', ?, NULL, ?)",
                rows,
            )
            db.execute("COMMIT")
    db.close()


def has_keys(target: str | Path) -> bool:
    """Whether the database has the search-key tables (migration 0013)."""
    db = RawDb(target)
    try:
        if isinstance(target, str) and target.startswith("postgresql"):
            return bool(db.execute("SELECT to_regclass('text_keys') IS NOT NULL")[0][0])
        return bool(db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'text_keys'")[0][0])
    finally:
        db.close()


def copy_database(data_dir: Path, tmp: str, name: str) -> Path:
    """A copy of the server's SQLite database, so that each raw measurement starts from the same state."""
    copy = Path(tmp) / f"{name}.sqlite3"
    src = sqlite3.connect(data_dir / "zcrm.sqlite3")
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    return copy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    add_server_options(parser)
    parser.add_argument("--clients", type=int, default=1, help="concurrent connections sending the bulk PUTs")
    args = parser.parse_args()
    with fresh_database(args.database_url) as database_url, tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        extra = server_args(database_url, args.workers)
        server, base, token = start_server(data_dir, "--org", str(HERE / "bench-org.yaml"), *extra)
        try:
            headers = {"Authorization": f"Zoho-oauthtoken {token}"}
            with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
                ids: list[str] = []
                for start in range(0, args.records, 100):
                    body = {"data": [prospect(i) for i in range(start, min(args.records, start + 100))]}
                    response = client.post("/crm/v5/Prospects", content=json.dumps(body))
                    assert response.status_code == 201, response.text[:300]
                    ids += [item["details"]["id"] for item in response.json()["data"]]
                batches = range(0, len(ids), 100)
                # client k owns every k-th batch of records, in every round: clients never touch the same record
                work = [
                    [
                        json.dumps({"data": [change(ids[i], i, r) for i in range(b, min(len(ids), b + 100))]})
                        for r in range(args.rounds)
                        for b in batches[k :: args.clients]
                    ]
                    for k in range(args.clients)
                ]
                bulk_latency: list[float] = []

                def send(bodies: list[str]) -> None:
                    with httpx.Client(base_url=base, headers=headers, timeout=120) as own:
                        for body in bodies:
                            t1 = time.perf_counter()
                            response = own.put("/crm/v5/Prospects", content=body)
                            bulk_latency.append(time.perf_counter() - t1)
                            assert response.status_code == 200, response.text[:300]

                t0 = time.perf_counter()
                with ThreadPoolExecutor(args.clients) as pool:
                    list(pool.map(send, work))
                bulk_rate = len(ids) * args.rounds / (time.perf_counter() - t0)

                def timed(send: Any, n: int = 300) -> list[float]:
                    out = []
                    for k in range(n):
                        t1 = time.perf_counter()
                        r = send(k)
                        out.append(time.perf_counter() - t1)
                        assert r.status_code == 200, r.text[:300]
                    return out

                noop = timed(lambda k: client.get("/crm/v5/org"))
                single = timed(
                    lambda k: client.put(
                        f"/crm/v5/Prospects/{ids[k]}",
                        content=json.dumps({"data": [{"Company": f"single {k}", "Employees": k}]}),
                    )
                )
            server.terminate()
            server.wait()
            if database_url:  # the server's own database, now that it stopped
                raw = raw_update_rate(database_url, ids, args.rounds)
                floor = raw_required_rate(database_url, ids, args.rounds)
                floors = raw_required_rate(database_url, ids, args.rounds, 2, 2 * 10**18)
            else:  # a copy of the server's database for each, so that both start from the same state
                raw = raw_update_rate(copy_database(data_dir, tmp, "raw"), ids, args.rounds)
                floor = raw_required_rate(copy_database(data_dir, tmp, "floor"), ids, args.rounds)
                floors = None
            keyed_target = database_url or copy_database(data_dir, tmp, "keyed")
            keyed_floor = None  # a server from before the search keys has no key tables
            if has_keys(keyed_target):
                keyed_floor = raw_required_rate(keyed_target, ids, args.rounds, 1, 3 * 10**18, "k", True)
        finally:
            if server.poll() is None:
                server.terminate()
                server.wait()

    def ms(values: list[float], q: int) -> float:
        return statistics.quantiles(values, n=100)[q - 1] * 1000

    database = "PostgreSQL" if database_url else "SQLite"
    print(
        f"records in module: {args.records}, rounds: {args.rounds}, {database}, workers: {args.workers},"
        f" clients: {args.clients}"
    )
    print(f"{'measure':<52} {'value':>14}")
    print(f"{'bulk update via HTTP, records/s (100/request)':<52} {bulk_rate:>14.0f}")
    print(f"{'raw batch UPDATE of the same rows, rows/s':<52} {raw:>14.0f}")
    print(f"{'HTTP bulk update / raw':<52} {bulk_rate / raw:>14.1%}")
    print(f"{'required writes alone (plain SQL), rows/s':<52} {floor:>14.0f}")
    print(f"{'required writes alone / raw':<52} {floor / raw:>14.1%}")
    print(f"{'HTTP bulk update / required writes alone':<52} {bulk_rate / floor:>14.1%}")
    if keyed_floor is not None:
        print(f"{'required writes alone with search keys, rows/s':<52} {keyed_floor:>14.0f}")
        print(f"{'  … / required writes alone (the keys, at the floor)':<52} {keyed_floor / floor:>14.1%}")
        print(f"{'HTTP bulk update / required writes with keys':<52} {bulk_rate / keyed_floor:>14.1%}")
    if floors is not None:
        print(f"{'required writes alone, 2 connections at once, rows/s':<52} {floors:>14.0f}")
    print(f"{'100-record PUT p50 / p99, ms':<52} {ms(bulk_latency, 50):>7.2f} / {ms(bulk_latency, 99):.2f}")
    print(f"{'authenticated no-op (GET /org) p50 / p99, ms':<52} {ms(noop, 50):>7.2f} / {ms(noop, 99):.2f}")
    print(f"{'single-record PUT p50 / p99, ms':<52} {ms(single, 50):>7.2f} / {ms(single, 99):.2f}")
    print(f"{'single-record PUT p50 / no-op p50':<52} {ms(single, 50) / ms(noop, 50):>14.2f}")


if __name__ == "__main__":
    main()
