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
CONTROL_PREFIX = "/__zcrm"
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
        return cls.from_dict(json.loads(Path(path).read_text("utf-8")), source=str(path))

    @classmethod
    def from_dict(cls, loaded: Any, *, source: str = "credentials") -> Credentials:
        """Credentials from a parsed ``credentials.json`` or the answer of ``POST /__zcrm/orgs`` (other keys are
        ignored)."""
        if not isinstance(loaded, dict):
            raise ValueError(f"{source}: expected a JSON object")
        values: dict[str, str] = {}
        for name in cls.__dataclass_fields__:
            value = loaded.get(name)
            if value is None:
                continue
            if not isinstance(value, str):
                raise ValueError(f"{source}: {name} must be a string")
            values[name] = value
        for required in ("base_url", "access_token"):
            if not values.get(required):
                raise ValueError(f"{source}: {required} is missing")
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


class ResponseError(Exception):
    """Raised by the few calls that cannot return a ``Response`` (``iter_records``) when the server answers an
    error; ``response`` is that answer."""

    def __init__(self, response: Response) -> None:
        code = response.body.get("code") if isinstance(response.body, dict) else None
        super().__init__(f"HTTP {response.status_code}" + (f" {code}" if code else ""))
        self.response = response


def next_page(response: Response, params: Mapping[str, ParamValue]) -> dict[str, ParamValue] | None:
    """The query parameters of the page after ``response`` (an answer of ``get_records`` with ``params``), or
    None when it was the last page. Follows ``next_page_token`` when the server gives one, else ``page``.
    A 204 is an empty last page; any other answer but 200 raises ``ResponseError``."""
    if response.status_code == 204:
        return None
    if response.status_code != 200 or not isinstance(response.body, dict):
        raise ResponseError(response)
    info = response.body.get("info")
    if not isinstance(info, dict) or not info.get("more_records"):
        return None
    following = {name: value for name, value in params.items() if name not in ("page", "page_token")}
    token = info.get("next_page_token")
    if isinstance(token, str) and token:
        following["page_token"] = token
    else:
        page = info.get("page", params.get("page", 1))
        following["page"] = int(page) + 1 if isinstance(page, int | str) else 2
    return following


def page_records(response: Response) -> list[dict[str, Any]]:
    """The records of one page (none for a 204)."""
    if response.status_code == 204 or not isinstance(response.body, dict):
        return []
    return list(response.body.get("data") or [])


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

    def delete_record(self, module: str, record_id: RecordId, wf_trigger: bool | None) -> Call:
        return self.call(
            "DELETE",
            f"{API_PREFIX}/{segment(module)}/{segment(record_id)}",
            params={"wf_trigger": wf_trigger},
        )

    def fields(self, module: str, field_id: RecordId | None, params: Mapping[str, ParamValue]) -> Call:
        return self.call(
            "GET", f"{API_PREFIX}/settings/fields{_item(field_id)}", params={"module": module, **params}
        )

    def layouts(self, module: str, layout_id: RecordId | None) -> Call:
        return self.call("GET", f"{API_PREFIX}/settings/layouts{_item(layout_id)}", params={"module": module})

    def modules(self, api_name: str | None) -> Call:
        return self.call("GET", f"{API_PREFIX}/settings/modules{_item(api_name)}")

    def users(self, type: str | None, params: Mapping[str, ParamValue]) -> Call:
        return self.call("GET", f"{API_PREFIX}/users", params={"type": type, **params})

    def user(self, user_id: RecordId) -> Call:
        return self.call("GET", f"{API_PREFIX}/users/{segment(user_id)}")

    def org(self) -> Call:
        return self.call("GET", f"{API_PREFIX}/org")

    # -- the control plane (/__zcrm/), with an org administrator's token -----------------------------------

    def create_user(self, values: Mapping[str, Any]) -> Call:
        return self.call("POST", f"{CONTROL_PREFIX}/users", json_body=dict(values))

    def issue_tokens(
        self, scope: str | Iterable[str], user_id: RecordId | None, email: str | None, client_id: str | None
    ) -> Call:
        body: dict[str, Any] = {"scope": scope if isinstance(scope, str) else list(scope)}
        for name, value in (("user_id", user_id), ("email", email), ("client_id", client_id)):
            if value is not None:
                body[name] = str(value)
        return self.call("POST", f"{CONTROL_PREFIX}/tokens", json_body=body)

    def restore_record(self, module: str, record_id: RecordId) -> Call:
        return self.call("POST", f"{CONTROL_PREFIX}/records/{segment(module)}/{segment(record_id)}/restore")

    # -- the control plane, with the server admin token -----------------------------------------------------

    def create_org(self, org_file: Mapping[str, Any] | None) -> Call:
        body = {} if org_file is None else {"org_file": dict(org_file)}
        return self.call("POST", f"{CONTROL_PREFIX}/orgs", json_body=body)

    def delete_org(self, org_id: RecordId) -> Call:
        return self.call("DELETE", f"{CONTROL_PREFIX}/orgs/{segment(org_id)}")


def _item(item_id: RecordId | None) -> str:
    return "" if item_id is None else f"/{segment(item_id)}"
