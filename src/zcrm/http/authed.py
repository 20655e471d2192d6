"""The one moment the layers around a handler learn who calls: right after the token look-up, inside the handler's
unit of work (``State.authed``). A layer that needs it (API limits admit the call, fault rules fire) registers a
hook for the current request with ``on_authenticated``; ``authenticated`` runs the request's hooks in the order the
layers registered them (outermost first). This is the request path's only context variable: the unit of work runs
in a worker thread, which gets a copy of the request's context."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import Connection

from zcrm.auth.identity import Identity

Hook = Callable[[Connection, Identity, int, bool], None]  # (conn, identity, the org's now, write)
_HOOKS: ContextVar[tuple[Hook, ...]] = ContextVar("zcrm_authenticated", default=())


@contextmanager
def on_authenticated(hook: Hook) -> Iterator[None]:
    """Runs ``hook`` when the current request authenticates, while the block runs."""
    token = _HOOKS.set((*_HOOKS.get(), hook))
    try:
        yield
    finally:
        _HOOKS.reset(token)


def authenticated(conn: Connection, ident: Identity, now: int, write: bool) -> None:
    """Called by ``State.authed`` once the token is known; a hook may raise to end the request (a 429)."""
    for hook in _HOOKS.get():
        hook(conn, ident, now, write)
