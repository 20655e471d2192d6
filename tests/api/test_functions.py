"""Functions that workflow rules call: they run after the write commits, with the record and a ``zoho`` object
whose ``zoho.crm`` tasks act inside the server; the loop rule of the update doc; chains are bounded; errors are
logged and never reach the request (``GET /__zcrm/automation/log``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.org_app import OrgClient, serve
from zcrm.automation.functions import MAX_DEPTH

FUNCTIONS = Path(__file__).parent.parent / "data" / "functions.yaml"


class Org(OrgClient):
    def create(self, module: str, record: dict[str, Any], **body: Any) -> str:
        response = self.call("POST", f"/crm/v5/{module}", {"data": [record], **body})
        assert response.status_code == 201, response.text
        return str(response.json()["data"][0]["details"]["id"])

    def get(self, module: str, record_id: str, fields: str) -> dict[str, Any]:
        response = self.call("GET", f"/crm/v5/{module}/{record_id}", params={"fields": fields})
        assert response.status_code == 200, response.text
        return dict(response.json()["data"][0])

    def log(self, **params: str) -> list[dict[str, Any]]:
        response = self.call("GET", "/__zcrm/automation/log", params=params)
        assert response.status_code == 200, response.text
        return list(response.json()["log"])


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    with serve(Org, tmp_path / "functions", FUNCTIONS) as org:
        yield org


TICKET = "Subject,Status,Priority,Amount,Big,Note,Other_Id"


def test_a_function_updating_its_own_record_runs_no_workflow(org: Org) -> None:
    rid = org.create("Tickets", {"Subject": "Printer", "Amount": 10})
    response = org.call("PUT", f"/crm/v5/Tickets/{rid}", {"data": [{"Status": "Escalated"}]})
    assert response.status_code == 200, response.text
    record = org.get("Tickets", rid, TICKET)
    # the rule's field update, then the function's own update of the same record
    assert (record["Priority"], record["Note"], record["Amount"]) == ("High", "escalated by function", 99999)
    assert (
        record["Big"] is None
    )  # "Big amounts" did not run on the function's update, although trigger said so
    [entry] = org.log()
    assert (entry["kind"], entry["rule"], entry["target"], entry["status"]) == (
        "function",
        "Escalation",
        "escalate",
        "success",
    )
    assert entry["module"] == "Tickets" and entry["record_id"] == rid
    assert entry["detail"]["returned"]["id"] == rid  # updateRecord's details map


def test_the_same_update_from_a_request_runs_workflow(org: Org) -> None:
    rid = org.create("Tickets", {"Subject": "Printer", "Amount": 10})
    assert org.call("PUT", f"/crm/v5/Tickets/{rid}", {"data": [{"Amount": 99999}]}).status_code == 200
    assert org.get("Tickets", rid, TICKET)["Big"] is True


def test_a_function_updating_another_record_runs_its_workflow(org: Org) -> None:
    other = org.create("Tickets", {"Subject": "Other", "Amount": 10})
    rid = org.create("Tickets", {"Subject": "Main"})
    assert org.call("PUT", f"/crm/v5/Tickets/{rid}", {"data": [{"Other_Id": other}]}).status_code == 200
    record = org.get("Tickets", other, TICKET)
    # bump_other set Status; the other record's Escalation rule ran (Priority) and so did its function
    assert (record["Status"], record["Priority"], record["Note"]) == (
        "Escalated",
        "High",
        "escalated by function",
    )
    assert (
        record["Big"] is None
    )  # escalate's update of the other record is that function's own record: no workflow
    log = org.log()
    assert [(e["target"], e["record_id"], e["status"]) for e in log] == [
        ("escalate", other, "success"),  # newest first: ran one level deeper
        ("bump_other", rid, "success"),
    ]


def test_create_get_and_error_maps_inside_a_function(org: Org) -> None:
    rid = org.create("Tickets", {"Subject": "follow the lead"})
    [entry] = org.log(status="success")
    returned = entry["detail"]["returned"]
    task = org.get("Tasks", returned["created"], "Subject,Ticket_Ref")
    assert (task["Subject"], task["Ticket_Ref"]) == ("Follow up follow the lead", rid)
    assert returned["subject"] == "Follow up follow the lead"
    assert returned["missing"] == {}  # getRecordById of no record
    assert returned["bad"] == "INVALID_DATA"  # updateRecord's error map, not an exception


def test_a_failing_function_is_logged_and_the_request_succeeds(org: Org) -> None:
    rid = org.create("Tickets", {"Subject": "Printer"})
    response = org.call("PUT", f"/crm/v5/Tickets/{rid}", {"data": [{"Subject": "boom box"}]})
    assert response.status_code == 200, response.text
    assert response.json()["data"][0]["code"] == "SUCCESS"
    assert org.get("Tickets", rid, TICKET)["Subject"] == "boom box"
    [entry] = org.log(status="error")
    assert entry["target"] == "broken"
    assert entry["detail"]["error"] == "RuntimeError: boom in boom box"
    assert "raise RuntimeError" in entry["detail"]["traceback"]


def test_no_function_runs_without_workflow_in_the_trigger_set(org: Org) -> None:
    org.create("Tickets", {"Subject": "follow up later"}, trigger=["approval"])
    assert org.log() == []


def test_chains_of_functions_are_bounded(org: Org) -> None:
    org.create("Chains", {"Name": "start"})
    response = org.call("GET", "/crm/v5/Chains", params={"fields": "Name"})
    assert len(response.json()["data"]) == MAX_DEPTH + 2  # the request's record and one per function run
    log = org.log()
    assert [e["status"] for e in log] == ["skipped"] + ["success"] * (MAX_DEPTH + 1)
    assert log[0]["detail"] == {"reason": f"more than {MAX_DEPTH} functions deep"}


def test_the_log_filters_and_needs_an_admin(org: Org) -> None:
    response = org.call("GET", "/__zcrm/automation/log", params={"status": "fine"})
    assert response.status_code == 400
    assert response.json() == {
        "code": "INVALID_DATA",
        "details": {"param_name": "status", "supported_values": ["success", "error", "skipped", "timeout"]},
        "message": "invalid data",
        "status": "error",
    }
    assert org.log(kind="function") == []


def test_delete_rules_call_functions_with_the_record_as_it_was(org: Org) -> None:
    rid = org.create("Tickets", {"Subject": "Old printer"})
    assert org.call("DELETE", f"/crm/v5/Tickets/{rid}").status_code == 200
    [entry] = org.log()
    assert (entry["rule"], entry["target"], entry["status"]) == ("Remember", "remember", "success")
    task = org.get("Tasks", entry["detail"]["returned"]["id"], "Subject,Ticket_Ref")
    assert (task["Subject"], task["Ticket_Ref"]) == ("Deleted Old printer", rid)


def test_search_records_inside_a_function(org: Org) -> None:
    for subject, amount in (("Printer A", 5), ("printer B", 50), ("Printer C", 500), ("Scanner", 5000)):
        org.create("Tickets", {"Subject": subject, "Amount": amount}, trigger=[])
    org.create("Tickets", {"Subject": "find them"})
    [entry] = org.log()
    returned = entry["detail"]["returned"]
    assert returned["found"] == ["Printer C", "printer B"]
    assert returned["page2"] == ["printer B"]  # by id, one a page
    assert returned["bad"] == {
        "code": "INVALID_QUERY",
        "details": {"api_name": "criteria", "reason": "expected '(' at 0"},
        "message": "invalid query formed",
        "status": "error",
    }
    assert returned["bad"]["details"] == {"api_name": "criteria", "reason": "expected '(' at 0"}
