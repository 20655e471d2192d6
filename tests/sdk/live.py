"""Running an SDK driver script (``*_driver.py``) against a live ``zcrm serve`` in a fresh interpreter (the SDK
keeps process-wide state) and reading its report, ``WORK_DIR/result.json``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def run_driver(
    driver: Path, credentials: Path, work: Path, args: dict[str, Any], env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Runs ``driver`` with the server's ``credentials.json`` and ``args``; returns its report, which must say
    ``ok`` (else the driver's traceback is the failure)."""
    proc = subprocess.run(
        [sys.executable, str(driver), str(credentials), str(work), json.dumps(args)],
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
