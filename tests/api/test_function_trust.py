"""Python function source is the server operator's configuration (docs/automation.md, "Who installs functions"): it
enters an org from the org file and with the server admin token only. An org administrator's request that gives code
(in workflow rules, in the functions endpoint, in a snapshot) is refused with 403 and nothing of it is stored or
run; they name the installed functions instead. Installing compiles and checks the code, and runs none of it."""

from __future__ import annotations

import copy
import hashlib
import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text as sql

from tests.api.org_app import OrgClient, serve
from tests.conftest import make_settings
from zcrm.app import create_app
from zcrm.auth.admin import ensure_admin_token
from zcrm.automation.trust import SOURCE_REFUSED
from zcrm.schema.orgfile import OrgFileError

TRUST = Path(__file__).parent.parent / "data" / "trust.yaml"
SHOUT = (Path(__file__).parent.parent / "data" / "functions" / "shout.py").read_text()
INSTALLED = [{"name": "shout", "handler": "shout", "source": SHOUT}]
REFUSED = {
    "code": "NO_PERMISSION",
    "details": {"permissions": ["server_administrator"]},
    "message": SOURCE_REFUSED,
    "status": "error",
}
RULES = "/__zcrm/modules/Tickets/workflow_rules"

MATERIALISE = importlib.import_module("zcrm.store.migrations.versions.0012_shared_fields").MATERIALISE


class Org(OrgClient):
    @property
    def org_id(self) -> str:
        return str(self.client.app.state.credentials.org_id)  # type: ignore[attr-defined]

    def admin(self, method: str, path: str, body: Any = None) -> httpx.Response:
        """A call with the server admin token."""
        state = self.client.app.state.zcrm  # type: ignore[attr-defined]
        with state.db.write() as conn:
            token = ensure_admin_token(conn, self.data_dir)
        return self.client.request(method, path, json=body, headers={"X-ZCRM-Admin-Token": token})

    def functions(self) -> list[dict[str, str]]:
        response = self.admin("GET", f"/__zcrm/orgs/{self.org_id}/functions")
        assert response.status_code == 200, response.text
        return list(response.json()["functions"])

    def rules(self) -> list[dict[str, Any]]:
        response = self.call("GET", RULES)
        assert response.status_code == 200, response.text
        return list(response.json()["workflow_rules"])

    def create(self, subject: str) -> str:
        response = self.call("POST", "/crm/v5/Tickets", {"data": [{"Subject": subject}]})
        assert response.status_code == 201, response.text
        return str(response.json()["data"][0]["details"]["id"])

    def log(self) -> list[tuple[str, str, Any]]:
        response = self.call("GET", "/__zcrm/automation/log")
        assert response.status_code == 200, response.text
        return [(e["target"], e["status"], e["detail"]) for e in response.json()["log"]]

    def snapshot(self) -> dict[str, Any]:
        response = self.call("GET", f"/__zcrm/orgs/{self.org_id}/snapshot")
        assert response.status_code == 200, response.text
        return dict(response.json())


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    with serve(Org, tmp_path / "trust", TRUST) as org:
        yield org


def marking(marker: Path) -> str:
    """Code whose module, when run, creates ``marker``; its handler ``evil`` too."""
    return (
        f"open({str(marker)!r}, 'a').write('module ran\\n')\n"
        "def evil(record, zoho):\n"
        f"    open({str(marker)!r}, 'a').write('evil ran\\n')\n"
        "    return 'evil'\n"
    )


def rule(*actions: dict[str, Any]) -> dict[str, Any]:
    return {"name": "R", "when": "create", "actions": list(actions)}


def smuggled(marker: Path) -> dict[str, dict[str, Any]]:
    code = marking(marker)
    return {
        "a new function": {
            "functions": [{"name": "evil", "source": code}],
            "workflow_rules": [rule({"type": "function", "function": "evil"})],
        },
        "other code under an installed name": {
            "functions": [{"name": "shout", "source": code, "handler": "evil"}],
            "workflow_rules": [rule({"type": "function", "function": "shout"})],
        },
        "code inline in an action": {
            "workflow_rules": [
                rule({"type": "function", "function": "evil", "source": code, "handler": "evil"})
            ]
        },
        "another handler of an installed function": {
            "workflow_rules": [rule({"type": "function", "function": "shout", "handler": "evil"})]
        },
        "a file of the server": {"functions": [{"name": "evil", "file": str(marker)}], "workflow_rules": []},
        "code that does not compile": {
            "functions": [{"name": "evil", "source": "def evil(:\n"}],
            "workflow_rules": [],
        },
    }


KINDS = list(smuggled(Path("x")))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("route", ["own org", "org by id"])
def test_an_org_admin_giving_code_is_refused_and_none_of_it_is_stored_or_run(
    org: Org, tmp_path: Path, kind: str, route: str
) -> None:
    marker = tmp_path / "marker"
    before = org.rules()
    path = RULES if route == "own org" else f"/__zcrm/orgs/{org.org_id}/modules/Tickets/workflow_rules"
    response = org.call("PUT", path, smuggled(marker)[kind])
    assert (response.status_code, response.json()) == (403, REFUSED)
    assert org.rules() == before and org.functions() == INSTALLED
    rid = org.create("hello")
    assert org.log() == [("shout", "success", {"returned": "HELLO"})]  # the org file's rule, as before
    assert org.call("GET", f"/crm/v5/Tickets/{rid}").status_code == 200
    assert not marker.exists()


def test_an_org_admin_names_the_installed_functions(org: Org) -> None:
    response = org.call("PUT", RULES, {"workflow_rules": [rule({"type": "function", "function": "shout"})]})
    assert response.status_code == 200, response.text
    assert response.json()["workflow_rules"][0]["actions"] == [{"type": "function", "function": "shout"}]
    org.create("named")
    assert org.log() == [("shout", "success", {"returned": "NAMED"})]
    # giving the installed code itself, exactly, changes nothing and is no reason to refuse
    same = {
        "functions": [{"name": "shout", "source": SHOUT}],
        "workflow_rules": [rule({"type": "function", "function": "shout"})],
    }
    assert org.call("PUT", RULES, same).status_code == 200
    assert org.functions() == INSTALLED
    # a name the org has no function of
    response = org.call("PUT", RULES, {"workflow_rules": [rule({"type": "function", "function": "evil"})]})
    assert response.status_code == 400
    assert response.json()["details"] == {
        "api_name": "workflow_rules",
        "reason": "modules.Tickets.workflow_rules[0].actions[0]: 'function' must name one of the org's functions "
        "['shout']",
    }


def test_the_server_admin_installs_functions_and_none_of_their_code_runs_until_a_rule_calls_them(
    org: Org, tmp_path: Path
) -> None:
    marker = tmp_path / "marker"
    code = marking(marker)
    path = f"/__zcrm/orgs/{org.org_id}/functions"
    body = {"functions": [{"name": "shout", "source": SHOUT}, {"name": "evil", "source": code}]}
    response = org.admin("PUT", path, body)
    assert response.status_code == 200, response.text
    installed = [{"name": "evil", "handler": "evil", "source": code}, *INSTALLED]
    assert response.json() == {"functions": installed} and org.functions() == installed
    assert not marker.exists()  # compiled and checked, not run
    # the org's administrator reads them and names them; they run when a rule calls them
    assert org.call("GET", path).json() == {"functions": installed}
    rules = {"workflow_rules": [rule({"type": "function", "function": "evil"})]}
    assert org.call("PUT", RULES, rules).status_code == 200
    assert not marker.exists()
    org.create("now")
    assert org.log() == [("evil", "success", {"returned": "evil"})]
    assert marker.read_text() == "module ran\nevil ran\n"
    # a function a rule names stays
    response = org.admin("PUT", path, {"functions": [{"name": "shout", "source": SHOUT}]})
    assert response.status_code == 400
    assert response.json() == {
        "code": "INVALID_DATA",
        "details": {
            "api_name": "functions",
            "reason": "a workflow rule names a function the body leaves out: 'evil' (modules.Tickets, rule 'R')",
        },
        "message": "invalid data",
        "status": "error",
    }
    response = org.admin("PUT", path, {"functions": [{"name": "evil", "source": "def evil(:\n"}]})
    assert response.status_code == 400
    assert response.json()["details"] == {
        "api_name": "functions",
        "reason": "functions[0]: SyntaxError: invalid syntax (<zcrm function evil>, line 1)",
    }
    assert org.functions() == installed


def test_only_the_server_admin_replaces_functions(org: Org, tmp_path: Path) -> None:
    path = f"/__zcrm/orgs/{org.org_id}/functions"
    response = org.call("PUT", path, {"functions": [{"name": "evil", "source": marking(tmp_path / "m")}]})
    assert (response.status_code, response.json()) == (403, REFUSED)
    assert org.call("PUT", path, {"functions": []}).status_code == 403  # even removing them
    assert org.functions() == INSTALLED
    # another org's administrator reads nothing of this org
    other = org.admin("POST", "/__zcrm/orgs", {})
    assert other.status_code == 201, other.text
    headers = {"Authorization": f"Zoho-oauthtoken {other.json()['access_token']}"}
    for method in ("GET", "PUT"):
        response = org.client.request(method, path, json={"functions": []}, headers=headers)
        assert response.status_code == 403
        assert response.json() == {
            "code": "NO_PERMISSION",
            "details": {"permissions": ["server_administrator"]},
            "message": "Permission denied",
            "status": "error",
        }
    response = org.client.get(f"/__zcrm/orgs/{org.org_id}/modules/Tickets/workflow_rules", headers=headers)
    assert response.status_code == 403


def test_the_server_admin_installs_functions_with_the_rules(org: Org, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    body = smuggled(marker)["a new function"]
    response = org.admin("PUT", f"/__zcrm/orgs/{org.org_id}/modules/Tickets/workflow_rules", body)
    assert response.status_code == 200, response.text
    assert [f["name"] for f in org.functions()] == ["evil", "shout"]
    assert not marker.exists()
    org.create("x")
    assert org.log() == [("evil", "success", {"returned": "evil"})] and marker.exists()


# -- snapshots -------------------------------------------------------------------------------------------------
def tickets_rule_actions(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    [tickets] = [m for m in snapshot["modules"] if m["definition"]["api_name"] == "Tickets"]
    return list(tickets["definition"]["workflow_rules"][0]["actions"])


def content(snapshot: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(snapshot)
    del out["exported_time"], out["org"]["next_id"], out["org"]["schema_version"]
    return out


def test_an_org_admin_cannot_bring_code_in_a_snapshot(org: Org, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    code = marking(marker)
    snap = org.snapshot()
    assert snap["functions"] == INSTALLED
    assert tickets_rule_actions(snap) == [{"type": "function", "function": "shout"}]
    other_code = copy.deepcopy(snap)
    other_code["functions"][0]["source"] = code
    other_code["functions"][0]["handler"] = "evil"
    new_function = copy.deepcopy(snap)
    new_function["functions"].append({"name": "evil", "handler": "evil", "source": code})
    inline = copy.deepcopy(snap)  # as snapshots held code before functions were installed by name
    inline["functions"] = []
    tickets_rule_actions(inline)[0].update(function="evil", source=code, handler="evil")
    path = f"/__zcrm/orgs/{org.org_id}/snapshot"
    for smuggling in (other_code, new_function, inline):
        response = org.call("POST", path, smuggling)
        assert (response.status_code, response.json()) == (403, REFUSED)
    assert content(org.snapshot()) == content(snap)
    org.create("still")
    assert org.log() == [("shout", "success", {"returned": "STILL"})] and not marker.exists()
    # what the org has, or less: the import goes through, and the org keeps its functions
    for same in (snap, {**snap, "functions": []}):
        response = org.call("POST", path, same)
        assert response.status_code == 200, response.text
        assert org.functions() == INSTALLED
    # a rule naming a function the org has not
    dangling = copy.deepcopy(snap)
    tickets_rule_actions(dangling)[0]["function"] = "evil"
    response = org.call("POST", path, dangling)
    assert response.status_code == 400
    index = next(i for i, m in enumerate(snap["modules"]) if m["definition"]["api_name"] == "Tickets")
    assert response.json() == {
        "code": "INVALID_DATA",
        "details": {
            "api_name": "snapshot",
            "json_path": f"$.modules[{index}].definition.workflow_rules[0].actions[0].function",
        },
        "message": "the snapshot's workflow rule names a function it does not hold",
        "status": "error",
    }


def test_the_server_admin_imports_snapshots_with_their_code(org: Org, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    code = marking(marker)
    snap = org.snapshot()
    inline = copy.deepcopy(snap)
    inline["functions"] = []
    tickets_rule_actions(inline)[0].update(function="evil", source=code, handler="evil")
    response = org.admin("POST", f"/__zcrm/orgs/{org.org_id}/snapshot", inline)
    assert response.status_code == 200, response.text
    assert org.functions() == [{"name": "evil", "handler": "evil", "source": code}]  # the org's functions now
    assert not marker.exists()
    exported = org.snapshot()
    assert tickets_rule_actions(exported) == [
        {"type": "function", "function": "evil"}
    ]  # the code left the rule
    org.create("x")
    assert org.log() == [("evil", "success", {"returned": "evil"})] and marker.exists()
    # a new org from it, then the org's reset (its seed: the org file's) by its own administrator
    created = org.admin("POST", "/__zcrm/orgs", {"snapshot": inline})
    assert created.status_code == 201, created.text
    response = org.admin("GET", f"/__zcrm/orgs/{created.json()['org_id']}/functions")
    assert response.json()["functions"] == [{"name": "evil", "handler": "evil", "source": code}]
    assert org.call("POST", f"/__zcrm/orgs/{org.org_id}/reset").status_code == 200
    assert org.functions() == INSTALLED
    # code that does not compile is refused with where it is
    broken = copy.deepcopy(snap)
    broken["functions"][0]["source"] = "def shout(:\n"
    response = org.admin("POST", f"/__zcrm/orgs/{org.org_id}/snapshot", broken)
    assert response.status_code == 400
    assert response.json()["details"] == {"api_name": "snapshot", "json_path": "$.functions[0].source"}
    assert response.json()["message"] == "SyntaxError: invalid syntax (<zcrm function shout>, line 1)"


def test_a_new_org_from_an_org_definition_gets_its_functions(org: Org, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    definition = {
        "functions": [{"name": "evil", "source": marking(marker)}],
        "modules": [
            {"api_name": "Things", "workflow_rules": [rule({"type": "function", "function": "evil"})]}
        ],
    }
    created = org.admin("POST", "/__zcrm/orgs", {"org_file": definition})
    assert created.status_code == 201, created.text
    response = org.admin("GET", f"/__zcrm/orgs/{created.json()['org_id']}/functions")
    assert [f["name"] for f in response.json()["functions"]] == ["evil"]
    assert not marker.exists()


# -- a database from before functions were installed by name ----------------------------------------------------
def test_the_migration_moves_code_from_rules_into_installed_functions(org: Org) -> None:
    state = org.client.app.state.zcrm  # type: ignore[attr-defined]
    other = "def shout(record, zoho):\n    return 'other'\n"
    legacy = [
        {"type": "function", "function": "shout", "source": SHOUT, "handler": "shout"},
        {
            "type": "function",
            "function": "shout",
            "source": other,
            "handler": "shout",
        },  # one name, other code
    ]
    with state.db.write() as conn:
        (module_id, text_), version = (
            conn.execute(
                sql("SELECT id, definition FROM modules WHERE org_id = :o"), {"o": org.org_id}
            ).one(),
            conn.execute(sql("SELECT schema_version FROM orgs WHERE id = :o"), {"o": org.org_id}).scalar(),
        )
        definition = json.loads(text_)
        definition["workflow_rules"][0]["actions"] = legacy
        conn.execute(
            sql("UPDATE modules SET definition = :d WHERE org_id = :o AND id = :m"),
            {"d": json.dumps(definition), "o": org.org_id, "m": module_id},
        )
        conn.execute(sql("DROP TABLE functions"))
        conn.execute(sql(MATERIALISE))  # what the later migration 0012 gave, taken back as its downgrade does
        conn.execute(sql("ALTER TABLE orgs DROP COLUMN fields_from"))
        conn.execute(sql("DROP TABLE org_templates"))  # made by a later migration (0011)
        conn.execute(sql("DROP TABLE text_keys"))  # and these by 0013, 0015 and 0016
        conn.execute(sql("DROP TABLE number_keys"))
        conn.execute(sql("DROP INDEX IF EXISTS records_module_created_desc"))
        for table in ("record_tags", "tags", "attachments", "files", "blobs", "deleted_records", "relations"):
            conn.execute(sql(f"DROP TABLE {table}"))  # made by 0016
        conn.execute(sql("UPDATE alembic_version SET version_num = '0009'"))
    state.db.migrate()
    renamed = f"shout_{hashlib.sha256(other.encode()).hexdigest()[:8]}"
    assert org.functions() == [
        {"name": "shout", "handler": "shout", "source": SHOUT},
        {"name": renamed, "handler": "shout", "source": other},
    ]
    assert org.rules()[0]["actions"] == [
        {"type": "function", "function": "shout"},
        {"type": "function", "function": renamed},
    ]
    with state.db.read() as conn:
        after = conn.execute(sql("SELECT schema_version FROM orgs WHERE id = :o"), {"o": org.org_id}).scalar()
    assert after == version + 1
    org.create("both")
    assert org.log() == [
        (renamed, "success", {"returned": "other"}),
        ("shout", "success", {"returned": "BOTH"}),
    ]


def test_an_org_file_s_functions_are_checked_at_start_and_none_of_their_code_runs(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "evil.py").write_text(marking(marker))
    org_file = tmp_path / "org.yaml"
    org_file.write_text(
        "functions:\n  - {name: evil, file: code/evil.py}\n"
        "modules:\n  - api_name: Things\n    fields: [{api_name: Name, data_type: text}]\n    workflow_rules:\n"
        "      - {name: R, when: create, actions: [{type: function, function: evil}]}\n"
    )
    with serve(Org, tmp_path / "started", org_file) as org:
        assert not marker.exists()
        assert [f["name"] for f in org.functions()] == ["evil"]
        assert org.call("POST", "/crm/v5/Things", {"data": [{"Name": "x"}]}).status_code == 201
        assert marker.read_text() == "module ran\nevil ran\n"
    (tmp_path / "code" / "evil.py").write_text("def evil(record, zoho):\n    return (\n")
    with pytest.raises(OrgFileError) as info:
        create_app(make_settings(tmp_path / "not started", org_file=org_file))
    assert str(info.value) == "functions[0]: SyntaxError: '(' was never closed (code/evil.py, line 2)"
    (tmp_path / "code" / "evil.py").write_text("def other(record, zoho):\n    pass\n")
    with pytest.raises(OrgFileError) as info:
        create_app(make_settings(tmp_path / "not started either", org_file=org_file))
    assert str(info.value) == "functions[0]: defines no callable 'evil'"
