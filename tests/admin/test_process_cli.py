"""The record-process commands: zcrm approvals list/approve/reject/delegate/resubmit, zcrm review, zcrm zia end;
each acts on the database the server uses, with the API's checks, and the server sees the result."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.admin.test_admin_cli import Cli
from tests.api.org_app import serve
from tests.api.test_approvals import ANN, BOB, CAT, ORG, Org
from tests.known_files import known_files

WES = "wes@appr.test"


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    with serve(Org, tmp_path / "d", ORG) as org:
        org.tokens = {}
        yield org


@pytest.fixture
def cli(org: Org) -> Cli:
    return Cli(org.data_dir)


def test_approvals_commands(org: Org, cli: Cli) -> None:
    first, _ = org.create({"Subject": "Trucks", "Amount": 5000})
    second, _ = org.create({"Subject": "Cranes", "Amount": 5000})
    listed = cli.ok("approvals", "list", "--as", ANN)
    assert [item["entity"]["id"] for item in listed] == [first, second]
    assert listed[0]["waiting_for"]["name"] == "Ann Approver"
    assert cli.ok("approvals", "list", "--as", WES, "--others")[0]["entity"] == {
        "name": "Trucks",
        "id": first,
    }
    assert cli.ok("approvals", "approve", "Orders", first, "--as", ANN, "--comments", "ok") == {
        "code": "SUCCESS",
        "details": {"id": first},
        "message": "Record approved successfully",
        "status": "success",
    }
    assert org.get(first)["$approval_state"] == "approved"
    refused = cli.fails("approvals", "approve", "Orders", second, "--as", CAT)
    assert 'NO_PERMISSION: you are not an approver of this record {"id": "' + second in refused
    delegated = cli.ok("approvals", "delegate", "Orders", second, "--as", BOB, "--to", CAT)
    assert delegated["message"] == "Record delegated successfully"
    assert (
        cli.ok("approvals", "reject", "Orders", second, "--as", CAT)["message"]
        == "Record rejected successfully"
    )
    assert org.get(second)["$approval_state"] == "approval_process_rejected"
    assert cli.ok("approvals", "resubmit", "Orders", second, "--as", WES)["message"] == (
        "Record resubmitted successfully"
    )
    assert org.get(second)["$approval_state"] == "approval_process_pending"
    assert "no user nobody@appr.test" in cli.fails("approvals", "list", "--as", "nobody@appr.test")


def test_review_and_zia_commands(org: Org, cli: Cli) -> None:
    known_files(org, "f")
    response = org.call("POST", "/crm/v5/Articles", {"data": [{"Title": "News"}]})
    article = response.json()["data"][0]["details"]["id"]
    org.call("PUT", f"/crm/v5/Articles/{article}", {"data": [{"Body": "text"}]})
    assert (
        cli.ok("review", "approve", "Articles", article, "--as", CAT)["message"]
        == "Record approved successfully"
    )
    got = org.call("GET", f"/crm/v5/Articles/{article}").json()["data"][0]
    assert (got["$approval_state"], got["$review"]) == ("approved", "Approved")

    response = org.call(
        "POST", "/crm/v5/Manual_Shots", {"data": [{"Name": "s", "Photo": [{"File_Id__s": "f"}]}]}
    )
    shot = response.json()["data"][0]["details"]["id"]
    assert cli.ok("zia", "end", "Manual_Shots", shot, "--outcome", "rejected") == {
        "id": shot,
        "outcome": "rejected",
        "lock_state": "zia_vision_rejected",
    }
    got = org.call("GET", f"/crm/v5/Manual_Shots/{shot}").json()["data"][0]
    assert got["$approval_state"] == "zia_vision_rejected"
    assert "INVALID_DATA: the record is not in Zia image validation" in cli.fails(
        "zia", "end", "Manual_Shots", shot
    )
