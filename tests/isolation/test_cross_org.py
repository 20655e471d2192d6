"""Org isolation: no route can read, write, count or infer another org's records, users or metadata.

Two orgs built from the same standard definition share one database. Each test seeds both with the same data
(records, subform rows, linking rows, unique values, a change history) and then uses one org's token on the other
org's ids, both ways (A's token on B's ids, B's token on A's ids). Every such request must get exactly the answer
of a well-formed id that exists nowhere (same status, same body apart from the id itself), no answer may carry an
id or a value of the other org, and the other org's rows in every table must be unchanged afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from tests.conftest import Api
from zcrm.auth.tokens import digest
from zcrm.bootstrap import admin_user_id, create_org
from zcrm.clock import Clock

UNKNOWN = "1234567890123456789"  # well-formed, exists in no org
UNKNOWN_2 = "1234567890123456788"
UNKNOWN_CODE = "1000." + "0" * 32 + "." + "0" * 32  # a token of the right shape that was never issued
BAD_ID = "the id given seems to be invalid"
SCOPES = "ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.users.ALL,ZohoCRM.org.ALL"
ID = "@ID"  # where a request template takes the id under test
FAR_PAST = "2000-01-01T00:00:00+00:00"
ORG_TABLES = (
    "records",
    "unique_values",
    "changes",
    "sequences",
    "users",
    "roles",
    "profiles",
    "modules",
    "fields",
    "layouts",
    "oauth_clients",
)
SPARE_MODULES = [  # modules the seed leaves empty, one for each direction
    ("Campaigns", {"Campaign_Name": f"Launch {ID}"}),
    ("Vendors", {"Vendor_Name": f"Supplier {ID}"}),
]
# the fields a simple update of each seeded module sets
UPDATE_FIELD = {
    "Leads": "Last_Name",
    "Accounts": "Account_Name",
    "Listings": "Name",
    "Deals": "Deal_Name",
    "Tasks": "Subject",
}


# -- the two orgs --------------------------------------------------------------------------------------------


@dataclass
class Org:
    """One org as seen through its administrator's token, with what the test seeded in it."""

    name: str
    client: TestClient
    org_id: str
    user_id: str
    access_token: str
    client_id: str
    client_secret: str
    refresh_token: str
    records: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (module, record id)
    rows: dict[str, tuple[str, str, str]] = field(
        default_factory=dict
    )  # key -> (parent module, rows module, id)
    modules: dict[str, str] = field(default_factory=dict)  # api name -> module id
    lead_fields: dict[str, str] = field(default_factory=dict)  # api name -> field id (Leads)
    picklist_ids: list[str] = field(default_factory=list)  # Lead_Status values (Leads)
    layouts: dict[str, list[str]] = field(default_factory=dict)  # module -> layout ids
    users: list[str] = field(default_factory=list)
    profiles: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)

    @property
    def prefix(self) -> str:
        return self.org_id[:7]

    @property
    def marker(self) -> str:
        """A text written into every seeded record of this org and of no other."""
        return f"mark{self.name}q"

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Zoho-oauthtoken {self.access_token}"}

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        content = None if body is None else json.dumps(body)
        return self.client.request(
            method, path, content=content, params=params, headers={**self.auth, **(headers or {})}
        )

    def get(self, path: str, **params: str) -> httpx.Response:
        return self.request("GET", path, params=params or None)

    def insert(self, module: str, record: dict[str, Any]) -> str:
        response = self.request("POST", f"/crm/v5/{module}", {"data": [record]})
        assert response.status_code == 201, response.text
        return str(response.json()["data"][0]["details"]["id"])

    def metadata_ids(self) -> set[str]:
        ids = set(self.modules.values()) | set(self.lead_fields.values()) | set(self.picklist_ids)
        ids |= {i for layout_ids in self.layouts.values() for i in layout_ids}
        return ids | set(self.users) | self.profiles | self.roles

    def data_ids(self) -> set[str]:
        return {rid for _, rid in self.records.values()} | {rid for _, _, rid in self.rows.values()}


def second_org(api: Api) -> Org:
    """Org B: the standard org created again in the same database, with its own client and tokens."""
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    now = state.clock.now()
    with state.db.write() as conn:
        org_b = create_org(conn, None, now)
        user_b = admin_user_id(conn, org_b)
        client = state.oauth.create_client(conn, org_b, user_b, now)
        refresh = state.oauth.issue_refresh_token(conn, client.client_id, org_b, user_b, SCOPES, now)
        access = state.oauth.issue_access_token(
            conn, digest(refresh), client.client_id, org_b, user_b, SCOPES, now
        )
    return Org("B", api.client, org_b, user_b, access, client.client_id, client.client_secret, refresh)


def seed(org: Org) -> None:
    """The same data in every org: its own unique values clash with nothing of another org."""
    mark = org.marker
    lead = org.insert(
        "Leads",
        {"Last_Name": f"Daly {mark}", "Company": "Zylker", "Lead_Code": "LC-1", "Email": "daly@x.test"},
    )
    only = org.insert(
        "Leads", {"Last_Name": f"Only {mark}", "Company": "Zylker", "Lead_Code": f"ONLY-{org.name}"}
    )
    account = org.insert("Accounts", {"Account_Name": f"Acme {mark}"})
    listing = org.insert("Listings", {"Name": f"Sea view {mark}"})
    deal = org.insert(
        "Deals",
        {
            "Deal_Name": f"Deal {mark}",
            "Stage": "Qualification",
            "Closing_Date": "2024-01-01",
            "Account_Name": {"id": account},
            "Competitors": [{"Competitor_Name": f"Rival {mark}"}],
            "Listings": [{"Interested_Listings": {"id": listing}}],
        },
    )
    task = org.insert(
        "Tasks", {"Subject": f"Call {mark}", "What_Id": {"id": account}, "$se_module": "Accounts"}
    )
    updated = org.request("PUT", f"/crm/v5/Leads/{lead}", {"data": [{"Phone": "555"}]})
    assert updated.status_code == 200, updated.text  # a second timeline event
    org.records = {
        "lead": ("Leads", lead),
        "only": ("Leads", only),
        "account": ("Accounts", account),
        "listing": ("Listings", listing),
        "deal": ("Deals", deal),
        "task": ("Tasks", task),
    }
    got = org.get(f"/crm/v5/Deals/{deal}").json()["data"][0]
    org.rows = {
        "competitor": ("Deals", "Deal_Competitors", got["Competitors"][0]["id"]),
        "link": ("Deals", "Deals_X_Listings", got["Listings"][0]["id"]),
    }
    org.modules = {m["api_name"]: m["id"] for m in org.get("/crm/v5/settings/modules").json()["modules"]}
    lead_fields = org.get("/crm/v5/settings/fields", module="Leads").json()["fields"]
    org.lead_fields = {f["api_name"]: f["id"] for f in lead_fields}
    status = next(f for f in lead_fields if f["api_name"] == "Lead_Status")
    org.picklist_ids = [v["id"] for v in status["pick_list_values"]]
    assert org.picklist_ids
    for module in ("Leads", "Deals", "Quotes"):
        found = org.get("/crm/v5/settings/layouts", module=module).json()["layouts"]
        org.layouts[module] = [layout["id"] for layout in found]
    users = org.get("/crm/v5/users", type="AllUsers").json()["users"]
    org.users = [u["id"] for u in users]
    org.profiles = {u["profile"]["id"] for u in users}
    org.roles = {u["role"]["id"] for u in users if u.get("role")}


class ShiftedClock(Clock):
    """The real clock, moved forward by ``offset`` seconds when a test needs a later instant."""

    def __init__(self) -> None:
        self.offset = 0

    def now(self) -> int:
        return super().now() + self.offset


def http_instant(epoch: int) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat()


@dataclass
class World:
    a: Org
    b: Org
    clock: ShiftedClock

    def pairs(self) -> list[tuple[Org, Org]]:
        """(attacker, victim): A's token on B's ids, then B's token on A's ids."""
        return [(self.a, self.b), (self.b, self.a)]


@pytest.fixture
def world(api: Api) -> World:
    creds = api.creds
    a = Org(
        "A",
        api.client,
        creds.org_id,
        creds.user_id,
        creds.access_token,
        creds.client_id,
        creds.client_secret,
        creds.refresh_token,
    )
    clock = ShiftedClock()
    api.client.app.state.zcrm.clock = clock  # type: ignore[attr-defined]
    b = second_org(api)
    seed(a)
    seed(b)
    return World(a, b, clock)


# -- comparing answers ---------------------------------------------------------------------------------------


def fill(template: Any, value: str) -> Any:
    """``template`` with every ``@ID`` replaced by ``value``."""
    if isinstance(template, str):
        return template.replace(ID, value)
    if isinstance(template, list):
        return [fill(item, value) for item in template]
    if isinstance(template, dict):
        return {key: fill(item, value) for key, item in template.items()}
    return template


def shape(response: httpx.Response, sent: str) -> tuple[int, str | None, Any]:
    """Status, content type and body, with the id the request named replaced by a placeholder."""
    body = response.text.replace(sent, "<ID>")
    return response.status_code, response.headers.get("content-type"), json.loads(body) if body else None


def assert_no_leak(response: httpx.Response, victim: Org, sent: tuple[str, ...] = ()) -> None:
    """The answer names no id of the victim org (other than ids the request itself sent) and none of its values."""
    body = response.text
    for value in sent:
        body = body.replace(value, "<SENT>")
    leaked = re.findall(rf"(?<!\d){victim.prefix}\d{{12}}(?!\d)", body)
    assert not leaked, (
        f"{victim.name}'s ids {leaked} in {response.request.method} {response.request.url}: {body}"
    )
    assert victim.marker not in body, f"{victim.name}'s data in {response.request.url}: {body}"


def like_unknown(
    attacker: Org,
    victim: Org,
    method: str,
    path: str,
    foreign: str,
    body: Any = None,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """Sends the request with the victim's ``foreign`` id and with an unknown id; the answers must match."""
    got = attacker.request(method, fill(path, foreign), fill(body, foreign), fill(params, foreign), headers)
    expected = attacker.request(
        method, fill(path, UNKNOWN), fill(body, UNKNOWN), fill(params, UNKNOWN), headers
    )
    assert shape(got, foreign) == shape(expected, UNKNOWN), (
        f"{attacker.name}'s token, {method} {path} with {victim.name}'s id {foreign}: "
        f"got {got.status_code} {got.text!r}, an unknown id gets {expected.status_code} {expected.text!r}"
    )
    assert_no_leak(got, victim, (foreign,))
    return got


def dump(org: Org, *, org_row: bool = True) -> dict[str, Any]:
    """Every row the org owns, table by table, and its org row (whose id counter a caller's own failed writes
    may advance: the attacker's is left out)."""
    state = org.client.app.state.zcrm  # type: ignore[attr-defined]
    out: dict[str, Any] = {}
    with state.db.read() as conn:
        for table in ORG_TABLES:
            rows = conn.execute(text(f"SELECT * FROM {table} WHERE org_id = :org"), {"org": org.org_id})
            out[table] = sorted(tuple(str(v) for v in row) for row in rows)
        if not org_row:
            return out
        out["orgs"] = [
            tuple(str(v) for v in row)
            for row in conn.execute(text("SELECT * FROM orgs WHERE id = :org"), {"org": org.org_id})
        ]
    return out


def reads(org: Org) -> dict[str, Any]:
    """What the org's own token reads of its seeded records, their timelines and lists."""
    out: dict[str, Any] = {}
    for key, (module, rid) in org.records.items():
        out[key] = org.get(f"/crm/v5/{module}/{rid}").json()
        out[f"{key} timeline"] = org.get(f"/crm/v5/{module}/{rid}/__timeline").json()
    for module in {m for m, _ in org.records.values()}:
        listed = org.get(f"/crm/v5/{module}", fields="id,Modified_Time", approved="both")
        out[f"{module} list"] = listed.json()
    return out


def foreign_targets(victim: Org) -> list[tuple[str, str]]:
    """(module, id) of every record and row of the victim: records under their module, rows under both the
    parent's module and the rows module, and a record under a module it does not belong to."""
    targets = list(victim.records.values())
    for parent, rows_module, rid in victim.rows.values():
        targets += [(parent, rid), (rows_module, rid)]
    targets.append(("Accounts", victim.records["lead"][1]))
    return targets


# -- ids -----------------------------------------------------------------------------------------------------


def test_org_ids_differ_and_every_id_carries_its_orgs_prefix(world: World) -> None:
    a, b = world.a, world.b
    assert a.org_id != b.org_id and a.prefix != b.prefix
    assert a.get("/crm/v5/org").json()["org"][0]["id"] == a.org_id
    assert b.get("/crm/v5/org").json()["org"][0]["id"] == b.org_id
    for org in (a, b):
        assert re.fullmatch(r"\d{7}0{12}", org.org_id)
        for value in org.data_ids() | org.metadata_ids():
            assert re.fullmatch(r"\d{19}", value) and value.startswith(org.prefix), (org.name, value)
    assert not (a.data_ids() | a.metadata_ids()) & (b.data_ids() | b.metadata_ids())
    # the same standard definition gives both orgs the same modules, fields and users, under their own ids
    assert a.modules.keys() == b.modules.keys()
    assert a.lead_fields.keys() == b.lead_fields.keys()
    assert len(a.users) == len(b.users)


# -- record routes -------------------------------------------------------------------------------------------


def test_get_one_and_timeline_of_foreign_ids_read_like_unknown_ids(world: World) -> None:
    for attacker, victim in world.pairs():
        _get_one_and_timeline_of_foreign_ids_read_like_unknown_ids(attacker, victim)


def _get_one_and_timeline_of_foreign_ids_read_like_unknown_ids(attacker: Org, victim: Org) -> None:
    before = dump(victim)
    for module, rid in foreign_targets(victim):
        got = like_unknown(attacker, victim, "GET", f"/crm/v5/{module}/{ID}", rid)
        like_unknown(attacker, victim, "GET", f"/crm/v5/{module}/{ID}", rid, params={"fields": "id,Owner"})
        like_unknown(attacker, victim, "GET", f"/crm/v5/{module}/{ID}/__timeline", rid)
        like_unknown(
            attacker, victim, "GET", f"/crm/v5/{module}/{ID}/__timeline", rid, params={"per_page": "1"}
        )
        if module in UPDATE_FIELD:
            assert got.status_code == 204 and got.content == b"", (module, got.text)
    # the victim's module ids are no module names
    like_unknown(attacker, victim, "GET", f"/crm/v5/{ID}", victim.modules["Leads"], params={"fields": "id"})
    like_unknown(
        attacker, victim, "GET", f"/crm/v5/{ID}/{victim.records['lead'][1]}", victim.modules["Leads"]
    )
    assert dump(victim) == before


def test_lists_and_counts_hold_only_the_orgs_own_records(world: World) -> None:
    for attacker, victim in world.pairs():
        _lists_and_counts_hold_only_the_orgs_own_records(attacker, victim, world.clock)


def _lists_and_counts_hold_only_the_orgs_own_records(attacker: Org, victim: Org, clock: ShiftedClock) -> None:
    for module in sorted({m for m, _ in attacker.records.values()}):
        listed = attacker.get(
            f"/crm/v5/{module}", fields="id,Owner,Created_By", approved="both", converted="both"
        )
        assert listed.status_code == 200, listed.text
        assert_no_leak(listed, victim)
        own = {rid for m, rid in attacker.records.values() if m == module}
        assert {r["id"] for r in listed.json()["data"]} == own
        assert listed.json()["info"]["count"] == len(own)
        assert listed.json()["info"]["more_records"] is False
    victim_lead = victim.records["lead"][1]
    # ids= naming the victim's records selects nothing, alone or next to the attacker's own
    alone = like_unknown(
        attacker, victim, "GET", "/crm/v5/Leads", victim_lead, params={"fields": "id", "ids": ID}
    )
    assert alone.status_code == 204 and alone.content == b""
    own_lead = attacker.records["lead"][1]
    mixed = like_unknown(
        attacker,
        victim,
        "GET",
        "/crm/v5/Leads",
        victim_lead,
        params={"fields": "id", "ids": f"{ID},{own_lead}"},
    )
    assert [r["id"] for r in mixed.json()["data"]] == [own_lead]
    # a module with records in the victim org only: empty for the attacker, before and after the victim writes
    used = {m for org in (attacker, victim) for m, _ in org.records.values()}
    spare, values = next((m, v) for m, v in SPARE_MODULES if m not in used)
    ims = {"If-Modified-Since": FAR_PAST}
    empty = attacker.get(f"/crm/v5/{spare}", fields="id")
    empty_since = attacker.request("GET", f"/crm/v5/{spare}", params={"fields": "id"}, headers=ims)
    victim.records[spare] = (spare, victim.insert(spare, fill(values, victim.marker)))
    assert victim.get(f"/crm/v5/{spare}", fields="id").status_code == 200
    after = attacker.get(f"/crm/v5/{spare}", fields="id")
    after_since = attacker.request("GET", f"/crm/v5/{spare}", params={"fields": "id"}, headers=ims)
    assert (after.status_code, after.content) == (empty.status_code, empty.content) == (204, b"")
    assert (after_since.status_code, after_since.content) == (empty_since.status_code, empty_since.content)
    # If-Modified-Since: the victim's later write does not make the attacker's unchanged module "modified"
    clock.offset += 100
    since = {"If-Modified-Since": http_instant(clock.now() - 1)}
    victim.records[f"late {spare}"] = (
        "Leads",
        victim.insert("Leads", {"Last_Name": f"Late {victim.marker}", "Company": "Zylker"}),
    )
    seen_by_victim = victim.request("GET", "/crm/v5/Leads", params={"fields": "id"}, headers=since)
    assert [r["id"] for r in seen_by_victim.json()["data"]] == [victim.records[f"late {spare}"][1]]
    unchanged = attacker.request("GET", "/crm/v5/Leads", params={"fields": "id"}, headers=since)
    assert (unchanged.status_code, unchanged.content) == (304, b""), unchanged.text


def test_page_tokens_of_another_org_read_like_forged_tokens(world: World) -> None:
    for attacker, victim in world.pairs():
        _page_tokens_of_another_org_read_like_forged_tokens(attacker, victim)


def _page_tokens_of_another_org_read_like_forged_tokens(attacker: Org, victim: Org) -> None:
    params = {"fields": "id", "per_page": "1"}
    first = victim.get("/crm/v5/Leads", **params).json()
    token = first["info"]["next_page_token"]
    assert token
    forged = token[:-4] + ("0000" if not token.endswith("0000") else "1111")
    got = attacker.get("/crm/v5/Leads", **params, page_token=token)
    expected = attacker.get("/crm/v5/Leads", **params, page_token=forged)
    assert shape(got, token) == shape(expected, forged), (got.text, expected.text)
    assert_no_leak(got, victim, (token,))
    # timeline page tokens too
    lead = victim.records["lead"][1]
    own_lead = attacker.records["lead"][1]
    victim_tl = victim.get(f"/crm/v5/Leads/{lead}/__timeline", per_page="1").json()
    tl_token = victim_tl["info"]["next_page_token"]
    assert tl_token
    tl_forged = tl_token[:-4] + ("0000" if not tl_token.endswith("0000") else "1111")
    for record in (lead, own_lead):
        got = attacker.get(f"/crm/v5/Leads/{record}/__timeline", page_token=tl_token)
        expected = attacker.get(f"/crm/v5/Leads/{record}/__timeline", page_token=tl_forged)
        assert shape(got, tl_token) == shape(expected, tl_forged), (record, got.text, expected.text)
        assert_no_leak(got, victim, (tl_token, lead))


def test_updates_of_foreign_ids_change_nothing(world: World) -> None:
    for attacker, victim in world.pairs():
        _updates_of_foreign_ids_change_nothing(attacker, victim)


def _updates_of_foreign_ids_change_nothing(attacker: Org, victim: Org) -> None:
    before, seen = dump(victim), reads(victim)
    own_before = dump(attacker, org_row=False)
    for module, rid in foreign_targets(victim):
        name = UPDATE_FIELD.get(module, "Name")
        item = {name: "Hijacked"}
        path_form = like_unknown(attacker, victim, "PUT", f"/crm/v5/{module}/{ID}", rid, {"data": [item]})
        bulk = like_unknown(attacker, victim, "PUT", f"/crm/v5/{module}", rid, {"data": [{"id": ID, **item}]})
        if module in UPDATE_FIELD:
            assert path_form.json()["data"][0]["message"] == BAD_ID, path_form.text
            assert bulk.json()["data"][0]["message"] == BAD_ID, bulk.text
    # unique values, states and headers do not make a foreign record answer differently
    lead = victim.records["lead"][1]
    like_unknown(attacker, victim, "PUT", "/crm/v5/Leads", lead, {"data": [{"id": ID, "Lead_Code": "LC-1"}]})
    like_unknown(
        attacker,
        victim,
        "PUT",
        f"/crm/v5/Leads/{ID}",
        lead,
        {"data": [{"Last_Name": "x"}]},
        headers={"If-Unmodified-Since": FAR_PAST},
    )
    like_unknown(
        attacker,
        victim,
        "PUT",
        "/crm/v5/Deals",
        victim.records["deal"][1],
        {"data": [{"id": ID, "Competitors": None, "Listings": None}]},
    )
    assert dump(victim) == before
    assert reads(victim) == seen
    assert dump(attacker, org_row=False) == own_before


def names_row_id(item: dict[str, Any]) -> bool:
    return any(isinstance(v, list) and any("id" in row for row in v) for v in item.values())


def test_references_to_foreign_ids_are_invalid_ids(world: World) -> None:
    for attacker, victim in world.pairs():
        _references_to_foreign_ids_are_invalid_ids(attacker, victim)


def _references_to_foreign_ids_are_invalid_ids(attacker: Org, victim: Org) -> None:
    before, seen = dump(victim), reads(victim)
    own_before = dump(attacker, org_row=False)
    deal = attacker.records["deal"][1]
    own_lead = attacker.records["lead"][1]
    new_deal = {"Deal_Name": "New", "Stage": "Qualification", "Closing_Date": "2024-01-01"}
    v = victim
    cases: list[tuple[str, str, dict[str, Any], str]] = [
        # (module, foreign id, item, api_name expected in the error)
        ("Deals", v.records["account"][1], {"Account_Name": {"id": ID}}, "Account_Name"),
        ("Deals", v.records["lead"][1], {"Contact_Name": {"id": ID}}, "Contact_Name"),
        (
            "Deals",
            v.records["listing"][1],
            {"Listings": [{"Interested_Listings": {"id": ID}}]},
            "Interested_Listings",
        ),
        ("Deals", v.rows["competitor"][2], {"Competitors": [{"id": ID, "Competitor_Name": "x"}]}, "id"),
        ("Deals", v.rows["link"][2], {"Listings": [{"id": ID, "_delete": None}]}, "id"),
        ("Deals", v.rows["link"][2], {"Listings": [{"id": ID, "Interested_Listings": {"id": ID}}]}, "id"),
        ("Deals", v.user_id, {"Owner": {"id": ID}}, "Owner"),
        ("Tasks", v.records["account"][1], {"What_Id": {"id": ID}, "$se_module": "Accounts"}, "What_Id"),
        ("Tasks", v.records["lead"][1], {"Who_Id": {"id": ID}}, "Who_Id"),
        ("Leads", v.user_id, {"Owner": {"id": ID}}, "Owner"),
        ("Leads", v.layouts["Leads"][0], {"Layout": {"id": ID}}, "Layout"),
    ]
    for user in v.users:
        cases.append(("Leads", user, {"Owner": {"id": ID}}, "Owner"))
    for module, foreign, item, api_name in cases:
        target = {"Deals": deal, "Tasks": attacker.records["task"][1], "Leads": own_lead}[module]
        base = {
            "Deals": new_deal,
            "Tasks": {"Subject": "New"},
            "Leads": {"Last_Name": "New", "Company": "Zylker"},
        }[module]
        where = f"{module} {item}"
        updated = like_unknown(
            attacker, victim, "PUT", f"/crm/v5/{module}", foreign, {"data": [{"id": target, **item}]}
        )
        entry = updated.json()["data"][0]
        assert entry["status"] == "error" and entry["message"] == BAD_ID, (where, updated.text)
        assert entry["details"]["api_name"] == api_name, (where, updated.text)
        path_form = like_unknown(
            attacker, victim, "PUT", f"/crm/v5/{module}/{target}", foreign, {"data": [item]}
        )
        assert path_form.json()["data"][0]["message"] == BAD_ID, (where, path_form.text)
        if names_row_id(item):
            continue  # row ids name existing rows, which a new record does not have
        inserted = like_unknown(
            attacker, victim, "POST", f"/crm/v5/{module}", foreign, {"data": [{**base, **item}]}
        )
        entry = inserted.json()["data"][0]
        assert entry["status"] == "error" and entry["message"] == BAD_ID, (where, inserted.text)
    assert dump(victim) == before
    assert reads(victim) == seen
    assert dump(attacker, org_row=False) == own_before


def test_deletes_of_foreign_ids_delete_nothing(world: World) -> None:
    for attacker, victim in world.pairs():
        _deletes_of_foreign_ids_delete_nothing(attacker, victim)


def _deletes_of_foreign_ids_delete_nothing(attacker: Org, victim: Org) -> None:
    before, seen = dump(victim), reads(victim)
    own_before = dump(attacker, org_row=False)
    for module, rid in foreign_targets(victim):
        many = like_unknown(attacker, victim, "DELETE", f"/crm/v5/{module}", rid, params={"ids": ID})
        one = like_unknown(attacker, victim, "DELETE", f"/crm/v5/{module}/{ID}", rid)
        trig = like_unknown(
            attacker, victim, "DELETE", f"/crm/v5/{module}/{ID}", rid, params={"wf_trigger": "false"}
        )
        if module in UPDATE_FIELD:
            for response in (many, one, trig):
                assert response.json()["data"][0]["status"] == "error", (module, response.text)
    lead, only = victim.records["lead"][1], victim.records["only"][1]
    both = attacker.request("DELETE", "/crm/v5/Leads", params={"ids": f"{lead},{only}"})
    unknown = attacker.request("DELETE", "/crm/v5/Leads", params={"ids": f"{UNKNOWN},{UNKNOWN_2}"})
    normal = both.text.replace(lead, "<1>").replace(only, "<2>")
    assert (both.status_code, normal) == (
        unknown.status_code,
        unknown.text.replace(UNKNOWN, "<1>").replace(UNKNOWN_2, "<2>"),
    )
    assert dump(victim) == before
    assert reads(victim) == seen
    assert dump(attacker, org_row=False) == own_before


def test_control_state_of_foreign_ids_changes_nothing(world: World) -> None:
    for attacker, victim in world.pairs():
        _control_state_of_foreign_ids_changes_nothing(attacker, victim)


def _control_state_of_foreign_ids_changes_nothing(attacker: Org, victim: Org) -> None:
    before = dump(victim)
    body = {"approval_state": "approval_process_pending", "lock_state": "record_locking"}
    for module, rid in foreign_targets(victim):
        like_unknown(attacker, victim, "PUT", f"/__zcrm/records/{module}/{ID}/state", rid, body)
        like_unknown(
            attacker, victim, "PUT", f"/__zcrm/records/{module}/{ID}/state", rid, {"approval_state": "x"}
        )
    assert dump(victim) == before
    # the record the victim can still change: nothing blocks it
    lead = victim.records["lead"][1]
    assert victim.request("PUT", f"/crm/v5/Leads/{lead}", {"data": [{"Phone": "556"}]}).status_code == 200


def test_unique_values_do_not_clash_across_orgs(world: World) -> None:
    for attacker, victim in world.pairs():
        _unique_values_do_not_clash_across_orgs(attacker, victim)


def _unique_values_do_not_clash_across_orgs(attacker: Org, victim: Org) -> None:
    # the seed gave both orgs a lead with Lead_Code LC-1; a value only the victim holds is free here too
    taken = f"ONLY-{victim.name}"
    new = attacker.request(
        "POST", "/crm/v5/Leads", {"data": [{"Last_Name": "Twin", "Company": "Zylker", "Lead_Code": taken}]}
    )
    assert new.status_code == 201, new.text
    assert_no_leak(new, victim)
    moved = attacker.request(
        "PUT",
        "/crm/v5/Leads",
        {"data": [{"id": attacker.records["lead"][1], "Lead_Code": f"only-{victim.name}x"}]},
    )
    assert moved.status_code == 200 and moved.json()["data"][0]["status"] == "success", moved.text
    back = attacker.request(
        "PUT", "/crm/v5/Leads", {"data": [{"id": attacker.records["lead"][1], "Lead_Code": "LC-1"}]}
    )
    assert back.json()["data"][0]["status"] == "success", back.text
    # within the attacker's own org the value is taken now, and the clash names the attacker's record only
    clash = attacker.request(
        "POST", "/crm/v5/Leads", {"data": [{"Last_Name": "Dup", "Company": "Zylker", "Lead_Code": "LC-1"}]}
    )
    entry = clash.json()["data"][0]
    assert entry == lead_code_taken(attacker, attacker.records["lead"][1]), clash.text
    assert_no_leak(clash, victim)
    # and the victim's own values are still its own
    victim_clash = victim.request(
        "POST", "/crm/v5/Leads", {"data": [{"Last_Name": "Dup", "Company": "Zylker", "Lead_Code": taken}]}
    )
    entry = victim_clash.json()["data"][0]
    assert entry == lead_code_taken(victim, victim.records["only"][1]), victim_clash.text


def lead_code_taken(org: Org, holder: str) -> dict[str, Any]:
    """The DUPLICATE_DATA of a new lead whose Lead_Code ``holder`` holds, in ``org``'s own terms."""
    owner = org.request("GET", f"/crm/v5/Leads/{holder}").json()["data"][0]["Owner"]
    module = org.request("GET", "/crm/v5/settings/modules/Leads").json()["modules"][0]
    return {
        "code": "DUPLICATE_DATA",
        "details": {
            "api_name": "Lead_Code",
            "json_path": "$.data[0].Lead_Code",
            "id": holder,
            "duplicate_record": {
                "Owner": {"name": owner["name"], "id": owner["id"], "zuid": owner["id"]},
                "module": {"api_name": "Leads", "id": module["id"]},
                "id": holder,
            },
            "more_records": False,
        },
        "message": "duplicate data",
        "status": "error",
    }


# -- metadata routes -----------------------------------------------------------------------------------------


def test_metadata_ids_of_another_org_are_unknown(world: World) -> None:
    for attacker, victim in world.pairs():
        _metadata_ids_of_another_org_are_unknown(attacker, victim)


def _metadata_ids_of_another_org_are_unknown(attacker: Org, victim: Org) -> None:
    for name in ("Leads", "Deals", "Listings", "Deal_Competitors", "Deals_X_Listings"):
        like_unknown(attacker, victim, "GET", f"/crm/v5/settings/modules/{ID}", victim.modules[name])
    field_like = [
        *victim.lead_fields.values(),
        *victim.picklist_ids,
        *victim.layouts["Leads"],
        victim.modules["Leads"],
    ]
    for foreign in field_like:
        got = like_unknown(
            attacker, victim, "GET", f"/crm/v5/settings/fields/{ID}", foreign, params={"module": "Leads"}
        )
        assert got.status_code == 400 and got.json()["message"] == BAD_ID, got.text
        got = like_unknown(
            attacker, victim, "GET", f"/crm/v5/settings/layouts/{ID}", foreign, params={"module": "Leads"}
        )
        assert got.status_code == 400 and got.json()["message"] == BAD_ID, got.text
    for module, layout_ids in victim.layouts.items():
        for layout in layout_ids:
            like_unknown(
                attacker, victim, "GET", f"/crm/v5/settings/layouts/{ID}", layout, params={"module": module}
            )
    # a module id of the victim is no module parameter either
    like_unknown(
        attacker, victim, "GET", "/crm/v5/settings/fields", victim.modules["Leads"], params={"module": ID}
    )
    like_unknown(
        attacker, victim, "GET", "/crm/v5/settings/layouts", victim.modules["Leads"], params={"module": ID}
    )
    for foreign in [*victim.users, *victim.profiles, *victim.roles]:
        got = like_unknown(attacker, victim, "GET", f"/crm/v5/users/{ID}", foreign)
        assert got.status_code == 204 and got.content == b"", got.text
        got = like_unknown(attacker, victim, "GET", "/crm/v5/users", foreign, params={"ids": ID})
        assert got.status_code == 204, got.text
    # the attacker's own metadata names none of the victim's ids
    for path, params in [
        ("/crm/v5/settings/modules", {}),
        ("/crm/v5/settings/modules/Leads", {}),
        ("/crm/v5/settings/modules/Deals", {}),
        ("/crm/v5/settings/fields", {"module": "Leads"}),
        ("/crm/v5/settings/fields", {"module": "Deals"}),
        ("/crm/v5/settings/fields", {"module": "Deals_X_Listings"}),
        (f"/crm/v5/settings/fields/{attacker.lead_fields['Lead_Status']}", {"module": "Leads"}),
        ("/crm/v5/settings/layouts", {"module": "Leads"}),
        ("/crm/v5/settings/layouts", {"module": "Deals"}),
        (f"/crm/v5/settings/layouts/{attacker.layouts['Leads'][0]}", {"module": "Leads"}),
        ("/crm/v5/users", {"type": "AllUsers"}),
        (f"/crm/v5/users/{attacker.user_id}", {}),
        ("/crm/v5/org", {}),
    ]:
        got = attacker.get(path, **params)
        assert got.status_code == 200, (path, got.text)
        assert_no_leak(got, victim)


def test_users_and_org_show_only_the_callers_org(world: World) -> None:
    a, b = world.a, world.b
    for me, other in ((a, b), (b, a)):
        for user_type in ("AllUsers", "ActiveUsers", "AdminUsers", "CurrentUser", "DeletedUsers"):
            got = me.get("/crm/v5/users", type=user_type)
            assert_no_leak(got, other)
            if got.status_code == 200:
                assert {u["id"] for u in got.json()["users"]} <= set(me.users)
        everyone = me.get("/crm/v5/users", type="AllUsers", per_page="200").json()
        assert [u["id"] for u in everyone["users"]] == me.users
        assert everyone["info"]["count"] == len(me.users)
        current = me.get("/crm/v5/users", type="CurrentUser").json()["users"]
        assert [u["id"] for u in current] == [me.user_id]
        assert me.get(f"/crm/v5/users/{me.user_id}").json()["users"][0]["id"] == me.user_id
        org = me.get("/crm/v5/org")
        assert_no_leak(org, other)
        [info] = org.json()["org"]
        assert info["id"] == me.org_id
        # the same standard users exist in both orgs, under each org's own ids
        assert not set(me.users) & set(other.users)


def test_metadata_if_modified_since_answers_from_the_callers_org(world: World) -> None:
    a, b = world.a, world.b
    for path in ("/crm/v5/users", "/crm/v5/settings/modules"):
        for me in (a, b):
            since = me.request("GET", path, headers={"If-Modified-Since": FAR_PAST})
            assert since.status_code == 200, since.text
            assert_no_leak(since, b if me is a else a)


# -- OAuth ---------------------------------------------------------------------------------------------------


def token_call(client: TestClient, **params: str) -> Any:
    response = client.post("/oauth/v2/token", data=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_oauth_tokens_and_codes_do_not_cross_orgs(world: World) -> None:
    a, b = world.a, world.b
    state = a.client.app.state.zcrm  # type: ignore[attr-defined]
    for me, other in ((a, b), (b, a)):
        # another org's refresh token with this org's client reads like a token that was never issued
        crossed = token_call(
            a.client,
            grant_type="refresh_token",
            client_id=me.client_id,
            client_secret=me.client_secret,
            refresh_token=other.refresh_token,
        )
        unknown = token_call(
            a.client,
            grant_type="refresh_token",
            client_id=me.client_id,
            client_secret=me.client_secret,
            refresh_token=UNKNOWN_CODE,
        )
        assert crossed == unknown == {"error": "invalid_code"}, crossed
        # another org's client secret does not open this org's client
        wrong_secret = token_call(
            a.client,
            grant_type="refresh_token",
            client_id=me.client_id,
            client_secret=other.client_secret,
            refresh_token=me.refresh_token,
        )
        assert wrong_secret == {"error": "invalid_client_secret"}, wrong_secret
        # a grant code issued to another org's client
        with state.db.write() as conn:
            code = state.oauth.issue_grant_code(
                conn, other.client_id, other.user_id, SCOPES, state.clock.now()
            )
        crossed = token_call(
            a.client,
            grant_type="authorization_code",
            client_id=me.client_id,
            client_secret=me.client_secret,
            code=code,
        )
        unknown = token_call(
            a.client,
            grant_type="authorization_code",
            client_id=me.client_id,
            client_secret=me.client_secret,
            code=UNKNOWN_CODE,
        )
        assert crossed == unknown == {"error": "invalid_code"}, crossed
        # client credentials naming another org's id read like naming an org that does not exist
        crossed = token_call(
            a.client,
            grant_type="client_credentials",
            client_id=me.client_id,
            client_secret=me.client_secret,
            scope="ZohoCRM.modules.ALL",
            soid=f"ZohoCRM.{other.org_id}",
        )
        unknown = token_call(
            a.client,
            grant_type="client_credentials",
            client_id=me.client_id,
            client_secret=me.client_secret,
            scope="ZohoCRM.modules.ALL",
            soid=f"ZohoCRM.{UNKNOWN}",
        )
        assert crossed == unknown == {"error": "invalid_client"}, crossed
        # the org's own refresh token and client still work, for its own org only
        fresh = token_call(
            a.client,
            grant_type="refresh_token",
            client_id=me.client_id,
            client_secret=me.client_secret,
            refresh_token=me.refresh_token,
        )
        headers = {"Authorization": f"Zoho-oauthtoken {fresh['access_token']}"}
        org = a.client.get("/crm/v5/org", headers=headers)
        assert org.json()["org"][0]["id"] == me.org_id
        assert_no_leak(org, other)
        lead = other.records["lead"][1]
        assert a.client.get(f"/crm/v5/Leads/{lead}", headers=headers).status_code == 204
