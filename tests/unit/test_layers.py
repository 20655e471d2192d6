"""The layers' import rules (docs/architecture.md): HTTP adapters, the CLI and the after-commit runtime reach the
store only through the services of ``zcrm.service``, and services know nothing of HTTP."""

from __future__ import annotations

import ast
from pathlib import Path

import zcrm

SRC = Path(zcrm.__file__).parent
# http/ modules that still import the store (their units of work have not moved to services yet): none left
STORE_IN_HTTP: set[str] = set()


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports (``from a import b`` counts as ``a`` and ``a.b``), at any depth."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _touches(path: Path, package: str) -> bool:
    return any(name == package or name.startswith(package + ".") for name in _imports(path))


def test_http_modules_reach_the_store_through_services() -> None:
    leaking = [
        str(path.relative_to(SRC))
        for path in sorted((SRC / "http").rglob("*.py"))
        if path.relative_to(SRC / "http").as_posix() not in STORE_IN_HTTP and _touches(path, "zcrm.store")
    ]
    assert leaking == []


def test_cli_reaches_the_store_through_services() -> None:
    leaking = [
        str(p.relative_to(SRC)) for p in sorted((SRC / "cli").rglob("*.py")) if _touches(p, "zcrm.store")
    ]
    assert leaking == []


def test_the_runtime_reaches_the_store_through_services() -> None:
    runtime = sorted((SRC / "runtime").rglob("*.py"))
    assert len(runtime) >= 4  # the function runner, its pool and worker, the webhook deliverer
    assert [str(p.relative_to(SRC)) for p in runtime if _touches(p, "zcrm.store")] == []


def test_services_know_nothing_of_http() -> None:
    services = sorted((SRC / "service").rglob("*.py"))
    assert services
    for path in services:
        assert not _touches(path, "zcrm.http"), path
        assert not _touches(path, "starlette"), path
