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

from tests.conftest import LiveServer


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
    proc = subprocess.run(
        [str(python or sys.executable), str(driver), str(credentials), str(work), json.dumps(args)],
        cwd=work.parent,
        env={**os.environ, "NO_PROXY": "127.0.0.1,localhost", **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
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
    data_dir.mkdir()
    server = LiveServer(data_dir)
    server.start()
    try:
        headers = {"Authorization": f"Zoho-oauthtoken {server.credentials['access_token']}"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=10) as http:
            yield http, data_dir / "credentials.json"
    finally:
        server.stop()


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


def api_exception(code: str, message: str, details: dict[str, Any]) -> dict[str, Any]:
    """An ``APIException`` the SDK parsed, as the drivers report it (the v2 and Node drivers add its class as
    ``kind``)."""
    return {"code": code, "status": "error", "message": message, "details": details}


def refused(code: str, message: str, details: dict[str, Any]) -> dict[str, Any]:
    """A step's outcome (``driver_base.outcome``) when the server refused it with 400 and the SDK parsed the
    ``APIException``."""
    return {"status_code": 400, "object": "APIException", "error": api_exception(code, message, details)}


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
