"""The worker process that runs workflow functions (started by ``runtime/pool.py``; docs/automation.md).

It imports as little as it can (not the server), never opens the database and holds no lock of it: the record a
function gets and every ``zoho.crm.<task>(…)`` it calls cross the pipe to the server process, which runs the task
as the writing user and sends the answer back. Messages are JSON (``orjson``) in ``Connection`` frames:

- server → worker ``{"op": "run", "name", "source", "handler", "record"}``;
- worker → server ``{"op": "task", "task", "args"}``, answered ``{"op": "result", "value"}`` or
  ``{"op": "raise", "type", "message"}`` (raised inside the function);
- worker → server ``{"op": "done", "status": "success" | "error", "detail"}``.

A source is compiled and its module-level code run the first time this process runs it (cached by the source's
SHA-256). The process ends when its pipe or its lifeline (a pipe the server holds open) closes, so it never
outlives the server.
"""

from __future__ import annotations

import builtins
import hashlib
import linecache
import os
import signal
import threading
import traceback
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection
from typing import Any

import orjson

TASKS = ("getRecordById", "updateRecord", "createRecord", "searchRecords")
Handler = Callable[..., Any]


def encode(message: Any) -> bytes:
    """A message as JSON; values JSON has no form for become their ``str`` (as the automation log stores them)."""
    return orjson.dumps(message, default=str)


def _receive(conn: Connection) -> dict[str, Any]:
    message: dict[str, Any] = orjson.loads(conn.recv_bytes())
    return message


def _raised(reply: Mapping[str, Any]) -> Exception:
    """The exception a task raised in the server process, raised again inside the function."""
    kind = getattr(builtins, str(reply.get("type")), None)
    message = str(reply.get("message"))
    if isinstance(kind, type) and issubclass(kind, Exception):
        return kind(message)
    return RuntimeError(f"{reply.get('type')}: {message}")


def _mapping(value: object, name: str, optional: bool = False) -> dict[str, Any] | None:
    if value is None and optional:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a map, not {type(value).__name__}")
    return dict(value)


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    return value


class Crm:
    """``zoho.crm`` inside a function: Deluge's tasks, each run by the server process as the writing user."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def _task(self, task: str, **args: Any) -> Any:
        self._conn.send_bytes(encode({"op": "task", "task": task, "args": args}))
        reply = _receive(self._conn)
        if reply["op"] == "raise":
            raise _raised(reply)
        return reply["value"]

    def getRecordById(  # Deluge's name
        self,
        module_name: str,
        record_id: object,
        query_value: Mapping[str, Any] | None = None,
        connection: str | None = None,
    ) -> Any:
        return self._task(
            "getRecordById", module_name=_text(module_name, "module_name"), record_id=str(record_id)
        )

    def updateRecord(  # Deluge's name
        self,
        module_name: str,
        record_id: object,
        record_value: Mapping[str, Any],
        query_value: Mapping[str, Any] | None = None,
        connection: str | None = None,
    ) -> Any:
        return self._task(
            "updateRecord",
            module_name=_text(module_name, "module_name"),
            record_id=str(record_id),
            record_value=_mapping(record_value, "record_value"),
            query_value=_mapping(query_value, "query_value", optional=True),
        )

    def createRecord(  # Deluge's name
        self,
        module_name: str,
        record_value: Mapping[str, Any],
        query_value: Mapping[str, Any] | None = None,
        connection: str | None = None,
    ) -> Any:
        return self._task(
            "createRecord",
            module_name=_text(module_name, "module_name"),
            record_value=_mapping(record_value, "record_value"),
            query_value=_mapping(query_value, "query_value", optional=True),
        )

    def searchRecords(  # Deluge's name
        self,
        module_name: str,
        criteria: str,
        page: int = 1,
        per_page: int = 200,
        query_value: Mapping[str, Any] | None = None,
        connection: str | None = None,
    ) -> Any:
        return self._task(
            "searchRecords",
            module_name=_text(module_name, "module_name"),
            criteria=_text(criteria, "criteria"),
            page=int(page),
            per_page=int(per_page),
        )


class Zoho:
    """The ``zoho`` object a function gets."""

    def __init__(self, conn: Connection) -> None:
        self.crm = Crm(conn)


def _load(name: str, source: str, handler: str, cache: dict[tuple[str, str], Handler]) -> Handler | str:
    """The handler, compiled and its module run once per source; or what went wrong."""
    filename = f"<zcrm function {name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)  # for tracebacks
    key = (hashlib.sha256(source.encode()).hexdigest(), handler)
    found = cache.get(key)
    if found is not None:
        return found
    namespace: dict[str, Any] = {"__name__": f"zcrm_function_{name}"}
    try:
        exec(compile(source, filename, "exec"), namespace)  # the operator's code, installed by the operator
    except BaseException as exc:  # whatever its module does, this process carries on
        return f"{type(exc).__name__}: {exc}"
    target: Handler | None = namespace.get(handler)
    if not callable(target):
        return f"defines no callable '{handler}'"
    cache[key] = target
    return target


def run(conn: Connection, job: Mapping[str, Any], cache: dict[tuple[str, str], Handler]) -> dict[str, Any]:
    """Runs one function call: ``{"status", "detail"}``, as the automation log records it."""
    target = _load(str(job["name"]), str(job["source"]), str(job["handler"]), cache)
    if isinstance(target, str):
        return {"status": "error", "detail": {"error": target}}
    try:
        returned = target(job["record"], Zoho(conn))
        if hasattr(returned, "__await__"):  # an ``async def`` handler
            import asyncio

            returned = asyncio.run(returned)
    except BaseException as exc:  # the function's own failure: recorded, never raised
        lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
        return {
            "status": "error",
            "detail": {"error": f"{type(exc).__name__}: {exc}", "traceback": "".join(lines[-3:])},
        }
    return {"status": "success", "detail": {"returned": returned}}


def _done(conn: Connection, outcome: dict[str, Any]) -> None:
    try:
        body = encode({"op": "done", **outcome})
    except (
        TypeError,
        orjson.JSONEncodeError,
    ) as exc:  # a value JSON cannot hold (an integer past 64 bits, …)
        error = f"the function returned a value that is not JSON: {exc}"
        body = encode({"op": "done", "status": "error", "detail": {"error": error}})
    conn.send_bytes(body)


def _watch(lifeline: int) -> None:
    """Ends the process when the server's end of the lifeline closes (the server stopped, or dropped us)."""
    try:
        while os.read(lifeline, 1):
            pass
    finally:
        os._exit(0)


def main(fd: int, lifeline: int) -> None:
    """Serves run requests on the connection ``fd`` until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    threading.Thread(target=_watch, args=(lifeline,), daemon=True).start()
    conn = Connection(fd)
    cache: dict[tuple[str, str], Handler] = {}
    while True:
        try:
            job = _receive(conn)
        except (EOFError, OSError):
            return
        if job.get("op") == "run":
            _done(conn, run(conn, job, cache))
