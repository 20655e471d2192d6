"""Search Records' criteria without a database (zoho-v5-queries.md §2.4-§2.7): the grammar (``search/criteria.py``)
and the checks against a module's fields (``search/checks.py``), with Zoho's exact errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.unit.engine_org import SPECIMENS, _f, _module
from zcrm.errors import ZohoError
from zcrm.search.checks import Typed, TypedGroup, check
from zcrm.search.criteria import Condition, Group, parse

SYNTAX = {"code": "INVALID_QUERY", "details": {"param_name": "criteria"}, "message": "invalid query formed", "status": "error"}  # fmt: skip
MODULE = _module(
    "m_search",
    "Searchables",
    (
        *SPECIMENS.fields,
        _f("Amount", "currency"),
        _f("Big", "bigint"),
        _f("Closing", "date"),
        _f("Seen", "datetime"),
        _f("Active", "boolean"),
        _f("Site", "website"),
        _f("Total", "formula", formula={"return_type": "double", "expression": "1"}),
    ),
)


def failure(call: Any) -> dict[str, Any]:
    with pytest.raises(ZohoError) as caught:
        call()
    return caught.value.as_dict()


def query_error(reason: str, field: str, operator: str, **more: Any) -> dict[str, Any]:
    details = {"reason": reason, "api_name": field, "operator": operator, **more}
    return {"code": "INVALID_QUERY", "details": details, "message": "invalid query formed", "status": "error"}


# -- the grammar ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("criteria", "tree"),
    [
        ("(Last_Name:equals:Burns)", Condition("Last_Name", "equals", ("Burns",))),
        ("Campaign_Name:equals:CRM", Condition("Campaign_Name", "equals", ("CRM",))),  # bare, as v7's sample
        (
            "((Last_Name:equals:Burns)and(First_Name:starts_with:M))",
            Group(
                "and",
                (
                    Condition("Last_Name", "equals", ("Burns",)),
                    Condition("First_Name", "starts_with", ("M",)),
                ),
            ),
        ),
        (
            "((Company:equals:Zoho) AND (Rating:equals:Hot))",
            Group(
                "and", (Condition("Company", "equals", ("Zoho",)), Condition("Rating", "equals", ("Hot",)))
            ),
        ),
        (
            "(((A:equals:1)and(B:equals:2))or(C:equals:3))",
            Group(
                "or",
                (
                    Group("and", (Condition("A", "equals", ("1",)), Condition("B", "equals", ("2",)))),
                    Condition("C", "equals", ("3",)),
                ),
            ),
        ),
        ("(Last_Name:in:Burns\\,B,Kate)", Condition("Last_Name", "in", ("Burns,B", "Kate"))),
        (
            "(Seen:equals:2024-05-02T11:17:33+05:30)",
            Condition("Seen", "equals", ("2024-05-02T11:17:33+05:30",)),
        ),
        ("(Name:equals:a\\(b\\)\\\\)", Condition("Name", "equals", ("a(b)\\",))),
        ("(Name:equals: spaced )", Condition("Name", "equals", (" spaced ",))),  # nothing is trimmed
        ("(Name:equals:x,y)", Condition("Name", "equals", ("x,y",))),  # commas split in and between only
        ("((Name:equals:x))", Condition("Name", "equals", ("x",))),
    ],
)
def test_criteria_parse_into_a_tree(criteria: str, tree: Any) -> None:
    assert parse(criteria) == tree


@pytest.mark.parametrize(
    "criteria",
    [
        "",
        "(Name:equals:x",
        "Name:equals:x)",
        "(Name:equals)",
        "(Name)",
        "((A:equals:1)and(B:equals:2)or(C:equals:3))",  # a group mixing and and or
        "((A:equals:1)xor(B:equals:2))",
        "((A:equals:1)(B:equals:2))",
        "(A:in:a,,b)",
        "(A:equals:a(b)",
    ],
)
def test_malformed_criteria(criteria: str) -> None:
    assert failure(lambda: parse(criteria)) == SYNTAX


def test_at_most_ten_conditions() -> None:
    ten = "(" + "and".join(f"(Name:equals:{i})" for i in range(10)) + ")"
    assert len(parse(ten).operands) == 10  # type: ignore[union-attr]
    eleven = "(" + "and".join(f"(Name:equals:{i})" for i in range(11)) + ")"
    assert failure(lambda: parse(eleven)) == {
        "code": "CRITERIA_LIMIT_EXCEEDED",
        "details": {},
        "message": "no of criterium that can be given exceed the limit 10",
        "status": "error",
    }


# -- the checks -------------------------------------------------------------------------------------------------------
def checked(criteria: str, zone: str = "UTC") -> Typed | TypedGroup:
    return check(parse(criteria), MODULE, zone)


def test_values_are_typed() -> None:
    tree = checked(
        "((Count:between:1,5)and(Amount:greater_than:10.50)and(Big:equals:9007199254740993)and(Active:equals:TRUE)"
        "and(Closing:less_than:2024-02-29)and(Seen:equals:2024-05-02T11:17:33+05:30)and(Target:in:123,Acme)"
        "and(Total:greater_equal:2))"
    )
    assert isinstance(tree, TypedGroup) and tree.connector == "and"
    values = [
        (t.field.api_name, t.data_type, t.operator, t.values) for t in tree.operands if isinstance(t, Typed)
    ]
    assert values == [
        ("Count", "integer", "between", (1, 5)),
        ("Amount", "currency", "greater_than", (Decimal("10.50"),)),
        ("Big", "bigint", "equals", (9007199254740993,)),
        ("Active", "boolean", "equals", (True,)),
        ("Closing", "date", "less_than", (dt.date(2024, 2, 29),)),
        ("Seen", "datetime", "equals", (1714628853,)),  # 2024-05-02T05:47:33Z
        ("Target", "lookup", "in", (("id", "123"), ("name", "Acme"))),
        ("Total", "double", "greater_equal", (Decimal(2),)),  # a formula, as its return type
    ]


def test_a_date_on_a_datetime_field_is_midnight_in_the_users_zone() -> None:
    kolkata = checked("(Seen:greater_equal:2024-01-01)", "Asia/Kolkata")
    assert isinstance(kolkata, Typed) and kolkata.values == (1704047400,)  # 2023-12-31T18:30:00Z
    utc = checked("(Seen:greater_equal:2024-01-01)")
    assert isinstance(utc, Typed) and utc.values == (1704067200,)


@pytest.mark.parametrize(
    ("criteria", "error"),
    [
        ("(Nope:equals:x)", query_error("the field is not available for search", "Nope", "equals")),
        ("(name:equals:x)", query_error("the field is not available for search", "name", "equals")),  # case matters
        ("(Parts:equals:x)", query_error("the field is not available for search", "Parts", "equals")),  # a subform
        ("(Photos:equals:x)", query_error("the field is not available for search", "Photos", "equals")),
        ("(Linked_Targets:equals:x)", query_error("the field is not available for search", "Linked_Targets", "equals")),
        ("(Name:contains:x)", query_error("invalid operator found", "Name", "contains")),
        ("(Name:EQUALS:x)", query_error("invalid operator found", "Name", "EQUALS")),
        ("(Notes_Text:in:x)", query_error("invalid operator found", "Notes_Text", "in")),
        ("(Colour:starts_with:R)", query_error("invalid operator found", "Colour", "starts_with")),
        ("(Active:in:true)", query_error("invalid operator found", "Active", "in")),
        ("(Count:starts_with:1)", query_error("invalid operator found", "Count", "starts_with")),
        ("(Target:between:1,2)", query_error("invalid operator found", "Target", "between")),
        ("(Count:equals:1.5)", query_error("invalid value for search", "Count", "equals", expected_data_type="integer")),
        ("(Amount:equals:ten)", query_error("invalid value for search", "Amount", "equals", expected_data_type="currency")),
        ("(Count:between:1)", query_error("invalid value for search", "Count", "between", expected_data_type="integer")),
        ("(Count:between:1,2,3)", query_error("invalid value for search", "Count", "between", expected_data_type="integer")),
        ("(Closing:equals:2024-02-30)", query_error("invalid value for search", "Closing", "equals", expected_data_type="date")),
        ("(Closing:equals:2024-02-01T00:00:00Z)", query_error("invalid value for search", "Closing", "equals", expected_data_type="date")),
        ("(Seen:equals:2024-05-02T11:17:33)", query_error("invalid value for search", "Seen", "equals", expected_data_type="datetime")),
        ("(Active:equals:yes)", query_error("invalid value for search", "Active", "equals", expected_data_type="boolean")),
        ("(Total:equals:x)", query_error("invalid value for search", "Total", "equals", expected_data_type="formula")),
        (
            "(Name:in:" + ",".join(str(i) for i in range(101)) + ")",
            query_error('Only 100 values are allowed in "IN" criteria', "Name", "in"),
        ),
    ],
)  # fmt: skip
def test_condition_errors(criteria: str, error: dict[str, Any]) -> None:
    assert failure(lambda: checked(criteria)) == error


def test_the_first_failing_condition_answers_left_to_right() -> None:
    criteria = "((Name:equals:ok)and(Count:equals:x)and(Nope:equals:y))"
    assert failure(lambda: checked(criteria)) == query_error(
        "invalid value for search", "Count", "equals", expected_data_type="integer"
    )


def test_a_hundred_in_values_are_allowed() -> None:
    tree = checked("(Name:in:" + ",".join(str(i) for i in range(100)) + ")")
    assert isinstance(tree, Typed) and len(tree.values) == 100
