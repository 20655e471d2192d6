"""The pool of worker processes that run workflow functions (docs/automation.md, "Functions").

A few long-lived processes (``ZCRM_FUNCTION_WORKERS``, default 2), started on first use and stopped by the app's
lifespan. Each is a fresh interpreter started with ``subprocess`` (fork and exec: a threaded server is never forked
as it is) that imports only ``runtime/worker.py``; multiprocessing's ``spawn`` would import the server's main
module in every worker, about 1 s each instead of 0.07 s. A ``Connection`` over a socket pair carries JSON messages.

The thread that runs a function sends it the job, then answers its ``zoho.crm`` tasks (run here, by ``tasks``,
in the server process) until it is done. A function that takes longer than ``ZCRM_FUNCTION_TIMEOUT`` seconds
(default 30) in all is stopped: its process is killed, a new one takes its place on the next call, and the run's
outcome is ``timeout``. The thread waits on the pipe, never on the database, so nothing else waits for it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import orjson

from zcrm.runtime.worker import TASKS, encode

BOOT = (
    "import sys, json; sys.path[:] = json.loads(sys.argv[1]); "
    "from zcrm.runtime.worker import main; main(int(sys.argv[2]), int(sys.argv[3]))"
)
HIDDEN_ENVIRONMENT = ("ZCRM_ADMIN_TOKEN", "ZCRM_DATABASE_URL")  # not a function's business

Outcome = tuple[str, dict[str, Any]]  # (status, detail) as the automation log records them
Tasks = Callable[[str, dict[str, Any]], Any]  # runs one ``zoho.crm`` task in the server process


@dataclass(frozen=True, slots=True)
class Job:
    """One function call: the function's name, source and handler, and the record it gets."""

    name: str
    source: str
    handler: str
    record: dict[str, Any]


class RaiseInFunction(Exception):
    """Raised by ``tasks``: the task failed in a way the function should see, as ``kind(message)`` raised where it
    called the task (any other exception of ``tasks`` is the server's own bug, and ends the run with it)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind, self.message = kind, message


class ProtocolError(Exception):
    """The worker sent something that is not a message of the protocol."""


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in HIDDEN_ENVIRONMENT}


class Worker:
    """One worker process and the server's ends of its pipe and lifeline."""

    def __init__(self, process: subprocess.Popen[bytes], conn: Connection, lifeline: int) -> None:
        self.process, self.conn, self._lifeline = process, conn, lifeline
        self._closed = False

    @classmethod
    def start(cls) -> Worker:
        ours, theirs = socket.socketpair()
        lifeline_in, lifeline_out = os.pipe()
        try:
            command = [
                sys.executable,
                "-c",
                BOOT,
                json.dumps(sys.path),
                str(theirs.fileno()),
                str(lifeline_in),
            ]
            process = subprocess.Popen(
                command,
                pass_fds=(theirs.fileno(), lifeline_in),
                stdin=subprocess.DEVNULL,
                env=_environment(),
                start_new_session=True,  # Ctrl-C on the server's terminal is the server's to handle
            )
        except BaseException:
            ours.close()
            os.close(lifeline_out)
            raise
        finally:
            theirs.close()
            os.close(lifeline_in)
        return cls(process, Connection(ours.detach()), lifeline_out)

    def kill(self) -> None:
        """Kills the process; safe from any thread (the thread running a job then sees its pipe close)."""
        if self.process.poll() is None:
            self.process.kill()

    def stop(self) -> int:
        """Kills the process (if it still runs) and closes the pipes; its exit code. Only the thread that holds
        the worker calls this."""
        self.kill()
        code = self.process.wait()
        if not self._closed:
            self._closed = True
            self.conn.close()
            os.close(self._lifeline)
        return code

    def run(self, job: Job, tasks: Tasks, timeout: float) -> Outcome | None:
        """Runs ``job``: its ``(status, detail)``, or None when it ran out of time (the caller stops the
        process). EOFError / OSError: the process ended; ProtocolError: it sent something else than the protocol."""
        deadline = time.monotonic() + timeout
        self.conn.send_bytes(
            encode(
                {
                    "op": "run",
                    "name": job.name,
                    "source": job.source,
                    "handler": job.handler,
                    "record": job.record,
                }
            )
        )
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self.conn.poll(remaining):
                return None
            message = self._receive()
            if message["op"] == "done":
                status, detail = message.get("status"), message.get("detail")
                if status not in ("success", "error") or not isinstance(detail, dict):
                    raise ProtocolError("a run ended without a status")
                return str(status), detail
            self.conn.send_bytes(encode(self._task(message, tasks)))

    def _receive(self) -> dict[str, Any]:
        try:
            message = orjson.loads(self.conn.recv_bytes())
        except orjson.JSONDecodeError:
            raise ProtocolError("a message that is not JSON") from None
        if not isinstance(message, dict) or message.get("op") not in ("done", "task"):
            raise ProtocolError("a message of no known kind")
        return message

    @staticmethod
    def _task(message: dict[str, Any], tasks: Tasks) -> dict[str, Any]:
        task, args = message.get("task"), message.get("args")
        if task not in TASKS or not isinstance(args, dict):
            raise ProtocolError(f"an unknown task {task!r}")
        try:
            return {"op": "result", "value": tasks(str(task), args)}
        except RaiseInFunction as exc:
            return {"op": "raise", "type": exc.kind, "message": exc.message}


def _stop_all(workers: Iterable[Worker]) -> None:
    for worker in list(workers):
        worker.stop()


class FunctionPool:
    """At most ``size`` worker processes, started as needed; ``run`` takes an idle one (or waits for one)."""

    def __init__(self, size: int = 2, timeout: float = 30.0) -> None:
        if size < 1 or timeout <= 0:
            raise ValueError("a function pool needs at least one worker and a positive timeout")
        self.size, self.timeout = size, timeout
        self._cond = threading.Condition()
        self._idle: list[Worker] = []
        self._workers: set[Worker] = set()
        self._starting = 0
        weakref.finalize(self, _stop_all, self._workers)  # a pool dropped without close() leaves no process

    @property
    def processes(self) -> list[int]:
        """The process ids of the workers running now."""
        with self._cond:
            return sorted(w.process.pid for w in self._workers)

    def run(self, job: Job, tasks: Tasks) -> Outcome:
        """Runs ``job`` in a worker, answering its tasks with ``tasks``; its ``(status, detail)``: ``success``,
        ``error`` (the function raised, or its process ended) or ``timeout``."""
        worker = self._checkout()
        outcome: Outcome | None = None
        try:
            try:
                outcome = worker.run(job, tasks, self.timeout)
            except (EOFError, OSError, ProtocolError) as exc:
                code = worker.stop()
                why = f"sent {exc}" if isinstance(exc, ProtocolError) else f"ended with exit code {code}"
                return "error", {"error": f"the function's worker process {why}"}
            if outcome is None:
                return "timeout", {"error": f"timed out after {self.timeout:g} s"}
            return outcome
        finally:
            self._checkin(worker, healthy=outcome is not None)

    def _checkout(self) -> Worker:
        dead: list[Worker] = []
        try:
            with self._cond:
                while True:
                    while self._idle and self._idle[-1].process.poll() is not None:  # ended while idle
                        dead.append(self._idle.pop())
                        self._workers.discard(dead[-1])
                    if self._idle:
                        return self._idle.pop()
                    if len(self._workers) + self._starting < self.size:
                        break
                    self._cond.wait()
                self._starting += 1
        finally:
            _stop_all(dead)
        worker: Worker | None = None
        try:
            worker = Worker.start()
        finally:
            with self._cond:
                self._starting -= 1
                if worker is not None:
                    self._workers.add(worker)
                self._cond.notify()
        return worker

    def _checkin(self, worker: Worker, healthy: bool) -> None:
        with self._cond:
            kept = healthy and worker in self._workers
            if kept:
                self._idle.append(worker)
            else:
                self._workers.discard(worker)
            self._cond.notify()
        if not kept:
            worker.stop()

    def close(self) -> None:
        """Stops every worker (a function running now ends as an error); the next ``run`` starts new ones."""
        with self._cond:
            idle, busy = list(self._idle), [w for w in self._workers if w not in self._idle]
            self._workers.clear()
            self._idle.clear()
            self._cond.notify_all()
        _stop_all(idle)
        for worker in busy:  # the thread running its job sees the pipe close, then stops it
            worker.kill()
