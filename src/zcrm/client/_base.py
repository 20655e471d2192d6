"""What the sync and async clients share: credentials, the ``Response`` dataclass and the request builder.

Nothing here does I/O. ``Requests`` turns a method call into a ``Call`` (method, URL, query, headers, body);
``Client`` and ``AsyncClient`` send it with httpx and wrap the answer with ``to_response``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

API_PREFIX = "/crm/v5"
DEFAULT_TIMEOUT = 30.0

RecordId = int | str
"""A record id as Zoho accepts it (behaviour §1.4): a JSON integer or a string of digits."""

ParamValue = str | int | bool | Iterable[str | int] | None
"""A query parameter value: lists are joined with commas, booleans become ``true``/``false``, ``None`` is left out."""


@dataclass(frozen=True)
class Credentials:
    """The contents of a ``credentials.json`` written by ``zcrm serve`` (in its data directory)."""

    base_url: str
    access_token: str
    accounts_url: str = ""
    client_id: str = ""
    client_secret: str = ""
    refresh_token: str = ""
    org_id: str = ""
    user_id: str = ""

    @classmethod
    def load(cls, path: str | Path) -> Credentials:
        """Reads a credentials file. ``base_url`` and ``access_token`` are required; other keys may be missing."""
        loaded = json.loads(Path(path).read_text("utf-8"))
        if not isinstance(loaded, dict):
            raise ValueError(f"{path}: expected a JSON object")
        values: dict[str, str] = {}
        for name in cls.__dataclass_fields__:
            value = loaded.get(name)
            if value is None:
                continue
            if not isinstance(value, str):
                raise ValueError(f"{path}: {name} must be a string")
            values[name] = value
        for required in ("base_url", "access_token"):
            if not values.get(required):
                raise ValueError(f"{path}: {required} is missing")
        return cls(**values)


@dataclass(frozen=True)
class Response:
    """One answer of the API.

    ``body`` is the parsed JSON body, or ``None`` when there is none (204, 304) or it is not JSON.
    Zoho errors are ordinary responses: check ``status_code`` or ``body["code"]`` / ``body["data"][i]["status"]``.
    """

    status_code: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """True for 2xx and 304."""
        return 200 <= self.status_code < 300 or self.status_code == 304


@dataclass(frozen=True)
class Call:
    """One HTTP request, ready to send."""

    method: str
    url: str
    params: tuple[tuple[str, str], ...]
    headers: dict[str, str]
    content: bytes | None = None


def to_response(response: httpx.Response) -> Response:
    """Wraps an httpx response; the body must already have been read."""
    body: Any = None
    if response.status_code not in (204, 304) and response.content:
        try:
            body = json.loads(response.content)
        except ValueError:
            body = None
    return Response(response.status_code, body, dict(response.headers))


def segment(value: str | int) -> str:
    """One URL path segment, percent-encoded (``/`` included)."""
    return quote(str(value), safe="")


def http_time(value: datetime | str) -> str:
    """An ``If-Modified-Since``/``If-Unmodified-Since`` value: a string is sent as given, a datetime as ISO 8601."""
    if isinstance(value, str):
        return value
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("the datetime must be timezone-aware")
    return value.replace(microsecond=0).isoformat()


def param_text(value: str | int | bool | Iterable[str | int]) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int):
        return str(value)
    return ",".join(str(item) for item in value)


def query(params: Mapping[str, ParamValue]) -> tuple[tuple[str, str], ...]:
    return tuple((name, param_text(value)) for name, value in params.items() if value is not None)


def write_body(
    records: Sequence[Any], trigger: Sequence[str] | None, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"data": list(records)}
    if trigger is not None:
        body["trigger"] = list(trigger)
    if extra:
        body.update(extra)
    return body


class Requests:
    """Builds the ``Call`` for each API operation. Shared by ``Client`` and ``AsyncClient``."""

    def __init__(self, base_url: str, access_token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.access_token = access_token

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, ParamValue] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Call:
        """A request to ``path`` (starting with ``/``, for example ``/crm/v5/Leads/upsert``)."""
        all_headers = {"Authorization": f"Zoho-oauthtoken {self.access_token}", **(headers or {})}
        content = None
        if json_body is not None:
            content = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            all_headers.setdefault("Content-Type", "application/json")
        return Call(method, self.base_url + path, query(params or {}), all_headers, content)

    def insert_records(
        self, module: str, records: Sequence[Mapping[str, Any]], trigger: Sequence[str] | None
    ) -> Call:
        return self.call("POST", f"{API_PREFIX}/{segment(module)}", json_body=write_body(records, trigger))

    def update_records(
        self,
        module: str,
        records: Sequence[Mapping[str, Any]],
        trigger: Sequence[str] | None,
        if_unmodified_since: datetime | str | None,
    ) -> Call:
        headers = (
            {} if if_unmodified_since is None else {"If-Unmodified-Since": http_time(if_unmodified_since)}
        )
        return self.call(
            "PUT", f"{API_PREFIX}/{segment(module)}", json_body=write_body(records, trigger), headers=headers
        )

    def update_record(
        self,
        module: str,
        record_id: RecordId,
        values: Mapping[str, Any],
        trigger: Sequence[str] | None,
        if_unmodified_since: datetime | str | None,
    ) -> Call:
        headers = (
            {} if if_unmodified_since is None else {"If-Unmodified-Since": http_time(if_unmodified_since)}
        )
        return self.call(
            "PUT",
            f"{API_PREFIX}/{segment(module)}/{segment(record_id)}",
            json_body=write_body([values], trigger),
            headers=headers,
        )

    def get_records(
        self,
        module: str,
        fields: str | Iterable[str],
        if_modified_since: datetime | str | None,
        params: Mapping[str, ParamValue],
    ) -> Call:
        headers = {} if if_modified_since is None else {"If-Modified-Since": http_time(if_modified_since)}
        return self.call(
            "GET", f"{API_PREFIX}/{segment(module)}", params={"fields": fields, **params}, headers=headers
        )

    def get_record(self, module: str, record_id: RecordId, fields: str | Iterable[str] | None) -> Call:
        return self.call(
            "GET", f"{API_PREFIX}/{segment(module)}/{segment(record_id)}", params={"fields": fields}
        )

    def delete_records(self, module: str, ids: Iterable[RecordId], wf_trigger: bool | None) -> Call:
        params: dict[str, ParamValue] = {"ids": [str(i) for i in ids], "wf_trigger": wf_trigger}
        return self.call("DELETE", f"{API_PREFIX}/{segment(module)}", params=params)

    def fields(self, module: str, params: Mapping[str, ParamValue]) -> Call:
        return self.call("GET", f"{API_PREFIX}/settings/fields", params={"module": module, **params})

    def modules(self) -> Call:
        return self.call("GET", f"{API_PREFIX}/settings/modules")

    def users(self, type: str | None) -> Call:
        return self.call("GET", f"{API_PREFIX}/users", params={"type": type})

    def org(self) -> Call:
        return self.call("GET", f"{API_PREFIX}/org")
