"""``ServerAdmin`` and ``AsyncServerAdmin``: the server-level control calls of a zcrm server (``/__zcrm/orgs``).

They authenticate with the server admin token (``<data dir>/admin-token``, or ``ZCRM_ADMIN_TOKEN``), sent as
``X-ZCRM-Admin-Token``. Org-level control calls (users, tokens) take an org administrator's OAuth token and are
methods of ``Client`` and ``AsyncClient``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from zcrm.client._base import (
    DEFAULT_TIMEOUT,
    Call,
    Credentials,
    RecordId,
    Requests,
    Response,
    ResponseError,
    to_response,
)

ADMIN_HEADER = "X-ZCRM-Admin-Token"


def _with_admin_header(call: Call, admin_token: str) -> Call:
    headers = {k: v for k, v in call.headers.items() if k != "Authorization"}
    headers[ADMIN_HEADER] = admin_token
    return Call(call.method, call.url, call.params, headers, call.content)


def org_credentials(response: Response) -> Credentials:
    """The credentials in a ``create_org`` answer (201); any other answer raises ``ResponseError``."""
    if response.status_code != 201:
        raise ResponseError(response)
    return Credentials.from_dict(response.body, source="POST /__zcrm/orgs")


def read_admin_token(data_dir: str | Path) -> str:
    """The server admin token a ``zcrm serve`` on ``data_dir`` wrote to ``<data_dir>/admin-token``."""
    return (Path(data_dir) / "admin-token").read_text("utf-8").strip()


class ServerAdmin:
    """Blocking calls with the server admin token. Errors are returned as ``Response`` objects, as by ``Client``;
    ``new_org`` raises ``ResponseError`` instead, since it returns credentials."""

    def __init__(
        self,
        base_url: str,
        admin_token: str,
        *,
        transport: httpx.BaseTransport | None = None,
        http: httpx.Client | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        if http is not None and transport is not None:
            raise ValueError("give either http or transport, not both")
        self._admin_token = admin_token
        self._requests = Requests(base_url, admin_token)
        self._owns_http = http is None
        self._http = http if http is not None else httpx.Client(transport=transport, timeout=timeout)

    @property
    def base_url(self) -> str:
        return self._requests.base_url

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> ServerAdmin:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _send(self, call: Call) -> Response:
        call = _with_admin_header(call, self._admin_token)
        response = self._http.request(
            call.method, call.url, params=call.params, headers=call.headers, content=call.content
        )
        return to_response(response)

    def create_org(self, org_file: Mapping[str, Any] | None = None) -> Response:
        """``POST /__zcrm/orgs``: a new isolated org (the standard org, or the definition ``org_file``, a parsed
        org file); 201 with its administrator's credentials."""
        return self._send(self._requests.create_org(org_file))

    def new_org(self, org_file: Mapping[str, Any] | None = None) -> Credentials:
        """``create_org`` that returns the new org's ``Credentials`` (raises ``ResponseError`` on an error)."""
        return org_credentials(self.create_org(org_file))

    def delete_org(self, org_id: RecordId) -> Response:
        """``DELETE /__zcrm/orgs/{org_id}``: deletes an org and everything in it."""
        return self._send(self._requests.delete_org(org_id))


class AsyncServerAdmin:
    """``ServerAdmin`` with coroutines, over ``httpx.AsyncClient`` (``transport=httpx.ASGITransport(app=app)`` for
    an in-process app)."""

    def __init__(
        self,
        base_url: str,
        admin_token: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        http: httpx.AsyncClient | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        if http is not None and transport is not None:
            raise ValueError("give either http or transport, not both")
        self._admin_token = admin_token
        self._requests = Requests(base_url, admin_token)
        self._owns_http = http is None
        self._http = http if http is not None else httpx.AsyncClient(transport=transport, timeout=timeout)

    @property
    def base_url(self) -> str:
        return self._requests.base_url

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncServerAdmin:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _send(self, call: Call) -> Response:
        call = _with_admin_header(call, self._admin_token)
        response = await self._http.request(
            call.method, call.url, params=call.params, headers=call.headers, content=call.content
        )
        return to_response(response)

    async def create_org(self, org_file: Mapping[str, Any] | None = None) -> Response:
        """``POST /__zcrm/orgs`` (see ``ServerAdmin.create_org``)."""
        return await self._send(self._requests.create_org(org_file))

    async def new_org(self, org_file: Mapping[str, Any] | None = None) -> Credentials:
        """``create_org`` that returns the new org's ``Credentials`` (raises ``ResponseError`` on an error)."""
        return org_credentials(await self.create_org(org_file))

    async def delete_org(self, org_id: RecordId) -> Response:
        """``DELETE /__zcrm/orgs/{org_id}``."""
        return await self._send(self._requests.delete_org(org_id))
