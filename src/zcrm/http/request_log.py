"""Writing the request log off the request path: each process keeps its new entries in memory, and a background
thread writes them in batches, in one transaction per batch, keeping the last ``request_log_size`` of each org.

A read of the log (``GET /__zcrm/requests``) first writes the reading process's own buffer, so a single-process
server shows every request answered before the read. With several workers, another worker's entries reach the
database within ``interval`` seconds (1) (or sooner, once ``batch`` entries are waiting).
"""

from __future__ import annotations

import logging
import threading

from zcrm.service import request_log as service
from zcrm.service.request_log import Entry
from zcrm.service.unit import Database

log = logging.getLogger("zcrm.request_log")


class RequestLog:
    def __init__(self, db: Database, size: int, interval: float = 1.0, batch: int = 500) -> None:
        self.db = db
        self.size = size
        self.interval = interval
        self.batch = batch
        self._buffer: list[Entry] = []
        self._lock = threading.Lock()  # guards the buffer
        self._flushing = threading.Lock()  # one writer at a time, so batches land in order
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, entry: Entry) -> None:
        """Called on the event loop for every logged request: an append, nothing else."""
        with self._lock:
            self._buffer.append(entry)
            full = len(self._buffer) >= self.batch
        if full:
            self._wake.set()

    def flush(self) -> None:
        """Writes the buffered entries and trims their orgs (called by the thread and before reads)."""
        with self._flushing:
            with self._lock:
                taken, self._buffer = self._buffer, []
            if not taken:
                return
            service.write(self.db, taken, self.size)

    def discard(self, org_id: str) -> None:
        """Forgets this process's entries of a deleted org: those waiting, and (by waiting for it) a batch being
        written, so that none is written once this returns, even if a new org gets the same id. Entries of
        other processes are left out when written, since the org no longer exists (``service/request_log.write``)."""
        with self._flushing, self._lock:
            self._buffer = [e for e in self._buffer if e.org_id != org_id]

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="zcrm-request-log", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._wake.set()
            self._thread.join(timeout=10)
            self._thread = None
        self._flush_logged()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            self._flush_logged()

    def _flush_logged(self) -> None:
        try:
            self.flush()
        except Exception:  # pragma: no cover - logged; those entries are lost
            log.exception("writing the request log failed")
