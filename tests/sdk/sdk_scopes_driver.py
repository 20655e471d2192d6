"""Drives the official SDK with tokens other than the server's refresh token (see ``test_sdk_scopes.py``).

    python sdk_scopes_driver.py SCENARIO CREDENTIALS_JSON WORK_DIR ARGS_JSON

Like ``sdk_driver.py`` (whose wire log and result helpers it reuses), each run is a fresh interpreter and writes
``WORK_DIR/result.json``: what the SDK parsed or raised, plus every HTTP request it sent.

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
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

import sdk_driver  # noqa: F401 - wraps requests.Session.send before the SDK is imported
from sdk_driver import WIRE, body_of, cache_modules, describe, mark
from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zohocrmsdk.src.com.zoho.api.authenticator.store.file_store import FileStore
from zohocrmsdk.src.com.zoho.api.logger import Logger
from zohocrmsdk.src.com.zoho.crm.api.dc.data_center import DataCenter
from zohocrmsdk.src.com.zoho.crm.api.exception import SDKException
from zohocrmsdk.src.com.zoho.crm.api.initializer import Initializer
from zohocrmsdk.src.com.zoho.crm.api.parameter_map import ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.record import (
    DeleteRecordsParam,
    GetRecordsParam,
    Record,
    RecordOperations,
)
from zohocrmsdk.src.com.zoho.crm.api.sdk_config import SDKConfig
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


def initialize(creds: dict[str, str], work: Path, token: OAuthToken) -> None:
    base = creds["base_url"]
    Initializer.initialize(
        environment=DataCenter.Environment(base, creds["accounts_url"], base, "zcrm"),
        token=token,
        store=FileStore(str(work / "tokens.csv")),
        sdk_config=SDKConfig(auto_refresh_fields=False, pick_list_validation=True),
        resource_path=str(work),
        logger=Logger.get_instance(Logger.Levels.INFO, str(work / "sdk.log")),
    )


def main() -> int:
    scenario, creds_path, work_dir, args_json = sys.argv[1:5]
    args = json.loads(args_json)
    work = Path(work_dir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    creds = json.loads(Path(creds_path).read_text())
    result: dict[str, Any] = {"scenario": scenario, "work": str(work), "args": args, "ops": {}}
    try:
        if scenario == "grant":
            token = OAuthToken(
                client_id=creds["client_id"], client_secret=creds["client_secret"], grant_token=args["code"]
            )
        elif scenario == "access":
            token = OAuthToken(access_token=args["access_token"])
        else:
            raise ValueError(f"unknown scenario {scenario}")
        mark(result, "initialize")
        try:
            initialize(creds, work, token)
        except SDKException as exc:
            result["init_error"] = raised(exc)
        tokens = work / "tokens.csv"
        result["tokens_csv"] = tokens.read_text() if tokens.exists() else None
        if "init_error" not in result:
            for op in args.get("ops", []):
                mark(result, op["name"])
                try:
                    result["ops"][op["name"]] = describe(run_op(op))
                except Exception as exc:  # the SDK raises SDKException (and, through bugs, others)
                    result["ops"][op["name"]] = {"raised": raised(exc)}
        mark(result, "end")
        result["ok"] = True
    except Exception:
        result["ok"] = False
        result["traceback"] = traceback.format_exc()
    result["cache"] = cache_modules(work)
    result["wire"] = WIRE
    (work / "result.json").write_text(json.dumps(result, indent=1, default=repr))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    sys.exit(main())
