"""What every official-SDK driver script shares: the wire log, the SDK's initialisation and ``main``.

The drivers (``sdk_driver.py``, ``sdk_update_driver.py``, ``sdk_scopes_driver.py``, ``notifications_driver.py``,
``timeline_driver.py``) run as scripts, each in a fresh interpreter (the SDK keeps process-wide state), with this
directory first on ``sys.path``: they import this module as ``driver_base``. Importing it wraps
``requests.Session.send`` before the SDK is imported, so ``WIRE`` logs every HTTP request the SDK sends, in order.

``main`` runs a driver's scenario with the arguments

    [SCENARIO] CREDENTIALS_JSON WORK_DIR [ARGS_JSON]

(``SCENARIO`` when the driver has several, named in a dict). ``CREDENTIALS_JSON`` is the server's
``credentials.json``; the SDK's token store (``tokens.csv``), its metadata cache (``resources/``) and its log
(``sdk.log``) go to ``WORK_DIR``, and so does the report, ``result.json``: the scenario's findings, the stored
tokens, the cache's contents and the wire log.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

WIRE: list[dict[str, Any]] = []
_send = requests.Session.send


def _logged_send(self: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> Any:
    parts = urlsplit(request.url or "")
    entry: dict[str, Any] = {
        "method": request.method,
        "path": parts.path,
        "query": {k: v[0] if len(v) == 1 else v for k, v in parse_qs(parts.query).items()},
    }
    body = request.body
    if body and (request.headers.get("Content-Type") or "").startswith("multipart/"):
        entry["multipart_bytes"] = len(body)  # an upload: its size, not its bytes
        body = None
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    if body and parts.path.startswith("/oauth/"):
        entry["form"] = {k: v[0] for k, v in parse_qs(body).items()}
    elif body:
        entry["json"] = json.loads(body)
    entry["content_type"] = request.headers.get("Content-Type")
    entry["authorization"] = request.headers.get("Authorization")
    WIRE.append(entry)
    response = _send(self, request, **kwargs)
    entry["status"] = response.status_code
    entry["response_type"] = response.headers.get("Content-Type")
    if response.content and "json" in (entry["response_type"] or ""):
        entry["response"] = json.loads(response.content)  # exact integers: Python's json keeps them
    return response


requests.Session.send = _logged_send  # type: ignore[method-assign]

from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken  # noqa: E402
from zohocrmsdk.src.com.zoho.api.authenticator.store.file_store import FileStore  # noqa: E402
from zohocrmsdk.src.com.zoho.api.logger import Logger  # noqa: E402
from zohocrmsdk.src.com.zoho.crm.api.dc.data_center import DataCenter  # noqa: E402
from zohocrmsdk.src.com.zoho.crm.api.initializer import Initializer  # noqa: E402
from zohocrmsdk.src.com.zoho.crm.api.sdk_config import SDKConfig  # noqa: E402

# A scenario gets the server's credentials and the report to fill (``args``, ``work`` and ``marks`` in it).
Scenario = Callable[[dict[str, str], dict[str, Any]], None]


def initialize(creds: dict[str, str], work: Path, token: OAuthToken | None = None) -> None:
    """Initialises the SDK on the server in ``creds`` with ``token`` (by default, the server's refresh token)."""
    base = creds["base_url"]
    if token is None:
        token = OAuthToken(
            client_id=creds["client_id"],
            client_secret=creds["client_secret"],
            refresh_token=creds["refresh_token"],
        )
    Initializer.initialize(
        environment=DataCenter.Environment(base, creds["accounts_url"], base, "zcrm"),
        token=token,
        store=FileStore(str(work / "tokens.csv")),
        sdk_config=SDKConfig(auto_refresh_fields=False, pick_list_validation=True),
        resource_path=str(work),
        logger=Logger.get_instance(Logger.Levels.INFO, str(work / "sdk.log")),
    )


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
