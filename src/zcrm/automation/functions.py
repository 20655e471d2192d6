"""Functions that workflow rules call: Python code from the org file, run once the write that fired the rule has
committed, with the record and a ``zoho`` object whose ``zoho.crm`` tasks act inside the same server.

A function is a callable ``handler(record, zoho)`` in a source file named in the org file. Its source is stored
with the rule (so every worker and every restart runs the same code), compiled once per process. Whatever it
raises is caught and logged; the request that fired the rule has already been answered by then.
"""

from __future__ import annotations

import hashlib
import linecache
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_DEPTH = 5
"""How deep functions may chain: a function's write fires rules whose functions run one level deeper; past this
depth a call is logged as skipped instead of run."""


@dataclass(frozen=True, slots=True)
class FunctionCall:
    """A function a rule started for a record."""

    rule: str
    function: str
    source: str
    handler: str
    module: str  # the module's API name
    record_id: str
    depth: int = 0
    snapshot: dict[str, Any] | None = None  # a deleted record's values, as they were: what the function gets


@dataclass(frozen=True, slots=True)
class WebhookCall:
    """A webhook a rule fired for a record: its target and the body it sends, as text."""

    rule: str
    webhook: str
    url: str
    body_type: str  # json | form
    secret: str
    module: str
    record_id: str
    body: str


@dataclass
class AfterCommit:
    """What a unit of work's writes leave for later: the webhooks their rules fired (queued in the same
    transaction) and the function calls (run after its commit). ``depth`` is the chain depth of the writes (0 for a
    request's own)."""

    depth: int = 0
    calls: list[FunctionCall] = field(default_factory=list)
    webhooks: list[WebhookCall] = field(default_factory=list)
    queued: int = 0  # webhooks written to the outbox so far


class FunctionLoadError(Exception):
    """The source does not define the handler (or does not run)."""


_compiled: dict[tuple[str, str], Callable[..., Any]] = {}
_lock = threading.Lock()


def load(source: str, handler: str, name: str = "<function>") -> Callable[..., Any]:
    """The handler defined by ``source``, compiled once per process and source text."""
    key = (hashlib.sha256(source.encode()).hexdigest(), handler)
    found = _compiled.get(key)
    if found is not None:
        return found
    namespace: dict[str, Any] = {"__name__": f"zcrm_function_{name}"}
    filename = f"<zcrm function {name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)  # for tracebacks
    try:
        exec(compile(source, filename, "exec"), namespace)  # the org file's own code, by design
    except Exception as exc:
        raise FunctionLoadError(f"{type(exc).__name__}: {exc}") from exc
    target: Callable[..., Any] | None = namespace.get(handler)
    if not callable(target):
        raise FunctionLoadError(f"defines no callable '{handler}'")
    with _lock:
        _compiled[key] = target
    return target
