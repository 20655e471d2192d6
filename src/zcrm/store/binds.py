"""Bound parameters of the SQL that search and COQL compile (``store/search.py``, ``store/coql.py``): every value a
named parameter, none of a request's text in the SQL; and text lower-cased as Python does (``zcrm_lower``: a
function each SQLite connection registers, ``store/db.py``, and a SQL function on PostgreSQL, migration 0014)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def _int64(value: int) -> bool:
    return -(2**63) <= value < 2**63


class Binds:
    """The parameters of one statement; names are ``prefix`` and a number, unique within ``params`` (which
    compilers of one statement may share)."""

    def __init__(self, dialect: str, prefix: str) -> None:
        self.postgres = dialect == "postgresql"
        self.params: dict[str, Any] = {}
        self._prefix = prefix

    def bind(self, value: Any) -> str:
        name = f"{self._prefix}{len(self.params)}"
        if not self.postgres and (
            isinstance(value, Decimal) or (isinstance(value, int) and not _int64(value))
        ):
            value = float(
                value
            )  # sqlite3 binds neither a Decimal nor an integer past 64 bits (none is stored)
        self.params[name] = value
        return f":{name}"

    def lower(self, expr: str) -> str:
        return f"zcrm_lower({expr})"
