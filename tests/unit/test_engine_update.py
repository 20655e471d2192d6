"""Update Records through the pure engine (``records/update.py``): every rule on plain values, no database. The
expected entries are the ones the API tests (tests/api/test_update*.py) expect over HTTP."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import orjson
import pytest

from tests.unit.engine_org import (
    ADA,
    BAD_FIELD,
    BAD_ID,
    BULK,
    DUPLICATE,
    INVALID,
    LINKED,
    LINKS,
    LOCKED,
    NOT_APPROVED,
    PARTS,
    PHOTOS,
    REQUIRED,
    RULED,
    SPECIMENS,
    T0,
    TARGETS,
    VIC,
    ZIA,
    bad_id,
    err,
    invalid,
    org,
    record,
    row,
    snapshot,
)
from zcrm.automation.functions import AfterCommit
from zcrm.errors import ZohoError
from zcrm.records.model import StoredRecord
from zcrm.records.plan import FileFacts, Plan, Snapshot
from zcrm.records.update import Children, Target, plan_update
from zcrm.schema.model import Layout, Module

A, B, C = "5550001000000000101", "5550001000000000102", "5550001000000000103"
T1, T2 = "5550001000000000201", "5550001000000000202"
NOW = T0 + 60
ADA_REF = {"name": "Ada Admin", "id": ADA}


def entries(plan: Plan) -> list[dict[str, Any]]:
    return [r.as_dict() if isinstance(r, ZohoError) else r for r in plan.results]


def update(
    items: list[Any],
    *stored: StoredRecord,
    module: Module = SPECIMENS,
    user: str = ADA,
    triggers: frozenset[str] = frozenset(),
    target: Target = BULK,
    since: int | None = None,
    children: Children | None = None,
    after: AfterCommit | None = None,
    state: Snapshot | None = None,
) -> Plan:
    """Runs the engine as the service does: the request's records are those of ``stored`` in ``module``."""
    schema = org(module)
    state = state or snapshot(*stored)
    records = {r.id: r for r in stored if r.module_id == module.id and r.parent_id is None}
    return plan_update(
        schema,
        schema.users_by_id[user],
        schema.module(module.api_name) or module,
        items,
        records,
        children or {},
        state,
        NOW,
        triggers,
        target,
        since,
        after,
    )


def one(item: dict[str, Any], *stored: StoredRecord, **kw: Any) -> dict[str, Any]:
    plan = update([item], *stored, **kw)
    [entry] = entries(plan)
    return entry


def success(rid: str, created: str = "2024-05-02T05:47:33+00:00") -> dict[str, Any]:
    return {
        "code": "SUCCESS",
        "details": {
            "Modified_Time": "2024-05-02T05:48:33+00:00",
            "Modified_By": ADA_REF,
            "Created_Time": created,
            "id": rid,
            "Created_By": ADA_REF,
            "$approval_state": "approved",
        },
        "message": "record updated",
        "status": "success",
    }


# -- the success entry and the plan ------------------------------------------------------------------------


def test_success_entry_and_the_plan_of_one_update() -> None:
    stored = record(A, Name="old", Count=1)
    plan = update([{"id": A, "Name": "new", "Count": 1}], stored)
    assert entries(plan) == [success(A)]
    assert list(entries(plan)[0]["details"]) == [
        "Modified_Time",
        "Modified_By",
        "Created_Time",
        "id",
        "Created_By",
        "$approval_state",
    ]
    assert plan.operation == "update"
    assert plan.updates == [stored] and stored.data["Name"] == "new"
    assert (stored.modified_by, stored.modified_time) == (ADA, NOW)
    [change] = plan.changes
    assert (change["record"], change["op"], change["user"], change["time"]) == (A, "update", ADA, NOW)
    assert orjson.loads(change["changed"]) == {"Name": ["old", "new"]}  # Count kept its value
    assert change["before"] is None and orjson.loads(change["after"])["Name"] == "new"
    assert plan.written == [(A, {"Name": ["old", "new"]}, stored.data)]
    assert (plan.inserts, plan.deletes, plan.claims, plan.unique_changes, plan.processes) == (
        [],
        [],
        [],
        [],
        [],
    )


def test_an_item_with_only_its_id_still_touches_the_record() -> None:
    stored = record(A)
    stored.modified_by = VIC
    assert one({"id": A}, stored) == success(A)
    assert (stored.modified_by, stored.modified_time) == (ADA, NOW)


def test_a_failed_item_writes_nothing() -> None:
    stored = record(A, Name="old")
    plan = update([{"id": A, "Name": "new", "Count": "x"}], stored)
    assert entries(plan) == [invalid("Count", {"expected_data_type": "integer"})]
    assert stored.data["Name"] == "old" and stored.modified_time == T0
    assert (plan.updates, plan.changes, plan.written, plan.unique_changes) == ([], [], [], [])


# -- ids and item shapes -----------------------------------------------------------------------------------


def test_item_without_id() -> None:
    plan = update([{"id": A, "Name": "a"}, {"Name": "b"}], record(A))
    assert entries(plan)[1] == err(
        "MANDATORY_NOT_FOUND", {"api_name": "id", "json_path": "$.data[1].id"}, REQUIRED
    )


@pytest.mark.parametrize(
    "raw_id", ["abc", " 12", "", "+12", "-12", "1.0", "0", 0, -5, 1.5, True, {"id": A}, [A]]
)
def test_malformed_item_id(raw_id: Any) -> None:
    plan = update([{"id": A, "Name": "a"}, {"id": raw_id, "Name": "b"}], record(A))
    assert entries(plan) == [success(A), bad_id(1)]


def test_unknown_ids_and_ids_of_other_modules() -> None:
    target = record(T1, module=TARGETS, Name="T")
    plan = update([{"id": "1234567890123456789", "Name": "x"}, {"id": T1, "Name": "x"}], target)
    assert entries(plan) == [bad_id(0), bad_id(1)]
    assert target.data == {"Name": "T"}


def test_item_that_is_not_an_object() -> None:
    plan = update(["x", {"id": A}], record(A))
    assert entries(plan)[0] == err(
        "INVALID_DATA",
        {"expected_data_type": "jsonobject", "api_name": "data", "json_path": "$.data[0]"},
        INVALID,
    )


def test_path_form() -> None:
    path = Target(path_id=A, path_form=True)
    assert one({"id": B, "Name": "p"}, record(A), target=path) == success(A)  # the path id wins
    resource = err("INVALID_DATA", {"resource_path_index": 1}, BAD_ID)
    assert one({"Name": "p"}, record(A), target=Target(path_id="abc", path_form=True)) == resource
    assert one({"Name": "p"}, record(A), target=Target(path_id=C, path_form=True)) == resource


def test_same_id_twice_later_item_sees_the_earlier_one() -> None:
    stored = record(A, Tags_Multi=["A"])
    plan = update(
        [{"id": A, "Tags_Multi": ["B"], "$append_values": {"Tags_Multi": True}}, {"id": A, "Name": None}],
        stored,
    )
    assert entries(plan) == [
        success(A),
        err("MANDATORY_NOT_FOUND", {"api_name": "Name", "json_path": "$.data[1].Name"}, REQUIRED),
    ]
    assert stored.data["Tags_Multi"] == ["A", "B"] and plan.updates == [stored]


# -- field values ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "details"),
    [
        ("Name", "x" * 21, {"maximum_length": 20}),
        ("Name", True, {"expected_data_type": "text"}),
        ("Name", ["x"], {"expected_data_type": "text"}),
        ("Code", "x" * 11, {"maximum_length": 10}),
        ("Code", 12345678901, {"maximum_length": 10}),
        ("Notes_Text", "x" * 2001, {"maximum_length": 2000}),
        ("Email", "not-an-email", {"expected_data_type": "email"}),
        ("Email", "a" * 96 + "@b.co", {"maximum_length": 100}),
        ("Colour", 3, {"expected_data_type": "picklist"}),
        ("Tags_Multi", "A", {"expected_data_type": "multiselectpicklist"}),
        ("Tags_Multi", ["A", 1], {"expected_data_type": "multiselectpicklist"}),
        ("Count", 1.5, {"expected_data_type": "integer"}),
        ("Count", "12a", {"expected_data_type": "integer"}),
        ("Count", 1234567890, {"maximum_length": 9}),
        ("Target", True, {"expected_data_type": "lookup"}),
        ("Target", {"name": "T1"}, {"expected_data_type": "lookup"}),
        ("Owner", False, {"expected_data_type": "ownerlookup"}),
    ],
)
def test_value_errors(field: str, value: Any, details: dict[str, Any]) -> None:
    stored = record(A, Email="keep@x.co", Count=7)
    before = dict(stored.data)
    assert one({"id": A, "Notes_Text": "changed", field: value}, stored) == invalid(field, details)
    assert stored.data == before


def test_value_error_at_index_n() -> None:
    plan = update([{"id": A, "Count": 1}, {"id": B, "Count": "x"}], record(A), record(B))
    assert entries(plan)[1] == invalid("Count", {"expected_data_type": "integer"}, index=1)


def test_unknown_field_and_ignored_read_only_field() -> None:
    assert one({"id": A, "Nickname": "x"}, record(A)) == err(
        "INVALID_DATA", {"api_name": "Nickname", "json_path": "$.data[0].Nickname"}, BAD_FIELD
    )
    stored = record(A)
    assert one({"id": A, "Locked_Value": "x"}, stored) == success(A)
    assert "Locked_Value" not in stored.data


@pytest.mark.parametrize("value", [None, "", []])
@pytest.mark.parametrize("field", ["Name", "Code"])  # system mandatory; required by the layout
def test_emptying_a_mandatory_field(field: str, value: Any) -> None:
    stored = record(A)
    assert one({"id": A, "Email": "new@x.co", field: value}, stored) == err(
        "MANDATORY_NOT_FOUND", {"api_name": field, "json_path": f"$.data[0].{field}"}, REQUIRED
    )
    assert "Email" not in stored.data


def test_owner_cannot_be_emptied_and_can_change() -> None:
    stored = record(A)
    assert one({"id": A, "Owner": None}, stored) == err(
        "MANDATORY_NOT_FOUND", {"api_name": "Owner", "json_path": "$.data[0].Owner"}, REQUIRED
    )
    assert one({"id": A, "Owner": {"id": "1"}}, stored) == err(
        "INVALID_DATA", {"api_name": "Owner", "json_path": "$.data[0].Owner"}, BAD_ID
    )
    plan = update([{"id": A, "Owner": {"id": VIC}}], stored)
    assert entries(plan) == [success(A)] and stored.owner_id == VIC
    assert orjson.loads(plan.changes[0]["changed"]) == {"Owner": [ADA, VIC]}


def test_lookups_must_name_a_record_of_their_module() -> None:
    target, other = record(T1, module=TARGETS, Name="T"), record(B)
    bad = err("INVALID_DATA", {"api_name": "Target", "json_path": "$.data[0].Target"}, BAD_ID)
    assert one({"id": A, "Target": {"id": "1234567890123456789"}}, record(A), target) == bad
    assert one({"id": A, "Target": {"id": B}}, record(A), target, other) == bad
    stored = record(A)
    assert one({"id": A, "Target": {"id": T1}}, stored, target) == success(A)
    assert stored.data["Target"] == T1


# -- $append_values ----------------------------------------------------------------------------------------


def test_append_values_adds_what_is_not_there_yet() -> None:
    stored = record(A, Tags_Multi=["A", "B"])
    plan = update([{"id": A, "Tags_Multi": ["B", "C"], "$append_values": {"Tags_Multi": True}}], stored)
    assert entries(plan) == [success(A)] and stored.data["Tags_Multi"] == ["A", "B", "C"]
    stored = record(A, Tags_Multi=["A", "B"])
    update([{"id": A, "Tags_Multi": ["C"], "$append_values": {"Tags_Multi": False}}], stored)
    assert stored.data["Tags_Multi"] == ["C"]


@pytest.mark.parametrize("value", ["yes", [], ["Tags_Multi"], True, 1, None])
def test_append_values_not_an_object(value: Any) -> None:
    stored = record(A, Tags_Multi=["A"])
    assert one({"id": A, "Tags_Multi": ["B"], "$append_values": value}, stored) == err(
        "INVALID_DATA",
        {
            "expected_data_type": "jsonobject",
            "api_name": "$append_values",
            "json_path": "$.data[0].$append_values",
        },
        INVALID,
    )
    assert stored.data["Tags_Multi"] == ["A"]


@pytest.mark.parametrize(
    ("append", "key", "message"),
    [
        ({"Nope": True}, "Nope", BAD_FIELD),
        ({"tags_multi": True}, "tags_multi", BAD_FIELD),
        ({"Tags_Multi": True, "Nope": False}, "Nope", BAD_FIELD),
        ({"Name": True}, "Name", INVALID),
        ({"Colour": True}, "Colour", INVALID),
        ({"Linked_Targets": True}, "Linked_Targets", INVALID),
        ({"Tags_Multi": "true"}, "Tags_Multi", INVALID),
        ({"Tags_Multi": None}, "Tags_Multi", INVALID),
    ],
)
def test_append_values_key_errors(append: dict[str, Any], key: str, message: str) -> None:
    stored = record(A, Tags_Multi=["A"])
    assert one({"id": A, "Tags_Multi": ["B"], "$append_values": append}, stored) == err(
        "INVALID_DATA", {"api_name": key, "json_path": f"$.data[0].$append_values.{key}"}, message
    )
    assert stored.data["Tags_Multi"] == ["A"]


# -- subforms ----------------------------------------------------------------------------------------------

R1, R2, R3 = "5550001000000000301", "5550001000000000302", "5550001000000000303"


def three_parts() -> tuple[StoredRecord, Children]:
    rows = [
        row(rid, A, PARTS, n, Part_Name=f"p{n + 1}", Quantity=n + 1) for n, rid in enumerate((R1, R2, R3))
    ]
    return record(A), {A: {PARTS.id: rows}}


def test_subform_array_replaces_the_rows() -> None:
    stored, children = three_parts()
    plan = update(
        [{"id": A, "Parts": [{"id": R2, "Quantity": 9}, {"Part_Name": "n"}]}], stored, children=children
    )
    assert entries(plan) == [success(A)]
    [new] = plan.rows.inserts
    assert (new.parent_id, new.module_id, new.data) == (
        A,
        PARTS.id,
        {"Part_Name": "n", "Parent_Id": A, "$order": 1},
    )
    assert [r.id for r in plan.rows.updates] == [R2]
    assert plan.rows.updates[0].data == {"Part_Name": "p2", "Quantity": 9, "$order": 0}
    assert sorted(plan.rows.deletes) == [R1, R3]
    changed = orjson.loads(plan.changes[0]["changed"])
    assert changed == {"Parts": {"added": [new.id], "updated": [R2], "deleted": [R1, R3]}}


@pytest.mark.parametrize("value", [[], None])
def test_subform_empty_or_null_deletes_every_row(value: Any) -> None:
    stored, children = three_parts()
    plan = update([{"id": A, "Parts": value}], stored, children=children)
    assert entries(plan) == [success(A)] and sorted(plan.rows.deletes) == [R1, R2, R3]


def test_subform_pure_deletion_keeps_the_rows_not_mentioned() -> None:
    stored, children = three_parts()
    plan = update([{"id": A, "Parts": [{"id": R2, "_delete": None}]}], stored, children=children)
    assert entries(plan) == [success(A)]
    assert plan.rows.deletes == [R2] and plan.rows.inserts == []
    assert [(r.id, r.data["$order"]) for r in children[A][PARTS.id]] == [(R1, 0), (R3, 2)]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [{"id": R1}, {"Part_Name": "x", "Quantity": "bad"}],
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
            [{"id": R2, "Part_Name": "x" * 31}],
            err(
                "INVALID_DATA",
                {"maximum_length": 30, "api_name": "Part_Name", "json_path": "$.data[0].Parts[0].Part_Name"},
                INVALID,
            ),
        ),
        (
            [{"id": "1234567890123456789", "_delete": None}],
            err("INVALID_DATA", {"api_name": "id", "json_path": "$.data[0].Parts[0].id"}, BAD_ID),
        ),
        (
            [{"_delete": None}],
            err("MANDATORY_NOT_FOUND", {"api_name": "id", "json_path": "$.data[0].Parts[0].id"}, REQUIRED),
        ),
        (
            [{"id": R1, "Bogus": 1}],
            err("INVALID_DATA", {"api_name": "Bogus", "json_path": "$.data[0].Parts[0].Bogus"}, BAD_FIELD),
        ),
        (
            [{"id": R1}, {"Quantity": 5}],
            err(
                "MANDATORY_NOT_FOUND",
                {"api_name": "Part_Name", "json_path": "$.data[0].Parts[1].Part_Name"},
                REQUIRED,
            ),
        ),
        (
            "rows",
            err(
                "INVALID_DATA",
                {"expected_data_type": "subform", "api_name": "Parts", "json_path": "$.data[0].Parts"},
                INVALID,
            ),
        ),
        (
            [{"id": R1}, "row"],
            err(
                "INVALID_DATA",
                {"expected_data_type": "jsonobject", "api_name": "Parts", "json_path": "$.data[0].Parts[1]"},
                INVALID,
            ),
        ),
    ],
)
def test_subform_errors_change_nothing(rows: Any, expected: dict[str, Any]) -> None:
    stored, children = three_parts()
    plan = update([{"id": A, "Name": "changed", "Parts": rows}], stored, children=children)
    assert entries(plan) == [expected]
    assert stored.data["Name"] == "spec"
    assert (plan.rows.inserts, plan.rows.updates, plan.rows.deletes, plan.changes) == ([], [], [], [])


def test_rows_added_by_an_earlier_item_can_be_removed_by_a_later_one() -> None:
    stored, children = three_parts()
    plan = update(
        [{"id": A, "Parts": [{"id": R1}, {"Part_Name": "n"}]}, {"id": A, "Parts": [{"id": R1}]}],
        stored,
        children=children,
    )
    assert entries(plan) == [success(A), success(A)]
    [added] = plan.rows.inserts
    assert added.id in plan.rows.deletes  # the write tail drops a row added and removed in one request


# -- multi-select lookups ------------------------------------------------------------------------------------


def linked_record() -> tuple[StoredRecord, StoredRecord, StoredRecord, StoredRecord, Children]:
    t1, t2 = record(T1, module=TARGETS, Name="T1"), record(T2, module=TARGETS, Name="T2")
    link = row(R1, A, LINKS, Specimen_Ref=A, Target_Ref=T1, **{"$order": 1})
    return record(A), t1, t2, link, {A: {LINKS.id: [link]}}


def test_link_rows_are_additive() -> None:
    stored, t1, t2, _, children = linked_record()
    plan = update(
        [{"id": A, "Linked_Targets": [{"Target_Ref": {"id": T2}}]}], stored, t1, t2, children=children
    )
    assert entries(plan) == [success(A)]
    [new] = plan.rows.inserts
    assert new.data == {"Target_Ref": T2, "Specimen_Ref": A, "$order": 2} and plan.rows.deletes == []


def test_delete_a_link_row() -> None:
    stored, t1, t2, _, children = linked_record()
    plan = update(
        [{"id": A, "Linked_Targets": [{"id": R1, "_delete": None}]}], stored, t1, t2, children=children
    )
    assert entries(plan) == [success(A)] and plan.rows.deletes == [R1]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [{"_delete": None}],
            err(
                "MANDATORY_NOT_FOUND",
                {"api_name": "id", "json_path": "$.data[0].Linked_Targets[0].id"},
                REQUIRED,
            ),
        ),
        (
            [{"id": T1, "_delete": None}],
            err("INVALID_DATA", {"api_name": "id", "json_path": "$.data[0].Linked_Targets[0].id"}, BAD_ID),
        ),
        (
            [{"Target_Ref": {"id": "1234567890123456789"}}],
            err(
                "INVALID_DATA",
                {"api_name": "Target_Ref", "json_path": "$.data[0].Linked_Targets[0].Target_Ref"},
                BAD_ID,
            ),
        ),
        (
            [{"Target_Ref": {"id": A}}],
            err(
                "INVALID_DATA",
                {"api_name": "Target_Ref", "json_path": "$.data[0].Linked_Targets[0].Target_Ref"},
                BAD_ID,
            ),
        ),
        (
            [{"Target_Ref": {"id": T2}}, {"Target_Ref": {"id": T1}}],
            err(
                "DUPLICATE_LINKING_DATA",
                {"api_name": "Linked_Targets", "json_path": "$.data[0].Linked_Targets[1]", "id": R1},
                LINKED,
            ),
        ),
    ],
)
def test_link_row_errors(rows: Any, expected: dict[str, Any]) -> None:
    stored, t1, t2, _, children = linked_record()
    plan = update([{"id": A, "Name": "changed", "Linked_Targets": rows}], stored, t1, t2, children=children)
    assert entries(plan) == [expected]
    assert stored.data["Name"] == "spec" and plan.rows.inserts == []


# -- unique values -------------------------------------------------------------------------------------------


def duplicate(field: str, holder: str, index: int = 0, owner: dict[str, str] | None = None) -> dict[str, Any]:
    return err(
        "DUPLICATE_DATA",
        {
            "api_name": field,
            "json_path": f"$.data[{index}].{field}",
            "id": holder,
            "duplicate_record": {
                "Owner": owner or {"name": "Ada Admin", "id": ADA, "zuid": ADA},
                "module": {"api_name": "Specimens", "id": SPECIMENS.id},
                "id": holder,
            },
            "more_records": False,
        },
        DUPLICATE,
    )


def test_duplicate_of_a_stored_value_case_insensitive() -> None:
    holder, other = record(A, Code="AbC", Serial="Xy", owner=VIC), record(B, Code="other")
    entry = one({"id": B, "Name": "renamed", "Code": "abc"}, holder, other)
    assert entry == duplicate("Code", A, owner={"name": "Vic Viewer", "id": VIC, "zuid": VIC})
    assert list(entry["details"]) == ["api_name", "json_path", "id", "duplicate_record", "more_records"]
    assert other.data["Name"] == "spec"


def test_case_sensitive_unique_field() -> None:
    holder, other = record(A, Code="a", Serial="Xy"), record(B, Code="b")
    assert one({"id": B, "Serial": "xy"}, holder, other) == success(B)
    holder, other = record(A, Code="a", Serial="Xy"), record(B, Code="b")
    assert one({"id": B, "Serial": "Xy"}, holder, other) == duplicate("Serial", A)


def test_two_clashing_unique_fields() -> None:
    holder, other = record(A, Code="AbC", Serial="Xy"), record(B, Code="b")
    assert one({"id": B, "Serial": "Xy", "Code": "ABC"}, holder, other) == err(
        "MULTIPLE_OR_MULTI_ERRORS",
        {"errors": [duplicate("Code", A), duplicate("Serial", A)]},
        "Multiple errors in the request",
    )


def test_keeping_ones_own_value_and_changing_its_case() -> None:
    stored = record(A, Code="AbC")
    plan = update([{"id": A, "Code": "AbC"}, {"id": A, "Code": "ABC"}], stored)
    assert entries(plan) == [success(A), success(A)]
    assert plan.unique_changes == []  # the key is the same whatever the case
    assert stored.data["Code"] == "ABC"


def test_duplicate_within_the_request() -> None:
    first, second = record(A, Code="one"), record(B, Code="two")
    plan = update([{"id": A, "Code": "new"}, {"id": B, "Code": "NEW"}], first, second)
    assert entries(plan) == [success(A), duplicate("Code", A, index=1)]
    assert plan.unique_changes == [(A, "f_Code", "new")]


def test_a_value_released_earlier_in_the_request_can_be_claimed() -> None:
    first, second = record(A, Code="one"), record(B, Code="two")
    plan = update([{"id": A, "Code": "three"}, {"id": B, "Code": "one"}], first, second)
    assert entries(plan) == [success(A), success(B)]
    assert plan.unique_changes == [(A, "f_Code", "three"), (B, "f_Code", "one")]


def test_clearing_a_unique_value_releases_it() -> None:
    plan = update([{"id": A, "Serial": None}], record(A, Code="one"))
    assert entries(plan) == [success(A)] and plan.unique_changes == []  # Serial held nothing
    plan = update([{"id": A, "Serial": "s"}], record(A, Code="one", Serial="S"))
    assert plan.unique_changes == [(A, "f_Serial", "s")]
    optional = replace(
        SPECIMENS, layouts=(Layout("l_standard", "Standard"),), by_name={}, by_id={}, uniques=[]
    )
    plan = update([{"id": A, "Code": None}], record(A, Code="one"), module=optional)
    assert entries(plan) == [success(A)] and plan.unique_changes == [(A, "f_Code", None)]


def test_a_blocked_item_claims_nothing() -> None:
    free, blocked = record(A, Code="one"), record(B, Code="two")
    blocked.approval_state = "approval_process_pending"
    plan = update([{"id": B, "Code": "lc"}, {"id": A, "Code": "LC"}], free, blocked)
    assert entries(plan)[1] == success(A)


# -- record states and locks ---------------------------------------------------------------------------------

STATES = [
    ({"approval_state": "approval_process_pending"}, "NOT_APPROVED", NOT_APPROVED, None),
    ({"lock_state": "zia_vision_processing"}, "RECORD_LOCKED", NOT_APPROVED, "zia_vision_processing"),
    ({"lock_state": "merge"}, "RECORD_LOCKED", NOT_APPROVED, "merge"),
    ({"lock_state": "record_locking"}, "RECORD_LOCKED", LOCKED, "record_locking"),
    ({"lock_state": "zia_vision_rejected"}, "NOT_APPROVED", NOT_APPROVED, None),
]


def in_state(rid: str, **state: Any) -> StoredRecord:
    stored = record(rid)
    for key, value in state.items():
        setattr(stored, key, value)
    return stored


@pytest.mark.parametrize(("state", "code", "message", "action"), STATES)
def test_record_states_block_updates(
    state: dict[str, Any], code: str, message: str, action: str | None
) -> None:
    details: dict[str, Any] = {"id": A} if action is None else {"id": A, "action": action}
    plan = update([{"id": B, "Name": "Free2"}, {"id": A, "Name": "x"}], record(B), in_state(A, **state))
    assert entries(plan) == [success(B), err(code, details, message)]
    path = Target(path_id=A, path_form=True)
    assert one({"Name": "x"}, in_state(A, **state), target=path) == err(code, details, message)


@pytest.mark.parametrize(("state", "code", "message", "action"), STATES)
def test_record_state_comes_before_field_errors(
    state: dict[str, Any], code: str, message: str, action: str | None
) -> None:
    entry = one({"id": A, "Nickname": "x", "Email": "bad", "Name": None}, in_state(A, **state))
    assert (entry["code"], entry["message"]) == (code, message)


def test_review_state_blocks_with_not_reviewed() -> None:
    expected = err("NOT_REVIEWED", {}, "record in review")
    assert one({"id": A, "Name": "x"}, in_state(A, approval_state="review_process_pending")) == expected
    both = in_state(A, approval_state="review_process_pending", lock_state="record_locking")
    assert one({"id": A, "Name": "x"}, both) == expected


@pytest.mark.parametrize(
    ("state", "code", "action"),
    [
        (
            {"lock_state": "zia_vision_processing", "approval_state": "approval_process_pending"},
            "RECORD_LOCKED",
            "zia_vision_processing",
        ),
        ({"lock_state": "merge", "approval_state": "approval_process_pending"}, "RECORD_LOCKED", "merge"),
        (
            {"lock_state": "record_locking", "approval_state": "approval_process_pending"},
            "NOT_APPROVED",
            None,
        ),
    ],
)
def test_record_state_check_order(state: dict[str, Any], code: str, action: str | None) -> None:
    entry = one({"id": A, "Name": "x"}, in_state(A, **state))
    assert entry["code"] == code and entry["details"].get("action") == action


def test_a_rejected_zia_validation_lets_a_new_image_through() -> None:
    stored = in_state(A, lock_state="zia_vision_rejected")
    assert one({"id": A, "Name": "x"}, stored, module=ZIA)["code"] == "NOT_APPROVED"
    state = snapshot(stored)
    state.uploads["img"] = FileFacts("img", "img.png", 8, image=True)
    plan = update([{"id": A, "Photos": [{"File_Id__s": "img"}]}], stored, module=ZIA, state=state)
    assert entries(plan)[0]["code"] == "SUCCESS"
    assert plan.rows.inserts[0].data["File_Name__s"] == "img.png"
    again = in_state(A, lock_state="zia_vision_rejected")
    missing = update([{"id": A, "Photos": [{"File_Id__s": "gone"}]}], again, module=ZIA)
    assert entries(missing)[0]["details"] == {
        "api_name": "File_Id__s",
        "json_path": "$.data[0].Photos[0].File_Id__s",
    }
    assert stored.lock_state == "zia_vision_processing"  # the new image is validated in turn
    assert [(p.kind, p.status) for p in plan.processes] == [("zia", "pending")]
    assert plan.rows.inserts[0].module_id == PHOTOS.id


def test_user_who_cannot_reach_the_record() -> None:
    entry = one({"id": A, "Name": "x"}, record(A, owner=ADA), user=VIC)
    assert entry == err(
        "AUTHORIZATION_FAILED",
        {"api_name": "id", "json_path": "$.data[0].id"},
        "User does not have sufficient privilege to update records",
    )
    path = Target(path_id=A, path_form=True)
    assert one({"Name": "x"}, record(A, owner=ADA), user=VIC, target=path)["details"] == {
        "resource_path_index": 1
    }
    assert one({"id": A, "Name": "x"}, record(A, owner=VIC), user=VIC)["code"] == "SUCCESS"


def test_if_unmodified_since() -> None:
    assert one({"id": A, "Name": "x"}, record(A), since=T0) == success(A)
    entry = one({"id": A, "Name": None}, record(A), since=T0 - 1)  # checked before the fields
    assert entry == err(
        "ALREADY_MODIFIED",
        {
            "Modified_Time": "2024-05-02T05:47:33+00:00",
            "Created_Time": "2024-05-02T05:47:33+00:00",
            "id": A,
            "Modified_By": ADA_REF,
            "Created_By": ADA_REF,
        },
        "record updated time has already passed if-unmodified-since time",
    )
    assert list(entry["details"]) == ["Modified_Time", "Created_Time", "id", "Modified_By", "Created_By"]


# -- triggers: workflow rules and approval processes -----------------------------------------------------------


def test_workflow_rules_run_only_with_the_workflow_trigger() -> None:
    stored, after = record(A, Colour="Red"), AfterCommit()
    plan = update([{"id": A, "Count": 50}], stored, module=RULED, after=after)
    assert stored.data["Colour"] == "Red" and len(plan.changes) == 1 and after.calls == []
    assert orjson.loads(plan.changes[0]["triggers"]) == []
    stored, after = record(A, Colour="Red"), AfterCommit(depth=2)
    plan = update(
        [{"id": A, "Count": 50}], stored, module=RULED, triggers=frozenset({"workflow"}), after=after
    )
    assert stored.data["Colour"] == "Green"
    user_change, rules_change = plan.changes
    assert orjson.loads(user_change["triggers"]) == ["workflow"]
    assert orjson.loads(user_change["changed"]) == {"Count": [None, 50]}
    assert orjson.loads(rules_change["triggers"]) == []  # the rules' own write triggers nothing further
    assert orjson.loads(rules_change["changed"]) == {"Colour": ["Red", "Green"]}
    assert plan.written == [(A, {"Count": [None, 50], "Colour": ["Red", "Green"]}, stored.data)]
    [call] = after.calls
    assert (call.rule, call.function, call.module, call.record_id, call.depth) == (
        "Enlarge",
        "notify_sales",
        "Specimens",
        A,
        2,
    )
    # the rule's criteria
    stored, after = record(A, Colour="Red"), AfterCommit()
    update([{"id": A, "Count": 5}], stored, module=RULED, triggers=frozenset({"workflow"}), after=after)
    assert stored.data["Colour"] == "Red" and after.calls == []


def test_approval_processes_start_only_with_the_approval_trigger() -> None:
    stored = record(A)
    plan = update([{"id": A, "Count": 500}], stored, module=RULED)
    assert stored.approval_state == "approved" and plan.processes == []
    stored = record(A)
    plan = update([{"id": A, "Count": 500}], stored, module=RULED, triggers=frozenset({"approval"}))
    assert stored.approval_state == "approval_process_pending"
    [process] = plan.processes
    assert (process.record_id, process.kind, process.status) == (A, "approval", "pending")
    assert entries(plan)[0]["details"]["$approval_state"] == "approval_process_pending"
    # the record is now locked for the next item of the same request
    stored = record(A)
    plan = update(
        [{"id": A, "Count": 500}, {"id": A, "Name": "x"}],
        stored,
        module=RULED,
        triggers=frozenset({"approval"}),
    )
    assert entries(plan)[1] == err("NOT_APPROVED", {"id": A}, NOT_APPROVED)


# -- what the engine asks of the stored state ----------------------------------------------------------------


class Counting(Snapshot):
    """A snapshot that counts the engine's questions."""

    asked: list[str]

    def existing(self, ids: Any) -> dict[str, str]:
        self.asked.append("existing")
        return Snapshot.existing(self, ids)

    def unique_owners(self, keys: Any) -> dict[tuple[str, str], str]:
        self.asked.append("unique_owners")
        return Snapshot.unique_owners(self, keys)


def test_references_and_unique_values_are_looked_up_in_batch() -> None:
    stored = [record(rid, Code=f"c{n}") for n, rid in enumerate((A, B, C))]
    target = record(T1, module=TARGETS, Name="T")
    base = snapshot(*stored, target)
    state = Counting.__new__(Counting)
    for name in ("known", "unique", "id_prefix", "sequences", "_counter"):
        object.__setattr__(state, name, getattr(base, name))
    state.asked = []
    items = [{"id": rid, "Code": f"n{n}", "Target": {"id": T1}} for n, rid in enumerate((A, B, C))]
    plan = update(items, *stored, target, state=state)
    assert [e["code"] for e in entries(plan)] == ["SUCCESS"] * 3
    assert state.asked == ["existing", "unique_owners"]
