"""Deluge's ``zoho.crm.updateRecord`` task in Python (behaviour §9).

    zoho = Zoho(base_url, access_token)          # or Zoho.from_credentials("zcrm-data/credentials.json")
    response = zoho.crm.updateRecord("Leads", 4876876000000100053, {"Last_Name": "Daly"}, {"trigger": ["workflow"]})
    if response.get("status") == "error": ...

The task sends exactly ``PUT /crm/v5/{module}/{id}`` with ``{"data":[record_value],"trigger":[…]}`` and returns a
map: the ``details`` of the SUCCESS entry, or the single error object. It never raises for a Zoho error; only
transport failures (``httpx.TransportError``) propagate.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from zcrm.client._base import DEFAULT_TIMEOUT, Credentials, RecordId, Response
from zcrm.client.sync import Client

DELUGE_TRIGGERS = ["workflow", "approval", "blueprint", "orchestration"]
"""The values ``query_value["trigger"]`` may hold (``pathfinder`` is not one of them)."""

DEFAULT_TRIGGER = ["approval", "blueprint", "orchestration"]
"""Deluge's trigger set when ``query_value`` has no ``trigger``: workflow rules do not run."""

MAX_ID = 9223372036854775807


def _error(code: str, details: dict[str, Any], message: str) -> dict[str, Any]:
    return {"code": code, "details": details, "message": message, "status": "error"}


def invalid_trigger() -> dict[str, Any]:
    """The failure map for a ``trigger`` outside ``DELUGE_TRIGGERS``."""
    return _error(
        "INVALID_DATA",
        {"api_name": "trigger", "json_path": "$.trigger", "supported_values": list(DELUGE_TRIGGERS)},
        "invalid data",
    )


def invalid_record_id() -> dict[str, Any]:
    """The server's answer for a malformed path id (behaviour §3.3), as a map."""
    return _error("INVALID_DATA", {"resource_path_index": 1}, "the id given seems to be invalid")


def query_trigger(query_value: Mapping[str, Any] | None) -> list[str] | None:
    """The trigger list of a task's ``query_value`` (Deluge's default when it has none), or None when
    ``query_value["trigger"]`` is not acceptable. Shared with the tasks of server-side functions."""
    if query_value is None or "trigger" not in query_value:
        return list(DEFAULT_TRIGGER)
    value = query_value["trigger"]
    if not isinstance(value, list | tuple):
        return None
    if not all(isinstance(item, str) and item in DELUGE_TRIGGERS for item in value):
        return None
    return list(value)


def _routable(record_id: object) -> bool:
    """Whether the id can stand as the ``{id}`` path segment at all.

    Anything else (an empty string, ``upsert``, a string with ``/``, a boolean) would reach another route, so it
    is answered here with the error the server gives a malformed path id. Other malformed ids go to the server.
    """
    if isinstance(record_id, bool):
        return False
    if isinstance(record_id, int):
        return 1 <= record_id <= MAX_ID
    if isinstance(record_id, str):
        return record_id not in ("", ".", "..", "upsert", "search") and "/" not in record_id
    return False


def task_result(response: Response) -> dict[str, Any]:
    """The value ``updateRecord`` returns for a server answer."""
    body = response.body
    if isinstance(body, dict):
        data = body.get("data")
        if isinstance(data, list) and data and isinstance(data[0], dict):
            entry: dict[str, Any] = data[0]
            if entry.get("status") == "success":
                details = entry.get("details")
                return dict(details) if isinstance(details, dict) else {}
            return dict(entry)
        if "code" in body:
            return dict(body)
    # Not a Zoho answer at all (for example an HTML page from a proxy): still a map, never an exception.
    return _error("INTERNAL_ERROR", {}, "Internal Server Error")


class Crm:
    """``zoho.crm``: the CRM tasks. Only ``updateRecord`` exists so far."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def updateRecord(
        self,
        module_name: str,
        record_id: RecordId,
        record_value: Mapping[str, Any],
        query_value: Mapping[str, Any] | None = None,
        connection: str | None = None,
    ) -> dict[str, Any]:
        """``zoho.crm.updateRecord(module_name, record_ID, record_value, [query_value], [connection])``.

        ``query_value["trigger"]``: absent means approval, blueprint and orchestration (not workflow); ``[]``
        runs nothing; otherwise a list of ``workflow``, ``approval``, ``blueprint``, ``orchestration``. Any
        other value gives the INVALID_DATA failure map without calling the server. ``connection`` is ignored.
        Other ``query_value`` keys are ignored.
        """
        del connection  # accepted for Deluge compatibility; zcrm has no connections
        trigger = query_trigger(query_value)
        if trigger is None:
            return invalid_trigger()
        if not _routable(record_id):
            return invalid_record_id()
        response = self.client.update_record(module_name, record_id, record_value, trigger)
        return task_result(response)


class Zoho:
    """The ``zoho`` namespace of Deluge, bound to one server and access token: ``zoho.crm.updateRecord(…)``."""

    def __init__(
        self,
        base_url: str,
        access_token: str,
        *,
        transport: httpx.BaseTransport | None = None,
        http: httpx.Client | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        self.client = Client(base_url, access_token, transport=transport, http=http, timeout=timeout)
        self.crm = Crm(self.client)

    @classmethod
    def from_credentials(
        cls,
        path: str | Path,
        *,
        transport: httpx.BaseTransport | None = None,
        http: httpx.Client | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> Zoho:
        """Uses the ``base_url`` and ``access_token`` of a ``credentials.json`` file."""
        creds = Credentials.load(path)
        return cls(creds.base_url, creds.access_token, transport=transport, http=http, timeout=timeout)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Zoho:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
