"""The pure part of Upsert Records (``records/upsert.py``, zoho-v5-queries.md §4): the system-defined check field,
the check sequence, which value of an item decides the match, and the upsert entry."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.engine_org import SPECIMENS, TARGETS
from zcrm.errors import InvalidData
from zcrm.records.upsert import check_sequence, match, system_check_field, upsert_entry
from zcrm.schema.model import Field


def names(fields: list[Field]) -> list[str]:
    return [f.api_name for f in fields]


def test_a_custom_modules_system_field_is_name() -> None:
    assert system_check_field(SPECIMENS) is SPECIMENS.by_name["Name"]
    assert names(check_sequence(SPECIMENS, {})) == ["Name", "Code", "Serial"]
    assert names(check_sequence(SPECIMENS, {"duplicate_check_fields": ["Serial"]})) == ["Serial", "Code"]
    assert names(check_sequence(SPECIMENS, {"duplicate_check_fields": ["Serial", "Name", "Serial"]})) == [
        "Serial",
        "Name",
        "Code",
    ]


NOT_ARRAY = {
    "expected_data_type": "jsonarray",
    "api_name": "duplicate_check_fields",
    "json_path": "$.duplicate_check_fields",
}


def entry_at(index: int) -> dict[str, Any]:
    return {"api_name": "duplicate_check_fields", "json_path": f"$.duplicate_check_fields[{index}]"}


@pytest.mark.parametrize(
    ("given", "details"),
    [
        ("Name", NOT_ARRAY),
        (["Name", None], NOT_ARRAY),
        (["Name", "Email"], entry_at(1)),  # neither the system field nor unique
        (["code"], entry_at(0)),  # names are case-sensitive
    ],
)
def test_check_fields_refused(given: Any, details: dict[str, Any]) -> None:
    with pytest.raises(InvalidData) as raised:
        check_sequence(SPECIMENS, {"duplicate_check_fields": given})
    answer = raised.value.as_dict()
    assert answer == {
        "code": "INVALID_DATA",
        "details": details,
        "message": "invalid data",
        "status": "error",
    }
    assert list(answer["details"]) == list(details)


def test_a_custom_module_without_unique_fields_checks_name_only() -> None:
    assert names(check_sequence(TARGETS, {})) == ["Name"]
    assert names(check_sequence(TARGETS, {"duplicate_check_fields": []})) == ["Name"]


def test_the_first_field_with_a_value_that_a_record_holds_decides() -> None:
    held = {("Code", "c1"): "r1", ("Serial", "S1"): "r2", ("Name", "Ann"): "r3"}
    asked: list[tuple[str, Any]] = []

    def lookup(fld: Field, value: Any) -> str | None:
        asked.append((fld.api_name, value))
        return held.get((fld.api_name, value))

    sequence = check_sequence(SPECIMENS, {})
    found = match({"Name": "", "Code": "c1", "Serial": "S1"}, sequence, lookup)
    assert found is not None and (found[0].api_name, found[1]) == ("Code", "r1")
    assert asked == [("Code", "c1")]  # an empty Name takes no part
    asked.clear()
    assert match({"Name": "Bob", "Code": ["not text"], "Serial": "S9"}, sequence, lookup) is None
    assert asked == [("Name", "Bob"), ("Serial", "S9")]  # a value of the wrong type takes no part
    assert match({"Name": None, "Count": 3}, sequence, lookup) is None


def test_the_upsert_entry() -> None:
    result = {"code": "SUCCESS", "details": {"id": "1"}, "message": "record added", "status": "success"}
    entry = upsert_entry(result, "insert", None)
    assert list(entry) == ["code", "duplicate_field", "action", "details", "message", "status"]  # type: ignore[arg-type]
    assert entry == {**result, "duplicate_field": None, "action": "insert"}
    error = InvalidData(details={"api_name": "id"})
    assert upsert_entry(error, "update", "Email") is error
