"""Each official Python SDK in its own virtual environment, created on first use and cached between runs.

Several of Zoho's SDKs share a top-level package (``zcrmsdk`` for the v2 and v2.1 SDKs, ``zohocrmsdk`` for v5 to
v8), so each one gets a venv of its own under ``<this venv>/sdk-envs/`` (``make clean`` removes it with the rest of
``.venv``). A venv is built once, under a file lock (the suite runs in parallel), into a temporary directory that is
renamed into place when its install succeeded: a half-built venv is never used. The drivers run with the venv's
interpreter (``python_of``); they need only the SDK and ``requests``, which every SDK depends on.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import sys
from pathlib import Path

from zcrm.sdks import PYTHON_SDKS, PythonSdk, cache_root

__all__ = ["PYTHON_SDKS", "PythonSdk", "python_of"]


def python_of(sdk: PythonSdk) -> Path:
    """The interpreter of ``sdk``'s venv, built (once, under a lock) when it is missing."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    home = root / f"{sdk.distribution}-{sdk.version}"
    python = home / "bin" / "python"
    if python.exists():
        return python
    with open(root / f"{home.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if python.exists():  # another worker built it while this one waited
            return python
        building = root / f"{home.name}.building"
        shutil.rmtree(building, ignore_errors=True)
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", str(building)], check=True, capture_output=True)
        install = subprocess.run(
            [
                str(building / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                sdk.requirement,
            ],
            capture_output=True,
            text=True,
        )
        if install.returncode != 0:
            shutil.rmtree(building, ignore_errors=True)
            raise RuntimeError(f"pip install {sdk.requirement} failed:\n{install.stdout}\n{install.stderr}")
        building.rename(home)  # a venv's scripts name its path: fix them after the move
        _relocate(building, home)
    return python


def _relocate(old: Path, new: Path) -> None:
    """Rewrites the venv's own path in its config and scripts after it moved from ``old`` to ``new``."""
    for path in [new / "pyvenv.cfg", *(new / "bin").iterdir()]:
        if path.is_symlink() or not path.is_file():
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        if str(old) in text:
            path.write_text(text.replace(str(old), str(new)))
