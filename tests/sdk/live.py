"""Running an SDK driver script (``*_driver.py``) against a live ``zcrm serve`` in a fresh interpreter (the SDK
keeps process-wide state) and reading its report, ``WORK_DIR/result.json``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import served


def run_driver(
    driver: Path,
    credentials: Path,
    work: Path,
    args: dict[str, Any],
    env: dict[str, str] | None = None,
    python: Path | None = None,
) -> dict[str, Any]:
    """Runs ``driver`` with the server's ``credentials.json`` and ``args`` (under ``python``, by default this
    interpreter; an SDK's own venv's: envs.py); returns its report, which must say ``ok`` (else the driver's
    traceback is the failure)."""
    command = [str(python or sys.executable), str(driver), str(credentials), str(work), json.dumps(args)]
    return report_of_run(command, work, cwd=work.parent, env=env)


def report_of_run(
    command: list[str], work: Path, *, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> dict[str, Any]:
    """Runs a driver ``command`` (Python or Node) in ``cwd``, with ``env`` over this process's environment and the
    live server's address never proxied; it must exit 0 (else its stderr is the failure). Returns its report,
    ``work/result.json``, which must say ``ok`` (else the driver's traceback is the failure)."""
    proc = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, "NO_PROXY": "127.0.0.1,localhost", **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stderr
    report: dict[str, Any] = json.loads((work / "result.json").read_text())
    assert report["ok"], report.get("traceback")
    return report


@contextmanager
def serving(root: Path) -> Iterator[tuple[httpx.Client, Path]]:
    """A live ``zcrm serve`` on a data dir under ``root``: a plain HTTP client authorised as its administrator, and
    the path of its ``credentials.json`` for ``run_driver``; the server stops on leaving."""
    data_dir = root / "live-data"
    with served(data_dir) as server:
        headers = {"Authorization": f"Zoho-oauthtoken {server.credentials['access_token']}"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=10) as http:
            yield http, data_dir / "credentials.json"


def report_of(
    tmp_path_factory: pytest.TempPathFactory, name: str, driver: Path, args: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``driver``'s report from a run with ``args`` against a fresh live server (in a new temporary dir ``name``)."""
    root = tmp_path_factory.mktemp(name)
    with serving(root) as (_, credentials):
        return run_driver(driver, credentials, root / "work", args or {})


def insert(http: httpx.Client, module: str, records: list[dict[str, Any]]) -> list[str]:
    """Inserts ``records`` into ``module`` over plain HTTP (all must be added); their ids."""
    made = http.post(f"/crm/v5/{module}", content=json.dumps({"data": records}))
    assert made.status_code == 201, made.text
    return [item["details"]["id"] for item in made.json()["data"]]


def success(message: str, details: dict[str, Any]) -> dict[str, Any]:
    """A ``SuccessResponse`` entry as the drivers report it."""
    return {
        "kind": "SuccessResponse",
        "code": "SUCCESS",
        "status": "success",
        "message": message,
        "details": details,
    }


def api_exception(code: str, message: str, details: dict[str, Any], *, kind: bool = False) -> dict[str, Any]:
    """An ``APIException`` the SDK parsed, as the drivers report it (with ``kind``: and its class, as the v2 and Node
    drivers add it)."""
    named = {"kind": "APIException"} if kind else {}
    return {**named, "code": code, "status": "error", "message": message, "details": details}


def refused(code: str, message: str, details: dict[str, Any], *, kind: bool = False) -> dict[str, Any]:
    """A step's outcome (``driver_base.outcome``) when the server refused it with 400 and the SDK parsed the
    ``APIException`` (``kind`` as for ``api_exception``)."""
    error = api_exception(code, message, details, kind=kind)
    return {"status_code": 400, "object": "APIException", "error": error}


def refusal(outcome: dict[str, Any]) -> dict[str, Any]:
    """The status code, object and error of a step's outcome, to compare with ``refused``."""
    return {key: outcome.get(key) for key in ("status_code", "object", "error")}


def in_step(report: dict[str, Any], step: str) -> list[dict[str, Any]]:
    """The requests the SDK sent during ``step`` of a driver's report (from its mark to the next one)."""
    marks = report["marks"]
    start = marks[step]
    end = min([m for m in marks.values() if m > start], default=len(report["wire"]))
    return list(report["wire"][start:end])


def the_request(report: dict[str, Any], step: str, path_end: str, keys: tuple[str, ...]) -> dict[str, Any]:
    """``keys`` of the one request the SDK sent during ``step`` to a path ending in ``path_end``."""
    [request] = [e for e in in_step(report, step) if e["path"].endswith(path_end)]
    return {key: request[key] for key in keys}
