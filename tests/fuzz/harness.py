"""The fuzz runs' shared parts: a live ``zcrm serve`` with an org to fuzz (records, a read-only user), the checks every
answer must pass, and the checks the server must pass afterwards.

What every answer must pass (``CHECKS``): no 5xx; a body, when there is one, is JSON (HTML only where the document
says so: the OAuth sign-in page; a file's bytes only where the operation's answer documents them: downloads); the status, content type and body conform to ``GET /__zcrm/openapi.json``; a
request the document says is invalid is refused with a 4xx; a request without its token is refused.

How many examples: ``ZCRM_FUZZ_EXAMPLES`` (per operation and generation mode; default ``DEFAULT_EXAMPLES``, the
bounded run of the test suite). ``make fuzz`` runs a long one. Every run is deterministic (``derandomize``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
from hypothesis import HealthCheck, Phase, settings
from schemathesis import Case
from schemathesis.checks import CheckContext, not_a_server_error
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import text

from tests.conftest import LiveServer, effective_database_url
from zcrm.store import Database

DEFAULT_EXAMPLES = 8
EXAMPLES = int(os.environ.get("ZCRM_FUZZ_EXAMPLES", "") or DEFAULT_EXAMPLES)
READ_ONLY_SCOPES = (
    "ZohoCRM.modules.ALL ZohoCRM.settings.ALL ZohoCRM.users.ALL ZohoCRM.org.ALL ZohoCRM.notifications.ALL"
)


def fuzz_settings(examples: int = EXAMPLES) -> settings:
    """Hypothesis settings of every fuzz run: deterministic, no deadline (a live server answers), no example
    database (CI starts clean), and no health checks (the strategies are schemathesis')."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        print_blob=False,
    )


def json_answer(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """A body, when there is one, is JSON; HTML only where the operation documents it (the sign-in page), other
    bytes only where the answer documents them (downloads)."""
    if not response.content:
        return None
    media = (response.headers.get("content-type") or [""])[0]
    documented = case.operation.definition.raw.get("responses", {})
    if media.startswith("text/html") and any(
        "text/html" in r.get("content", {}) for r in documented.values()
    ):
        return None
    answer_types = documented.get(str(response.status_code), {}).get("content", {})
    if not media.startswith("application/json") and any("json" not in m for m in answer_types):
        return None  # a download: the bytes of a file, where the operation documents them
    try:
        orjson.loads(response.content)
    except orjson.JSONDecodeError:
        raise AssertionError(f"the answer is not JSON ({media}): {response.content[:300]!r}") from None
    if not media.startswith("application/json"):
        raise AssertionError(f"a JSON answer with Content-Type {media!r}")
    return True


CHECKS = [
    not_a_server_error,
    json_answer,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]


@dataclass
class Org:
    """The org a fuzz run works on: its server, its administrator's token, and what exists in it."""

    server: LiveServer
    token: str
    org_id: str
    user_id: str
    modules: list[str]
    records: dict[str, list[str]] = field(default_factory=dict)  # module -> record ids
    users: list[str] = field(default_factory=list)  # every user id
    read_only_token: str = ""
    read_only_user: str = ""

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def headers(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Zoho-oauthtoken {token or self.token}"}

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers=self.headers(), timeout=60, trust_env=False)

    def database(self) -> Database:
        return Database(effective_database_url(self.server.data_dir))


def start_server(tmp_path: Path) -> LiveServer:
    data_dir = tmp_path / "fuzz-data"
    data_dir.mkdir()
    server = LiveServer(data_dir, extra_args=("--seed", "12"))  # the same ids on every run
    server.start()
    return server


def prepare_org(server: LiveServer) -> Org:
    """The default org with a few records in its main modules and a read-only user (a profile that may only
    view, every scope on its token)."""
    creds = server.credentials
    org = Org(server, creds["access_token"], creds["org_id"], creds["user_id"], [])
    with org.http() as http:
        modules = http.get("/crm/v5/settings/modules").json()["modules"]
        org.modules = [m["api_name"] for m in modules if m.get("api_supported")]
        for module, record in SEED_RECORDS:
            answer = http.post(f"/crm/v5/{module}", json={"data": [record, record]})
            assert answer.status_code == 201, answer.text
            org.records[module] = [item["details"]["id"] for item in answer.json()["data"]]
        profile = http.post(
            "/__zcrm/profiles", json={"name": "Fuzz Read Only", "permissions": {"*": ["view"]}}
        )
        assert profile.status_code == 201, profile.text
        user = http.post(
            "/__zcrm/users",
            json={"email": "reader@fuzz.test", "last_name": "Reader", "profile": "Fuzz Read Only"},
        )
        assert user.status_code == 201, user.text
        org.read_only_user = user.json()["id"]
        tokens = http.post("/__zcrm/tokens", json={"email": "reader@fuzz.test", "scope": READ_ONLY_SCOPES})
        assert tokens.status_code == 201, tokens.text
        org.read_only_token = tokens.json()["access_token"]
        org.users = [u["id"] for u in http.get("/crm/v5/users").json()["users"]]
    return org


SEED_RECORDS = [
    ("Leads", {"Last_Name": "Fuzz", "Company": "Zylker"}),
    ("Contacts", {"Last_Name": "Fuzz"}),
    ("Accounts", {"Account_Name": "Fuzz Account"}),
    ("Deals", {"Deal_Name": "Fuzz Deal", "Stage": "Qualification", "Closing_Date": "2030-01-31"}),
    ("Products", {"Product_Name": "Fuzz Product"}),
    ("Tasks", {"Subject": "Fuzz Task"}),
]


# -- the server after a run ---------------------------------------------------------------------------------
def org_references(db: Database) -> list[str]:
    """Rows of any table whose ``org_id`` names no org (an org's rows must go with it)."""
    found = []
    with db.read() as conn:
        tables = [
            row[0]
            for row in conn.execute(
                text(
                    "SELECT table_name FROM information_schema.columns WHERE column_name = 'org_id'"
                    " AND table_schema = current_schema()"
                    if conn.dialect.name != "sqlite"
                    else "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p"
                    " WHERE m.type = 'table' AND p.name = 'org_id'"
                )
            )
        ]
        for table in sorted(set(tables)):
            orphans = conn.execute(
                text(f"SELECT COUNT(*) FROM {table} WHERE org_id NOT IN (SELECT id FROM orgs)")
            ).scalar_one()
            if orphans:
                found.append(f"{table}: {orphans} rows of no org")
    return found


def integrity(db: Database) -> list[str]:
    """SQLite's ``PRAGMA integrity_check`` (PostgreSQL: every table is read through), then org references."""
    problems: list[str] = []
    with db.read() as conn:
        if conn.dialect.name == "sqlite":
            result = [row[0] for row in conn.execute(text("PRAGMA integrity_check"))]
            if result != ["ok"]:
                problems += result
        else:
            names = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))
            for (name,) in list(names):
                conn.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
    return problems + org_references(db)


def assert_healthy(org: Org) -> None:
    """The server still runs and answers a normal write and read, its log holds no traceback, and its database
    is intact."""
    assert org.server.process is not None and org.server.process.poll() is None, "zcrm serve exited"
    with org.http() as http:
        answer = http.post("/crm/v5/Leads", json={"data": [{"Last_Name": "After", "Company": "Fuzz"}]})
        assert answer.status_code == 201, answer.text
        record_id = answer.json()["data"][0]["details"]["id"]
        read = http.get(f"/crm/v5/Leads/{record_id}")
        assert read.status_code == 200 and read.json()["data"][0]["Last_Name"] == "After", read.text
    log = server_log(org.server)
    assert "Traceback" not in log, log[-6000:]
    db = org.database()
    try:
        assert integrity(db) == []
    finally:
        db.dispose()


def server_log(server: LiveServer) -> str:
    path = server.log_path
    return path.read_text("utf-8", "replace") if path.exists() else ""


def reset_clock(org: Org) -> None:
    """The org back on the server's clock, through the database: a clock moved past the token's expiry makes the
    token itself useless for ``DELETE /__zcrm/clock``."""
    from zcrm.clock import SERVER
    from zcrm.store import clocks

    db = org.database()
    try:
        with db.write() as conn:
            clocks.write(conn, org.org_id, SERVER)
    finally:
        db.dispose()


def forget_channels(org: Org) -> None:
    """No notification channel stays: their callbacks would go to whatever URL the fuzzer made up."""
    db = org.database()
    try:
        with db.write() as conn:
            conn.execute(text("DELETE FROM notification_channels WHERE org_id = :org"), {"org": org.org_id})
    finally:
        db.dispose()


def pretty(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True, default=str)[:2000]


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
