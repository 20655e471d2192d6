"""create_app(settings): the ASGI application, its error handlers and its start-up. Nothing else."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import request_response
from starlette.types import ASGIApp, Receive, Scope, Send

from zcrm.auth.admin import ensure_admin_token
from zcrm.auth.identity import SchemaCache
from zcrm.auth.oauth import OAuthServer
from zcrm.automation.webhooks import WebhookDeliverer
from zcrm.bootstrap import Credentials, ensure_credentials, server_secret
from zcrm.clock import Clock
from zcrm.datadir import secure_logged
from zcrm.errors import InternalError, ZohoError
from zcrm.http.api_limits import Tracker, limited
from zcrm.http.body_limit import BodyLimit
from zcrm.http.calls import FaultFired, observed
from zcrm.http.envelope import error_response, json_response
from zcrm.http.request_log import RequestLog
from zcrm.http.routes import dispatch
from zcrm.http.state import State
from zcrm.records.body import TooManyRecords
from zcrm.records.paging import PageTokens
from zcrm.settings import Settings
from zcrm.store import Database
from zcrm.store.db import Checkpointer
from zcrm.store.oauth import purge_expired

log = logging.getLogger("zcrm")


def prepare(settings: Settings, clock: Clock | None = None) -> tuple[State, Credentials]:
    """Migrates the database, creates the default org if needed and returns the shared state."""
    clock = clock or Clock()
    secure_logged(Path(settings.data_dir), settings.effective_database_url)  # 700, and 600 for its files
    db = Database(settings.effective_database_url)
    oauth = OAuthServer(settings)
    with db.startup_lock():
        db.migrate()
        with db.write() as conn:
            secret = server_secret(conn, settings.seed)
            ensure_admin_token(conn, Path(settings.data_dir))
            purge_expired(conn, clock.now())
            creds = ensure_credentials(
                conn,
                oauth,
                settings.base_url,
                settings.org_file,
                Path(settings.data_dir) / "credentials.json",
                clock.now(),
            )
    state = State(
        settings=settings,
        db=db,
        clock=clock,
        schemas=SchemaCache(),
        oauth=oauth,
        page_tokens=PageTokens(secret),
    )
    return state, creds


def attach(settings: Settings, clock: Clock | None = None) -> State:
    """The shared state of one worker process over a database that ``prepare`` already set up (several
    workers: the parent prepares, every worker attaches)."""
    db = Database(settings.effective_database_url)
    with db.write() as conn:
        secret = server_secret(conn)
    return State(
        settings=settings,
        db=db,
        clock=clock or Clock(),
        schemas=SchemaCache(),
        oauth=OAuthServer(settings),
        page_tokens=PageTokens(secret),
    )


def worker_app() -> Starlette:
    """The app of one ``zcrm serve --workers N`` process: settings from the ``ZCRM_*`` environment the parent
    set, database already prepared by the parent."""
    return build_app(attach(Settings.from_env()), None)


def create_app(settings: Settings, clock: Clock | None = None) -> Starlette:
    state, creds = prepare(settings, clock)
    return build_app(state, creds)


def every_request(answer: Callable[[Request], Awaitable[Response]]) -> ASGIApp:
    """The router's only destination, for every path and method: Starlette's routes match no path that holds a
    control character (``/crm/v5/Leads/1/%0a/x``) and know no method but those they list, and answer those in
    plain text; ``http/routes.py`` matches the path itself (404 ``INVALID_URL_PATTERN``, 400
    ``INVALID_REQUEST_METHOD``). Whatever the layers around the handler raise (the request log and fault rules,
    API limits: ``endpoint`` answers the handler's own errors) is answered in JSON too, never in plain text."""

    async def guarded(request: Request) -> Response:
        try:
            return await answer(request)
        except ZohoError as exc:
            return error_response(exc)
        except Exception:
            log.exception("unhandled error around %s %r", request.method, request.scope["path"])
            return error_response(InternalError())

    http = request_response(guarded)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1000})
            return
        await http(scope, receive, send)

    return app


def build_app(state: State, creds: Credentials | None) -> Starlette:
    """The ASGI app over a prepared state: every request to one endpoint (``every_request``), the body limit
    around it, Zoho's error envelopes, the WAL checkpointer."""

    async def endpoint(request: Request) -> Response:
        try:
            return await dispatch(request, state)
        except TooManyRecords as exc:
            return json_response({"data": [exc.as_dict()]}, 400)
        except ZohoError as exc:
            return error_response(exc)
        except FaultFired:
            raise  # answered by calls.observed
        except Exception:
            log.exception("unhandled error on %s %r", request.method, request.scope["path"])
            return error_response(InternalError())

    checkpointer = Checkpointer(state.db)
    deliverer = state.deliverer = WebhookDeliverer(state.db, state.settings)
    if state.settings.request_log_size > 0 and state.request_log is None:
        state.request_log = RequestLog(state.db, state.settings.request_log_size)
    request_log = state.request_log
    if state.settings.api_limits and state.limits is None:
        state.limits = Tracker(state.settings, state.db)
    functions = state.function_pool()  # its workers start on first use

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        checkpointer.start()
        deliverer.start()
        if request_log is not None:
            request_log.start()
        try:
            yield
        finally:
            if request_log is not None:
                request_log.stop()
            deliverer.stop()
            functions.close()
            checkpointer.stop()

    app = Starlette(
        lifespan=lifespan, middleware=[Middleware(BodyLimit, max_bytes=state.settings.max_body_bytes)]
    )
    app.router.redirect_slashes = False
    app.router.default = every_request(limited(state, observed(state, endpoint)))
    app.state.zcrm = state
    app.state.credentials = creds
    return app
