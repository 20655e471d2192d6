"""Deluge searchRecords criteria: parsing (groups, and/or, escapes, errors) and matching (each operator)."""

from __future__ import annotations

import pytest

from zcrm.automation.search import Clause, CriteriaError, Group, matches, parse

RECORD = {
    "id": "7",
    "Last_Name": "Smith, John",
    "Score": 12,
    "Stage": "Won",
    "Tags": ["a", "b"],
    "Email": None,
}


def test_parse_nested_groups_and_escapes() -> None:
    tree = parse(r"((Last_Name:equals:Smith\, John)and((Score:greater_than:10)or(Stage:in:Won,Lost)))")
    assert tree == Group(
        "and",
        (
            Clause("Last_Name", "equals", ("Smith, John",)),
            Group("or", (Clause("Score", "greater_than", ("10",)), Clause("Stage", "in", ("Won", "Lost")))),
        ),
    )
    assert parse(r"(Name:equals:a\)b)") == Clause("Name", "equals", ("a)b",))
    assert parse("(Note:equals:a:b)") == Clause("Note", "equals", ("a:b",))


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ("Last_Name:equals:x", "expected '('"),
        ("(Last_Name:equals:x", "unbalanced parentheses"),
        ("(Last_Name:like:x)", "unknown operator 'like'"),
        ("(Last_Name)", "is not (field:operator:value)"),
        ("((A:equals:1)and(B:equals:2)or(C:equals:3))", "groups are joined by one of 'and' or 'or'"),
        ("((A:equals:1)xor(B:equals:2))", "groups are joined by one of 'and' or 'or'"),
        ("(Score:between:1)", "between takes two values"),
        ("(A:equals:1) trailing", "text after the criteria"),
    ],
)
def test_parse_errors(criteria: str, message: str) -> None:
    with pytest.raises(CriteriaError) as info:
        parse(criteria)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (r"(Last_Name:equals:smith\, john)", True),
        ("(Last_Name:not_equal:Smith)", True),
        ("(Last_Name:starts_with:smi)", True),
        ("(Last_Name:starts_with:john)", False),
        ("(Stage:in:Lost,Won)", True),
        ("(Stage:in:Lost,Open)", False),
        ("(Score:greater_than:11)", True),
        ("(Score:greater_equal:12)", True),
        ("(Score:less_than:12)", False),
        ("(Score:less_equal:12)", True),
        ("(Score:between:10,12)", True),
        ("(Score:between:13,20)", False),
        ("(Score:equals:12)", True),
        ("(id:equals:7)", True),
        ("(Tags:equals:b,a)", False),  # one value: not the set
        ("(Email:equals:null)", True),
        ("(Missing:greater_than:1)", False),
        ("((Score:greater_than:100)or(Stage:equals:Won))", True),
        ("((Score:greater_than:100)and(Stage:equals:Won))", False),
    ],
)
def test_matching(criteria: str, expected: bool) -> None:
    assert matches(parse(criteria), RECORD) is expected
