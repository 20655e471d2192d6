"""A unit of work: one transaction, run synchronously in a worker thread (``State.unit`` and the layers around the
handlers, which are given the database and clock rather than the whole state)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from zcrm.clock import Clock
from zcrm.store import Database

T = TypeVar("T")


async def unit(db: Database, clock: Clock, work: Callable[[Connection, int], T], *, write: bool) -> T:
    """Runs ``work(conn, now)`` in one transaction, synchronously, in a worker thread."""

    def run() -> T:
        with db.write() if write else db.read() as conn:
            # read the clock once the transaction holds its locks, so a write's Modified_Time is never earlier
            # than the moment it becomes visible
            return work(conn, clock.now())

    return await run_in_threadpool(run)
