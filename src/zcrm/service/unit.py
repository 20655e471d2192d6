"""A unit of work's transaction, shared by every caller (``State.unit`` and ``State.authed`` over HTTP, a workflow
function's ``zoho.crm`` tasks in ``runtime/runner.py``, ``service/orgs.unit`` for the CLI and the control plane):
one transaction, with the server's clock read once the transaction holds its locks, so a write's Modified_Time is
never earlier than the moment it becomes visible. Synchronous: the HTTP side runs it in a worker thread."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Connection

from zcrm.store import Database

__all__ = ["Database", "run", "transaction"]

T = TypeVar("T")


@contextmanager
def transaction(db: Database, clock: Callable[[], int], *, write: bool) -> Iterator[tuple[Connection, int]]:
    """One transaction (a write, or a read that sees one state of the database), committed when the block ends;
    yields the connection and ``clock()`` (the server's now), read inside it."""
    with db.write() if write else db.read() as conn:
        yield conn, clock()


def run(db: Database, clock: Callable[[], int], work: Callable[[Connection, int], T], *, write: bool) -> T:
    """Runs ``work(conn, now)`` in one transaction (``transaction``)."""
    with transaction(db, clock, write=write) as (conn, now):
        return work(conn, now)
