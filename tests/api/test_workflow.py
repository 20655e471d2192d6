"""Workflow rules on record writes: they run only when the effective trigger set holds ``workflow``; each moment
(create, edit, create or edit, a field updated), criteria with all/any, inactive rules; their field updates are
stored in the same transaction and recorded as a change of their own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.org_app import OrgClient, serve
from tests.conftest import sql
from zcrm.client import Zoho

WORKFLOW = Path(__file__).parent.parent / "data" / "workflow.yaml"
FIELDS = "Subject,Priority,Status,Amount,Tags_Text,Escalated,Note"


class Org(OrgClient):
    def create(self, record: dict[str, Any], **body: Any) -> str:
        response = self.call("POST", "/crm/v5/Tickets", {"data": [record], **body})
        assert response.status_code == 201, response.text
        return str(response.json()["data"][0]["details"]["id"])

    def update(self, record_id: str, values: dict[str, Any], **body: Any) -> httpx.Response:
        return self.call("PUT", f"/crm/v5/Tickets/{record_id}", {"data": [values], **body})

    def get(self, record_id: str) -> dict[str, Any]:
        response = self.call("GET", f"/crm/v5/Tickets/{record_id}", params={"fields": FIELDS})
        assert response.status_code == 200, response.text
        return dict(response.json()["data"][0])

    def changes(self, record_id: str) -> list[tuple[str, str, str]]:
        """(operation, triggers, changed) of the record's change events, oldest first."""
        rows = sql(
            self.data_dir,
            "SELECT operation, triggers, changed FROM changes WHERE record_id = :r ORDER BY id",
            {"r": record_id},
        )
        return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    with serve(Org, tmp_path / "workflow", WORKFLOW) as org:
        yield org


def test_create_rules_run_when_the_trigger_set_holds_workflow(org: Org) -> None:
    rid = org.create({"Subject": "Printer", "Amount": 5000})  # no trigger: all of them
    record = org.get(rid)
    assert (record["Status"], record["Priority"], record["Note"]) == ("Open", "High", None)
    changes = org.changes(rid)
    assert [c[0] for c in changes] == ["insert", "update"]
    assert changes[1][1] == "[]"  # the rules' write triggers nothing further
    assert '"Status":[null,"Open"]' in changes[1][2] and '"Priority":[null,"High"]' in changes[1][2]


@pytest.mark.parametrize("trigger", [[], ["approval", "blueprint"]])
def test_no_rule_runs_without_workflow_in_the_trigger_set(org: Org, trigger: list[str]) -> None:
    rid = org.create({"Subject": "Printer", "Amount": 5000}, trigger=trigger)
    record = org.get(rid)
    assert (record["Status"], record["Priority"]) == (None, None)
    assert [c[0] for c in org.changes(rid)] == ["insert"]
    response = org.update(rid, {"Amount": 9000}, trigger=trigger)
    assert response.status_code == 200, response.text
    assert org.get(rid)["Priority"] is None
    assert [c[0] for c in org.changes(rid)] == ["insert", "update"]


def test_edit_rules_with_criteria(org: Org) -> None:
    rid = org.create({"Subject": "Small", "Amount": 10}, trigger=["workflow"])
    assert org.get(rid)["Priority"] is None  # Amount not over 1000
    assert org.update(rid, {"Amount": 1000.01}, trigger=["workflow"]).status_code == 200
    assert org.get(rid)["Priority"] == "High"
    assert [c[0] for c in org.changes(rid)] == ["insert", "update", "update", "update"]


def test_any_of_the_criteria(org: Org) -> None:
    first = org.create({"Subject": "Plain", "Priority": "Low"}, trigger=[])
    second = org.create({"Subject": "Plain", "Priority": "Low"}, trigger=[])
    third = org.create({"Subject": "Plain", "Priority": "Low"}, trigger=[])
    assert org.update(first, {"Subject": "URGENT: fix"}).status_code == 200  # starts with, any case
    assert org.update(second, {"Tags_Text": "customer, VIP"}).status_code == 200  # contains
    assert org.update(third, {"Tags_Text": "customer"}).status_code == 200  # neither
    assert [org.get(r)["Priority"] for r in (first, second, third)] == ["High", "High", "Low"]


def test_field_update_rules_need_the_field_changed_to_the_value(org: Org) -> None:
    rid = org.create({"Subject": "Router"}, trigger=[])
    assert org.update(rid, {"Subject": "Router 2"}).status_code == 200
    assert org.get(rid)["Escalated"] is None  # Status not updated
    assert org.update(rid, {"Status": "Closed"}).status_code == 200
    assert org.get(rid)["Escalated"] is None  # updated, but not to Escalated
    assert org.update(rid, {"Status": "Escalated"}).status_code == 200
    record = org.get(rid)
    assert (record["Escalated"], record["Note"]) == (True, "escalated by workflow")
    last = org.changes(rid)[-1]
    assert last[1] == "[]" and '"Escalated":[null,true]' in last[2]


def test_a_rule_that_changes_nothing_writes_no_change(org: Org) -> None:
    rid = org.create({"Subject": "Desk", "Priority": "High", "Amount": 2000}, trigger=[])
    assert org.update(rid, {"Amount": 3000}).status_code == 200  # sets Priority High: already so
    assert [c[0] for c in org.changes(rid)] == ["insert", "update"]


def test_bulk_update_runs_rules_per_record_and_failed_records_run_none(org: Org) -> None:
    ok = org.create({"Subject": "A", "Code": "a"}, trigger=[])
    taken = org.create({"Subject": "B", "Code": "b"}, trigger=[])
    response = org.call(
        "PUT",
        "/crm/v5/Tickets",
        {
            "data": [
                {"id": ok, "Amount": 5000},
                {"id": taken, "Amount": 5000, "Code": "a"},  # DUPLICATE_DATA: nothing of it is written
            ]
        },
    )
    assert response.status_code == 207, response.text
    assert [d["code"] for d in response.json()["data"]] == ["SUCCESS", "DUPLICATE_DATA"]
    assert org.get(ok)["Priority"] == "High"
    assert org.get(taken)["Priority"] is None
    assert [c[0] for c in org.changes(taken)] == ["insert"]


ALL_TRIGGERS = ("workflow", "approval", "blueprint", "pathfinder", "orchestration")


@pytest.mark.parametrize(
    "trigger",
    [[t for i, t in enumerate(ALL_TRIGGERS) if mask >> i & 1] for mask in range(2 ** len(ALL_TRIGGERS))],
    ids=lambda trigger: "+".join(trigger) or "none",
)
def test_every_trigger_combination(org: Org, trigger: list[str]) -> None:
    """Rules run on create and on update exactly when the request's trigger list holds ``workflow``."""
    rid = org.create({"Subject": "Printer", "Amount": 5000}, trigger=trigger)
    runs = "workflow" in trigger
    assert org.get(rid)["Status"] == ("Open" if runs else None)
    assert (
        org.update(rid, {"Subject": "urgent printer", "Priority": "Low"}, trigger=trigger).status_code == 200
    )
    assert org.get(rid)["Priority"] == ("High" if runs else "Low")
    kinds = [c[0] for c in org.changes(rid)]
    assert kinds == (["insert", "update", "update", "update"] if runs else ["insert", "update"])
    if runs:  # the rules' own changes trigger nothing further
        assert [c[1] for c in org.changes(rid)[1::2]] == ["[]", "[]"]


def test_the_deluge_client_runs_workflow_only_when_asked(org: Org) -> None:
    rid = org.create({"Subject": "Plain", "Priority": "Low"}, trigger=[])
    zoho = Zoho("http://127.0.0.1:8000", org.token, http=org.client)
    details = zoho.crm.updateRecord("Tickets", rid, {"Subject": "urgent: deluge default"})
    assert details["id"] == rid
    assert (
        org.get(rid)["Priority"] == "Low"
    )  # Deluge's default: approval, blueprint, orchestration; no workflow
    zoho.crm.updateRecord("Tickets", rid, {"Subject": "urgent: asked"}, {"trigger": ["workflow"]})
    assert org.get(rid)["Priority"] == "High"
