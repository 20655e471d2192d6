"""The store's lookups by key (records by id, children by parent, unique values by field and value) on the
migrated database (SQLite or PostgreSQL): exact answers, and plans that probe an index per key even on a table
that was just filled and never analysed (PostgreSQL planned a scan of every row of the org there, which made bulk
updates slower the larger the module)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, text

from tests.conftest import make_settings
from zcrm.store import Database
from zcrm.store import records as store

ORG, OTHER = "1000000000000000001", "1000000000000000002"
MODULE, SUB = "2000000000000000001", "2000000000000000002"
CODE, EMAIL = "3000000000000000001", "3000000000000000002"
COUNT = 3000


def _rid(i: int) -> str:
    return f"5{i:018d}"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    settings = make_settings(tmp_path_factory.mktemp("keyed") / "data")
    settings.data_dir.mkdir(parents=True)
    database = Database(settings.effective_database_url)
    database.migrate()
    insert = (
        "INSERT INTO records (org_id, id, module_id, parent_id, data, owner_id, created_by, modified_by,"
        " created_time, modified_time, approval_state, lock_state, converted)"
        " VALUES (:org, :id, :module, :parent, '{}', NULL, 'u', 'u', 1, 1, 'approved', NULL, :converted)"
    )
    rows = [
        {"org": ORG, "id": _rid(i), "module": MODULE, "parent": None, "converted": False}
        for i in range(COUNT)
    ]
    # every tenth record has a subform row; the other org holds the same ids
    rows += [
        {"org": ORG, "id": _rid(COUNT + i), "module": SUB, "parent": _rid(i), "converted": False}
        for i in range(0, COUNT, 10)
    ]
    rows += [
        {"org": OTHER, "id": _rid(i), "module": MODULE, "parent": None, "converted": False} for i in range(50)
    ]
    values = [{"org": ORG, "f": CODE, "v": f"code-{i}", "r": _rid(i)} for i in range(COUNT)]
    values += [{"org": ORG, "f": EMAIL, "v": f"mail-{i}", "r": _rid(i)} for i in range(COUNT)]
    values += [{"org": OTHER, "f": CODE, "v": "code-7", "r": _rid(8)}]
    with database.write() as conn:
        conn.execute(text(insert), rows)
        conn.execute(
            text("INSERT INTO unique_values (org_id, field_id, value, record_id) VALUES (:org, :f, :v, :r)"),
            values,
        )
    yield database
    database.dispose()


def test_fetch_returns_the_org_s_records_among_the_ids(db: Database) -> None:
    with db.read() as conn:
        wanted = [_rid(5), _rid(5), _rid(COUNT - 1), "9999999999999999999", _rid(COUNT)]
        found = store.fetch(conn, ORG, wanted)
        assert sorted(found) == sorted({_rid(5), _rid(COUNT - 1), _rid(COUNT)})
        assert found[_rid(COUNT)].parent_id == _rid(0)
        only_module = store.fetch(conn, ORG, wanted, module_id=MODULE)
        assert sorted(only_module) == sorted({_rid(5), _rid(COUNT - 1)})
        assert store.fetch(conn, ORG, []) == {}
        assert sorted(store.fetch(conn, OTHER, [_rid(5), _rid(60)])) == [_rid(5)]


def test_existing_skips_child_rows(db: Database) -> None:
    with db.read() as conn:
        assert store.existing(conn, ORG, [_rid(1), _rid(COUNT), _rid(1)]) == {_rid(1): MODULE}


def test_children_of_several_parents_in_id_order(db: Database) -> None:
    with db.read() as conn:
        rows = store.children(conn, ORG, [_rid(20), _rid(10), _rid(11), _rid(10)])
        assert [(r.id, r.parent_id) for r in rows] == [
            (_rid(COUNT + 10), _rid(10)),
            (_rid(COUNT + 20), _rid(20)),
        ]


def test_unique_owners_match_whole_keys_only(db: Database) -> None:
    with db.read() as conn:
        keys = [(CODE, "code-3"), (EMAIL, "mail-4"), (CODE, "mail-4"), (EMAIL, "code-3"), (CODE, "code-3")]
        assert store.unique_owners(conn, ORG, keys) == {(CODE, "code-3"): _rid(3), (EMAIL, "mail-4"): _rid(4)}
        assert store.unique_owners(conn, OTHER, [(CODE, "code-7")]) == {(CODE, "code-7"): _rid(8)}
        assert store.unique_owners(conn, ORG, []) == {}


def _plan(conn: Connection, sql: str, params: list[object]) -> str:
    """The plan of a store query (``?`` placeholders), as text."""
    if conn.dialect.name == "postgresql":
        rows = store.query(conn, "EXPLAIN " + sql, params)
    else:
        rows = [(str(row),) for row in store.query(conn, "EXPLAIN QUERY PLAN " + sql, params)]
    return "\n".join(str(row[0]) for row in rows)


def test_lookups_probe_an_index_per_key_without_statistics(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tables were filled above and never analysed: each lookup must still go straight to its keys."""
    plans: list[str] = []
    real_query = store.query

    def explaining(conn: Connection, sql: str, params: list[object]) -> list[tuple[object, ...]]:
        if sql.lstrip().upper().startswith("SELECT"):
            plans.append(_plan(conn, sql, params))
        return real_query(conn, sql, params)

    monkeypatch.setattr(store, "query", explaining)
    with db.read() as conn:
        ids = [_rid(i) for i in range(0, COUNT, 30)]
        store.fetch(conn, ORG, ids, module_id=MODULE)
        store.existing(conn, ORG, ids)
        store.children(conn, ORG, ids)
        store.unique_owners(conn, ORG, [(CODE, f"code-{i}") for i in range(0, COUNT, 30)])
    assert len(plans) == 4
    for plan in plans:
        if db.engine.dialect.name == "postgresql":
            assert "Seq Scan on records" not in plan and "Seq Scan on unique_values" not in plan, plan
            assert "Bitmap" not in plan, plan
            assert "Index Cond" in plan and "k.k0" in plan, plan
        else:
            assert "SCAN records" not in plan and "SCAN unique_values" not in plan, plan
            assert "id=?" in plan or "value=?" in plan, plan
