"""The ``criteria`` parameter of Search Records as a tree (zoho-v5-queries.md §2.4).

    criteria  := group | condition | bare
    group     := "(" operand ( connector operand )* ")"     one kind of connector per group
    operand   := group | condition
    condition := "(" Field ":" operator ":" value ")"
    bare      := Field ":" operator ":" value                 a single condition without brackets

A value runs from the second ``:`` to the condition's closing ``)`` (a ``:`` in it needs no escape); ``\\(``,
``\\)``, ``\\,`` and ``\\\\`` stand for ``(``, ``)``, ``,`` and ``\\``; for ``in`` and ``between`` unescaped commas
separate the values. Nothing is trimmed. At most ``MAX_CONDITIONS`` conditions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError, VisitError

from zcrm.errors import CriteriaLimitExceeded, InvalidQuery

MAX_CONDITIONS = 10
LISTS = frozenset({"in", "between"})  # operators whose value is a comma-separated list

GRAMMAR = r"""
?start: group | condition | bare
group: "(" _operand (CONNECTOR _operand)* ")"
_operand: group | condition
condition: "(" NAME ":" NAME ":" VALUE? ")"
bare: NAME ":" NAME ":" VALUE?
CONNECTOR: /\s*(and|or)\s*/i
NAME: /[^():\s]+/
VALUE: /(\\.|[^()\\])+/s
"""

_COMMA = re.compile(r"(?<!\\)((?:\\\\)*),")  # a comma after an even number of backslashes
_ESCAPE = re.compile(r"\\(.)", re.S)


@dataclass(frozen=True, slots=True)
class Condition:
    """``(field:operator:value)``: names as the request wrote them; ``values`` unescaped (several for ``in`` and
    ``between``)."""

    field: str
    operator: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Group:
    connector: str  # "and" | "or"
    operands: tuple[Condition | Group, ...]


Node = Condition | Group


class _Malformed(Exception):
    """A group that mixes ``and`` and ``or``, or a value list with an empty value."""


def _values(operator: str, raw: str) -> tuple[str, ...]:
    if operator not in LISTS:
        return (_ESCAPE.sub(r"\1", raw),)
    parts = _COMMA.sub(lambda m: m.group(1) + "\x00", raw).split("\x00")
    if any(part == "" for part in parts):
        raise _Malformed
    return tuple(_ESCAPE.sub(r"\1", part) for part in parts)


class _Tree(Transformer[Token, Node]):
    @v_args(inline=True)
    def condition(self, field: Token, operator: Token, value: Token | None = None) -> Condition:
        return Condition(
            str(field), str(operator), _values(str(operator), "" if value is None else str(value))
        )

    bare = condition

    def group(self, children: list[Node | Token]) -> Node:
        connectors = {str(c).strip().lower() for c in children if isinstance(c, Token)}
        operands = tuple(c for c in children if not isinstance(c, Token))
        if len(connectors) > 1:
            raise _Malformed
        if len(operands) == 1:
            return operands[0]  # "((A:equals:B))": the brackets add nothing
        return Group(connectors.pop(), operands)


@cache
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", lexer="contextual")


def conditions(node: Node) -> list[Condition]:
    """The tree's conditions, left to right."""
    if isinstance(node, Condition):
        return [node]
    return [c for operand in node.operands for c in conditions(operand)]


def parse(criteria: str) -> Node:
    """The criteria as a tree; 400 ``INVALID_QUERY`` ``{"param_name":"criteria"}`` when it does not parse, 400
    ``CRITERIA_LIMIT_EXCEEDED`` past ``MAX_CONDITIONS`` conditions."""
    try:
        tree = _Tree().transform(_parser().parse(criteria))
    except (LarkError, _Malformed):
        raise InvalidQuery(details={"param_name": "criteria"}) from None
    except VisitError as exc:  # a transformer's _Malformed, wrapped by lark
        if isinstance(exc.orig_exc, _Malformed):
            raise InvalidQuery(details={"param_name": "criteria"}) from None
        raise
    if len(conditions(tree)) > MAX_CONDITIONS:
        raise CriteriaLimitExceeded()
    return tree
