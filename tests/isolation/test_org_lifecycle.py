"""Org isolation through the org lifecycle: deleting, resetting or importing into one org leaves every row of the
other org as it was (the two seeded orgs of test_cross_org.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text

from tests.conftest import Api
from tests.isolation.test_cross_org import Org, ShiftedClock, World, dump, reads, second_org, seed
from zcrm.auth.admin import ensure_admin_token
from zcrm.store.snapshots import org_tables


@pytest.fixture
def pair(api: Api) -> World:
    """Two seeded orgs, as test_cross_org.py's ``world``."""
    creds = api.creds
    a = Org("A", api.client, creds.org_id, creds.user_id, creds.access_token, creds.client_id,
            creds.client_secret, creds.refresh_token)  # fmt: skip
    clock = ShiftedClock()
    api.client.app.state.zcrm.clock = clock  # type: ignore[attr-defined]
    b = second_org(api)
    seed(a)
    seed(b)
    return World(a, b, clock)


def admin(pair: World) -> dict[str, str]:
    state = pair.a.client.app.state.zcrm  # type: ignore[attr-defined]
    with state.db.write() as conn:
        return {"X-ZCRM-Admin-Token": ensure_admin_token(conn, state.settings.data_dir)}


def call(pair: World, method: str, path: str, body: Any = None) -> Any:
    content = None if body is None else json.dumps(body)
    response = pair.a.client.request(method, path, content=content, headers=admin(pair))
    assert response.status_code == 200, response.text
    return response.json()


def rows_everywhere(pair: World, org_id: str) -> dict[str, list[tuple[str, ...]]]:
    """Every row of the org in every table that has an org_id (later migrations' too), and its org row."""
    state = pair.a.client.app.state.zcrm  # type: ignore[attr-defined]
    if state.request_log is not None:  # the requests so far are in the log (its thread writes every second)
        state.request_log.flush()
    with state.db.read() as conn:
        out = {}
        for table in org_tables(conn):
            rows = conn.execute(text(f"SELECT * FROM {table} WHERE org_id = :org"), {"org": org_id})
            out[table] = sorted(tuple(str(v) for v in row) for row in rows)
        out["orgs"] = [
            tuple(str(v) for v in row)
            for row in conn.execute(text("SELECT * FROM orgs WHERE id = :o"), {"o": org_id})
        ]
    return out


def test_deleting_an_org_leaves_the_other_untouched(api: Api, pair: World) -> None:
    a_reads = reads(pair.a)  # before the rows: its requests are logged (request_log rows of org A)
    a_before = rows_everywhere(pair, pair.a.org_id)
    assert rows_everywhere(pair, pair.b.org_id)["records"]
    call(pair, "DELETE", f"/__zcrm/orgs/{pair.b.org_id}")
    # every table of the deleted org is empty, its orgs row too
    assert rows_everywhere(pair, pair.b.org_id) == {table: [] for table in a_before}
    assert rows_everywhere(pair, pair.a.org_id) == a_before
    assert reads(pair.a) == a_reads


def test_resetting_an_org_leaves_the_other_untouched(api: Api, pair: World) -> None:
    a_before = dump(pair.a)
    call(pair, "POST", f"/__zcrm/orgs/{pair.b.org_id}/reset")
    assert dump(pair.a) == a_before
    b_after = dump(pair.b, org_row=False)
    assert b_after["records"] == [] and b_after["changes"] == [] and b_after["unique_values"] == []


def test_importing_one_orgs_snapshot_into_the_other_copies_without_touching_it(api: Api, pair: World) -> None:
    a_before, a_reads = dump(pair.a), reads(pair.a)
    snapshot = pair.a.client.get(f"/__zcrm/orgs/{pair.a.org_id}/snapshot", headers=admin(pair)).json()
    call(pair, "POST", f"/__zcrm/orgs/{pair.b.org_id}/snapshot", snapshot)
    assert dump(pair.a) == a_before
    # B now holds A's rows with A's ids, under B's org id
    b_rows = dump(pair.b, org_row=False)
    for table in ("records", "changes", "unique_values", "users", "modules", "fields"):
        assert sorted(r[1:] for r in b_rows[table]) == sorted(r[1:] for r in a_before[table]), table
    assert reads(pair.a) == a_reads
