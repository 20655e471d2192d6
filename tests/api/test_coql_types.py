"""COQL (``POST /crm/v5/coql``) per data type (zoho-v5-queries.md §3.3, §3.4, §3.6, §3.7) on the Specimens module of
tests/data/specimens.yaml, on SQLite and PostgreSQL: which records each comparator finds, which comparators and values
each type refuses (with the exact 400 bodies), the values select columns answer, the aggregates and groups, and the
order ORDER BY gives (nulls first ascending, last descending, ties by id).

The admin user (Ada) works in Asia/Kolkata (+05:30): datetimes are answered in that zone, and a date given to a
datetime column stands for the start of that day there."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api

# a, b and d have a value for every field compared below; c only what it must have (Name, Code, the autonumber and its
# owner), so it stands for null in every comparison. d is owned by Vic; every other record by Ada.
ROWS: dict[str, dict[str, Any]] = {
    "a": {"Name": "Ärger", "Code": "A1", "Email": "Ann@Zylker.test", "Phone": "+1 555 0100",
          "Site": "https://zylker.test", "Colour": "Red", "Tags_Multi": ["A", "B"], "Count": 5,
          "Big": "9007199254740993", "Ratio": 1.25, "Share": 12.5, "Price": 10.5, "Flag": True, "Day": "2024-02-29",
          "Moment": "2024-05-02T11:17:33+05:30", "Target": "{t1}", "Reviewer": "{ada}"},
    "b": {"Name": "burns", "Code": "b2", "Email": "b@zylker.test", "Phone": "555-0199", "Site": "http://burns.test",
          "Colour": "Green", "Tags_Multi": ["C"], "Count": 12, "Big": "9007199254740992", "Ratio": 3.5, "Share": 50,
          "Price": 99.75, "Flag": False, "Day": "2023-12-31", "Moment": "2024-05-02T05:47:32+00:00",
          "Target": "{t2}"},
    "c": {"Name": "Burnside", "Code": "C3"},
    "d": {"Name": "Bu_r_e", "Code": "d0", "Email": "d@other.test", "Phone": "(555) 0100", "Colour": "Red",
          "Tags_Multi": ["B", "A"], "Count": -3, "Big": "-1", "Ratio": 0, "Share": 100, "Price": 20, "Flag": False,
          "Day": "2024-01-01", "Moment": "2024-05-01T13:00:00-07:00", "Target": "{t1}", "Reviewer": "{vic}",
          "Owner": "{vic}"},
}  # fmt: skip


@pytest.fixture
def ids(specimens: Api) -> dict[str, str]:
    """The ids of ROWS (a, b, c, d), of the two Targets (t1 "Acme", t2 "Globex") and of the users ada, vic and ina."""
    users = specimens.get("/crm/v5/users", params={"type": "AllUsers"}).json()["users"]
    known = {u["email"].split("@")[0]: u["id"] for u in users}
    t1, t2 = specimens.insert("Targets", {"Name": "Acme"}, {"Name": "Globex"})
    named = {"t1": t1, "t2": t2, "ada": known["ada"], "vic": known["vic"], "ina": known["ina"]}
    records = [
        {k: v.format(**named) if isinstance(v, str) else v for k, v in row.items()} for row in ROWS.values()
    ]
    made = specimens.insert("Specimens", *records)
    return {**dict(zip(ROWS, made, strict=True)), **named}


def coql(api: Api, query: str) -> Any:
    """The answer's body (None for 204)."""
    response = api.post("/crm/v5/coql", {"select_query": query})
    if response.status_code == 204:
        assert response.content == b""
        return None
    assert response.status_code == 200, (query, response.status_code, response.text)
    body = response.json()
    assert body["info"] == {"count": len(body["data"]), "more_records": False}
    return body


def data(api: Api, query: str) -> list[dict[str, Any]]:
    body = coql(api, query)
    return [] if body is None else list(body["data"])


def rows(api: Api, query: str, ids: dict[str, str]) -> set[str]:
    """The ROWS keys of the records the query answers (read from ``data[*].id``)."""
    names = {ids[k]: k for k in ROWS}
    return {names[row["id"]] for row in data(api, query)}


def ordered(api: Api, query: str, ids: dict[str, str]) -> str:
    """The ROWS keys of the records the query answers, in the answer's order."""
    names = {ids[k]: k for k in ROWS}
    return "".join(names[row["id"]] for row in data(api, query))


def error(api: Api, query: str) -> tuple[int, Any]:
    response = api.post("/crm/v5/coql", {"select_query": query})
    return response.status_code, response.json() if response.content else None


def typed(value: Any) -> Any:
    """A JSON value with its kind kept: ``True`` is not ``1``, ``"5"`` is not ``5``; ``50`` equals ``50.0``."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value if not isinstance(value, bool) else ("bool", value)
    if isinstance(value, int | float):
        return ("number", float(value))
    if isinstance(value, list):
        return [typed(v) for v in value]
    return {k: typed(v) for k, v in value.items()}


def where(condition: str) -> str:
    return f"select Name from Specimens where {condition}"


# -- comparators per type (§3.4) --------------------------------------------------------------------------------------
CASES: dict[str, list[tuple[str, str]]] = {
    "text": [
        ("Name = 'ärger'", "a"),  # ignoring case, beyond ASCII
        ("Name = 'BURNS'", "b"),
        ("Name = 'burn'", ""),
        ("Name = 'burns '", ""),  # no trimming
        ('Name = "BURNS"', "b"),  # double quotes
        ("Name = burns", "b"),  # a bare word is a string
        ("Name != 'burns'", "acd"),
        ("Name in ('burns', 'ÄRGER', 'nobody')", "ab"),
        ("Name not in ('BURNS', 'ärger')", "cd"),
        ("Name like 'bur%'", "bc"),
        ("Name like 'BUR%'", "bc"),
        ("Name like 'är%'", "a"),
        ("Name like 'ÄR%'", "a"),
        ("Name like '%NS'", "b"),
        ("Name like '%GER'", "a"),
        ("Name like '%rn%'", "bc"),
        ("Name like '%RGE%'", "a"),
        ("Name like 'BURNS'", "b"),  # no %: equality
        ("Name like 'burn'", ""),
        ("Name like '%r_e%'", "d"),  # '_' is literal: Ärger's "rge" does not match
        ("Name like 'bu_%'", "d"),
        ("Name like '%_E'", "d"),
        ("Name like 'bu_r_e'", "d"),
        ("Name like 'bu_r_'", ""),
        ("Name not like '%rn%'", "ad"),
        ("Name not like '%_%'", "abc"),
        ("Name not like '%ÄR%'", "bcd"),
        ("Name is null", ""),
        ("Name is not null", "abcd"),
    ],
    "email": [
        ("Email = 'ann@zylker.test'", "a"),
        ("Email != 'ANN@zylker.test'", "bd"),
        ("Email in ('B@ZYLKER.TEST', 'x@y.test')", "b"),
        ("Email not in ('b@zylker.test')", "ad"),
        ("Email like 'D@%'", "d"),
        ("Email like '%@ZYLKER.test'", "ab"),
        ("Email like '%zylker%'", "ab"),
        ("Email like 'ann@zylker.test'", "a"),
        ("Email not like '%zylker%'", "d"),
        ("Email is null", "c"),
        ("Email is not null", "abd"),
    ],
    "phone": [
        ("Phone = '555-0199'", "b"),
        ("Phone != '555-0199'", "ad"),
        ("Phone in ('+1 555 0100', '(555) 0100')", "ad"),
        ("Phone not in ('+1 555 0100')", "bd"),
        ("Phone like '+1%'", "a"),
        ("Phone like '%0100'", "ad"),
        ("Phone like '%55%'", "abd"),
        ("Phone not like '%-%'", "ad"),
        ("Phone is null", "c"),
        ("Phone is not null", "abd"),
    ],
    "website": [
        ("Site = 'HTTPS://ZYLKER.TEST'", "a"),
        ("Site != 'https://zylker.test'", "b"),
        ("Site in ('http://burns.test', 'https://nowhere.test')", "b"),
        ("Site not in ('http://burns.test')", "a"),
        ("Site like 'https://%'", "a"),
        ("Site like '%.TEST'", "ab"),
        ("Site like '%burns%'", "b"),
        ("Site not like '%burns%'", "a"),
        ("Site is null", "cd"),
        ("Site is not null", "ab"),
    ],
    "picklist": [
        ("Colour = 'red'", "ad"),
        ("Colour = Green", "b"),
        ("Colour != 'RED'", "b"),
        ("Colour in ('green', 'Blue')", "b"),
        ("Colour not in ('Green')", "ad"),
        ("Colour like 'gr%'", "b"),
        ("Colour like '%ED'", "ad"),
        ("Colour like '%ee%'", "b"),
        ("Colour like 'GREEN'", "b"),
        ("Colour not like '%ee%'", "ad"),
        ("Colour is null", "c"),
        ("Colour is not null", "abd"),
    ],
    "autonumber": [
        ("Number = 'sp-101'", "b"),
        ("Number != 'SP-101'", "acd"),
        ("Number in ('SP-100', 'sp-102')", "ac"),
        ("Number not in ('SP-100')", "bcd"),
        ("Number like 'sp-10%'", "abcd"),
        ("Number like '%3'", "d"),
        ("Number like '%p-1%'", "abcd"),
        ("Number like 'SP-100'", "a"),
        ("Number not like '%2%'", "abd"),
        ("Number is null", ""),
        ("Number is not null", "abcd"),
    ],
    "multiselectpicklist": [  # the values joined by ';' in stored order
        ("Tags_Multi = 'a;b'", "a"),
        ("Tags_Multi = 'B;A'", "d"),
        ("Tags_Multi = 'A'", ""),
        ("Tags_Multi = 'c'", "b"),
        ("Tags_Multi != 'C'", "ad"),
        ("Tags_Multi in ('c', 'B;A')", "bd"),
        ("Tags_Multi not in ('C')", "ad"),
        ("Tags_Multi like 'a%'", "a"),
        ("Tags_Multi like '%;A'", "d"),
        ("Tags_Multi like '%b%'", "ad"),
        ("Tags_Multi like 'A;B'", "a"),
        ("Tags_Multi like '%;%'", "ad"),
        ("Tags_Multi not like '%A%'", "b"),
        ("Tags_Multi is null", "c"),
        ("Tags_Multi is not null", "abd"),
    ],
    "integer": [
        ("Count = 5", "a"),
        ("Count = '12'", "b"),
        ("Count != 5", "bd"),
        ("Count > 5", "b"),
        ("Count >= 5", "ab"),
        ("Count < 5", "d"),
        ("Count <= 5", "ad"),
        ("Count > -4", "abd"),
        ("Count between 5 and 12", "ab"),  # inclusive
        ("Count between -3 and 4", "d"),
        ("Count between 12 and 5", ""),
        ("Count not between 0 and 10", "bd"),
        ("Count not between -3 and 12", ""),
        ("Count in (5, -3)", "ad"),
        ("Count not in (5)", "bd"),
        ("Count is null", "c"),
        ("Count is not null", "abd"),
    ],
    "bigint": [  # beyond a double's precision: ...993 and ...992 are different
        ("Big = 9007199254740993", "a"),
        ("Big = '9007199254740992'", "b"),
        ("Big != 9007199254740993", "bd"),
        ("Big > 9007199254740992", "a"),
        ("Big >= 9007199254740992", "ab"),
        ("Big < 9007199254740993", "bd"),
        ("Big <= -1", "d"),
        ("Big between 0 and 9007199254740992", "b"),
        ("Big not between 0 and 9007199254740992", "ad"),
        ("Big in ('9007199254740992', -1)", "bd"),
        ("Big not in (9007199254740992)", "ad"),
        ("Big is null", "c"),
        ("Big is not null", "abd"),
    ],
    "double": [
        ("Ratio = 1.25", "a"),
        ("Ratio = 0", "d"),
        ("Ratio > -0.5", "abd"),
        ("Ratio != 1.25", "bd"),
        ("Ratio > 1.25", "b"),
        ("Ratio >= 1.25", "ab"),
        ("Ratio < 1.25", "d"),
        ("Ratio <= 3.5", "abd"),
        ("Ratio between 0 and 1.25", "ad"),
        ("Ratio not between 1 and 2", "bd"),
        ("Ratio in (3.5, 0)", "bd"),
        ("Ratio not in (0)", "ab"),
        ("Ratio is null", "c"),
        ("Ratio is not null", "abd"),
    ],
    "currency": [
        ("Price = 99.75", "b"),
        ("Price != 10.5", "bd"),
        ("Price > 10.49", "abd"),
        ("Price >= 20", "bd"),
        ("Price < 20", "a"),
        ("Price <= 20", "ad"),
        ("Price between 10.5 and 20", "ad"),
        ("Price not between 10.5 and 20", "b"),
        ("Price in (10.5, 99.75)", "ab"),
        ("Price not in (10.50)", "bd"),
        ("Price is null", "c"),
        ("Price is not null", "abd"),
    ],
    "percent": [
        ("Share = 12.5", "a"),
        ("Share != 50", "ad"),
        ("Share > 12.5", "bd"),
        ("Share >= 50", "bd"),
        ("Share < 50", "a"),
        ("Share <= 50", "ab"),
        ("Share between 12.5 and 50", "ab"),
        ("Share not between 0 and 20", "bd"),
        ("Share in (100)", "d"),
        ("Share not in (100, 50)", "a"),
        ("Share is null", "c"),
        ("Share is not null", "abd"),
    ],
    "date": [
        ("Day = '2024-02-29'", "a"),
        ("Day != '2024-02-29'", "bd"),
        ("Day > '2024-01-01'", "a"),
        ("Day >= '2024-01-01'", "ad"),
        ("Day < '2024-01-01'", "b"),
        ("Day <= '2024-01-01'", "bd"),
        ("Day between '2024-01-01' and '2024-02-29'", "ad"),
        ("Day not between '2024-01-01' and '2024-12-31'", "b"),
        ("Day in ('2023-12-31', '2024-01-01')", "bd"),
        ("Day not in ('2023-12-31')", "ad"),
        ("Day is null", "c"),
        ("Day is not null", "abd"),
    ],
    "datetime": [  # instants: a 2024-05-02T05:47:33Z, b 05:47:32Z, d 2024-05-01T20:00:00Z
        ("Moment = '2024-05-02T05:47:33Z'", "a"),
        ("Moment = '2024-05-02T05:47:33+00:00'", "a"),
        ("Moment = '2024-05-01T22:47:33-07:00'", "a"),
        ("Moment != '2024-05-02T11:17:33+05:30'", "bd"),
        ("Moment > '2024-05-02T05:47:32Z'", "a"),
        ("Moment >= '2024-05-02T11:17:32+05:30'", "ab"),
        ("Moment < '2024-05-02T05:47:32Z'", "d"),
        ("Moment <= '2024-05-02T05:47:32Z'", "bd"),
        ("Moment between '2024-05-01T20:00:00Z' and '2024-05-02T05:47:32Z'", "bd"),
        ("Moment not between '2024-05-01T20:00:01Z' and '2024-05-02T11:17:33+05:30'", "d"),
        ("Moment in ('2024-05-02T01:30:00+05:30', '2024-05-02T05:47:32Z')", "bd"),
        ("Moment not in ('2024-05-01T20:00:00Z')", "ab"),
        ("Moment is null", "c"),
        ("Moment is not null", "abd"),
        # a date: 00:00 of that day in the user's zone (Kolkata: 2024-05-01T18:30:00Z), so d is on the 2nd
        ("Moment >= '2024-05-02'", "abd"),
        ("Moment < '2024-05-02'", ""),
        ("Moment between '2024-05-02' and '2024-05-03'", "abd"),
        ("Moment > '2024-05-01'", "abd"),
    ],
    "boolean": [
        ("Flag = true", "a"),
        ("Flag = false", "bd"),
        ("Flag = 'TRUE'", "a"),
        ("Flag = FALSE", "bd"),
        ("Flag is null", "c"),
        ("Flag is not null", "abd"),
    ],
    "lookup": [
        ("Target = {t1}", "ad"),
        ("Target = '{t2}'", "b"),
        ("Target = {a}", ""),
        ("Target != {t1}", "b"),
        ("Target in ({t2}, {a})", "b"),
        ("Target not in ({t2})", "ad"),
        ("Target is null", "c"),
        ("Target is not null", "abd"),
        ("Target.Name = 'acme'", "ad"),
        ("Target.Name like 'GLO%'", "b"),
        ("Target.Name is null", "c"),
    ],
    "userlookup": [
        ("Reviewer = {ada}", "a"),
        ("Reviewer != {ada}", "d"),
        ("Reviewer in ({ada}, {vic})", "ad"),
        ("Reviewer not in ({vic})", "a"),
        ("Reviewer is null", "bc"),
        ("Reviewer is not null", "ad"),
    ],
    "ownerlookup": [
        ("Owner = {ada}", "abc"),
        ("Owner = '{vic}'", "d"),
        ("Owner != {ada}", "d"),
        ("Owner in ({vic}, {ina})", "d"),
        ("Owner not in ({vic}, {ina})", "abc"),
        ("Owner is null", ""),
        ("Owner is not null", "abcd"),
    ],
    "id": [
        ("id = {a}", "a"),
        ("id = '{b}'", "b"),
        ("id != {a}", "bcd"),
        ("id > {b}", "cd"),
        ("id >= 1", "abcd"),
        ("id >= {b}", "bcd"),
        ("id < {b}", "a"),
        ("id <= {b}", "ab"),
        ("id between {b} and {c}", "bc"),
        ("id not between {b} and {c}", "ad"),
        ("id in ({a}, {d}, {t1})", "ad"),
        ("id not in ({a}, {d})", "bc"),
        ("id is null", ""),
        ("id is not null", "abcd"),
    ],
}


@pytest.mark.parametrize("kind", list(CASES))
def test_each_comparator_finds_exactly_its_records(specimens: Api, ids: dict[str, str], kind: str) -> None:
    wrong = {}
    for condition, expected in CASES[kind]:
        try:
            got = rows(specimens, where(condition.format(**ids)), ids)
        except AssertionError as failed:  # not a 200 or 204
            wrong[condition] = {"expected": expected, "got": str(failed)}
            continue
        if got != set(expected):
            wrong[condition] = {"expected": "".join(sorted(expected)), "got": "".join(sorted(got))}
    assert wrong == {}


def test_integers_beyond_64_bits_compare_as_numbers(specimens: Api, ids: dict[str, str]) -> None:
    # an integer is a valid integer or bigint value whatever its size; it just lies beyond every stored one
    huge = "99999999999999999999"
    assert rows(specimens, where(f"Count < {huge}"), ids) == {"a", "b", "d"}
    assert rows(specimens, where(f"Count > -{huge}"), ids) == {"a", "b", "d"}
    assert rows(specimens, where(f"Count = {huge}"), ids) == set()
    assert rows(specimens, where(f"Count != {huge}"), ids) == {"a", "b", "d"}
    assert rows(specimens, where(f"Big >= {huge}"), ids) == set()
    assert rows(specimens, where(f"Big in (-1, {huge})"), ids) == {"d"}
    assert rows(specimens, where(f"Big between -{huge} and 0"), ids) == {"d"}


def test_text_ignores_case_as_python_lower_cases_it(specimens: Api) -> None:
    # §1.2: both sides lower-cased by str.lower(): a final capital sigma becomes ς, a dotted capital I "i̇" (i + U+0307)
    sigma, dotted, sharp = specimens.insert(
        "Specimens",
        {"Name": "ΟΔΟΣ", "Code": "G1"},
        {"Name": "İpek", "Code": "T1"},
        {"Name": "STRAẞE", "Code": "S1"},
    )

    def found(condition: str) -> set[str]:
        return {row["id"] for row in data(specimens, where(condition))}

    assert found("Name = 'οδος'") == {sigma}
    assert found("Name like '%δος'") == {sigma}
    assert found("Name in ('Οδος', 'x')") == {sigma}
    assert found("Name = 'i̇pek'") == {dotted}
    assert found("Name like 'i̇%'") == {dotted}
    assert found("Name = 'ipek'") == set()
    assert found("Name = 'straße'") == {sharp}
    assert found("Name = 'strasse'") == set()  # no full case folding


def test_conditions_combine(specimens: Api, ids: dict[str, str]) -> None:
    assert rows(specimens, where("Name like 'bur%' and Count > 1"), ids) == {"b"}
    assert rows(specimens, where("Name = 'ärger' or Colour = 'green'"), ids) == {"a", "b"}
    assert rows(specimens, where("(Count = 5 or Count = 12) and Flag = false"), ids) == {"b"}
    assert rows(specimens, where("Count != 5 or Email is null"), ids) == {"b", "c", "d"}


# -- refused comparators, values and columns (§3.3, §3.4) -----------------------------------------------------------
INVALID_OPERATORS = [
    ("Name > 'a'", "Name", ">"),
    ("Name >= 'a'", "Name", ">="),
    ("Name < 'a'", "Name", "<"),
    ("Name <= 'a'", "Name", "<="),
    ("Name between 'a' and 'z'", "Name", "between"),
    ("Name not between 'a' and 'z'", "Name", "not between"),
    ("Name not like 'bur%'", "Name", "not like"),  # only '%x%' is allowed
    ("Name not like '%ns'", "Name", "not like"),
    ("Name not like 'burns'", "Name", "not like"),
    ("Email > 'a'", "Email", ">"),
    ("Email not like 'b%'", "Email", "not like"),
    ("Phone between '1' and '2'", "Phone", "between"),
    ("Site < 'x'", "Site", "<"),
    ("Colour >= 'Red'", "Colour", ">="),
    ("Number <= 'SP-101'", "Number", "<="),
    ("Tags_Multi between 'A' and 'B'", "Tags_Multi", "between"),
    ("Tags_Multi not like 'A%'", "Tags_Multi", "not like"),
    ("Count like '5%'", "Count", "like"),
    ("Count NOT   LIKE '%5%'", "Count", "not like"),  # lower case, single spaces
    ("Big like '9%'", "Big", "like"),
    ("Ratio not like '%1%'", "Ratio", "not like"),
    ("Price like '10%'", "Price", "like"),
    ("Share like '%5'", "Share", "like"),
    ("Day like '2024%'", "Day", "like"),
    ("Moment like '2024%'", "Moment", "like"),
    ("Flag != true", "Flag", "!="),
    ("Flag in (true)", "Flag", "in"),
    ("Flag not in (true)", "Flag", "not in"),
    ("Flag > false", "Flag", ">"),
    ("Flag like 'true'", "Flag", "like"),
    ("Flag between false and true", "Flag", "between"),
    ("Target like '1%'", "Target", "like"),
    ("Target > 1", "Target", ">"),
    ("Target between 1 and 2", "Target", "between"),
    ("Reviewer not like '%1%'", "Reviewer", "not like"),
    ("Reviewer <= 1", "Reviewer", "<="),
    ("Owner like '%1%'", "Owner", "like"),
    ("Owner not between 1 and 2", "Owner", "not between"),
    ("id like '1%'", "id", "like"),
]


def test_a_comparator_not_allowed_for_the_type_is_an_invalid_operator(
    specimens: Api, ids: dict[str, str]
) -> None:
    wrong = {}
    for condition, column, operator in INVALID_OPERATORS:
        expected = {
            "code": "INVALID_QUERY",
            "details": {"reason": "invalid operator found", "column_name": column, "operator": operator},
            "message": "invalid query formed",
            "status": "error",
        }
        got = error(specimens, where(condition))
        if got != (400, expected):
            wrong[condition] = got
    assert wrong == {}


BAD_VALUES = [
    ("Count = 'abc'", "Count", "integer"),
    ("Count = 1.5", "Count", "integer"),
    ("Count in (1, 'x')", "Count", "integer"),
    ("Count between 1 and 'ten'", "Count", "integer"),
    ("Big = 'big'", "Big", "bigint"),
    ("Big > 1.5", "Big", "bigint"),
    ("Ratio = 'x'", "Ratio", "double"),
    ("Price = '1,5'", "Price", "currency"),
    ("Share != 'half'", "Share", "percent"),
    ("Day = '2024-02-30'", "Day", "date"),
    ("Day >= '2024-5-2'", "Day", "date"),
    ("Day in ('2024-01-01', 'soon')", "Day", "date"),
    ("Moment = '2024-05-02T05:47:33'", "Moment", "datetime"),  # no offset
    ("Moment between '2024-05-02' and 'soon'", "Moment", "datetime"),
    ("Moment < '2024-13-01T00:00:00Z'", "Moment", "datetime"),
    ("Flag = 'yes'", "Flag", "boolean"),
    ("Flag = 1", "Flag", "boolean"),
    ("Target = 'Acme'", "Target", "lookup"),
    ("Reviewer in ('Ada Admin')", "Reviewer", "userlookup"),
    ("Owner = 'Ada Admin'", "Owner", "ownerlookup"),
]


def test_a_value_not_of_the_columns_type_is_refused(specimens: Api, ids: dict[str, str]) -> None:
    wrong = {}
    for condition, column, data_type in BAD_VALUES:
        expected = {
            "code": "INVALID_QUERY",
            "details": {"column_name": column, "expected_data_type": data_type},
            "message": "value given seems to be invalid for the column",
            "status": "error",
        }
        got = error(specimens, where(condition))
        if got != (400, expected):
            wrong[condition] = got
    assert wrong == {}


def unsupported(column: str, data_type: str) -> tuple[int, dict[str, Any]]:
    details = {"column_name": column, "data_type": data_type}
    return 400, {
        "code": "INVALID_QUERY",
        "details": details,
        "message": "data type not supported",
        "status": "error",
    }


@pytest.mark.parametrize(
    ("query", "column", "data_type"),
    [
        (where("Notes_Text = 'x'"), "Notes_Text", "textarea"),
        (where("Notes_Text like '%x%'"), "Notes_Text", "textarea"),
        (where("Rich is null"), "Rich", "textarea"),
        (where("(Name = 'burns' and Notes_Text is not null)"), "Notes_Text", "textarea"),
        ("select Parts from Specimens where id is not null", "Parts", "subform"),
        (
            "select Name, Linked_Targets from Specimens where id is not null",
            "Linked_Targets",
            "multiselectlookup",
        ),
        ("select Photos from Specimens where id is not null", "Photos", "imageupload"),
        ("select Watchers from Specimens where id is not null", "Watchers", "multiuserlookup"),
    ],
)
def test_columns_of_unsupported_types(
    specimens: Api, ids: dict[str, str], query: str, column: str, data_type: str
) -> None:
    assert error(specimens, query) == unsupported(column, data_type)


def limit_exceeded(limit: int, param: str) -> tuple[int, dict[str, Any]]:
    details = {"limit": limit, "param_name": param}
    return 400, {"code": "LIMIT_EXCEEDED", "details": details, "message": "limit exceeded", "status": "error"}


def test_in_takes_at_most_50_values(specimens: Api, ids: dict[str, str]) -> None:
    numbers = [str(n) for n in range(100, 149)]
    assert rows(specimens, where(f"Count in ({', '.join([*numbers, '5'])})"), ids) == {"a"}  # 50 values
    assert rows(specimens, where(f"Count not in ({', '.join([*numbers, '5'])})"), ids) == {"b", "d"}
    names = [f"'n{n}'" for n in range(49)]
    fifty = ", ".join([*names, "'burns'"])
    assert rows(specimens, where(f"Name in ({fifty})"), ids) == {"b"}
    assert error(specimens, where(f"Count in ({', '.join([*numbers, '5', '6'])})")) == limit_exceeded(
        50, "in"
    )
    assert error(specimens, where(f"Count not in ({', '.join([*numbers, '5', '6'])})")) == limit_exceeded(
        50, "in"
    )
    fifty_one = ", ".join([*names, "'a'", "'b'"])
    assert error(specimens, where(f"Name in ({fifty_one})")) == limit_exceeded(50, "in")


def nested(conditions: list[str]) -> str:
    """The conditions joined by ``and``, two operands per connector: ``(c1 and (c2 and (…)))``."""
    if len(conditions) == 1:
        return conditions[0]
    return f"({conditions[0]} and {nested(conditions[1:])})"


def test_at_most_25_criteria(specimens: Api, ids: dict[str, str]) -> None:
    assert rows(specimens, where(nested(["Count > 0"] * 24 + ["Count < 10"])), ids) == {"a"}
    assert error(specimens, where(nested(["Count > 0"] * 25 + ["Count < 10"]))) == limit_exceeded(
        25, "criteria"
    )


# -- answer values (§3.3) ----------------------------------------------------------------------------------------------
SELECTED = (
    "Name, Code, Email, Phone, Site, Colour, Tags_Multi, Count, Big, Ratio, Share, Price, Flag, Day, Moment"
)
LINKS = "Target, Reviewer, Owner, Number"


def test_select_answers_each_type_as_v5_does(specimens: Api, ids: dict[str, str]) -> None:
    got = {
        row["id"]: row
        for row in data(specimens, f"select {SELECTED}, {LINKS} from Specimens where id is not null")
    }
    ada, vic, t1, t2 = ids["ada"], ids["vic"], ids["t1"], ids["t2"]
    nothing = dict.fromkeys(
        ["Email", "Phone", "Site", "Colour", "Tags_Multi", "Count", "Big", "Ratio", "Share", "Price"]
    )
    expected = {
        ids["a"]: {
            **ROWS["a"], "Tags_Multi": ["A", "B"], "Moment": "2024-05-02T11:17:33+05:30", "Target": {"id": t1},
            "Reviewer": {"id": ada}, "Owner": {"id": ada}, "Number": "SP-100", "id": ids["a"],
        },
        ids["b"]: {
            **ROWS["b"], "Moment": "2024-05-02T11:17:32+05:30", "Target": {"id": t2}, "Reviewer": None,
            "Owner": {"id": ada}, "Number": "SP-101", "id": ids["b"],
        },
        ids["c"]: {
            **ROWS["c"], **nothing, "Flag": None, "Day": None, "Moment": None, "Target": None,
            "Reviewer": None, "Owner": {"id": ada}, "Number": "SP-102", "id": ids["c"],
        },
        ids["d"]: {
            **ROWS["d"], "Site": None, "Moment": "2024-05-02T01:30:00+05:30", "Target": {"id": t1},
            "Reviewer": {"id": vic}, "Owner": {"id": vic}, "Number": "SP-103", "id": ids["d"],
        },
    }  # fmt: skip
    assert typed(got) == typed(expected)
    # the scalar values are those GET answers (datetimes in the user's zone)
    for record_id, row in got.items():
        record = specimens.get(f"/crm/v5/Specimens/{record_id}").json()["data"][0]
        assert {k: record[k] for k in SELECTED.split(", ")} == {k: row[k] for k in SELECTED.split(", ")}


def test_paths_through_lookups_answer_the_field_and_null_past_a_null_lookup(
    specimens: Api, ids: dict[str, str]
) -> None:
    got = data(specimens, "select Target.Name, Target.id from Specimens where id is not null")
    assert got == [
        {"Target.Name": "Acme", "Target.id": ids["t1"], "id": ids["a"]},
        {"Target.Name": "Globex", "Target.id": ids["t2"], "id": ids["b"]},
        {"Target.Name": None, "Target.id": None, "id": ids["c"]},
        {"Target.Name": "Acme", "Target.id": ids["t1"], "id": ids["d"]},
    ]


def test_id_is_added_once(specimens: Api, ids: dict[str, str]) -> None:
    response = specimens.post(
        "/crm/v5/coql", {"select_query": f"select id, Name from Specimens where id = {ids['a']}"}
    )
    assert response.status_code == 200
    assert response.json()["data"] == [{"id": ids["a"], "Name": "Ärger"}]
    assert response.text.count('"id"') == 1
    assert data(specimens, f"select Count from Specimens where id = {ids['b']}") == [
        {"Count": 12, "id": ids["b"]}
    ]


def test_no_record_found_is_204(specimens: Api, ids: dict[str, str]) -> None:
    response = specimens.post("/crm/v5/coql", {"select_query": where("Count > 1000")})
    assert (response.status_code, response.content) == (204, b"")
    response = specimens.post(
        "/crm/v5/coql", {"select_query": "select COUNT(id) from Specimens where Count > 1000"}
    )
    assert (response.status_code, response.content) == (204, b"")


# -- aggregates and GROUP BY (§3.6) ----------------------------------------------------------------------------------
def test_aggregates_per_type(specimens: Api, ids: dict[str, str]) -> None:
    def one(columns: str, condition: str = "id is not null") -> dict[str, Any]:
        [row] = data(specimens, f"select {columns} from Specimens where {condition}")
        return row

    counts = one("COUNT(Count), COUNT(id), COUNT(Target), COUNT(Colour), COUNT(Owner)")
    assert typed(counts) == typed(
        {"COUNT(Count)": 3, "COUNT(id)": 4, "COUNT(Target)": 3, "COUNT(Colour)": 3, "COUNT(Owner)": 4}
    )
    assert all(type(v) is int for v in counts.values())
    integers = one("SUM(Count), AVG(Count), MIN(Count), MAX(Count), COUNT(Reviewer)")
    assert integers == {
        "SUM(Count)": 14,
        "AVG(Count)": pytest.approx(14 / 3, rel=1e-12),  # unrounded, over the 3 non-null values
        "MIN(Count)": -3,
        "MAX(Count)": 12,
        "COUNT(Reviewer)": 2,
    }
    assert type(integers["SUM(Count)"]) is int and type(integers["AVG(Count)"]) is float
    assert one("AVG(Count)", "Count > 0") == {"AVG(Count)": 8.5}
    decimals = one("SUM(Share), AVG(Share), MIN(Share), MAX(Share), SUM(Price)")
    assert decimals == {  # nulls ignored: MIN is not 0, AVG is not over 4
        "SUM(Share)": 162.5,
        "AVG(Share)": pytest.approx(162.5 / 3, rel=1e-12),
        "MIN(Share)": 12.5,
        "MAX(Share)": 100,
        "SUM(Price)": 130.25,
    }
    times = one("MIN(Day), MAX(Day), MIN(Moment), MAX(Moment), AVG(Price)")
    assert times == {
        "MIN(Day)": "2023-12-31",
        "MAX(Day)": "2024-02-29",
        "MIN(Moment)": "2024-05-02T01:30:00+05:30",
        "MAX(Moment)": "2024-05-02T11:17:33+05:30",
        "AVG(Price)": pytest.approx(130.25 / 3, rel=1e-12),
    }
    bigs = one("SUM(Big), MIN(Big), MAX(Big), SUM(Ratio), AVG(Ratio)")
    assert typed(bigs) == typed(
        {
            "SUM(Big)": "18014398509481984",
            "MIN(Big)": "-1",
            "MAX(Big)": "9007199254740993",
            "SUM(Ratio)": 4.75,
            "AVG(Ratio)": 4.75 / 3,
        }
    )
    assert one("MAX(Count), COUNT(Count)", "Count is null") == {"MAX(Count)": None, "COUNT(Count)": 0}


def test_a_sum_of_bigints_beyond_64_bits_is_exact(specimens: Api) -> None:
    # ten 18-digit values (the most a bigint holds, B§3.5) add up to more than 2^63 - 1
    many = [
        {"Name": f"n{i}", "Code": f"K{i}", "Big": "999999999999999999", "Count": 999999999} for i in range(10)
    ]
    specimens.insert("Specimens", *many)
    [row] = data(specimens, "select SUM(Big), MAX(Big), SUM(Count) from Specimens where id is not null")
    assert typed(row) == typed(
        {"SUM(Big)": "9999999999999999990", "MAX(Big)": "999999999999999999", "SUM(Count)": 9999999990}
    )
    groups = data(specimens, "select Count, SUM(Big) from Specimens where id is not null group by Count")
    assert groups == [{"Count": 999999999, "SUM(Big)": "9999999999999999990"}]


@pytest.mark.parametrize(
    ("column", "field", "data_type"),
    [
        ("SUM(Name)", "Name", "text"),
        ("MIN(Name)", "Name", "text"),
        ("AVG(Day)", "Day", "date"),
        ("SUM(Moment)", "Moment", "datetime"),
        ("MAX(Flag)", "Flag", "boolean"),
        ("COUNT(Flag)", "Flag", "boolean"),
        ("COUNT(Tags_Multi)", "Tags_Multi", "multiselectpicklist"),
        ("MAX(Email)", "Email", "email"),
        ("SUM(Target)", "Target", "lookup"),
        ("COUNT(Notes_Text)", "Notes_Text", "textarea"),
        ("COUNT(Name)", "Name", "text"),
        ("COUNT(Number)", "Number", "autonumber"),
        ("MIN(Target)", "Target", "lookup"),
        ("AVG(Owner)", "Owner", "ownerlookup"),
        ("MAX(Target.Name)", "Target.Name", "text"),
    ],
)
def test_an_aggregate_on_a_type_it_does_not_take(
    specimens: Api, ids: dict[str, str], column: str, field: str, data_type: str
) -> None:
    assert error(specimens, f"select {column} from Specimens where id is not null") == unsupported(
        field, data_type
    )


GROUPS: list[tuple[str, str, list[dict[str, Any]]]] = [
    (
        "Colour",
        "COUNT(id), SUM(Count)",
        [
            {"Colour": None, "COUNT(id)": 1, "SUM(Count)": None},
            {"Colour": "Green", "COUNT(id)": 1, "SUM(Count)": 12},
            {"Colour": "Red", "COUNT(id)": 2, "SUM(Count)": 2},
        ],
    ),
    (
        "Flag",
        "COUNT(id)",
        [{"Flag": None, "COUNT(id)": 1}, {"Flag": False, "COUNT(id)": 2}, {"Flag": True, "COUNT(id)": 1}],
    ),
    (
        "Count",
        "COUNT(id)",
        [
            {"Count": None, "COUNT(id)": 1},
            {"Count": -3, "COUNT(id)": 1},
            {"Count": 5, "COUNT(id)": 1},
            {"Count": 12, "COUNT(id)": 1},
        ],
    ),
    (
        "Day",
        "MAX(Count)",
        [
            {"Day": None, "MAX(Count)": None},
            {"Day": "2023-12-31", "MAX(Count)": 12},
            {"Day": "2024-01-01", "MAX(Count)": -3},
            {"Day": "2024-02-29", "MAX(Count)": 5},
        ],
    ),
    (
        "Moment",
        "COUNT(id)",
        [
            {"Moment": None, "COUNT(id)": 1},
            {"Moment": "2024-05-02T01:30:00+05:30", "COUNT(id)": 1},
            {"Moment": "2024-05-02T11:17:32+05:30", "COUNT(id)": 1},
            {"Moment": "2024-05-02T11:17:33+05:30", "COUNT(id)": 1},
        ],
    ),
    (
        "Tags_Multi",
        "COUNT(id)",
        [
            {"Tags_Multi": None, "COUNT(id)": 1},
            {"Tags_Multi": ["A", "B"], "COUNT(id)": 1},
            {"Tags_Multi": ["B", "A"], "COUNT(id)": 1},
            {"Tags_Multi": ["C"], "COUNT(id)": 1},
        ],
    ),
    (
        "Target",
        "COUNT(id), AVG(Price)",
        [
            {"Target": None, "COUNT(id)": 1, "AVG(Price)": None},
            {"Target": {"id": "{t1}"}, "COUNT(id)": 2, "AVG(Price)": 15.25},
            {"Target": {"id": "{t2}"}, "COUNT(id)": 1, "AVG(Price)": 99.75},
        ],
    ),
    (
        "Big",
        "COUNT(id)",
        [
            {"Big": None, "COUNT(id)": 1},
            {"Big": "-1", "COUNT(id)": 1},
            {"Big": "9007199254740992", "COUNT(id)": 1},
            {"Big": "9007199254740993", "COUNT(id)": 1},
        ],
    ),
    (
        "Share",
        "COUNT(id)",
        [
            {"Share": None, "COUNT(id)": 1},
            {"Share": 12.5, "COUNT(id)": 1},
            {"Share": 50, "COUNT(id)": 1},
            {"Share": 100, "COUNT(id)": 1},
        ],
    ),
    (
        "Reviewer",
        "COUNT(id)",
        [
            {"Reviewer": None, "COUNT(id)": 2},
            {"Reviewer": {"id": "{ada}"}, "COUNT(id)": 1},
            {"Reviewer": {"id": "{vic}"}, "COUNT(id)": 1},
        ],
    ),
    (
        "Target.Name",
        "COUNT(id)",
        [
            {"Target.Name": None, "COUNT(id)": 1},
            {"Target.Name": "Acme", "COUNT(id)": 2},
            {"Target.Name": "Globex", "COUNT(id)": 1},
        ],
    ),
    (
        "Owner",
        "COUNT(id)",
        [{"Owner": {"id": "{ada}"}, "COUNT(id)": 3}, {"Owner": {"id": "{vic}"}, "COUNT(id)": 1}],
    ),
    (
        "Colour, Flag",
        "COUNT(id)",
        [
            {"Colour": None, "Flag": None, "COUNT(id)": 1},
            {"Colour": "Green", "Flag": False, "COUNT(id)": 1},
            {"Colour": "Red", "Flag": False, "COUNT(id)": 1},
            {"Colour": "Red", "Flag": True, "COUNT(id)": 1},
        ],
    ),
]


def fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("groups", "aggregates", "expected"), GROUPS, ids=[g[0] for g in GROUPS])
def test_group_by_per_type_with_null_as_the_first_group(
    specimens: Api, ids: dict[str, str], groups: str, aggregates: str, expected: list[dict[str, Any]]
) -> None:
    query = f"select {groups}, {aggregates} from Specimens where id is not null group by {groups}"
    assert typed(data(specimens, query)) == typed(fill(expected, ids))


# -- ORDER BY (§3.7) ---------------------------------------------------------------------------------------------------
ORDERS = [
    ("", "abcd"),  # default: id ascending
    ("Code", "abcd"),  # ignoring case: A1 b2 C3 d0
    ("Code desc", "dcba"),
    ("Email", "cabd"),
    ("Email desc", "dbac"),
    ("Site", "cdba"),  # c and d are null: by id
    ("Site desc", "abcd"),
    ("Colour", "cbad"),
    ("Colour desc", "adbc"),  # equal keys by id ascending, descending or not
    ("Number desc", "dcba"),
    ("Tags_Multi", "cadb"),
    ("Tags_Multi desc", "bdac"),
    ("Count", "cdab"),
    ("Count desc", "badc"),
    ("Big", "cdba"),
    ("Big desc", "abdc"),
    ("Ratio asc", "cdab"),
    ("Ratio desc", "badc"),
    ("Price", "cadb"),
    ("Price desc", "bdac"),
    ("Share", "cabd"),
    ("Share desc", "dbac"),
    ("Day", "cbda"),
    ("Day desc", "adbc"),
    ("Moment", "cdba"),
    ("Moment desc", "abdc"),
    ("Flag", "cbda"),
    ("Flag desc", "abdc"),
    ("Target", "cadb"),
    ("Target desc", "badc"),
    ("Target.Name", "cadb"),
    ("Target.Name desc", "badc"),
    ("Reviewer", "bcad"),
    ("Reviewer desc", "dabc"),
    ("Owner", "abcd"),
    ("Owner desc", "dabc"),
    ("id desc", "dcba"),
    ("Flag, Count", "cdba"),
    ("Flag desc, Count desc", "abdc"),
    ("Colour desc, Day", "dabc"),
]


def test_order_by_per_type_nulls_first_ascending_last_descending_ties_by_id(
    specimens: Api, ids: dict[str, str]
) -> None:
    assert ids["ada"] < ids["vic"] and ids["t1"] < ids["t2"]
    wrong = {}
    for order, expected in ORDERS:
        query = "select Code from Specimens where id is not null" + (f" order by {order}" if order else "")
        try:
            got = ordered(specimens, query, ids)
        except AssertionError as failed:  # not a 200
            got = str(failed)
        if got != expected:
            wrong[order] = {"expected": expected, "got": got}
    assert wrong == {}


def test_order_by_an_alias(specimens: Api, ids: dict[str, str]) -> None:
    assert (
        ordered(specimens, "select Count as n from Specimens where id is not null order by n desc", ids)
        == "badc"
    )


def test_group_by_with_order_by(specimens: Api, ids: dict[str, str]) -> None:
    def colours(query: str) -> list[Any]:
        return [(row["Colour"], row["SUM(Count)"]) for row in data(specimens, query)]

    head = "select Colour, SUM(Count) from Specimens where id is not null group by Colour"
    assert colours(f"{head} order by Colour desc") == [("Red", 2), ("Green", 12), (None, None)]
    assert colours(f"{head} order by SUM(Count)") == [(None, None), ("Red", 2), ("Green", 12)]
    assert colours(f"{head} order by SUM(Count) desc") == [("Green", 12), ("Red", 2), (None, None)]
    counts = data(
        specimens,
        "select Count, COUNT(id) from Specimens where id is not null group by Count order by Count desc",
    )
    assert [row["Count"] for row in counts] == [12, 5, -3, None]
