"""A COQL ``select_query`` as a tree (zoho-v5-queries.md §3.2, §3.8), parsed by a lark LALR grammar.

    query     := SELECT columns FROM module WHERE condition [GROUP BY paths] [ORDER BY orders] [limit]
    columns   := column [AS alias] {"," column [AS alias]}
    column    := path | NAME "(" path ")"
    condition := operand [connector operand]          a connector joins exactly two operands
    operand   := comparison | "(" condition ")"

Keywords ignore case; names keep it. A quoted word is a name in a column position and a string in a value
position. Syntax errors answer 400 ``SYNTAX_ERROR``: ``given coql query not supported`` for anything but a SELECT,
``missing clause`` (``{"clause": "from" | "where"}``) when the query has no FROM or no WHERE, else ``{"near": T}``
with the first token that cannot continue the query, as written (the last token at the end of the query).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from zcrm.errors import CoqlSyntaxError

GRAMMAR = r"""
start: _SELECT columns _FROM name _WHERE condition group? order? limit?
columns: column ("," column)*
column: expr (_AS name)?
?expr: path | call
call: NAME "(" path ")"
path: name ("." name)*
?name: NAME | STRING
?condition: operand | connected
connected: operand (AND | OR) operand
?operand: comparison | "(" condition ")"
comparison: path COMPARATOR value                       -> compare
          | path NOT? LIKE value                        -> like
          | path NOT? IN "(" value ("," value)* ")"     -> in_list
          | path NOT? BETWEEN value AND value           -> between
          | path _IS NOT? NULL                          -> null
?value: STRING | NUMBER | NAME
group: _GROUP _BY path ("," path)*
order: _ORDER _BY ordering ("," ordering)*
ordering: expr (ASC | DESC)?
limit: _LIMIT bound (OFFSET_KW bound | "," bound)?
?bound: NUMBER | NAME | STRING

_SELECT: "select"i
_FROM: "from"i
_WHERE: "where"i
_AS: "as"i
_GROUP: "group"i
_ORDER: "order"i
_BY: "by"i
_LIMIT: "limit"i
OFFSET_KW: "offset"i
_IS: "is"i
NOT: "not"i
LIKE: "like"i
IN: "in"i
BETWEEN: "between"i
NULL: "null"i
AND: "and"i
OR: "or"i
ASC: "asc"i
DESC: "desc"i
COMPARATOR: "!=" | ">=" | "<=" | "=" | ">" | "<"
NUMBER: /-?[0-9]+(\.[0-9]+)?(?![A-Za-z_$0-9])/
NAME: /[A-Za-z_$][A-Za-z0-9_$]*/
STRING: /'(?:[^']|'')*'/ | /"[^"]*"/
%ignore /\s+/
"""
_STRINGS = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"")
_FIRST = re.compile(r"\s*([A-Za-z]+)")
_TOKENS = re.compile(r"'(?:[^']|'')*'?|\"[^\"]*\"?|[A-Za-z_$0-9.-]+|!=|>=|<=|\S")


@dataclass(frozen=True, slots=True)
class Path:
    names: tuple[str, ...]  # quotes removed

    @property
    def text(self) -> str:
        return ".".join(self.names)


@dataclass(frozen=True, slots=True)
class Call:
    function: str  # as written
    path: Path

    @property
    def text(self) -> str:
        return f"{self.function}({self.path.text})"


Expr = Path | Call


@dataclass(frozen=True, slots=True)
class Column:
    expr: Expr
    alias: str | None  # None: no AS


@dataclass(frozen=True, slots=True)
class Literal:
    text: str  # unquoted
    quoted: bool
    kind: str  # "string" | "number" | "word"


@dataclass(frozen=True, slots=True)
class Comparison:
    path: Path
    operator: str  # "=", "!=", ">", ">=", "<", "<=", "like", "not like", "in", "not in", "between",
    # "not between", "is null", "is not null"
    values: tuple[Literal, ...]


@dataclass(frozen=True, slots=True)
class Connected:
    connector: str  # "and" | "or"
    left: Condition
    right: Condition


Condition = Comparison | Connected


@dataclass(frozen=True, slots=True)
class Ordering:
    expr: Expr
    descending: bool


@dataclass(frozen=True, slots=True)
class Query:
    columns: tuple[Column, ...]
    module: str
    where: Condition
    group_by: tuple[Path, ...]
    order_by: tuple[Ordering, ...]
    limit: Literal | None
    offset: Literal | None


def _unquote(token: Token) -> str:
    text = str(token)
    if token.type != "STRING":
        return text
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    return text[1:-1]


def _literal(token: Token) -> Literal:
    kind = {"STRING": "string", "NUMBER": "number"}.get(token.type, "word")
    return Literal(_unquote(token), token.type == "STRING", kind)


def _negated(children: list[Any]) -> tuple[bool, list[Any]]:
    if children and isinstance(children[0], Token) and children[0].type == "NOT":
        return True, children[1:]
    return False, children


class _Tree(Transformer[Token, Any]):
    def path(self, names: list[Token]) -> Path:
        return Path(tuple(_unquote(n) for n in names))

    @v_args(inline=True)
    def call(self, function: Token, path: Path) -> Call:
        return Call(str(function), path)

    def column(self, children: list[Any]) -> Column:
        return Column(children[0], _unquote(children[1]) if len(children) > 1 else None)

    def columns(self, children: list[Column]) -> tuple[Column, ...]:
        return tuple(children)

    @v_args(inline=True)
    def compare(self, path: Path, comparator: Token, value: Token) -> Comparison:
        return Comparison(path, str(comparator), (_literal(value),))

    def like(self, children: list[Any]) -> Comparison:
        negated, rest = _negated(children[1:])
        return Comparison(children[0], "not like" if negated else "like", (_literal(rest[1]),))

    def in_list(self, children: list[Any]) -> Comparison:
        negated, rest = _negated(children[1:])
        values = tuple(_literal(v) for v in rest[1:])
        return Comparison(children[0], "not in" if negated else "in", values)

    def between(self, children: list[Any]) -> Comparison:
        negated, rest = _negated(children[1:])
        values = (_literal(rest[1]), _literal(rest[3]))
        return Comparison(children[0], "not between" if negated else "between", values)

    def null(self, children: list[Any]) -> Comparison:
        negated, _ = _negated(children[1:])
        return Comparison(children[0], "is not null" if negated else "is null", ())

    @v_args(inline=True)
    def connected(self, left: Condition, connector: Token, right: Condition) -> Connected:
        return Connected(str(connector).lower(), left, right)

    def group(self, paths: list[Path]) -> tuple[str, tuple[Path, ...]]:
        return ("group", tuple(paths))

    def ordering(self, children: list[Any]) -> Ordering:
        return Ordering(children[0], len(children) > 1 and str(children[1]).lower() == "desc")

    def order(self, orderings: list[Ordering]) -> tuple[str, tuple[Ordering, ...]]:
        return ("order", tuple(orderings))

    def limit(self, children: list[Token]) -> tuple[str, tuple[Literal, Literal | None]]:
        first = _literal(children[0])
        if len(children) == 1:
            return ("limit", (first, None))
        if children[1].type == "OFFSET_KW":  # LIMIT n OFFSET m
            return ("limit", (first, _literal(children[2])))
        return ("limit", (_literal(children[1]), first))  # LIMIT m, n: the offset first

    def start(self, children: list[Any]) -> Query:
        columns, module, where, *clauses = children
        found: dict[str, Any] = dict(clauses)
        limit, offset = found.get("limit", (None, None))
        return Query(
            columns, _unquote(module), where, found.get("group", ()), found.get("order", ()), limit, offset
        )


@cache
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", lexer="basic", maybe_placeholders=False)


def _has_word(query: str, word: str) -> bool:
    outside = _STRINGS.sub(" ", query)
    return re.search(rf"(?<![A-Za-z0-9_$.]){word}(?![A-Za-z0-9_$])", outside, re.IGNORECASE) is not None


def _near(query: str, exc: UnexpectedInput) -> str:
    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        return str(exc.token)
    if isinstance(exc, UnexpectedCharacters):
        found = _TOKENS.match(query, exc.pos_in_stream or 0)
        return found.group(0) if found else query[exc.pos_in_stream or 0 :]
    tokens = _TOKENS.findall(query)  # at the end: the last token
    return tokens[-1] if tokens else ""


def parse(query: str) -> Query:
    """The query as a tree, or 400 ``SYNTAX_ERROR`` as the module docstring says."""
    first = _FIRST.match(query)
    if first is None or first.group(1).lower() != "select":
        raise CoqlSyntaxError(CoqlSyntaxError.NOT_SUPPORTED)
    for clause in ("from", "where"):
        if not _has_word(query, clause):
            raise CoqlSyntaxError(CoqlSyntaxError.MISSING_CLAUSE, {"clause": clause})
    try:
        tree = _parser().parse(query)
    except (UnexpectedToken, UnexpectedCharacters, UnexpectedEOF) as exc:
        raise CoqlSyntaxError(details={"near": _near(query, exc)}) from None
    except LarkError:
        raise CoqlSyntaxError(details={"near": query.split()[-1]}) from None
    result = _Tree().transform(tree)
    assert isinstance(result, Query)
    return result


def comparisons(condition: Condition) -> list[Comparison]:
    """The condition's comparisons, left to right."""
    if isinstance(condition, Comparison):
        return [condition]
    return [*comparisons(condition.left), *comparisons(condition.right)]
