"""A unit of work over HTTP: ``service/unit.run`` (one transaction, the clock read once it holds its locks), run
synchronously in a worker thread (``State.unit`` and the layers around the handlers, which are given the database
and clock rather than the whole state)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from zcrm.clock import Clock
from zcrm.service import unit as service
from zcrm.service.unit import Database

T = TypeVar("T")


async def unit(db: Database, clock: Clock, work: Callable[[Connection, int], T], *, write: bool) -> T:
    """Runs ``work(conn, now)`` in one transaction, synchronously, in a worker thread."""
    return await run_in_threadpool(service.run, db, clock.now, work, write=write)
