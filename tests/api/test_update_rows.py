"""Update Records: multi-select lookups, multi-user lookups and image uploads (§3.8), subforms (§3.9), and the
module rules of Events and Calls (§3.13)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tests.api.test_update import (
    BAD_FIELD,
    BAD_ID,
    INVALID,
    REQUIRED,
    changes,
    err,
    ok,
    one,
    put,
    read,
    user_id,
)
from tests.conftest import Api, sql
from tests.known_files import known_files

LINKED = "duplicate association"
CODES = itertools.count()


def specimen(api: Api, **fields: Any) -> str:
    [record_id] = api.insert("Specimens", {"Name": "spec", "Code": f"c{next(CODES)}", **fields})
    return record_id


def targets(api: Api, *names: str) -> list[str]:
    return api.insert("Targets", *({"Name": name} for name in names))


def linked(api: Api, record: str) -> list[tuple[str, str]]:
    """(linking row id, target id) of a specimen's Linked_Targets, in order."""
    return [(row["id"], row["Target_Ref"]["id"]) for row in read(api, "Specimens", record)["Linked_Targets"]]


def parts(api: Api, record: str) -> list[tuple[str, str, int | None]]:
    return [(row["id"], row["Part_Name"], row["Quantity"]) for row in read(api, "Specimens", record)["Parts"]]


def invalid_at(path: str, api_name: str = "id") -> dict[str, Any]:
    return err("INVALID_DATA", {"api_name": api_name, "json_path": path}, BAD_ID)


# -- multi-select lookups ------------------------------------------------------------------------------------


def test_link_rows_are_additive(specimens: Api) -> None:
    t1, t2, t3 = targets(specimens, "T1", "T2", "T3")
    record = specimen(specimens, Linked_Targets=[{"Target_Ref": {"id": t1}}])
    [(row1, _)] = linked(specimens, record)
    ok(
        specimens,
        "Specimens",
        {"id": record, "Linked_Targets": [{"Target_Ref": {"id": t2}}, {"Target_Ref": int(t3)}]},
    )
    rows = linked(specimens, record)
    assert [target for _, target in rows] == [t1, t2, t3]
    assert rows[0][0] == row1
    row = read(specimens, "Specimens", record)["Linked_Targets"][1]
    assert row["Target_Ref"] == {"name": "T2", "id": t2}
    assert row["Specimen_Ref"] == {"name": "spec", "id": record}


def test_delete_a_link_row(specimens: Api) -> None:
    t1, t2 = targets(specimens, "T1", "T2")
    record = specimen(specimens, Linked_Targets=[{"Target_Ref": {"id": t1}}, {"Target_Ref": {"id": t2}}])
    (row1, _), (row2, _) = linked(specimens, record)
    ok(specimens, "Specimens", {"id": record, "Linked_Targets": [{"id": row1, "_delete": None}]})
    assert linked(specimens, record) == [(row2, t2)]
    # the key's presence is what counts, not its value; the id may be a number
    ok(specimens, "Specimens", {"id": record, "Linked_Targets": [{"id": int(row2), "_delete": "yes"}]})
    assert linked(specimens, record) == []
    # the targets themselves remain
    assert read(specimens, "Targets", t1)["Name"] == "T1"


def test_empty_array_changes_nothing_and_null_removes_every_link(specimens: Api) -> None:
    known_files(specimens, "p1", "p2")
    t1, t2 = targets(specimens, "T1", "T2")
    me = specimens.creds.user_id
    record = specimen(
        specimens,
        Linked_Targets=[{"Target_Ref": {"id": t1}}, {"Target_Ref": {"id": t2}}],
        Watchers=[{"User": {"id": me}}],
        Photos=[{"File_Id__s": "p1"}, {"File_Id__s": "p2"}],
    )
    before = read(specimens, "Specimens", record)
    ok(specimens, "Specimens", {"id": record, "Linked_Targets": [], "Watchers": [], "Photos": []})
    after = read(specimens, "Specimens", record)
    for field in ("Linked_Targets", "Watchers", "Photos"):
        assert after[field] == before[field], field
    ok(specimens, "Specimens", {"id": record, "Linked_Targets": None, "Watchers": None, "Photos": None})
    after = read(specimens, "Specimens", record)
    assert (after["Linked_Targets"], after["Watchers"], after["Photos"]) == ([], [], [])
    # links can be made again afterwards
    ok(specimens, "Specimens", {"id": record, "Linked_Targets": [{"Target_Ref": {"id": t1}}]})
    assert [t for _, t in linked(specimens, record)] == [t1]


def test_link_row_errors(specimens: Api) -> None:
    t1, t2 = targets(specimens, "T1", "T2")
    record = specimen(specimens, Linked_Targets=[{"Target_Ref": {"id": t1}}])
    other = specimen(specimens, Linked_Targets=[{"Target_Ref": {"id": t1}}])
    [(row, _)] = linked(specimens, record)
    [(other_row, _)] = linked(specimens, other)
    new = {"Target_Ref": {"id": t2}}
    cases = [
        (
            [new, {"_delete": None}],
            err(
                "MANDATORY_NOT_FOUND",
                {"api_name": "id", "json_path": "$.data[0].Linked_Targets[1].id"},
                REQUIRED,
            ),
        ),
        ([new, {"id": "1234567890123456789", "_delete": None}], invalid_at("$.data[0].Linked_Targets[1].id")),
        ([new, {"id": other_row, "_delete": None}], invalid_at("$.data[0].Linked_Targets[1].id")),
        ([new, {"id": t1, "_delete": None}], invalid_at("$.data[0].Linked_Targets[1].id")),
        ([new, {"id": "abc", "_delete": None}], invalid_at("$.data[0].Linked_Targets[1].id")),
        ([new, {"id": other_row, "Target_Ref": {"id": t2}}], invalid_at("$.data[0].Linked_Targets[1].id")),
        (
            [new, {"Target_Ref": {"id": "1234567890123456789"}}],
            invalid_at("$.data[0].Linked_Targets[1].Target_Ref", "Target_Ref"),
        ),
        (
            [new, {"Target_Ref": {"id": record}}],
            invalid_at("$.data[0].Linked_Targets[1].Target_Ref", "Target_Ref"),
        ),
        ([new, {"Target_Ref": "abc"}], invalid_at("$.data[0].Linked_Targets[1].Target_Ref", "Target_Ref")),
        (
            [new, {"Target_Ref": {"id": t1}}],
            err(
                "DUPLICATE_LINKING_DATA",
                {"api_name": "Linked_Targets", "json_path": "$.data[0].Linked_Targets[1]", "id": row},
                LINKED,
            ),
        ),
        (
            [new, {"Target_Ref": {"id": t2}, "Bogus": 1}],
            err(
                "INVALID_DATA",
                {"api_name": "Bogus", "json_path": "$.data[0].Linked_Targets[1].Bogus"},
                BAD_FIELD,
            ),
        ),
    ]
    before = read(specimens, "Specimens", record)
    for value, expected in cases:
        status, entry = one(
            specimens, "Specimens", {"id": record, "Name": "changed", "Linked_Targets": value}
        )
        assert (status, entry) == (400, expected), value
        assert read(specimens, "Specimens", record) == before
    assert linked(specimens, other) == [(other_row, t1)]


def test_link_errors_at_index_n(specimens: Api) -> None:
    [t1] = targets(specimens, "T1")
    first, second = specimen(specimens), specimen(specimens, Name="two")
    response = put(
        specimens,
        "Specimens",
        {"id": first, "Linked_Targets": [{"Target_Ref": {"id": t1}}]},
        {"id": second, "Linked_Targets": [{"Target_Ref": {"id": "99"}}]},
    )
    assert response.status_code == 207
    assert response.json()["data"][1] == invalid_at("$.data[1].Linked_Targets[0].Target_Ref", "Target_Ref")


def test_deleting_and_adding_in_one_array(specimens: Api) -> None:
    t1, t2 = targets(specimens, "T1", "T2")
    record = specimen(specimens, Linked_Targets=[{"Target_Ref": {"id": t1}}])
    [(row1, _)] = linked(specimens, record)
    ok(
        specimens,
        "Specimens",
        {"id": record, "Linked_Targets": [{"Target_Ref": {"id": t2}}, {"id": row1, "_delete": None}]},
    )
    rows = linked(specimens, record)
    assert [t for _, t in rows] == [t2] and rows[0][0] != row1


# -- multi-user lookups -----------------------------------------------------------------------------------


def test_multi_user_lookup_rows(specimens: Api) -> None:
    users = {
        u["email"]: u["id"]
        for u in specimens.get("/crm/v5/users", params={"type": "AllUsers"}).json()["users"]
    }
    ada, vic, ina = users["ada@specimen.test"], users["vic@specimen.test"], users["ina@specimen.test"]
    record = specimen(specimens, Watchers=[{"User": {"id": ada}}])
    [ada_row] = [row["id"] for row in read(specimens, "Specimens", record)["Watchers"]]
    ok(specimens, "Specimens", {"id": record, "Watchers": [{"User": {"id": vic, "name": "Vic"}}]})
    watchers = read(specimens, "Specimens", record)["Watchers"]
    assert [w["User"]["id"] for w in watchers] == [ada, vic]
    assert watchers[1]["User"] == {"name": "Vic Viewer", "id": vic, "email": "vic@specimen.test"}
    before = read(specimens, "Specimens", record)
    for value, expected in [
        ([{"User": {"id": "1234567890123456789"}}], invalid_at("$.data[0].Watchers[0].User", "User")),
        ([{"User": {"id": ina}}], invalid_at("$.data[0].Watchers[0].User", "User")),
        ([{"User": {"id": record}}], invalid_at("$.data[0].Watchers[0].User", "User")),
        (
            [{"_delete": None}],
            err("MANDATORY_NOT_FOUND", {"api_name": "id", "json_path": "$.data[0].Watchers[0].id"}, REQUIRED),
        ),
        ([{"id": ada, "_delete": None}], invalid_at("$.data[0].Watchers[0].id")),
        (
            [{"User": {"id": ada}}],
            err(
                "DUPLICATE_LINKING_DATA",
                {"api_name": "Watchers", "json_path": "$.data[0].Watchers[0]", "id": ada_row},
                LINKED,
            ),
        ),
    ]:
        status, entry = one(specimens, "Specimens", {"id": record, "Watchers": value})
        assert (status, entry) == (400, expected), value
        assert read(specimens, "Specimens", record) == before
    ok(specimens, "Specimens", {"id": record, "Watchers": [{"id": ada_row, "_delete": None}]})
    assert [w["User"]["id"] for w in read(specimens, "Specimens", record)["Watchers"]] == [vic]


def test_deals_links_and_users(api: Api) -> None:
    sea, hill = api.insert("Listings", {"Name": "Sea view"}, {"Name": "Hill top"})
    arjun = user_id(api, "arjun.mehta@zylker.test")
    [deal] = api.insert(
        "Deals",
        {
            "Deal_Name": "d",
            "Stage": "Qualification",
            "Closing_Date": "2024-01-01",
            "Listings": [{"Interested_Listings": {"id": sea}}],
            "AssociatedUser": [{"User": {"id": api.creds.user_id}}],
        },
    )
    got = read(api, "Deals", deal)
    listing_row, user_row = got["Listings"][0]["id"], got["AssociatedUser"][0]["id"]
    _, entry = one(api, "Deals", {"id": deal, "Listings": [{"Interested_Listings": {"id": sea}}]})
    assert entry == err(
        "DUPLICATE_LINKING_DATA",
        {"api_name": "Listings", "json_path": "$.data[0].Listings[0]", "id": listing_row},
        LINKED,
    )
    _, entry = one(
        api,
        "Deals",
        {"id": deal, "AssociatedUser": [{"User": {"id": arjun}}, {"User": {"id": api.creds.user_id}}]},
    )
    assert entry == err(
        "DUPLICATE_LINKING_DATA",
        {"api_name": "AssociatedUser", "json_path": "$.data[0].AssociatedUser[1]", "id": user_row},
        LINKED,
    )
    _, entry = one(api, "Deals", {"id": deal, "Listings": [{"Interested_Listings": {"id": deal}}]})
    assert entry == invalid_at("$.data[0].Listings[0].Interested_Listings", "Interested_Listings")
    _, entry = one(api, "Deals", {"id": deal, "Listings": [{"id": sea, "_delete": None}]})
    assert entry == invalid_at("$.data[0].Listings[0].id")
    got = read(api, "Deals", deal)
    assert [r["Interested_Listings"]["id"] for r in got["Listings"]] == [sea]
    assert [r["User"]["id"] for r in got["AssociatedUser"]] == [api.creds.user_id]
    ok(
        api,
        "Deals",
        {
            "id": deal,
            "Listings": [{"Interested_Listings": {"id": hill}}],
            "AssociatedUser": [{"User": arjun}],
        },
    )
    got = read(api, "Deals", deal)
    assert [r["Interested_Listings"]["id"] for r in got["Listings"]] == [sea, hill]
    assert [r["User"]["id"] for r in got["AssociatedUser"]] == [api.creds.user_id, arjun]


# -- image uploads ------------------------------------------------------------------------------------------


def test_image_upload_rows(specimens: Api) -> None:
    known_files(specimens, "p1", "p2", "p3", "p4", "p5")
    record = specimen(specimens, Photos=[{"File_Id__s": "p1"}])
    [p1] = [row["id"] for row in read(specimens, "Specimens", record)["Photos"]]
    ok(specimens, "Specimens", {"id": record, "Photos": [{"File_Id__s": "p2"}, {"File_Id__s": "p3"}]})
    photos = read(specimens, "Specimens", record)["Photos"]
    assert [p["File_Id__s"] for p in photos] == ["p1", "p2", "p3"]
    assert photos[0]["id"] == p1 and photos[1]["Preview_Id__s"] == "p2"
    ok(specimens, "Specimens", {"id": record, "Photos": [{"id": p1, "_delete": None}, {"File_Id__s": "p4"}]})
    assert [p["File_Id__s"] for p in read(specimens, "Specimens", record)["Photos"]] == ["p2", "p3", "p4"]
    before = read(specimens, "Specimens", record)
    p2 = before["Photos"][0]["id"]
    for value, expected in [
        (
            [{"_delete": None}],
            err("MANDATORY_NOT_FOUND", {"api_name": "id", "json_path": "$.data[0].Photos[0].id"}, REQUIRED),
        ),
        ([{"File_Id__s": "p5"}, {"id": p1, "_delete": None}], invalid_at("$.data[0].Photos[1].id")),
        ([{"File_Id__s": "p5"}, {"id": record, "_delete": None}], invalid_at("$.data[0].Photos[1].id")),
        ([{"File_Id__s": "p5"}, {"id": "abc", "_delete": None}], invalid_at("$.data[0].Photos[1].id")),
    ]:
        status, entry = one(specimens, "Specimens", {"id": record, "Photos": value})
        assert (status, entry) == (400, expected), value
        assert read(specimens, "Specimens", record) == before
    # a row with id and no _delete updates that row's other fields
    ok(specimens, "Specimens", {"id": record, "Photos": [{"id": p2, "Description__s": "front"}]})
    photos = read(specimens, "Specimens", record)["Photos"]
    assert [(p["File_Id__s"], p["Description__s"]) for p in photos] == [
        ("p2", "front"),
        ("p3", None),
        ("p4", None),
    ]


def test_image_upload_on_deals_after_an_item_with_an_error(api: Api) -> None:
    known_files(api, "a", "b")
    [deal] = api.insert(
        "Deals",
        {
            "Deal_Name": "d",
            "Stage": "Qualification",
            "Closing_Date": "2024-01-01",
            "Image_Upload": [{"File_Id__s": "a"}],
        },
    )
    before = read(api, "Deals", deal)
    response = put(api, "Deals", {"id": deal, "Image_Upload": [{"File_Id__s": "b"}], "Amount": "lots"})
    assert response.status_code == 400
    assert read(api, "Deals", deal) == before


# -- subforms --------------------------------------------------------------------------------------------------


@pytest.fixture
def three_parts(specimens: Api) -> tuple[str, list[str]]:
    record = specimen(
        specimens,
        Parts=[
            {"Part_Name": "p1", "Quantity": 1},
            {"Part_Name": "p2", "Quantity": 2},
            {"Part_Name": "p3", "Quantity": 3},
        ],
    )
    return record, [row_id for row_id, _, _ in parts(specimens, record)]


def test_subform_array_replaces_the_rows(specimens: Api, three_parts: tuple[str, list[str]]) -> None:
    record, (r1, r2, r3) = three_parts
    ok(specimens, "Specimens", {"id": record, "Parts": [{"id": r1, "Quantity": 10}, {"Part_Name": "new"}]})
    rows = parts(specimens, record)
    assert [(name, qty) for _, name, qty in rows] == [("p1", 10), ("new", None)]
    assert rows[0][0] == r1 and rows[1][0] not in (r1, r2, r3)
    got = read(specimens, "Specimens", record)
    assert [row["Parent_Id"] for row in got["Parts"]] == [{"name": "spec", "id": record}] * 2


def test_subform_row_with_only_an_id_is_kept_unchanged(
    specimens: Api, three_parts: tuple[str, list[str]]
) -> None:
    record, (r1, r2, _r3) = three_parts
    ok(specimens, "Specimens", {"id": record, "Parts": [{"id": r1}, {"id": int(r2), "Part_Name": "two"}]})
    assert parts(specimens, record) == [(r1, "p1", 1), (r2, "two", 2)]


def test_subform_result_follows_the_request_order(specimens: Api, three_parts: tuple[str, list[str]]) -> None:
    record, (r1, _r2, r3) = three_parts
    ok(specimens, "Specimens", {"id": record, "Parts": [{"id": r3}, {"Part_Name": "new"}, {"id": r1}]})
    rows = parts(specimens, record)
    assert [(name, qty) for _, name, qty in rows] == [("p3", 3), ("new", None), ("p1", 1)]
    assert (rows[0][0], rows[2][0]) == (r3, r1)


@pytest.mark.parametrize("value", [[], None])
def test_subform_empty_or_null_deletes_every_row(
    specimens: Api, three_parts: tuple[str, list[str]], value: list[Any] | None
) -> None:
    record, _ = three_parts
    ok(specimens, "Specimens", {"id": record, "Parts": value})
    assert read(specimens, "Specimens", record)["Parts"] == []


def test_subform_pure_deletion_keeps_the_rows_not_mentioned(
    specimens: Api, three_parts: tuple[str, list[str]]
) -> None:
    record, (r1, r2, r3) = three_parts
    ok(specimens, "Specimens", {"id": record, "Parts": [{"id": r2, "_delete": None}]})
    assert parts(specimens, record) == [(r1, "p1", 1), (r3, "p3", 3)]
    ok(
        specimens,
        "Specimens",
        {"id": record, "Parts": [{"id": r1, "_delete": None}, {"id": r3, "_delete": None}]},
    )
    assert parts(specimens, record) == []


def test_subform_delete_rows_mixed_with_others(specimens: Api, three_parts: tuple[str, list[str]]) -> None:
    record, (r1, r2, _r3) = three_parts
    ok(
        specimens,
        "Specimens",
        {"id": record, "Parts": [{"id": r1}, {"id": r2, "_delete": None}, {"Part_Name": "n", "Quantity": 4}]},
    )
    rows = parts(specimens, record)
    assert [(name, qty) for _, name, qty in rows] == [("p1", 1), ("n", 4)]
    assert rows[0][0] == r1


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            lambda r: [{"id": r[0]}, {"Part_Name": "x", "Quantity": "bad"}],
            err(
                "INVALID_DATA",
                {
                    "expected_data_type": "integer",
                    "api_name": "Quantity",
                    "json_path": "$.data[0].Parts[1].Quantity",
                },
                INVALID,
            ),
        ),
        (
            lambda r: [{"id": r[0], "Quantity": 1.5}],
            err(
                "INVALID_DATA",
                {
                    "expected_data_type": "integer",
                    "api_name": "Quantity",
                    "json_path": "$.data[0].Parts[0].Quantity",
                },
                INVALID,
            ),
        ),
        (
            lambda r: [{"id": r[1], "Part_Name": "x" * 31}],
            err(
                "INVALID_DATA",
                {"maximum_length": 30, "api_name": "Part_Name", "json_path": "$.data[0].Parts[0].Part_Name"},
                INVALID,
            ),
        ),
        (lambda r: [{"id": "1234567890123456789", "Quantity": 1}], invalid_at("$.data[0].Parts[0].id")),
        (lambda r: [{"id": r[0]}, {"id": "abc"}], invalid_at("$.data[0].Parts[1].id")),
        (lambda r: [{"id": "1234567890123456789", "_delete": None}], invalid_at("$.data[0].Parts[0].id")),
        (
            lambda r: [{"_delete": None}],
            err("MANDATORY_NOT_FOUND", {"api_name": "id", "json_path": "$.data[0].Parts[0].id"}, REQUIRED),
        ),
        (
            lambda r: [{"id": r[0], "Bogus": 1}],
            err("INVALID_DATA", {"api_name": "Bogus", "json_path": "$.data[0].Parts[0].Bogus"}, BAD_FIELD),
        ),
        (
            lambda r: [{"id": r[0]}, {"Quantity": 5}],
            err(
                "MANDATORY_NOT_FOUND",
                {"api_name": "Part_Name", "json_path": "$.data[0].Parts[1].Part_Name"},
                REQUIRED,
            ),
        ),
        (
            lambda r: "rows",
            err(
                "INVALID_DATA",
                {"expected_data_type": "subform", "api_name": "Parts", "json_path": "$.data[0].Parts"},
                INVALID,
            ),
        ),
        (
            lambda r: [{"id": r[0]}, "row"],
            err(
                "INVALID_DATA",
                {"expected_data_type": "jsonobject", "api_name": "Parts", "json_path": "$.data[0].Parts[1]"},
                INVALID,
            ),
        ),
    ],
)
def test_subform_errors_change_nothing(
    specimens: Api, three_parts: tuple[str, list[str]], rows: Any, expected: dict[str, Any]
) -> None:
    record, ids = three_parts
    before = read(specimens, "Specimens", record)
    status, entry = one(specimens, "Specimens", {"id": record, "Name": "changed", "Parts": rows(ids)})
    assert (status, entry) == (400, expected)
    assert read(specimens, "Specimens", record) == before


def test_subform_row_of_another_record_is_unknown(specimens: Api, three_parts: tuple[str, list[str]]) -> None:
    record, _ = three_parts
    other = specimen(specimens, Name="other", Parts=[{"Part_Name": "o1"}])
    [(other_row, _, _)] = parts(specimens, other)
    for value in ([{"id": other_row, "Quantity": 9}], [{"id": other_row, "_delete": None}]):
        _, entry = one(specimens, "Specimens", {"id": record, "Parts": value})
        assert entry == invalid_at("$.data[0].Parts[0].id")
    assert parts(specimens, other) == [(other_row, "o1", None)]


def test_subform_rows_at_index_n_and_parent_id_ignored(
    specimens: Api, three_parts: tuple[str, list[str]]
) -> None:
    record, (r1, _, _) = three_parts
    other = specimen(specimens, Name="other")
    response = put(
        specimens,
        "Specimens",
        {"id": other, "Parts": [{"Part_Name": "x", "Parent_Id": {"id": record}}]},
        {"id": record, "Parts": [{"id": r1}, {"Part_Name": "y", "Quantity": "z"}]},
    )
    assert response.status_code == 207
    assert response.json()["data"][1]["details"]["json_path"] == "$.data[1].Parts[1].Quantity"
    assert [name for _, name, _ in parts(specimens, other)] == ["x"]
    assert len(parts(specimens, record)) == 3


def test_deals_competitors_example(api: Api) -> None:
    [deal] = api.insert(
        "Deals",
        {
            "Deal_Name": "d",
            "Stage": "Qualification",
            "Closing_Date": "2024-01-01",
            "Competitors": [
                {"Competitor_Name": "R1", "Competitor_Price": 10, "Rank": 1},
                {"Competitor_Name": "R2", "Rank": 2},
                {"Competitor_Name": "R3", "Rank": 3},
            ],
        },
    )
    r1 = read(api, "Deals", deal)["Competitors"][0]["id"]
    response = put(
        api, "Deals", {"id": deal, "Competitors": [{"id": r1, "Rank": 3}, {"Competitor_Name": "new row"}]}
    )
    assert response.status_code == 200
    rows = read(api, "Deals", deal)["Competitors"]
    assert [(r["Competitor_Name"], r["Competitor_Price"], r["Rank"]) for r in rows] == [
        ("R1", 10.0, 3),
        ("new row", None, None),
    ]
    assert rows[0]["id"] == r1
    _, entry = one(api, "Deals", {"id": deal, "Competitors": [{"id": r1, "Competitor_Price": "cheap"}]})
    assert entry == err(
        "INVALID_DATA",
        {
            "expected_data_type": "currency",
            "api_name": "Competitor_Price",
            "json_path": "$.data[0].Competitors[0].Competitor_Price",
        },
        INVALID,
    )


def test_subform_change_is_recorded(specimens: Api, three_parts: tuple[str, list[str]]) -> None:
    record, (r1, _r2, _r3) = three_parts
    ok(specimens, "Specimens", {"id": record, "Parts": [{"id": r1, "Quantity": 5}]}, trigger=["workflow"])
    op, triggers, changed = changes(specimens, record)[-1]
    assert (op, triggers) == ("update", ["workflow"])
    assert "Parts" in changed


# -- Events and Calls ------------------------------------------------------------------------------------------


def event(api: Api, participants: int = 0) -> str:
    [record] = api.insert(
        "Events",
        {
            "Event_Title": "e",
            "Start_DateTime": "2024-01-01T10:00:00+00:00",
            "End_DateTime": "2024-01-01T11:00:00+00:00",
            "Participants": [{"type": "email", "participant": f"p{i}@x.test"} for i in range(participants)],
        },
    )
    return record


def participants(count: int) -> list[dict[str, str]]:
    return [{"type": "email", "participant": f"q{i}@x.test"} for i in range(count)]


def test_fifty_one_participants(api: Api) -> None:
    record = event(api, 2)
    before = read(api, "Events", record)
    expected = err(
        "LIMIT_EXCEEDED",
        {"api_name": "Participants", "json_path": "$.data[0].Participants", "limit": 50},
        "Only 50 participants can be added to an event.",
    )
    status, entry = one(
        api, "Events", {"id": record, "Event_Title": "changed", "Participants": participants(51)}
    )
    assert (status, entry) == (400, expected)
    response = api.put(f"/crm/v5/Events/{record}", {"data": [{"Participants": participants(51)}]})
    assert response.status_code == 400
    assert response.json() == {"data": [expected]}
    assert read(api, "Events", record) == before
    ok(api, "Events", {"id": record, "Participants": participants(50)})
    assert len(read(api, "Events", record)["Participants"]) == 50


def test_participant_limit_comes_after_field_errors_and_before_mandatory(api: Api) -> None:
    record = event(api)
    _, entry = one(api, "Events", {"id": record, "Participants": participants(51), "Venue": True})
    assert entry["details"]["api_name"] == "Venue"
    _, entry = one(api, "Events", {"id": record, "Event_Title": None, "Participants": participants(51)})
    assert entry == {
        "code": "LIMIT_EXCEEDED",
        "details": {"api_name": "Participants", "json_path": "$.data[0].Participants", "limit": 50},
        "message": "Only 50 participants can be added to an event.",
        "status": "error",
    }


def call(api: Api, call_type: str = "Outbound", duration: str = "05:00") -> str:
    [record] = api.insert(
        "Calls",
        {
            "Subject": "c",
            "Call_Type": call_type,
            "Call_Duration": duration,
            "Call_Start_Time": "2024-01-01T10:00:00+00:00",
        },
    )
    return record


def dependent(index: int = 0) -> dict[str, Any]:
    return err(
        "DEPENDENT_MISMATCH",
        {
            "dependee": {"api_name": "Call_Type", "json_path": f"$.data[{index}].Call_Type"},
            "api_name": "Call_Duration",
            "json_path": f"$.data[{index}].Call_Duration",
        },
        "Call Duration can not be zero.",
    )


@pytest.mark.parametrize("call_type", ["Outbound", "Inbound"])
@pytest.mark.parametrize("duration", ["00:00", 0])
def test_call_duration_can_not_be_zero(api: Api, call_type: str, duration: Any) -> None:
    record = call(api, "Missed" if call_type == "Outbound" else "Outbound")
    before = read(api, "Calls", record)
    status, entry = one(api, "Calls", {"id": record, "Call_Type": call_type, "Call_Duration": duration})
    assert (status, entry) == (400, dependent())
    assert read(api, "Calls", record) == before


def test_call_duration_zero_for_missed_calls_is_fine(api: Api) -> None:
    record = call(api, "Outbound")
    ok(api, "Calls", {"id": record, "Call_Type": "Missed", "Call_Duration": "00:00"})
    got = read(api, "Calls", record)
    assert (got["Call_Type"], got["Call_Duration"]) == ("Missed", "00:00")


def test_call_duration_rule_uses_the_stored_call_type(api: Api) -> None:
    """Interpretation of §3.13 on update: the rule is about the call after the write, so zeroing the duration of a
    stored Outbound call (Call_Type not in the item) breaks it too."""
    record = call(api, "Outbound")
    before = read(api, "Calls", record)
    _, entry = one(api, "Calls", {"id": record, "Call_Duration": "00:00"})
    assert entry == dependent()
    assert read(api, "Calls", record) == before


def test_call_rule_comes_after_reference_errors(api: Api) -> None:
    record = call(api, "Missed")
    _, entry = one(
        api,
        "Calls",
        {
            "id": record,
            "Call_Type": "Outbound",
            "Call_Duration": "00:00",
            "Who_Id": {"id": "1234567890123456789"},
        },
    )
    assert entry == err("INVALID_DATA", {"api_name": "Who_Id", "json_path": "$.data[0].Who_Id"}, BAD_ID)
    response = put(
        api,
        "Calls",
        {"id": record, "Subject": "fine"},
        {"id": record, "Call_Type": "Inbound", "Call_Duration": 0},
    )
    assert response.status_code == 207
    assert response.json()["data"][1] == dependent(1)
    assert read(api, "Calls", record)["Subject"] == "fine"


# -- several items on one record ---------------------------------------------------------------------------


def child_count(api: Api, record: str) -> int:
    return int(sql(api, "SELECT COUNT(*) FROM records WHERE parent_id = :id", {"id": record})[0][0])


def test_rows_added_by_an_earlier_item_can_be_removed_by_a_later_one(specimens: Api) -> None:
    """§2.2: the same id twice is processed twice, the second on top of the first."""
    known_files(specimens, "x")
    [t1] = targets(specimens, "T1")
    record = specimen(specimens, Parts=[{"Part_Name": "p0"}])
    ok(
        specimens,
        "Specimens",
        {"id": record, "Parts": [{"Part_Name": "a"}]},
        {"id": record, "Parts": [{"Part_Name": "b"}]},
    )
    assert [name for _, name, _ in parts(specimens, record)] == ["b"]
    ok(
        specimens,
        "Specimens",
        {"id": record, "Linked_Targets": [{"Target_Ref": {"id": t1}}], "Photos": [{"File_Id__s": "x"}]},
        {"id": record, "Linked_Targets": None, "Photos": None},
    )
    got = read(specimens, "Specimens", record)
    assert (got["Linked_Targets"], got["Photos"]) == ([], [])
    ok(specimens, "Specimens", {"id": record, "Parts": [{"Part_Name": "c"}]}, {"id": record, "Parts": []})
    assert read(specimens, "Specimens", record)["Parts"] == []
    assert child_count(specimens, record) == 0


def test_rows_kept_by_an_earlier_item_and_changed_by_a_later_one(
    specimens: Api, three_parts: tuple[str, list[str]]
) -> None:
    record, (r1, r2, r3) = three_parts
    ok(
        specimens,
        "Specimens",
        {"id": record, "Parts": [{"id": r1, "Quantity": 10}, {"id": r2}]},
        {"id": record, "Parts": [{"id": r2, "_delete": None}]},
        {"id": record, "Parts": [{"id": r1, "Part_Name": "one"}]},
    )
    assert parts(specimens, record) == [(r1, "one", 10)]
    assert child_count(specimens, record) == 1
    assert r3 not in [row_id for row_id, _, _ in parts(specimens, record)]


def test_renamed_records_show_their_new_name_in_lookups_and_rows(specimens: Api) -> None:
    [t1] = targets(specimens, "T1")
    record = specimen(
        specimens, Target={"id": t1}, Linked_Targets=[{"Target_Ref": {"id": t1}}], Parts=[{"Part_Name": "p"}]
    )
    ok(specimens, "Targets", {"id": t1, "Name": "Renamed"})
    ok(specimens, "Specimens", {"id": record, "Name": "spec2"})
    got = read(specimens, "Specimens", record)
    assert got["Target"] == {"name": "Renamed", "id": t1}
    assert got["Linked_Targets"][0]["Target_Ref"] == {"name": "Renamed", "id": t1}
    assert got["Linked_Targets"][0]["Specimen_Ref"] == {"name": "spec2", "id": record}
    assert got["Parts"][0]["Parent_Id"] == {"name": "spec2", "id": record}


def test_read_only_fields_of_subform_rows_are_ignored(api: Api) -> None:
    """Found by the fuzzer (tests/fuzz/): a subform row's read-only fields (Quoted_Items' Total, Net_Total, …) were
    checked and stored, where the record's own are ignored (§3.10). Now they are ignored in rows too, on new rows
    and on rows updated by id."""
    [product] = api.insert("Products", {"Product_Name": "P"})
    [account] = api.insert("Accounts", {"Account_Name": "A"})
    response = api.post(
        "/crm/v5/Quotes",
        {
            "data": [
                {
                    "Subject": "Q",
                    "Account_Name": account,
                    "Quoted_Items": [
                        {"Product_Name": product, "Quantity": 2, "Total": [], "Net_Total": 99, "Tax": "x"}
                    ],
                }
            ]
        },
    )
    assert response.status_code == 201, response.text
    quote = response.json()["data"][0]["details"]["id"]
    [row] = read(api, "Quotes", quote)["Quoted_Items"]
    assert (row["Quantity"], row["Total"], row["Net_Total"], row["Tax"]) == (2.0, None, None, None)
    ok(
        api,
        "Quotes",
        {"id": quote, "Quoted_Items": [{"id": row["id"], "Quantity": 3, "Net_Total": {"a": 1}}]},
    )
    [row] = read(api, "Quotes", quote)["Quoted_Items"]
    assert (row["Quantity"], row["Net_Total"]) == (3.0, None)
