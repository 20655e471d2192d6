"""``Client``: a blocking httpx client for the records and metadata APIs of a zcrm (or Zoho CRM v5) server."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
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


class Client:
    """Calls ``{base_url}/crm/v5/…`` with ``Authorization: Zoho-oauthtoken <access_token>``.

    Every method returns a ``Response``; Zoho errors (4xx, 5xx) are returned, not raised. Only transport
    failures raise (``httpx.TransportError`` and its subclasses, such as timeouts).

    Pass ``http`` to send through an existing ``httpx.Client`` (for example starlette's ``TestClient``); it is
    not closed by ``close()``. Otherwise a client is created with ``transport`` (if given) and ``timeout``.
    """

    def __init__(
        self,
        base_url: str,
        access_token: str,
        *,
        transport: httpx.BaseTransport | None = None,
        http: httpx.Client | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        if http is not None and transport is not None:
            raise ValueError("give either http or transport, not both")
        self._requests = Requests(base_url, access_token)
        self._owns_http = http is None
        self._http = http if http is not None else httpx.Client(transport=transport, timeout=timeout)

    @classmethod
    def from_credentials(
        cls,
        path: str | Path,
        *,
        transport: httpx.BaseTransport | None = None,
        http: httpx.Client | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> Client:
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

    def close(self) -> None:
        """Closes the underlying httpx client if this object created it."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _send(self, call: Call) -> Response:
        response = self._http.request(
            call.method, call.url, params=call.params, headers=call.headers, content=call.content
        )
        return to_response(response)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, ParamValue] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Any other call, for example ``request("POST", "/crm/v5/coql", json={"select_query": …})``."""
        return self._send(self._requests.call(method, path, params=params, json_body=json, headers=headers))

    # -- records ------------------------------------------------------------------------------------

    def insert_records(
        self, module: str, records: Sequence[Mapping[str, Any]], trigger: Sequence[str] | None = None
    ) -> Response:
        """``POST /crm/v5/{module}``; ``trigger`` is left out of the body when ``None``."""
        return self._send(self._requests.insert_records(module, records, trigger))

    def update_records(
        self,
        module: str,
        records: Sequence[Mapping[str, Any]],
        trigger: Sequence[str] | None = None,
        if_unmodified_since: datetime | str | None = None,
    ) -> Response:
        """``PUT /crm/v5/{module}``; each record names itself with ``id``."""
        return self._send(self._requests.update_records(module, records, trigger, if_unmodified_since))

    def update_record(
        self,
        module: str,
        record_id: RecordId,
        values: Mapping[str, Any],
        trigger: Sequence[str] | None = None,
        if_unmodified_since: datetime | str | None = None,
    ) -> Response:
        """``PUT /crm/v5/{module}/{record_id}`` with ``{"data":[values]}``."""
        return self._send(
            self._requests.update_record(module, record_id, values, trigger, if_unmodified_since)
        )

    def get_records(
        self,
        module: str,
        fields: str | Iterable[str],
        *,
        if_modified_since: datetime | str | None = None,
        **params: ParamValue,
    ) -> Response:
        """``GET /crm/v5/{module}?fields=…``; other query parameters (``ids``, ``page``, ``sort_by``…) as keywords."""
        return self._send(self._requests.get_records(module, fields, if_modified_since, params))

    def get_record(
        self, module: str, record_id: RecordId, fields: str | Iterable[str] | None = None
    ) -> Response:
        """``GET /crm/v5/{module}/{record_id}``; 204 (``body`` None) when the id names no record."""
        return self._send(self._requests.get_record(module, record_id, fields))

    def delete_records(
        self, module: str, ids: Iterable[RecordId], *, wf_trigger: bool | None = None
    ) -> Response:
        """``DELETE /crm/v5/{module}?ids=…``."""
        return self._send(self._requests.delete_records(module, ids, wf_trigger))

    def delete_record(self, module: str, record_id: RecordId, *, wf_trigger: bool | None = None) -> Response:
        """``DELETE /crm/v5/{module}/{record_id}``."""
        return self._send(self._requests.delete_record(module, record_id, wf_trigger))

    def iter_records(
        self,
        module: str,
        fields: str | Iterable[str],
        *,
        per_page: int = 200,
        if_modified_since: datetime | str | None = None,
        **params: ParamValue,
    ) -> Iterator[dict[str, Any]]:
        """Every record of ``get_records(module, fields, per_page=…, **params)``, page after page (following
        ``next_page_token``). An error answer raises ``ResponseError``; a 204 or 304 ends the records."""
        query: dict[str, ParamValue] | None = {"per_page": per_page, **params}
        while query is not None:
            response = self._send(self._requests.get_records(module, fields, if_modified_since, query))
            if response.status_code == 304:
                return
            yield from page_records(response)
            query = next_page(response, query)

    # -- metadata -----------------------------------------------------------------------------------

    def fields(self, module: str, field_id: RecordId | None = None, **params: ParamValue) -> Response:
        """``GET /crm/v5/settings/fields[/{field_id}]?module=…`` (``type="all"`` and the like as keywords)."""
        return self._send(self._requests.fields(module, field_id, params))

    def layouts(self, module: str, layout_id: RecordId | None = None) -> Response:
        """``GET /crm/v5/settings/layouts[/{layout_id}]?module=…``."""
        return self._send(self._requests.layouts(module, layout_id))

    def modules(self, api_name: str | None = None) -> Response:
        """``GET /crm/v5/settings/modules[/{api_name}]``."""
        return self._send(self._requests.modules(api_name))

    def users(self, type: str | None = None, **params: ParamValue) -> Response:
        """``GET /crm/v5/users[?type=…]`` (``page``, ``per_page`` as keywords)."""
        return self._send(self._requests.users(type, params))

    def user(self, user_id: RecordId) -> Response:
        """``GET /crm/v5/users/{user_id}``."""
        return self._send(self._requests.user(user_id))

    def org(self) -> Response:
        """``GET /crm/v5/org``."""
        return self._send(self._requests.org())

    # -- the control plane (/__zcrm/), as an org administrator ------------------------------------------

    def create_user(self, last_name: str, email: str, **values: Any) -> Response:
        """``POST /__zcrm/users``: a new user of the token's org (``first_name``, ``role``, ``profile``,
        ``time_zone``, ``status``, ``locale`` as keywords); 201 with the user."""
        return self._send(self._requests.create_user({"last_name": last_name, "email": email, **values}))

    def issue_tokens(
        self,
        scope: str | Iterable[str],
        *,
        user_id: RecordId | None = None,
        email: str | None = None,
        client_id: str | None = None,
    ) -> Response:
        """``POST /__zcrm/tokens``: a refresh and an access token with exactly ``scope`` for an active user of
        the token's org (by ``user_id`` or ``email``); 201 with ``access_token``, ``refresh_token``…"""
        return self._send(self._requests.issue_tokens(scope, user_id, email, client_id))

    def restore_record(self, module: str, record_id: RecordId) -> Response:
        """``POST /__zcrm/records/{module}/{id}/restore``: puts a record of the module's recycle bin back
        (docs/deleted-records.md); 200 with ``{"code":"SUCCESS",…}``."""
        return self._send(self._requests.restore_record(module, record_id))
