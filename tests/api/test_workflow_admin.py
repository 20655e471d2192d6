"""``GET`` / ``PUT /__zcrm/modules/{module}/workflow_rules``: read a module's rules, replace them (checked like the
org file's; a bad definition changes nothing), and the next write runs the new ones. Functions given with their code
take the server admin token (``/__zcrm/orgs/{org_id}/modules/{module}/workflow_rules``); an org administrator names
installed ones (tests/api/test_function_trust.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.org_app import OrgClient, serve
from zcrm.auth.admin import ensure_admin_token

WORKFLOW = Path(__file__).parent.parent / "data" / "workflow.yaml"


class Org(OrgClient):
    def as_server_admin(self, method: str, path: str, body: Any = None) -> Any:
        """A call with the server admin token, ``path`` under ``/__zcrm/orgs/{org_id}``."""
        state = self.client.app.state.zcrm  # type: ignore[attr-defined]
        with state.db.write() as conn:
            token = ensure_admin_token(conn, self.data_dir)
        org_id = self.client.app.state.credentials.org_id  # type: ignore[attr-defined]
        headers = {"X-ZCRM-Admin-Token": token}
        return self.client.request(method, f"/__zcrm/orgs/{org_id}{path}", json=body, headers=headers)

    def rules(self) -> list[dict[str, Any]]:
        response = self.call("GET", "/__zcrm/modules/Tickets/workflow_rules")
        assert response.status_code == 200, response.text
        return list(response.json()["workflow_rules"])

    def create(self, record: dict[str, Any]) -> dict[str, Any]:
        response = self.call("POST", "/crm/v5/Tickets", {"data": [record]})
        assert response.status_code == 201, response.text
        rid = response.json()["data"][0]["details"]["id"]
        got = self.call("GET", f"/crm/v5/Tickets/{rid}", params={"fields": "Subject,Status,Priority,Note"})
        return dict(got.json()["data"][0])


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    with serve(Org, tmp_path / "rules", WORKFLOW) as org:
        yield org


NEW_RULES = {
    "functions": [
        {"name": "shout", "source": "def shout(record, zoho):\n    return record['Subject'].upper()\n"}
    ],
    "webhooks": [{"name": "hook", "url": "http://127.0.0.1:9/x", "secret": "k"}],
    "workflow_rules": [
        {
            "name": "Everything is normal",
            "when": "create",
            "conditions": [{"field": "Subject", "operator": "is_not_empty"}],
            "actions": [
                {"type": "field_update", "field": "Priority", "value": "Normal"},
                {"type": "function", "function": "shout"},
            ],
        },
        {"name": "Hook", "when": "edit", "actions": [{"type": "webhook", "webhook": "hook"}]},
    ],
}


def test_the_org_file_s_rules_are_listed_without_secrets_or_sources(org: Org) -> None:
    rules = org.rules()
    assert [r["name"] for r in rules] == [
        "New tickets start open",
        "Big tickets are high priority",
        "Escalation",
        "Urgent subjects",
        "Switched off",
    ]
    assert all(r["id"].isdigit() and len(r["id"]) == 19 for r in rules)
    assert rules[2]["actions"] == [
        {"type": "field_update", "field": "Escalated", "value": True},
        {"type": "field_update", "field": "Note", "value": "escalated by workflow"},
    ]


def test_replacing_the_rules_changes_what_the_next_write_runs(org: Org) -> None:
    assert org.create({"Subject": "Before"})["Status"] == "Open"  # the org file's create rule
    # the body installs a function: the server admin token's route
    response = org.as_server_admin("PUT", "/modules/Tickets/workflow_rules", NEW_RULES)
    assert response.status_code == 200, response.text
    rules = response.json()["workflow_rules"]
    assert [r["name"] for r in rules] == ["Everything is normal", "Hook"]
    assert rules[0]["actions"][1] == {"type": "function", "function": "shout"}
    assert rules[1]["actions"] == [
        {"type": "webhook", "webhook": "hook", "url": "http://127.0.0.1:9/x", "body_type": "json"}
    ]
    assert org.rules() == rules
    record = org.create({"Subject": "After"})
    assert (record["Status"], record["Priority"]) == (
        None,
        "Normal",
    )  # the old rules are gone, the new one ran
    [entry] = org.call("GET", "/__zcrm/automation/log").json()["log"]
    assert (entry["target"], entry["detail"]) == ("shout", {"returned": "AFTER"})
    assert (
        org.call("PUT", "/__zcrm/modules/Tickets/workflow_rules", {"workflow_rules": []}).status_code == 200
    )
    assert org.rules() == []
    assert org.create({"Subject": "None"})["Priority"] is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"rules": []}, "'workflow_rules' is required"),
        (
            {
                "workflow_rules": [
                    {
                        "name": "x",
                        "when": "create",
                        "actions": [{"type": "field_update", "field": "Code", "value": "c"}],
                    }
                ]
            },
            "modules.Tickets.workflow_rules[0].actions[0]: a field update cannot set the unique field 'Code'",
        ),
        (
            {
                "workflow_rules": [
                    {"name": "x", "when": "create", "actions": [{"type": "function", "function": "f"}]}
                ]
            },
            "modules.Tickets.workflow_rules[0].actions[0]: 'function' must name one of the org's functions []",
        ),
        (
            {"functions": [{"name": "f", "source": "x = 1"}], "workflow_rules": []},
            "functions[0]: defines no callable 'f'",
        ),
        (
            {"functions": [{"name": "f", "source": "def f(:\n"}], "workflow_rules": []},
            "functions[0]: SyntaxError: invalid syntax (<zcrm function f>, line 1)",
        ),
        (
            {"functions": [{"name": "f", "source": "return 1\n"}], "workflow_rules": []},
            "functions[0]: SyntaxError: 'return' outside function (<zcrm function f>, line 1)",
        ),
    ],
)
def test_a_bad_definition_changes_nothing(org: Org, body: dict[str, Any], reason: str) -> None:
    before = org.rules()
    # with the server admin token (code in the body), else an org administrator's
    if "functions" in body:
        response = org.as_server_admin("PUT", "/modules/Tickets/workflow_rules", body)
    else:
        response = org.call("PUT", "/__zcrm/modules/Tickets/workflow_rules", body)
    assert response.status_code == 400, response.text
    assert response.json() == {
        "code": "INVALID_DATA",
        "details": {"api_name": "workflow_rules", "reason": reason},
        "message": "invalid data",
        "status": "error",
    }
    assert org.rules() == before
    assert org.as_server_admin("GET", "/functions").json() == {"functions": []}


def test_an_unknown_module(org: Org) -> None:
    response = org.call("GET", "/__zcrm/modules/Nope/workflow_rules")
    assert response.status_code == 400
    assert response.json() == {
        "code": "INVALID_MODULE",
        "details": {"resource_path_index": 2},
        "message": "the module name given seems to be invalid",
        "status": "error",
    }
