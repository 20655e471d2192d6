"""Running the functions that workflow rules started, after the write that fired them has committed.

Each function runs in a worker process (``runtime/pool.py``) and gets the record (as ``GET /crm/v5/{module}/{id}``
shows it) and a ``zoho`` object whose ``zoho.crm`` tasks (getRecordById, updateRecord, createRecord, searchRecords)
behave like Deluge's: same arguments, same return maps, Deluge's default trigger set. The worker sends each task
here, where ``ServerCrm`` runs it as the user whose write started the function, each in a transaction of its own.
The functions that *their* writes start run next, one level deeper, up to ``MAX_DEPTH``. Every run is logged
(``store/automation.py``, ``GET /__zcrm/automation/log``); nothing a function does reaches the request that fired
it, which has its answer already.
"""

from __future__ import annotations

import inspect
import logging
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection

from zcrm.auth.guards import record_module
from zcrm.auth.identity import Identity, SchemaCache
from zcrm.automation.functions import MAX_DEPTH, AfterCommit, FunctionCall, Installed
from zcrm.automation.search import CriteriaError
from zcrm.automation.search import parse as parse_criteria
from zcrm.client.deluge import invalid_trigger, query_trigger
from zcrm.clock import Clock
from zcrm.errors import ZohoError
from zcrm.records.update import Target
from zcrm.runtime.pool import FunctionPool, Job, Outcome, RaiseInFunction
from zcrm.schema.model import OrgSchema
from zcrm.service import function_tasks as tasks
from zcrm.service import reads
from zcrm.service.function_tasks import Gone
from zcrm.service.records import insert_records, update_records
from zcrm.service.unit import Database

__all__ = ["FunctionRunner", "Gone", "ServerCrm", "TaskLimits"]

T = TypeVar("T")
log = logging.getLogger("zcrm.automation")


def _triggers(query_value: Mapping[str, Any] | None) -> frozenset[str] | None:
    trigger = query_trigger(query_value)  # the same rules and defaults as the Deluge client's
    return None if trigger is None else frozenset(trigger)


def _task_result(result: Any) -> dict[str, Any]:
    """Deluge's return map for one record's result: its ``details`` on success, else the error object."""
    if isinstance(result, ZohoError):
        return result.as_dict()
    details = result.get("details")
    return dict(details) if isinstance(details, dict) else {}


class ServerCrm:
    """``zoho.crm`` of a function, on the server's side: its worker sends each task here."""

    def __init__(self, runner: FunctionRunner, org_id: str, user_id: str, call: FunctionCall) -> None:
        self._runner, self._org_id, self._user_id, self._call = runner, org_id, user_id, call

    def _write(self, work: Callable[[Connection, Identity, int, AfterCommit], Any]) -> dict[str, Any]:
        after = AfterCommit(depth=self._call.depth + 1)

        def run(conn: Connection, ident: Identity, now: int) -> Any:
            return work(conn, ident, now, after)

        try:
            result = self._runner.unit(self._org_id, self._user_id, run)
        except ZohoError as error:
            return error.as_dict()
        self._runner.queue.extend(after.calls)
        return _task_result(result)

    def getRecordById(  # Deluge's name
        self,
        module_name: str,
        record_id: object,
        query_value: Mapping[str, Any] | None = None,
        connection: str | None = None,
    ) -> dict[str, Any]:
        """The record as ``GET /crm/v5/{module}/{id}`` shows it; ``{}`` when there is no such record."""
        return self.record(module_name, record_id, charge=True)

    def record(self, module_name: str, record_id: object, charge: bool) -> dict[str, Any]:
        """``getRecordById``; without ``charge`` (the record a function is called with) it costs no API credit."""

        def work(conn: Connection, ident: Identity, now: int) -> dict[str, Any]:
            module = record_module(ident, module_name, "read")
            return reads.get_record(conn, ident, module, str(record_id), {}, now) or {}

        try:
            return self._runner.unit(self._org_id, self._user_id, work, charge=charge)
        except ZohoError as error:
            return error.as_dict()

    def updateRecord(  # Deluge's name
        self,
        module_name: str,
        record_id: object,
        record_value: Mapping[str, Any],
        query_value: Mapping[str, Any] | None = None,
        connection: str | None = None,
    ) -> dict[str, Any]:
        """Deluge's task: the ``details`` map on success, else the error object. An update of the record whose
        rule started this function never runs workflow rules, whatever ``trigger`` says (the update doc's rule)."""
        triggers = _triggers(query_value)
        if triggers is None:
            return invalid_trigger()
        call = self._call
        if module_name.lower() == call.module.lower() and str(record_id) == call.record_id:
            triggers = triggers - {"workflow"}

        def work(conn: Connection, ident: Identity, now: int, after: AfterCommit) -> Any:
            module = record_module(ident, module_name, "update")
            target = Target(path_id=str(record_id), path_form=True)
            return update_records(
                conn, ident, module, [dict(record_value)], now, triggers, target, None, after
            )[0]

        return self._write(work)

    def createRecord(  # Deluge's name
        self,
        module_name: str,
        record_value: Mapping[str, Any],
        query_value: Mapping[str, Any] | None = None,
        connection: str | None = None,
    ) -> dict[str, Any]:
        """Deluge's task: the new record's ``details`` map (with its ``id``) on success, else the error object."""
        triggers = _triggers(query_value)
        if triggers is None:
            return invalid_trigger()

        def work(conn: Connection, ident: Identity, now: int, after: AfterCommit) -> Any:
            module = record_module(ident, module_name, "create")
            return insert_records(conn, ident, module, [dict(record_value)], now, triggers, after)[0]

        return self._write(work)

    def searchRecords(  # Deluge's name
        self,
        module_name: str,
        criteria: str,
        page: int = 1,
        per_page: int = 200,
        query_value: Mapping[str, Any] | None = None,
        connection: str | None = None,
    ) -> list[dict[str, Any]] | dict[str, Any]:
        """The records matching ``criteria`` (``(Field:operator:value)`` groups joined by ``and`` / ``or``), as
        ``GET`` shows them, by id, ``per_page`` (at most 200) from ``page``; ``[]`` when none match. Criteria that
        do not parse give the INVALID_QUERY error object. Reads the whole module: meant for test-sized data."""
        try:
            tree = parse_criteria(criteria)
        except CriteriaError as exc:
            return {
                "code": "INVALID_QUERY",
                "details": {"api_name": "criteria", "reason": str(exc)},
                "message": "invalid query formed",
                "status": "error",
            }
        page, per_page = max(int(page), 1), min(max(int(per_page), 1), 200)

        def work(conn: Connection, ident: Identity, now: int) -> list[dict[str, Any]]:
            module = record_module(ident, module_name, "read")
            return tasks.search(conn, ident, module, tree, page, per_page, now)

        try:
            return self._runner.unit(self._org_id, self._user_id, work)
        except ZohoError as error:
            return error.as_dict()


class TaskLimits(Protocol):
    """The emulated API limits, as the ``zoho.crm`` tasks of functions meet them (``http/api_limits.Tracker``)."""

    def charge_task(self, conn: Connection, schema: OrgSchema, now: int) -> None: ...


class FunctionRunner:
    """Runs queued function calls for one org and user until none are left, each in a worker of ``pool``; with
    ``limits`` (the API limits are on), each ``zoho.crm`` task is charged one credit first, in a transaction of its
    own, and answers ``TOO_MANY_REQUESTS`` when the org's credits are used up."""

    def __init__(
        self,
        db: Database,
        schemas: SchemaCache,
        clock: Clock,
        limits: TaskLimits | None = None,
        *,
        pool: FunctionPool,
    ) -> None:
        self.db, self.schemas, self.clock, self.limits, self.pool = db, schemas, clock, limits, pool
        self.queue: deque[FunctionCall] = deque()

    def unit(
        self, org_id: str, user_id: str, work: Callable[[Connection, Identity, int], T], charge: bool = True
    ) -> T:
        """``work(conn, identity, now)`` in a write transaction, as the user (Gone when they or the org went);
        with the API limits on and ``charge``, the task is charged first, in a transaction of its own (charged
        whatever its outcome)."""
        charged = self.limits.charge_task if self.limits is not None and charge else None
        return tasks.as_user(self.db, self.schemas, self.clock.now, org_id, user_id, work, charged)

    def run(self, org_id: str, user_id: str, calls: list[FunctionCall]) -> None:
        """Runs ``calls`` and the calls their writes start. A call whose org or user is gone is not run (a
        warning says so); any other exception is a bug of the server, and is raised."""
        self.queue.extend(calls)
        while self.queue:
            call = self.queue.popleft()
            try:
                status, detail = self._run_one(org_id, user_id, call)
            except Gone as exc:
                log.warning(
                    "function %s for %s %s not run: %s", call.function, call.module, call.record_id, exc
                )
                continue
            self._log(org_id, call, status, detail)

    def _run_one(self, org_id: str, user_id: str, call: FunctionCall) -> Outcome:
        if call.depth > MAX_DEPTH:
            return "skipped", {"reason": f"more than {MAX_DEPTH} functions deep"}
        crm = ServerCrm(self, org_id, user_id, call)
        record = (
            call.snapshot
            if call.snapshot is not None
            else crm.record(call.module, call.record_id, charge=False)
        )
        if not record or record.get("status") == "error":
            return "skipped", {"reason": "the record no longer exists"}
        function = self._installed(org_id, call.function)
        if function is None:
            return "error", {"error": f"the function '{call.function}' is not installed"}
        job = Job(function.name, function.source, function.handler, record)
        return self.pool.run(job, lambda task, args: _task(crm, task, args))

    def _installed(self, org_id: str, name: str) -> Installed | None:
        return tasks.installed(self.db, org_id, name)

    def _log(self, org_id: str, call: FunctionCall, status: str, detail: Any) -> None:
        tasks.log_run(self.db, self.clock.now, org_id, call, status, detail)


def _task(crm: ServerCrm, task: str, args: dict[str, Any]) -> Any:
    """One ``zoho.crm`` task a function's worker sent (its name is one of ``worker.TASKS``). Arguments that do not
    fit the task, or the org or user gone meanwhile, raise inside the function, as they would in Deluge."""
    method: Callable[..., Any] = getattr(crm, task)
    try:
        inspect.signature(method).bind(**args)
    except TypeError as exc:
        raise RaiseInFunction("TypeError", str(exc)) from None
    try:
        return method(**args)
    except Gone as exc:
        raise RaiseInFunction("LookupError", str(exc)) from None
