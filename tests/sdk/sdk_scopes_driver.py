"""Drives the official SDK with tokens other than the server's refresh token (see ``test_sdk_scopes.py``).

    python sdk_scopes_driver.py SCENARIO CREDENTIALS_JSON WORK_DIR ARGS_JSON

Like ``sdk_driver.py`` (whose result helpers it reuses, with ``driver_base.py``'s wire log, initialisation and
``main``), each run is a fresh interpreter and writes ``WORK_DIR/result.json``: what the SDK parsed or raised, plus
every HTTP request it sent.

Scenarios:
- ``grant``: initialise with ``OAuthToken(client_id, client_secret, grant_token=args["code"])``, then run
  ``args["ops"]``. An exception raised by ``Initializer.initialize`` is reported as ``init_error`` (not a failure).
- ``access``: initialise in access-token-only mode, ``OAuthToken(access_token=args["access_token"])``, then run
  ``args["ops"]``.

Each op is ``{"name", "op", "module", ...}`` with ``op`` one of ``create`` (``records``: field maps), ``update``
(``records``: field maps with an ``id``), ``delete`` (``ids``) and ``get_records`` (``fields``, ``ids``). A field
value ``{"choice": "X"}`` becomes ``Choice("X")`` and ``{"date": "2024-06-30"}`` a ``datetime.date``. The outcome
of an op is ``describe(response)``, or ``{"raised": …}`` when the SDK raised.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from driver_base import initialize, main, mark, stored_tokens  # before the SDK: it installs the wire log
from sdk_driver import body_of, describe
from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zohocrmsdk.src.com.zoho.crm.api.exception import SDKException
from zohocrmsdk.src.com.zoho.crm.api.parameter_map import ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.record import (
    DeleteRecordsParam,
    GetRecordsParam,
    Record,
    RecordOperations,
)
from zohocrmsdk.src.com.zoho.crm.api.util import Choice


def raised(exc: BaseException) -> dict[str, Any]:
    """An exception the SDK raised, as JSON."""
    out: dict[str, Any] = {"type": type(exc).__name__, "str": str(exc)}
    if isinstance(exc, SDKException):
        out["code"] = exc.code
        out["message"] = exc.error_message
        out["details"] = exc.details
        out["cause"] = (
            None if exc.cause is None else {"type": type(exc.cause).__name__, "str": str(exc.cause)}
        )
    return out


def value_of(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"choice"}:
        return Choice(value["choice"])
    if isinstance(value, dict) and set(value) == {"date"}:
        return dt.date.fromisoformat(value["date"])
    return value


def record_of(fields: dict[str, Any]) -> Record:
    record = Record()
    for name, value in fields.items():
        if name == "id":
            record.set_id(int(value))
        else:
            record.add_key_value(name, value_of(value))
    return record


def run_op(op: dict[str, Any]) -> Any:
    ops = RecordOperations()
    module = op["module"]
    if op["op"] == "create":
        return ops.create_records(module, body_of(*(record_of(r) for r in op["records"])))
    if op["op"] == "update":
        return ops.update_records(module, body_of(*(record_of(r) for r in op["records"])))
    if op["op"] == "delete":
        params = ParameterMap()
        for record_id in op["ids"]:
            params.add(DeleteRecordsParam.ids, str(record_id))
        return ops.delete_records(module, params)
    if op["op"] == "get_records":
        params = ParameterMap()
        params.add(GetRecordsParam.fields, ",".join(op["fields"]))
        if op.get("ids"):
            params.add(GetRecordsParam.ids, ",".join(str(i) for i in op["ids"]))
        return ops.get_records(module, params)
    raise ValueError(f"unknown op {op['op']}")


def run_ops(creds: dict[str, str], result: dict[str, Any], token: OAuthToken) -> None:
    """Initialises the SDK with ``token`` (an exception it raises is ``init_error``), then runs ``args["ops"]``."""
    result["ops"] = {}
    work = Path(result["work"])
    mark(result, "initialize")
    try:
        initialize(creds, work, token)
    except SDKException as exc:
        result["init_error"] = raised(exc)
    result["tokens_csv"] = stored_tokens(work)
    if "init_error" not in result:
        for op in result["args"].get("ops", []):
            mark(result, op["name"])
            try:
                result["ops"][op["name"]] = describe(run_op(op))
            except Exception as exc:  # the SDK raises SDKException (and, through bugs, others)
                result["ops"][op["name"]] = {"raised": raised(exc)}
    mark(result, "end")


def scenario_grant(creds: dict[str, str], result: dict[str, Any]) -> None:
    code = result["args"]["code"]
    token = OAuthToken(client_id=creds["client_id"], client_secret=creds["client_secret"], grant_token=code)
    run_ops(creds, result, token)


def scenario_access(creds: dict[str, str], result: dict[str, Any]) -> None:
    run_ops(creds, result, OAuthToken(access_token=result["args"]["access_token"]))


SCENARIOS = {"grant": scenario_grant, "access": scenario_access}


if __name__ == "__main__":
    sys.exit(main(SCENARIOS, initialized=False))
