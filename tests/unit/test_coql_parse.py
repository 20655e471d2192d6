"""The COQL grammar (``coql/parse.py``, zoho-v5-queries.md §3.2 and §3.8): keywords in any case, quoted names and
values, the bracket pairing of connectors, the LIMIT forms, and each syntax error with its exact details."""

from __future__ import annotations

from typing import Any

import pytest

from zcrm.coql.parse import (
    Call,
    Column,
    Comparison,
    Connected,
    Literal,
    Ordering,
    Path,
    Query,
    comparisons,
    parse,
)
from zcrm.errors import CoqlSyntaxError


def syntax_error(query: str) -> tuple[str, dict[str, Any]]:
    with pytest.raises(CoqlSyntaxError) as caught:
        parse(query)
    return caught.value.message, caught.value.details


def test_a_query_with_every_clause() -> None:
    query = parse(
        "SeLeCt Last_Name, 'External' AS Ext, COUNT(id), Account_Name.Parent_Account.Account_Name as \"P\""
        " FROM leads WhErE (Last_Name = 'O''Brien' and Amount between 1 and 5) or Lead_Source = Advertisement"
        " GROUP BY Last_Name, Amount ORDER BY Last_Name DESC, id asc, Ext LIMIT 5, 10"
    )
    assert query == Query(
        columns=(
            Column(Path(("Last_Name",)), None),
            Column(Path(("External",)), "Ext"),
            Column(Call("COUNT", Path(("id",))), None),
            Column(Path(("Account_Name", "Parent_Account", "Account_Name")), "P"),
        ),
        module="leads",
        where=Connected(
            "or",
            Connected(
                "and",
                Comparison(Path(("Last_Name",)), "=", (Literal("O'Brien", True, "string"),)),
                Comparison(
                    Path(("Amount",)),
                    "between",
                    (Literal("1", False, "number"), Literal("5", False, "number")),
                ),
            ),
            Comparison(Path(("Lead_Source",)), "=", (Literal("Advertisement", False, "word"),)),
        ),
        group_by=(Path(("Last_Name",)), Path(("Amount",))),
        order_by=(
            Ordering(Path(("Last_Name",)), True),
            Ordering(Path(("id",)), False),
            Ordering(Path(("Ext",)), False),
        ),
        limit=Literal("10", False, "number"),  # LIMIT m, n: m is the offset
        offset=Literal("5", False, "number"),
    )


@pytest.mark.parametrize(
    ("where", "operator", "values"),
    [
        ("A != -5.5", "!=", (Literal("-5.5", False, "number"),)),
        ("A >= 3", ">=", (Literal("3", False, "number"),)),
        ("A <= 3", "<=", (Literal("3", False, "number"),)),
        ("A > 3", ">", (Literal("3", False, "number"),)),
        ("A < 3", "<", (Literal("3", False, "number"),)),
        ("A LIKE '%x%'", "like", (Literal("%x%", True, "string"),)),
        ("A not like '%x%'", "not like", (Literal("%x%", True, "string"),)),
        ("A in (1, 'b', c)", "in", (Literal("1", False, "number"), Literal("b", True, "string"),
                                     Literal("c", False, "word"))),
        ("A NOT IN ('a')", "not in", (Literal("a", True, "string"),)),
        ("A not between '2024-01-01' and '2024-02-01'", "not between",
         (Literal("2024-01-01", True, "string"), Literal("2024-02-01", True, "string"))),
        ("A is null", "is null", ()),
        ("A IS NOT NULL", "is not null", ()),
        ('A = "double quoted"', "=", (Literal("double quoted", True, "string"),)),
        ("A = true", "=", (Literal("true", False, "word"),)),
    ],
)  # fmt: skip
def test_every_comparator(where: str, operator: str, values: tuple[Literal, ...]) -> None:
    query = parse(f"select A from M where {where}")
    assert query.where == Comparison(Path(("A",)), operator, values)


@pytest.mark.parametrize(
    "where",
    [
        "((A = 1 and B = 2) and C = 3)",
        "(A = 1 and (B = 2 or C = 3))",
        "(A = 1 and B = 2) and C = 3",
        "A = 1 and (B = 2 and C = 3)",
        "((A = 1))",
    ],
)
def test_brackets_pair_each_connector(where: str) -> None:
    assert [c.path.text for c in comparisons(parse(f"select A from M where {where}").where)] == [
        "A",
        "B",
        "C",
    ][: where.count("=")]


@pytest.mark.parametrize(
    ("query", "near"),
    [
        ("select A from M where A = 1 and B = 2 and C = 3", "and"),  # the second connector
        ("select A from M where A = 1 or B = 2 OR C = 3", "OR"),  # as written
        ("select Last_Name, from Leads where A = 1", "from"),
        ("select Last_Name, FROM Leads where A = 1", "FROM"),
        ("select A from M where (Last_Name = 'x'", "'x'"),  # at the end: the last token
        ("select A from M where A = 1;", ";"),
        ("select A from M where A == 1", "="),
        ("select A from M where A @ 1", "@"),
        ("select A from M where A = 1 order A", "A"),
        ("select A from M where A = 1 limit", "limit"),
        ("select A from M where A = 1 limit 1, 2, 3", ","),
        ("select A from M where A in ()", ")"),
        ("select A from M, N where A = 1", ","),
    ],
)
def test_what_does_not_parse_names_the_first_token_that_cannot_continue(query: str, near: str) -> None:
    assert syntax_error(query) == ("error occured while parsing the query", {"near": near})


@pytest.mark.parametrize(
    ("query", "clause"),
    [
        ("select Last_Name Leads where A = 1", "from"),
        ("select Last_Name from Leads", "where"),
        ("select Last_Name from Leads order by Last_Name", "where"),
        ("select 'where' from Leads", "where"),  # a quoted word is no keyword
        ("select Fromage Leads where A = 1", "from"),  # a word that begins with from is no FROM
    ],
)
def test_a_missing_clause(query: str, clause: str) -> None:
    assert syntax_error(query) == ("missing clause", {"clause": clause})


@pytest.mark.parametrize(
    "query",
    ["update Leads set A = 1", "delete from Leads where A = 1", "", "   ", "(select A from M where A = 1)"],
)
def test_only_select_is_supported(query: str) -> None:
    assert syntax_error(query) == ("given coql query not supported", {})


def test_limit_forms() -> None:
    def page(tail: str) -> tuple[str | None, str | None]:
        query = parse(f"select A from M where A = 1 {tail}")
        return (
            None if query.limit is None else query.limit.text,
            None if query.offset is None else query.offset.text,
        )

    assert page("") == (None, None)
    assert page("limit 7") == ("7", None)
    assert page("LIMIT 7 OFFSET 3") == ("7", "3")
    assert page("limit 3, 7") == ("7", "3")
    assert page("limit abc") == ("abc", None)  # checked against the schema's rules later (coql/plan.py)


def test_keywords_as_parts_of_names_stay_names() -> None:
    query = parse("select Order_Number, Selected, Is_Null from M where In_Stock = 1 order by Order_Number")
    assert [c.expr for c in query.columns] == [
        Path(("Order_Number",)),
        Path(("Selected",)),
        Path(("Is_Null",)),
    ]
    assert query.order_by == (Ordering(Path(("Order_Number",)), False),)
