"""GET /__zcrm/health: 200 on a migrated database, 503 (and why) when it is behind, unmigrated or unreachable; no
token; not in the request log."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from tests.conftest import Api, sql
from zcrm.store.db import Database, _head


def test_a_fresh_server_is_healthy_without_a_token(api: Api) -> None:
    response = api.client.get("/__zcrm/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["content-type"].startswith("application/json")


def test_health_is_not_in_the_request_log(api: Api) -> None:
    assert api.client.get("/__zcrm/health").status_code == 200
    response = api.get("/__zcrm/requests")
    assert response.status_code == 200
    assert [e["path"] for e in response.json()["requests"] if "health" in e["path"]] == []


def test_a_database_behind_the_head_revision_is_503(api: Api) -> None:
    head = _head()
    sql(api, "UPDATE alembic_version SET version_num = '0016'")
    response = api.client.get("/__zcrm/health")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "reason": "the database is not at this zcrm's revision",
        "revision": "0016",
        "head": head,
    }
    sql(api, "UPDATE alembic_version SET version_num = :head", {"head": head})
    assert api.client.get("/__zcrm/health").status_code == 200


def test_a_database_without_its_alembic_table_is_503(api: Api) -> None:
    sql(api, "DROP TABLE alembic_version")
    response = api.client.get("/__zcrm/health")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "reason": "the database has no schema (not migrated)",
        "revision": None,
        "head": _head(),
    }


def test_an_unreachable_database_is_unhealthy(tmp_path: Path) -> None:
    url = make_url(f"sqlite:///{tmp_path / 'no such dir' / 'zcrm.sqlite3'}")
    db = Database(url.render_as_string())
    try:
        assert db.health() == {"reason": "the database is unreachable", "revision": None, "head": _head()}
    finally:
        db.dispose()
