"""What every official-SDK driver script shares: the wire log, the SDK's initialisation and ``main``.

The drivers (``*_driver.py``) run as scripts, each in a fresh interpreter (the SDK keeps process-wide state), with this
directory first on ``sys.path``: they import this module as ``driver_base``. Importing it imports ``wire_log`` (which
wraps ``requests.Session.send``) before the SDK, so ``WIRE`` logs every HTTP request the SDK sends, in order.

``main`` runs a driver's scenario with the arguments

    [SCENARIO] CREDENTIALS_JSON WORK_DIR [ARGS_JSON]

(``SCENARIO`` when the driver has several, named in a dict). ``CREDENTIALS_JSON`` is the server's
``credentials.json``; the SDK's token store (``tokens.csv``), its metadata cache (``resources/``) and its log
(``sdk.log``) go to ``WORK_DIR``, and so does the report, ``result.json``: the scenario's findings, the stored
tokens, the cache's contents and the wire log.

It also holds what the drivers' scenarios share: the SDK's values as plain JSON (``jsonable``, ``plain``,
``answer``), an SDK answer as JSON (``outcome``, with readers built of ``error``, ``entry``, ``entries`` and
``records``), building a ``ParameterMap``, a ``Record`` or a records ``BodyWrapper`` (``parameters``, ``record``,
``body``) and ``RecordOperations`` on one module, whichever SDK version runs (``ModuleRecords``).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from sdk_values import Values, body_of, parameters_of, record_of

# before the SDK: importing wire_log installs the wire log
from wire_log import WIRE
from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zohocrmsdk.src.com.zoho.api.authenticator.store.file_store import FileStore
from zohocrmsdk.src.com.zoho.api.logger import Logger
from zohocrmsdk.src.com.zoho.crm.api.dc.data_center import DataCenter
from zohocrmsdk.src.com.zoho.crm.api.initializer import Initializer
from zohocrmsdk.src.com.zoho.crm.api.parameter_map import ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.record import BodyWrapper, Record, RecordOperations
from zohocrmsdk.src.com.zoho.crm.api.sdk_config import SDKConfig
from zohocrmsdk.src.com.zoho.crm.api.util import Choice

# A scenario gets the server's credentials and the report to fill (``args``, ``work`` and ``marks`` in it).
Scenario = Callable[[dict[str, str], dict[str, Any]], None]


def environment(base: str, accounts_url: str) -> DataCenter.Environment:
    """The SDK environment of the server at ``base``: its API, token and upload URLs (the 5.0 SDK also takes a free
    name, which 6.0 and later dropped)."""
    if "name" in DataCenter.Environment.__init__.__code__.co_varnames:
        return DataCenter.Environment(base, accounts_url, base, "zcrm")
    return DataCenter.Environment(base, accounts_url, base)  # type: ignore[call-arg]


def initialize(
    creds: dict[str, str],
    work: Path,
    token: OAuthToken | None = None,
    environment_: DataCenter.Environment | None = None,
) -> None:
    """Initialises the SDK on the server in ``creds`` with ``token`` (by default, the server's refresh token), in
    ``environment_`` (by default, the server's own base and accounts URLs)."""
    base = creds["base_url"]
    if token is None:
        token = OAuthToken(
            client_id=creds["client_id"],
            client_secret=creds["client_secret"],
            refresh_token=creds["refresh_token"],
        )
    Initializer.initialize(
        environment=environment_ or environment(base, creds["accounts_url"]),
        token=token,
        store=FileStore(str(work / "tokens.csv")),
        sdk_config=SDKConfig(auto_refresh_fields=False, pick_list_validation=True),
        resource_path=str(work),
        logger=Logger.get_instance(Logger.Levels.INFO, str(work / "sdk.log")),
    )


# the SDK's values as plain JSON (a key-value class such as ``Record`` tagged ``record``)
VALUES = Values(Choice, "zohocrmsdk.", lambda value: "record")
jsonable = VALUES.jsonable
plain = VALUES.plain


def answer(item: Any, details: Any = None) -> dict[str, Any]:
    """An SDK success or error entry (``SuccessResponse``, ``APIException``): code, status, message and details
    (``details`` in place of the entry's own)."""
    return {
        "code": plain(item.get_code()),
        "status": plain(item.get_status()),
        "message": plain(item.get_message()),
        "details": jsonable(item.get_details() if details is None else details),
    }


def error(exc: Any) -> dict[str, Any]:
    """What ``outcome`` reports of an ``APIException`` the SDK parsed: its ``answer`` as ``error``."""
    return {"error": answer(exc)}


def entry(item: Any, answered: type | tuple[type, ...], details: Any = None) -> dict[str, Any]:
    """An ``ActionWrapper``'s item: its class as ``kind``, with its ``answer`` (``details`` in place of its own) if
    it is one of those ``answered``."""
    return {"kind": type(item).__name__, **(answer(item, details) if isinstance(item, answered) else {})}


def entries(items: Iterable[Any], answered: type | tuple[type, ...]) -> list[dict[str, Any]]:
    """An ``ActionWrapper``'s items, each as ``entry``."""
    return [entry(item, answered) for item in items]


def records(items: Iterable[Any]) -> list[dict[str, Any]]:
    """Records the SDK parsed: each one's class, id and values."""
    return [
        {"class": type(r).__name__, "id": r.get_id(), "values": jsonable(r.get_key_values())} for r in items
    ]


Reader = Callable[[Any], dict[str, Any]]
EMPTY: dict[str, Any] = {"object": None}


def outcome(
    response: Any, readers: Mapping[type | tuple[type, ...], Reader], empty: dict[str, Any] = EMPTY
) -> dict[str, Any]:
    """An SDK ``APIResponse`` as JSON: its status code, ``object`` (the class name of what the SDK parsed) and what
    the first reader whose classes the object is an instance of reads from it; an answer without an object (a 204)
    is reported as the status code and ``empty``."""
    if response is None:
        return {"response": None}
    out: dict[str, Any] = {"status_code": response.get_status_code()}
    obj = response.get_object()
    if obj is None:
        return {**out, **empty}
    out["object"] = type(obj).__name__
    for kinds, read in readers.items():
        if isinstance(obj, kinds):
            out.update(read(obj))
            break
    return out


def parameters(names: type, **values: Any) -> ParameterMap:
    """A ``ParameterMap`` of ``values``, each under the parameter of ``names`` (a ``*Param`` class) it is named
    after."""
    made: ParameterMap = parameters_of(ParameterMap, names, **values)
    return made


def record(record_id: int | None = None, **values: Any) -> Record:
    """A ``Record`` with ``record_id`` (if given) and ``values``, added in order."""
    made: Record = record_of(Record, record_id, **values)
    return made


def body(*items: Record, check: list[str] | None = None) -> BodyWrapper:
    """A records ``BodyWrapper`` of ``items`` (with its duplicate check fields, if given)."""
    wrapper: BodyWrapper = body_of(BodyWrapper, items, check)
    return wrapper


class ModuleRecords:
    """``RecordOperations`` of one module, whichever SDK version is installed: 5.0 passes the module to every call
    (after the record id, if any), 6.0 and later to the constructor."""

    PER_MODULE = "module_api_name" in RecordOperations.__init__.__code__.co_varnames

    def __init__(self, module: str) -> None:
        self.module = module
        self.ops = RecordOperations(module) if self.PER_MODULE else RecordOperations()

    def _on_module(self, name: str, *args: Any) -> Any:
        method = getattr(self.ops, name)
        return method(*args) if self.PER_MODULE else method(self.module, *args)

    def _on_record(self, name: str, record_id: int, *args: Any) -> Any:
        method = getattr(self.ops, name)
        return method(record_id, *args) if self.PER_MODULE else method(record_id, self.module, *args)

    def create(self, body: BodyWrapper) -> Any:
        return self._on_module("create_records", body)

    def update(self, body: BodyWrapper) -> Any:
        return self._on_module("update_records", body)

    def upsert(self, body: BodyWrapper) -> Any:
        return self._on_module("upsert_records", body)

    def list(self, params: ParameterMap) -> Any:
        return self._on_module("get_records", params)

    def search(self, params: ParameterMap) -> Any:
        return self._on_module("search_records", params)

    def delete(self, params: ParameterMap) -> Any:
        return self._on_module("delete_records", params)

    def get(self, record_id: int, params: ParameterMap | None = None) -> Any:
        return self._on_record("get_record", record_id, params)

    def update_one(self, record_id: int, body: BodyWrapper) -> Any:
        return self._on_record("update_record", record_id, body)

    def delete_one(self, record_id: int) -> Any:
        return self._on_record("delete_record", record_id)


def mark(result: dict[str, Any], step: str) -> None:
    """Records where the next step's requests start in the wire log."""
    result.setdefault("marks", {})[step] = len(WIRE)


def stored_tokens(work: Path) -> str | None:
    """The SDK's token store (``tokens.csv``), if it wrote one."""
    tokens = work / "tokens.csv"
    return tokens.read_text() if tokens.exists() else None


def cache_modules(work: Path) -> dict[str, Any]:
    """The SDK's on-disk metadata cache: file names and, per file, the cached module keys."""
    resources = work / "resources"
    files = sorted(p.name for p in resources.glob("*.json")) if resources.exists() else []
    modules = {}
    for name in files:
        content = json.loads((resources / name).read_text())
        modules[name] = sorted(content)
    return {"files": files, "modules": modules}


def main(scenarios: Mapping[str, Scenario] | Scenario, *, initialized: bool = True) -> int:
    """Runs the scenario ``sys.argv`` names (or the only one) and writes ``WORK_DIR/result.json``.

    With ``initialized`` the SDK is first initialised with the server's refresh token (step ``initialize``);
    otherwise the scenario initialises it. A scenario that raises leaves ``ok`` false and its ``traceback``."""
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    argv = sys.argv[1:]
    name = None if callable(scenarios) else argv.pop(0)
    creds_path, work_dir = argv[:2]
    args = json.loads(argv[2]) if len(argv) > 2 else {}
    work = Path(work_dir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    creds = json.loads(Path(creds_path).read_text())
    result: dict[str, Any] = {"work": str(work), "args": args}
    if name is not None:
        result["scenario"] = name
    try:
        scenario = scenarios if callable(scenarios) else scenarios[str(name)]
        if initialized:
            mark(result, "initialize")
            initialize(creds, work)
            result["tokens_csv"] = stored_tokens(work)
        scenario(creds, result)
        result["ok"] = True
    except Exception:
        result["ok"] = False
        result["traceback"] = traceback.format_exc()
    result["cache"] = cache_modules(work)
    result["wire"] = WIRE
    (work / "result.json").write_text(json.dumps(result, indent=1, default=repr))
    return 0
