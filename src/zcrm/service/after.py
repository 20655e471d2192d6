"""What comes after a write's commit: the functions its workflow rules started, run as the user whose write started
them (``runtime/runner.py``; their zoho.crm tasks call ``service/records.py`` again, each in a unit of work of
its own). The webhooks and notifications were written to the outbox in the write's transaction; the caller wakes
the deliverer when ``after.queued`` says there are any."""

from __future__ import annotations

from collections.abc import Callable

from zcrm.auth.identity import SchemaCache
from zcrm.automation.functions import AfterCommit
from zcrm.clock import Clock
from zcrm.runtime.pool import FunctionPool
from zcrm.runtime.runner import FunctionRunner, TaskLimits
from zcrm.store import Database


def run_functions(
    db: Database,
    schemas: SchemaCache,
    clock: Clock,
    limits: TaskLimits | None,
    pool: Callable[[], FunctionPool],
    org_id: str,
    user_id: str,
    after: AfterCommit,
) -> None:
    """Runs the functions on ``after`` and those their writes start; ``pool`` is asked for only when there are
    any (it may start worker processes)."""
    if after.calls:
        FunctionRunner(db, schemas, clock, limits, pool=pool()).run(org_id, user_id, after.calls)
