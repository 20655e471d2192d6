"""Snapshots with one value changed, imported as a new org (``POST /__zcrm/orgs {"snapshot": …}``): the import is
refused with a 4xx, or the org it makes works (its metadata, users and records read without a 5xx, a record can be
written) and can be deleted. A real snapshot (the fuzz org's, with records) is the starting point, so that the
change lands deep in a document the server otherwise takes."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import given

from tests.fuzz.harness import EXAMPLES, Org, assert_healthy, fuzz_settings, prepare_org, start_server
from tests.fuzz.records import JSON_VALUES
from zcrm.client.control import read_admin_token

Path_ = tuple[str | int, ...]
READ_FIELDS = {
    "Leads": "Owner,Created_Time,Last_Name,Email,No_of_Employees,Annual_Revenue,Email_Opt_Out,Layout",
    "Contacts": "Owner,Last_Name,Account_Name,Date_of_Birth,Reporting_To,Email_Opt_Out",
    "Deals": "Deal_Name,Closing_Date,Stage,Amount,Account_Name,Contact_Name",
    "Events": "Event_Title,Start_DateTime,End_DateTime,Participants,Remind_At",
}


def rich_records(org: Org) -> list[tuple[str, dict[str, Any]]]:
    """Records with values of many types, whose stored forms the changes may land on."""
    account, contact = org.records["Accounts"][0], org.records["Contacts"][0]
    return [
        ("Leads", {"Last_Name": "Rich", "Company": "C", "Email": "a@b.test", "No_of_Employees": 5,
                   "Annual_Revenue": 12.5, "Email_Opt_Out": True}),
        ("Contacts", {"Last_Name": "Rich", "Account_Name": account, "Date_of_Birth": "1990-05-17",
                      "Reporting_To": contact}),
        ("Deals", {"Deal_Name": "Rich", "Closing_Date": "2030-01-31", "Stage": "Qualification", "Amount": 10,
                   "Account_Name": account, "Contact_Name": contact,
                   "Competitors": [{"Competitor_Name": "X", "Rank": 1}],
                   "AssociatedUser": [{"User": {"id": org.user_id}}]}),
        ("Events", {"Event_Title": "Rich", "Start_DateTime": "2030-01-31T10:00:00+05:30",
                    "End_DateTime": "2030-01-31T11:00:00+05:30", "Remind_At": [{"unit": 15, "period": "minutes"}]}),
    ]  # fmt: skip


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    server = start_server(tmp_path)
    try:
        yield prepare_org(server)
    finally:
        server.stop()


def leaves(value: Any, at: Path_ = ()) -> Iterator[Path_]:
    """Every place in a JSON document: its containers' items and its leaves."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*at, key)
            yield from leaves(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*at, index)
            yield from leaves(item, (*at, index))


def changed(document: dict[str, Any], at: Path_, new: Any, remove: bool) -> dict[str, Any]:
    copied = copy.deepcopy(document)
    parent: Any = copied
    for step in at[:-1]:
        parent = parent[step]
    if remove and isinstance(parent, dict):
        del parent[at[-1]]
    else:
        parent[at[-1]] = new
    return copied


def test_changed_snapshots_are_refused_or_work(org: Org) -> None:
    admin = {"X-ZCRM-Admin-Token": read_admin_token(org.server.data_dir)}
    with org.http() as http:
        for module, record in rich_records(org):
            answer = http.post(f"/crm/v5/{module}", json={"data": [record]})
            assert answer.status_code == 201, answer.text
        snapshot = http.get(f"/__zcrm/orgs/{org.org_id}/snapshot", headers=admin).json()
        places = [p for p in leaves(snapshot) if p[0] not in ("format", "exported_time")]
        outcomes: Counter[int] = Counter()

        # mostly inside definitions and record data: what the row checks of the import do not look into
        inside = [p for p in places if len(p) > 3 and p[2] in ("definition", "data")]
        where = st.one_of(st.sampled_from(inside), st.sampled_from(places))

        @fuzz_settings(EXAMPLES * 2)
        @given(at=where, new=JSON_VALUES, remove=st.booleans())
        def imported(at: Path_, new: Any, remove: bool) -> None:
            created = http.post(
                "/__zcrm/orgs", json={"snapshot": changed(snapshot, at, new, remove)}, headers=admin
            )
            assert created.status_code in (201, 400), (at, new, created.status_code, created.text[:500])
            assert created.headers["content-type"] == "application/json;charset=UTF-8"
            outcomes[created.status_code] += 1
            if created.status_code != 201:
                assert created.json()["code"] in ("INVALID_DATA", "MANDATORY_NOT_FOUND", "DUPLICATE_DATA")
                return
            token = {"Authorization": f"Zoho-oauthtoken {created.json()['access_token']}"}
            try:
                answers = [
                    http.get(path, headers=token)
                    for path in ("/crm/v5/org", "/crm/v5/users", "/crm/v5/settings/modules", "/__zcrm/clock")
                ]
                for module, fields in READ_FIELDS.items():
                    answers.append(http.get(f"/crm/v5/settings/fields?module={module}", headers=token))
                    answers.append(http.get(f"/crm/v5/settings/layouts?module={module}", headers=token))
                    listed = http.get(f"/crm/v5/{module}?fields={fields}", headers=token)
                    answers.append(listed)
                    if listed.status_code == 200:
                        for record in listed.json()["data"][:2]:
                            answers.append(http.get(f"/crm/v5/{module}/{record['id']}", headers=token))
                            answers.append(
                                http.get(f"/crm/v5/{module}/{record['id']}/__timeline", headers=token)
                            )
                answers.append(
                    http.post(
                        "/crm/v5/Contacts", json={"data": [{"Last_Name": "After import"}]}, headers=token
                    )
                )
                for answer in answers:
                    assert answer.status_code < 500, (at, new, answer.request.url, answer.text[:500])
            finally:
                org_id = created.json()["org_id"]
                assert http.delete(f"/__zcrm/orgs/{org_id}", headers=admin).status_code == 200

        imported()
    print(outcomes)
    assert outcomes[201] and outcomes[400], outcomes  # both the refusals and the imports were exercised
    assert_healthy(org)
