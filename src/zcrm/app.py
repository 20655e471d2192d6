"""create_app(settings): the ASGI application, its error handlers and its start-up. Nothing else."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
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
from zcrm.bootstrap import Credentials, ensure_credentials, server_secret
from zcrm.clock import Clock
from zcrm.datadir import secure_logged
from zcrm.errors import InternalError, ZohoError
from zcrm.http.api_limits import Tracker
from zcrm.http.call import call_of
from zcrm.http.envelope import error_response, json_response
from zcrm.http.faulting import FaultFired
from zcrm.http.middleware import AccessLog, ApiLimits, BodyLimit, Classify, ErrorGuard, Faults, RequestLogging
from zcrm.http.request_log import RequestLog
from zcrm.http.routes import classify, dispatch, is_upload
from zcrm.http.state import State
from zcrm.records.body import TooManyRecords
from zcrm.records.paging import PageTokens
from zcrm.runtime.webhooks import WebhookDeliverer
from zcrm.settings import Settings
from zcrm.store import Database
from zcrm.store.db import Checkpointer
from zcrm.store.oauth import purge_expired

log = logging.getLogger("zcrm")


def prepare(
    settings: Settings, clock: Clock | None = None, proxy: tuple[str, str] | None = None
) -> tuple[State, Credentials]:
    """Migrates the database, creates the default org if needed and returns the shared state. ``proxy``: the proxy's
    URL and CA file for credentials.json (default: from ``settings.proxy_port``, docs/proxy.md)."""
    clock = clock or Clock()
    secure_logged(Path(settings.data_dir), settings.effective_database_url)  # 700, and 600 for its files
    db = Database(settings.effective_database_url)
    oauth = OAuthServer(settings)
    if proxy is None and settings.proxy_url is not None:
        from zcrm.proxy.authority import ensure_ca

        proxy = (settings.proxy_url, str(ensure_ca(Path(settings.data_dir))))
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
                proxy,
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


def endpoint(state: State) -> ASGIApp:
    """The router's only destination, for every path and method: Starlette's routes match no path that holds a
    control character (``/crm/v5/Leads/1/%0a/x``) and know no method but those they list, and answer those in
    plain text; ``http/routes.py`` dispatches over the route the request was classified by (404
    ``INVALID_URL_PATTERN``, 400 ``INVALID_REQUEST_METHOD``). The handler's errors are answered here; a fault or
    a limit raised in its unit of work goes to the layers around it (``http/middleware/faults.py``)."""

    async def answer(request: Request) -> Response:
        call = call_of(request.scope)
        kind = call.kind if call is not None else classify(request.method, request.scope["path"], "")
        try:
            return await dispatch(request, state, kind)
        except TooManyRecords as exc:
            return json_response({"data": [exc.as_dict()]}, 400)
        except ZohoError as exc:
            return error_response(exc)
        except FaultFired:
            raise  # answered by middleware.Faults
        except Exception:
            log.exception("unhandled error on %s %r", request.method, request.scope["path"])
            return error_response(InternalError())

    http = request_response(answer)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1000})
            return
        await http(scope, receive, send)

    return app


def build_app(state: State, creds: Credentials | None) -> Starlette:
    """The ASGI app over a prepared state: the layers of ``http/middleware/`` around one endpoint (``endpoint``),
    the WAL checkpointer, the webhook deliverer and the request log's writer."""

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

    settings = state.settings
    layers = [Middleware(AccessLog)] if settings.access_log else []
    layers += [
        Middleware(
            BodyLimit,
            max_bytes=settings.max_body_bytes,
            upload_bytes=settings.max_upload_bytes,
            uploads=is_upload,
        ),
        Middleware(ErrorGuard),
        Middleware(Classify, classify=classify, fault_header=settings.fault_header),
    ]
    if state.limits is not None:
        layers.append(Middleware(ApiLimits, tracker=state.limits))
    if request_log is not None:
        layers.append(
            Middleware(
                RequestLogging,
                log=request_log,
                db=state.db,
                clock=state.clock,
                schemas=state.schemas,
                body_cap=settings.request_log_body_bytes,
            )
        )
    layers.append(Middleware(Faults, db=state.db, clock=state.clock, cache=state.faults))
    app = Starlette(lifespan=lifespan, middleware=layers)
    app.router.redirect_slashes = False
    app.router.default = endpoint(state)
    app.state.zcrm = state
    app.state.credentials = creds
    return app
