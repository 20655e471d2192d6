"""Functions that workflow rules call: Python code the server operator installed in an org (from the org file, a
``zcrm org …`` command on the host, or a request with the server admin token; docs/automation.md), run once the
write that fired the rule has committed, with the record and a ``zoho`` object whose ``zoho.crm`` tasks act inside
the same server.

A function is a callable ``handler(record, zoho)`` defined at the top level of its source. An org's installed
functions are stored by name (``store/functions.py``); a rule's action names one. Installing a function only
compiles its source and checks, with ``ast``, that it defines the handler: nothing of it runs until a rule calls
it, and then it runs in a worker process (``runtime/pool.py``, ``runtime/worker.py``), never in the server's.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

MAX_DEPTH = 5
"""How deep functions may chain: a function's write fires rules whose functions run one level deeper; past this
depth a call is logged as skipped instead of run."""


@dataclass(frozen=True, slots=True)
class Installed:
    """One of an org's installed functions."""

    name: str
    handler: str
    source: str


@dataclass(frozen=True, slots=True)
class FunctionCall:
    """A function a rule started for a record: the function is named, its source is looked up when it runs."""

    rule: str
    function: str
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
    """The source does not compile, or does not define the handler."""


def _defines(node: ast.stmt, name: str) -> bool:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return node.name == name
    if isinstance(node, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
    if isinstance(node, ast.AnnAssign):
        return node.value is not None and isinstance(node.target, ast.Name) and node.target.id == name
    return False


def check(source: str, handler: str, filename: str = "<function>") -> None:
    """Compiles ``source`` and checks that its top level defines ``handler`` (a ``def``, ``async def``, class or
    assignment of that name), without running any of it; raises FunctionLoadError when it does not."""
    try:
        tree = ast.parse(source, filename)
        compile(tree, filename, "exec")  # the compiler's own checks ('return' outside a function, …)
    except SyntaxError as exc:
        where = filename if exc.lineno is None else f"{filename}, line {exc.lineno}"
        raise FunctionLoadError(f"SyntaxError: {exc.msg} ({where})") from None
    except ValueError as exc:  # a NUL byte in the source (Python 3.11)
        raise FunctionLoadError(f"ValueError: {exc}") from None
    except (RecursionError, MemoryError) as exc:
        raise FunctionLoadError(f"{type(exc).__name__}: the source is too deeply nested") from None
    if not any(_defines(node, handler) for node in tree.body):
        raise FunctionLoadError(f"defines no callable '{handler}'")
