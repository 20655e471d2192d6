"""``AsyncClient``: an asyncio httpx client for the records and metadata APIs of a zcrm (or Zoho CRM v5) server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from zcrm.client._base import (
    DEFAULT_TIMEOUT,
    Call,
    Credentials,
    ParamValue,
    RecordId,
    Requests,
    Response,
    next_page,
    page_records,
    to_response,
)


class AsyncClient:
    """Calls ``{base_url}/crm/v5/…`` with ``Authorization: Zoho-oauthtoken <access_token>``.

    Every method is a coroutine returning a ``Response``; Zoho errors (4xx, 5xx) are returned, not raised.
    Only transport failures raise (``httpx.TransportError`` and its subclasses, such as timeouts).

    For an in-process ASGI app, pass ``transport=httpx.ASGITransport(app=app)``.

    Pass ``http`` to send through an existing ``httpx.AsyncClient``; it is not closed by ``aclose()``.
    Otherwise a client is created with ``transport`` (if given) and ``timeout``.
    """

    def __init__(
        self,
        base_url: str,
        access_token: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        http: httpx.AsyncClient | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        if http is not None and transport is not None:
            raise ValueError("give either http or transport, not both")
        self._requests = Requests(base_url, access_token)
        self._owns_http = http is None
        self._http = http if http is not None else httpx.AsyncClient(transport=transport, timeout=timeout)

    @classmethod
    def from_credentials(
        cls,
        path: str | Path,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        http: httpx.AsyncClient | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> AsyncClient:
        """A client for the ``base_url`` and ``access_token`` of a ``credentials.json`` file."""
        creds = Credentials.load(path)
        return cls(creds.base_url, creds.access_token, transport=transport, http=http, timeout=timeout)

    @property
    def base_url(self) -> str:
        return self._requests.base_url

    @property
    def access_token(self) -> str:
        return self._requests.access_token

    @access_token.setter
    def access_token(self, token: str) -> None:
        self._requests.access_token = token

    async def aclose(self) -> None:
        """Closes the underlying httpx client if this object created it."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _send(self, call: Call) -> Response:
        response = await self._http.request(
            call.method, call.url, params=call.params, headers=call.headers, content=call.content
        )
        return to_response(response)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, ParamValue] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Any other call, for example ``request("POST", "/crm/v5/coql", json={"select_query": …})``."""
        return await self._send(
            self._requests.call(method, path, params=params, json_body=json, headers=headers)
        )

    # -- records ------------------------------------------------------------------------------------

    async def insert_records(
        self, module: str, records: Sequence[Mapping[str, Any]], trigger: Sequence[str] | None = None
    ) -> Response:
        """``POST /crm/v5/{module}``; ``trigger`` is left out of the body when ``None``."""
        return await self._send(self._requests.insert_records(module, records, trigger))

    async def update_records(
        self,
        module: str,
        records: Sequence[Mapping[str, Any]],
        trigger: Sequence[str] | None = None,
        if_unmodified_since: datetime | str | None = None,
    ) -> Response:
        """``PUT /crm/v5/{module}``; each record names itself with ``id``."""
        return await self._send(self._requests.update_records(module, records, trigger, if_unmodified_since))

    async def update_record(
        self,
        module: str,
        record_id: RecordId,
        values: Mapping[str, Any],
        trigger: Sequence[str] | None = None,
        if_unmodified_since: datetime | str | None = None,
    ) -> Response:
        """``PUT /crm/v5/{module}/{record_id}`` with ``{"data":[values]}``."""
        return await self._send(
            self._requests.update_record(module, record_id, values, trigger, if_unmodified_since)
        )

    async def get_records(
        self,
        module: str,
        fields: str | Iterable[str],
        *,
        if_modified_since: datetime | str | None = None,
        **params: ParamValue,
    ) -> Response:
        """``GET /crm/v5/{module}?fields=…``; other query parameters (``ids``, ``page``, ``sort_by``…) as keywords."""
        return await self._send(self._requests.get_records(module, fields, if_modified_since, params))

    async def get_record(
        self, module: str, record_id: RecordId, fields: str | Iterable[str] | None = None
    ) -> Response:
        """``GET /crm/v5/{module}/{record_id}``; 204 (``body`` None) when the id names no record."""
        return await self._send(self._requests.get_record(module, record_id, fields))

    async def delete_records(
        self, module: str, ids: Iterable[RecordId], *, wf_trigger: bool | None = None
    ) -> Response:
        """``DELETE /crm/v5/{module}?ids=…``."""
        return await self._send(self._requests.delete_records(module, ids, wf_trigger))

    async def delete_record(
        self, module: str, record_id: RecordId, *, wf_trigger: bool | None = None
    ) -> Response:
        """``DELETE /crm/v5/{module}/{record_id}``."""
        return await self._send(self._requests.delete_record(module, record_id, wf_trigger))

    async def iter_records(
        self,
        module: str,
        fields: str | Iterable[str],
        *,
        per_page: int = 200,
        if_modified_since: datetime | str | None = None,
        **params: ParamValue,
    ) -> AsyncIterator[dict[str, Any]]:
        """Every record of ``get_records(module, fields, per_page=…, **params)``, page after page (following
        ``next_page_token``). An error answer raises ``ResponseError``; a 204 or 304 ends the records."""
        query: dict[str, ParamValue] | None = {"per_page": per_page, **params}
        while query is not None:
            response = await self._send(self._requests.get_records(module, fields, if_modified_since, query))
            if response.status_code == 304:
                return
            for record in page_records(response):
                yield record
            query = next_page(response, query)

    # -- metadata -----------------------------------------------------------------------------------

    async def fields(self, module: str, field_id: RecordId | None = None, **params: ParamValue) -> Response:
        """``GET /crm/v5/settings/fields[/{field_id}]?module=…`` (``type="all"`` and the like as keywords)."""
        return await self._send(self._requests.fields(module, field_id, params))

    async def layouts(self, module: str, layout_id: RecordId | None = None) -> Response:
        """``GET /crm/v5/settings/layouts[/{layout_id}]?module=…``."""
        return await self._send(self._requests.layouts(module, layout_id))

    async def modules(self, api_name: str | None = None) -> Response:
        """``GET /crm/v5/settings/modules[/{api_name}]``."""
        return await self._send(self._requests.modules(api_name))

    async def users(self, type: str | None = None, **params: ParamValue) -> Response:
        """``GET /crm/v5/users[?type=…]`` (``page``, ``per_page`` as keywords)."""
        return await self._send(self._requests.users(type, params))

    async def user(self, user_id: RecordId) -> Response:
        """``GET /crm/v5/users/{user_id}``."""
        return await self._send(self._requests.user(user_id))

    async def org(self) -> Response:
        """``GET /crm/v5/org``."""
        return await self._send(self._requests.org())

    # -- the control plane (/__zcrm/), as an org administrator ------------------------------------------

    async def create_user(self, last_name: str, email: str, **values: Any) -> Response:
        """``POST /__zcrm/users``: a new user of the token's org (``first_name``, ``role``, ``profile``,
        ``time_zone``, ``status``, ``locale`` as keywords); 201 with the user."""
        return await self._send(
            self._requests.create_user({"last_name": last_name, "email": email, **values})
        )

    async def issue_tokens(
        self,
        scope: str | Iterable[str],
        *,
        user_id: RecordId | None = None,
        email: str | None = None,
        client_id: str | None = None,
    ) -> Response:
        """``POST /__zcrm/tokens``: a refresh and an access token with exactly ``scope`` for an active user of
        the token's org (by ``user_id`` or ``email``); 201 with ``access_token``, ``refresh_token``…"""
        return await self._send(self._requests.issue_tokens(scope, user_id, email, client_id))

    async def restore_record(self, module: str, record_id: RecordId) -> Response:
        """``POST /__zcrm/records/{module}/{id}/restore``: puts a record of the module's recycle bin back
        (docs/deleted-records.md); 200 with ``{"code":"SUCCESS",…}``."""
        return await self._send(self._requests.restore_record(module, record_id))
