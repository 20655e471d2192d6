"""The zcrm ASGI app in-process, for tests: no server process, no port.

``ZcrmApp`` builds the app (``zcrm.app.create_app``) on a data dir, runs its lifespan (the webhook deliverer,
the SQLite checkpointer) on an event loop in a background thread, and sends requests through
``httpx.ASGITransport``:

- blocking: ``zcrm_app.client`` (a ``zcrm.client.Client``) and ``zcrm_app.http`` (a plain ``httpx.Client``), through
  ``PortalTransport``, which hands each request to that loop;
- asyncio: ``zcrm_app.async_client()`` (a ``zcrm.client.AsyncClient``) or ``httpx.AsyncClient(transport=
  zcrm_app.transport)``, on the caller's own loop.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal

from zcrm.client import AsyncClient, Client, Credentials, ResponseError, ServerAdmin
from zcrm.client.control import read_admin_token
from zcrm.testing.org import ZcrmOrg

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from zcrm.settings import Settings


class PortalTransport(httpx.BaseTransport):
    """A blocking httpx transport over ``httpx.ASGITransport``: each request runs on the event loop of ``portal``
    (a thread of its own), so that a synchronous test can call an ASGI app."""

    def __init__(self, app: Any, portal: BlockingPortal) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._portal = portal

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # the body as bytes: a stream both sync and async
        return self._portal.call(self._send, request)

    async def _send(self, request: httpx.Request) -> httpx.Response:
        response = await self._asgi.handle_async_request(request)
        content = await response.aread()
        return httpx.Response(
            response.status_code, headers=response.headers, content=content, extensions=response.extensions
        )


class ZcrmApp:
    """An in-process zcrm: ``app``, ``settings``, ``credentials`` and ``client`` (the default org's administrator,
    or with ``own_org`` a new org's), ``http`` (an ``httpx.Client`` with ``base_url`` set), ``transport`` (for
    asyncio) and the server ``admin_token``. Call ``close()`` (or use ``with``) to stop the lifespan and release
    the database."""

    def __init__(self, settings: Settings, *, own_org: bool = False) -> None:
        """``own_org``: ``credentials`` and ``client`` are those of a new org made for this app (from
        ``settings.org_file``), deleted by ``close()``, rather than those of the database's default org. For a
        database other apps share (PostgreSQL), where the default org is shared too."""
        from zcrm.app import create_app

        self.settings = settings
        self.app: Starlette = create_app(settings)
        self._stack = ExitStack()
        try:
            portal = self._stack.enter_context(start_blocking_portal())
            self._stack.enter_context(
                portal.wrap_async_context_manager(self.app.router.lifespan_context(self.app))
            )
            self.http = httpx.Client(transport=PortalTransport(self.app, portal), base_url=settings.base_url)
            self._stack.callback(self.http.close)
        except BaseException:
            self._stack.close()
            self.app.state.zcrm.db.dispose()
            raise
        creds = self.app.state.credentials
        self.credentials = Credentials(
            **{name: getattr(creds, name) for name in Credentials.__dataclass_fields__}
        )
        self.admin_token = read_admin_token(settings.data_dir)
        self.transport = httpx.ASGITransport(app=self.app)
        self._own_org: str | None = None
        if own_org:
            try:
                self.credentials = self.admin().new_org(self._org_file())
            except BaseException:
                self.close()
                raise
            self._own_org = self.credentials.org_id
        self.client = self._client(self.credentials)

    def _org_file(self) -> dict[str, Any] | None:
        if self.settings.org_file is None:
            return None
        from zcrm.schema.orgfile import read_org_file

        return read_org_file(self.settings.org_file)

    @property
    def base_url(self) -> str:
        return self.settings.base_url

    def _client(self, credentials: Credentials) -> Client:
        return Client(credentials.base_url, credentials.access_token, http=self.http)

    def async_client(self, credentials: Credentials | None = None) -> AsyncClient:
        """An ``AsyncClient`` for ``credentials`` (default: ``self.credentials``) through
        ``httpx.ASGITransport``, for use on the test's own event loop (``async with``)."""
        creds = credentials or self.credentials
        return AsyncClient(creds.base_url, creds.access_token, transport=self.transport)

    def admin(self) -> ServerAdmin:
        """A ``ServerAdmin`` (``POST /__zcrm/orgs`` …) for this app."""
        return ServerAdmin(self.base_url, self.admin_token, http=self.http)

    def new_org(self, org_file: Mapping[str, Any] | None = None) -> ZcrmOrg:
        """A new isolated org in this app (the standard org, or the parsed org file ``org_file``)."""
        credentials = self.admin().new_org(org_file)
        return ZcrmOrg(credentials, self._client(credentials), self.transport)

    def close(self) -> None:
        try:
            if self._own_org is not None:
                org_id, self._own_org = self._own_org, None
                deleted = self.admin().delete_org(org_id)
                if deleted.status_code != 200:
                    raise ResponseError(deleted)
        finally:
            try:
                self._stack.close()
            finally:
                self.app.state.zcrm.db.dispose()

    def __enter__(self) -> ZcrmApp:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
