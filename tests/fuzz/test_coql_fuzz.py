"""COQL queries drawn by hypothesis from the language's own pieces (keywords, every Specimens field and a lookup path,
comparators, values of every kind, brackets, commas) and sent to ``POST /crm/v5/coql`` on SQLite or PostgreSQL:
well-formed ones and near misses. No answer is a 5xx; every error is one of the codes of zoho-v5-queries.md §3 in
Zoho's envelope; a 200 has ``data`` and exactly ``count`` and ``more_records``; nothing is written."""

from __future__ import annotations

from collections import Counter
from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from tests.conftest import Api

FIELDS = [
    "id", "Name", "Code", "Notes_Text", "Email", "Phone", "Site", "Colour", "Tags_Multi", "Count", "Big", "Ratio",
    "Share", "Price", "Flag", "Day", "Moment", "Target", "Target.Name", "Target.id", "Reviewer", "Owner",
    "Computed", "Number", "Parts", "Photos", "Created_Time", "'Name'", "Nope", "Target.Nope",
]  # fmt: skip
VALUES = ["'x'", "'%x%'", "'x%'", "'%'", "''", "'O''Brien'", "5", "-2.5", "true", "'2024-02-29'",
          "'2024-05-02T11:17:33+05:30'", "'1'", "word", '"dq"', "'Red'", "'A;B'"]  # fmt: skip
COMPARATORS = ["=", "!=", ">", ">=", "<", "<=", "like", "not like", "in", "not in", "between", "not between",
               "is null", "is not null"]  # fmt: skip
CODES = {"SYNTAX_ERROR", "INVALID_QUERY", "LIMIT_EXCEEDED", "DUPLICATE_DATA", "INVALID_ALIAS", "DUPLICATE_ALIAS",
         "INVALID_DATA"}  # fmt: skip


TEXT_OPS = ["=", "!=", "like", "in", "not in", "is null", "is not null"]
ORDERED_OPS = ["=", "!=", ">", ">=", "<", "<=", "between", "not between", "in", "is null", "is not null"]
FITTING = {  # field -> comparators and values of its type
    "Name": (TEXT_OPS, ["'a'", "'%a%'", "'A%'", "'%b'"]),
    "Email": (TEXT_OPS, ["'a@b.test'"]),
    "Colour": (TEXT_OPS, ["'Red'", "'red'"]),
    "Tags_Multi": (TEXT_OPS, ["'A;B'", "'%B%'"]),
    "Count": (ORDERED_OPS, ["5", "-2", "'7'"]),
    "Ratio": (ORDERED_OPS, ["2.5", "0"]),
    "Day": (ORDERED_OPS, ["'2024-02-29'", "'2023-01-01'"]),
    "Moment": (ORDERED_OPS, ["'2024-05-02T11:17:33+05:30'", "'2024-05-02'"]),
    "Created_Time": (ORDERED_OPS, ["'2020-01-01T00:00:00+00:00'"]),
    "Flag": (["=", "is null"], ["true", "false"]),
    "id": (["=", "!=", ">", "is not null"], ["1", "'2'"]),
    "Target.Name": (TEXT_OPS, ["'T'", "'t%'"]),
}


@st.composite
def fitting(draw: st.DrawFn) -> str:
    """A comparison of a field with a comparator and value of its type."""
    field = draw(st.sampled_from(sorted(FITTING)))
    ops, values = FITTING[field]
    op = draw(st.sampled_from(ops))
    if op.startswith("is"):
        return f"{field} {op}"
    if op.endswith("in"):
        return f"{field} {op} ({', '.join(draw(st.lists(st.sampled_from(values), min_size=1, max_size=3)))})"
    if op.endswith("between"):
        return f"{field} {op} {draw(st.sampled_from(values))} and {draw(st.sampled_from(values))}"
    return f"{field} {op} {draw(st.sampled_from(values))}"


@st.composite
def comparison(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 2)) < 2:
        return draw(fitting())
    field, op = draw(st.sampled_from(FIELDS)), draw(st.sampled_from(COMPARATORS))
    if op.startswith("is"):
        return f"{field} {op}"
    if op.endswith("in"):
        return f"{field} {op} ({', '.join(draw(st.lists(st.sampled_from(VALUES), min_size=1, max_size=3)))})"
    if op.endswith("between"):
        return f"{field} {op} {draw(st.sampled_from(VALUES))} and {draw(st.sampled_from(VALUES))}"
    return f"{field} {op} {draw(st.sampled_from(VALUES))}"


@st.composite
def condition(draw: st.DrawFn, depth: int = 0) -> str:
    if depth >= 2 or draw(st.booleans()):
        return draw(comparison())
    left, right = draw(condition(depth + 1)), draw(condition(depth + 1))
    return f"({left} {draw(st.sampled_from(['and', 'or', 'AND']))} {right})"


@st.composite
def column(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 2)) < 2:
        return draw(
            st.sampled_from(["Name", "Count", "Target.Name", "Moment", "Tags_Multi", "Owner", "Flag"])
        )
    field = draw(st.sampled_from(FIELDS))
    if draw(st.integers(0, 3)) == 3:
        field = f"{draw(st.sampled_from(['COUNT', 'SUM', 'MIN', 'MAX', 'AVG', 'count']))}({field})"
    if draw(st.integers(0, 3)) == 3:
        field += f" as {draw(st.sampled_from(['a', 'b', chr(39) * 2]))}"
    return field


@st.composite
def query(draw: st.DrawFn) -> str:
    columns = ", ".join(draw(st.lists(column(), min_size=1, max_size=4, unique=True)))
    text = f"select {columns} from {draw(st.sampled_from(['Specimens'] * 6 + ['specimens', 'Nowhere']))}"
    text += f" where {draw(condition())}"
    if draw(st.integers(0, 3)) == 3:
        text += f" group by {', '.join(draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=2)))}"
    if draw(st.booleans()):
        text += f" order by {draw(st.sampled_from(FIELDS))} {draw(st.sampled_from(['', 'asc', 'DESC']))}"
    if draw(st.booleans()):
        text += f" limit {draw(st.sampled_from(['1', '2', '10', '3, 4', '1 offset 1', '0', '2001', '5 offset 9996', 'x']))}"
    if draw(st.integers(0, 7)) == 7:  # a near miss: a piece dropped or doubled (draws are mostly small)
        pieces = text.split(" ")
        at = draw(st.integers(0, len(pieces) - 1))
        pieces = pieces[:at] + pieces[at + 1 :] if draw(st.booleans()) else [*pieces[: at + 1], *pieces[at:]]
        text = " ".join(pieces)
    return text


def check(api: Api, text: str, seen: Counter[str]) -> None:
    response = api.post("/crm/v5/coql", {"select_query": text})
    seen[str(response.status_code) if response.status_code != 400 else response.json()["code"]] += 1
    assert response.status_code in (200, 204, 400), (text, response.status_code, response.text[:500])
    if response.status_code == 204:
        assert response.content == b""
        return
    body: dict[str, Any] = response.json()
    if response.status_code == 200:
        assert set(body) == {"data", "info"} and set(body["info"]) == {"count", "more_records"}, text
        assert body["info"]["count"] == len(body["data"]) > 0
        return
    assert set(body) == {"code", "details", "message", "status"} and body["status"] == "error", text
    assert body["code"] in CODES, (text, body)


def test_drawn_queries_get_an_answer_or_a_zoho_error(specimens: Api) -> None:
    target = specimens.insert("Targets", {"Name": "T"})[0]
    specimens.insert(
        "Specimens",
        {
            "Name": "a",
            "Code": "A",
            "Count": 5,
            "Tags_Multi": ["A", "B"],
            "Target": {"id": target},
            "Flag": True,
        },
        {"Name": "b", "Code": "B", "Day": "2024-02-29", "Moment": "2024-05-02T11:17:33+05:30"},
    )
    before = specimens.get("/crm/v5/Specimens", params={"fields": "Name,Modified_Time"}).json()

    @settings(max_examples=300, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(query())
    def run(text: str) -> None:
        check(specimens, text, seen)

    seen: Counter[str] = Counter()
    run()
    assert seen["200"] >= 20 and seen["204"] >= 5 and len(seen) >= 6, seen  # answers as well as errors
    assert specimens.get("/crm/v5/Specimens", params={"fields": "Name,Modified_Time"}).json() == before
