"""Search criteria compiled to SQL (``store/search.py``) find exactly the records zoho-v5-queries.md §2.6 says, on
SQLite and PostgreSQL: records written through the API, criteria parsed and checked as a search request's are, the
compiled condition run over the ``records`` table. Each criterion is run three ways, which must agree: reading every
row's values (``scan``), through the search keys (``keys``), and walking the module with a probe of the keys per
row, as SQLite does for a key many records share (``walk``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import text

from tests.conftest import Api
from zcrm.schema.model import Field
from zcrm.search.checks import check
from zcrm.search.criteria import parse
from zcrm.store.orgs import load_schema
from zcrm.store.search import CAP, Compiler, compile_criteria

ROWS: dict[str, dict[str, Any]] = {
    "a": {"Name": "Ärger", "Code": "A1", "Email": "Ann@Zylker.test", "Colour": "Red", "Tags_Multi": ["A", "B"],
          "Count": 5, "Big": "9007199254740993", "Ratio": 1.25, "Price": 10.5, "Flag": True, "Day": "2024-02-29",
          "Moment": "2024-05-02T11:17:33+05:30", "Site": "https://zylker.test"},
    "b": {"Name": "burns", "Code": "B1", "Email": "b@zylker.test", "Colour": "Green", "Tags_Multi": ["C"],
          "Count": 12, "Big": "9007199254740992", "Ratio": 3.5, "Price": 99.99, "Flag": False, "Day": "2023-12-31",
          "Moment": "2024-05-02T05:47:32+00:00"},
    "c": {"Name": "Burnside", "Code": "C1"},  # nothing else set: matches no condition on the other fields
}  # fmt: skip


@pytest.fixture
def ids(specimens: Api) -> dict[str, str]:
    made = specimens.insert("Specimens", *ROWS.values())
    return dict(zip(ROWS, made, strict=True))


def found(api: Api, criteria: str, resolve: Any = None, zone: str = "UTC", how: str = "keys") -> set[str]:
    """The records of Specimens the criteria find (as keys of ROWS), compiled ``how`` (see above)."""
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    with state.db.read() as conn:
        schema = load_schema(conn, api.creds.org_id)
        module = schema.by_lower["specimens"]
        tree = check(parse(criteria), module, zone)
        if how == "scan":
            where, params = compile_criteria(tree, state.db.dialect, resolve or none)
        else:
            compiler = Compiler(
                state.db.dialect,
                resolve or none,
                api.creds.org_id,
                module.id,
                (lambda sql, params: CAP) if how == "walk" else None,
            )
            where, params = compiler.tree(tree), compiler.params
            if how == "keys":
                assert ("_keys" in where) == any(k in criteria for k in KEYED), where
        rows = conn.execute(
            text(
                "SELECT id FROM records WHERE org_id = :org AND module_id = :module AND parent_id IS NULL"
                f" AND {where}"
            ),
            {**params, "org": api.creds.org_id, "module": module.id},
        ).all()
    return {row[0] for row in rows}


# criteria the keys answer in these tests (equality, in, prefix and ranges on text, number and date fields)
KEYED = (
    "Name:equals", "Count:equals", "Name:starts", "Name:in", "Email:equals", "Site:starts", "Colour:", "Count:greater", "Count:less", "Count:between",
    "Count:in", "Big:", "Ratio:", "Price:", "Day:", "Moment:",
)  # fmt: skip


def none(field: Field, name: str) -> Sequence[str]:
    return []


def keys(ids: dict[str, str], *names: str) -> set[str]:
    return {ids[n] for n in names}


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ("(Name:equals:ärger)", "a"),  # ignoring case, beyond ASCII
        ("(Name:equals:BURNS)", "b"),
        ("(Name:not_equal:burns)", "ac"),
        ("(Name:starts_with:BURN)", "bc"),
        ("(Name:starts_with:Ä)", "a"),
        ("(Name:in:burns,ärger)", "ab"),
        ("(Email:equals:ann@zylker.test)", "a"),
        ("(Email:not_equal:ann@zylker.test)", "b"),  # c has no email: null matches nothing
        ("(Site:starts_with:https://ZYLKER)", "a"),
        ("(Colour:equals:red)", "a"),
        ("(Colour:in:Green,Blue)", "b"),
        ("(Tags_Multi:equals:b)", "a"),
        ("(Tags_Multi:not_equal:A)", "b"),
        ("(Tags_Multi:in:c,x)", "b"),
        ("(Tags_Multi:starts_with:a)", "a"),
        ("(Count:greater_than:5)", "b"),
        ("(Count:greater_equal:5)", "ab"),
        ("(Count:between:5,12)", "ab"),
        ("(Count:between:12,5)", ""),
        ("(Count:in:1,12)", "b"),
        ("(Count:not_equal:5)", "b"),
        ("(Big:equals:9007199254740993)", "a"),  # beyond a double's precision
        ("(Big:less_than:9007199254740993)", "b"),
        ("(Ratio:less_equal:1.25)", "a"),
        ("(Price:greater_than:10.49)", "ab"),
        ("(Price:equals:99.99)", "b"),
        ("(Flag:equals:true)", "a"),
        ("(Flag:equals:FALSE)", "b"),
        ("(Flag:not_equal:true)", "b"),
        ("(Day:less_than:2024-01-01)", "b"),
        ("(Day:between:2024-01-01,2024-12-31)", "a"),
        ("(Moment:equals:2024-05-02T05:47:33Z)", "a"),  # the same instant as 11:17:33+05:30
        ("(Moment:less_than:2024-05-02T11:17:33+05:30)", "b"),
        ("(Moment:greater_equal:2024-05-02)", "ab"),
        ("((Name:starts_with:burn)and(Count:greater_than:1))", "b"),
        ("((Name:equals:ärger)or(Colour:equals:green))", "ab"),
        ("(((Count:equals:5)or(Count:equals:12))and(Flag:equals:false))", "b"),
    ],
)
def test_criteria_find_exactly_their_records(
    specimens: Api, ids: dict[str, str], criteria: str, expected: str
) -> None:
    for how in ("scan", "keys", "walk"):
        assert found(specimens, criteria, how=how) == keys(ids, *expected), how


def test_a_date_on_a_datetime_field_starts_the_day_in_the_users_zone(
    specimens: Api, ids: dict[str, str]
) -> None:
    # b's moment is 2024-05-02T05:47:32Z: the 2nd began before it in UTC and in Kolkata, after it in Los Angeles
    assert found(specimens, "(Moment:greater_equal:2024-05-02)", zone="Asia/Kolkata") == keys(ids, "a", "b")
    assert found(specimens, "(Moment:greater_equal:2024-05-02)", zone="America/Los_Angeles") == set()


def test_lookups_by_id_and_by_name(specimens: Api) -> None:
    [target, other] = specimens.insert("Targets", {"Name": "Acme"}, {"Name": "Globex"})
    [one, two] = specimens.insert(
        "Specimens",
        {"Name": "One", "Code": "L1", "Target": target},
        {"Name": "Two", "Code": "L2", "Target": other},
    )
    named = {"Acme": [target], "Globex": [other]}

    def resolve(field: Field, name: str) -> Sequence[str]:
        assert field.api_name == "Target"
        return named.get(name, [])

    assert found(specimens, f"(Target:equals:{target})") == {one}
    assert found(specimens, "(Target:equals:Acme)", resolve) == {one}
    assert found(specimens, "(Target:in:Acme,Globex)", resolve) == {one, two}
    assert found(specimens, "(Target:not_equal:Acme)", resolve) == {two}
    assert found(specimens, "(Target:equals:Nobody)", resolve) == set()
    assert found(specimens, "(Target:not_equal:Nobody)", resolve) == {one, two}


def test_values_never_become_sql_text(specimens: Api, ids: dict[str, str]) -> None:
    state = specimens.client.app.state.zcrm  # type: ignore[attr-defined]
    hostile = "x') OR 1=1 --"
    with state.db.read() as conn:
        module = load_schema(conn, specimens.creds.org_id).by_lower["specimens"]
    where, params = compile_criteria(
        check(parse("(Name:equals:x'\\) OR 1=1 --)"), module, "UTC"), "sqlite", none
    )
    assert hostile not in where and "OR 1=1" not in where
    assert hostile in params.values()
    assert found(specimens, "(Name:equals:x'\\) OR 1=1 --)") == set()


def test_integers_past_64_bits_compare_as_numbers(specimens: Api, ids: dict[str, str]) -> None:
    huge = "99999999999999999999"
    assert found(specimens, f"(Count:less_than:{huge})") == keys(ids, "a", "b")
    assert found(specimens, f"(Count:greater_than:-{huge})") == keys(ids, "a", "b")
    assert found(specimens, f"(Big:equals:{huge})") == set()
    response = specimens.get("/crm/v5/Specimens/search", params={"criteria": f"(Count:less_than:{huge})"})
    assert response.status_code == 200 and len(response.json()["data"]) == 2
