"""docs/coverage.md: which of Zoho CRM's v5 endpoints zcrm implements, from the route table.

The catalogue of Zoho's endpoints is read, without importing it, from the official Python SDK (``zohocrmsdk``,
the test extra): every ``*_operations.py`` method builds ``api_path`` from string literals and ``str(<param>)``
and sets ``http_method``. Each (method, path template) is resolved against ``http/routes.py``: a literal matches
a literal, an SDK parameter matches a route parameter, and an SDK literal fills a route's module parameter when
it names an API-supported module of the standard org (``/crm/v5/Notes`` is served by ``/crm/v5/{module}``).

    .venv/bin/python -m zcrm.http.coverage            # rewrite docs/coverage.md
    .venv/bin/python -m zcrm.http.coverage --check    # exit 1 when it is out of date
"""

from __future__ import annotations

import ast
import fcntl
import importlib.metadata
import importlib.util
import json
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from zcrm import generated_doc, versions
from zcrm.http.matcher import Param, Route
from zcrm.http.routes import ROUTES
from zcrm.schema.model import Field, LinkSpec, Module
from zcrm.schema.orgfile import normalise, read_org_file
from zcrm.schema.related import related_lists
from zcrm.sdks import PYTHON_SDKS, PythonSdk, cache_root
from zcrm.versions import CANONICAL

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
SDK_VERSION = PYTHON_SDKS[CANONICAL].label
# how the SDK spells a module parameter, and the spelling used here
MODULE_NAMES = frozenset({"module_api_name", "module_name", "modulename", "module"})
DOC = Path("docs/coverage.md")


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One SDK operation: its HTTP method, its path template and where the SDK defines it."""

    method: str
    template: str
    operation: str  # <package>.<function>, e.g. record.get_record


def sdk_root(sdk: PythonSdk | None = None) -> Path:
    """An SDK's ``com/zoho/crm/api`` directory (found, not imported): the installed package when this environment
    has that SDK at its pinned version (the v5 SDK of the test extra), else the SDK's wheel from PyPI unpacked once
    into ``sdks.cache_root()/sources``."""
    sdk = sdk or PYTHON_SDKS[CANONICAL]
    try:
        installed = importlib.metadata.version(sdk.distribution)
    except importlib.metadata.PackageNotFoundError:
        installed = None
    spec = importlib.util.find_spec(sdk.package) if installed == sdk.version else None
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))) / "src" / "com" / "zoho" / "crm" / "api"
    return _unpacked(sdk) / sdk.package / "src" / "com" / "zoho" / "crm" / "api"


def _unpacked(sdk: PythonSdk) -> Path:
    """The SDK's wheel downloaded (``pip download``) and its operations modules unpacked, once, under a lock."""
    root = cache_root() / "sources"
    home = root / f"{sdk.distribution}-{sdk.version}"
    if home.exists():
        return home
    root.mkdir(parents=True, exist_ok=True)
    with open(root / f"{home.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if home.exists():
            return home
        with tempfile.TemporaryDirectory(dir=root) as tmp:
            fetched = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--quiet",
                    "--no-deps",
                    "--disable-pip-version-check",
                    "--only-binary",
                    ":all:",
                    "--dest",
                    tmp,
                    sdk.requirement,
                ],
                capture_output=True,
                text=True,
            )
            if fetched.returncode != 0:
                raise SystemExit(f"cannot download {sdk.requirement}: {fetched.stderr.strip()}")
            [wheel] = Path(tmp).glob("*.whl")
            unpacked = Path(tmp) / "unpacked"
            with zipfile.ZipFile(wheel) as archive:
                for name in archive.namelist():
                    if name.startswith(f"{sdk.package}/") and name.endswith("_operations.py"):
                        archive.extract(name, unpacked)
            unpacked.rename(home)
    return home


def _piece(node: ast.expr) -> str | None:
    """A piece of ``api_path``: a literal, or ``str(name)`` / ``str(self.__name)`` as ``{name}``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str" and node.args:
        arg = node.args[0]
        name = arg.id if isinstance(arg, ast.Name) else arg.attr if isinstance(arg, ast.Attribute) else None
        if name is not None:
            name = name.lstrip("_")
            return "{" + ("module" if name in MODULE_NAMES else name) + "}"
    return None


def _function_endpoint(package: str, function: ast.FunctionDef) -> Endpoint | None:
    pieces: list[str] | None = None
    method = None
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["api_path"]:
            value = node.value
            if isinstance(value, ast.Constant):
                pieces = [str(value.value)]
            elif isinstance(value, ast.BinOp) and pieces is not None:
                piece = _piece(value.right)
                if piece is None:
                    raise ValueError(
                        f"{package}.{function.name}: unknown api_path piece {ast.dump(value.right)}"
                    )
                pieces.append(piece)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "set_http_method"
            and isinstance(node.args[0], ast.Attribute)
        ):
            method = node.args[0].attr.removeprefix("REQUEST_METHOD_")
    if pieces is None or method is None:
        return None
    return Endpoint(method, "".join(pieces), f"{package}.{function.name}")


def catalogue(root: Path) -> list[Endpoint]:
    """Every endpoint the SDK's operations classes call, parsed statically."""
    found: list[Endpoint] = []
    for path in sorted(root.glob("*/*_operations.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
            for function in (n for n in cls.body if isinstance(n, ast.FunctionDef)):
                endpoint = _function_endpoint(path.parent.name, function)
                if endpoint is not None:
                    found.append(endpoint)
    return found


def standard_modules() -> frozenset[str]:
    """The API-supported modules of the standard org (the org every fresh zcrm starts with)."""
    text = resources.files("zcrm.schema").joinpath("standard/org.json").read_text(encoding="utf-8")
    modules = json.loads(text)["modules"]
    return frozenset(m["api_name"] for m in modules if m.get("api_supported", True))


def standard_related_lists() -> dict[str, frozenset[str]]:
    """The API names of each standard-org module's related lists (zoho-v5-related.md §2.3), by module."""
    raw_modules = normalise(read_org_file(None))["modules"]
    modules = [
        Module(
            id=f"{index:019d}",
            api_name=m["api_name"],
            singular_label=m["singular_label"],
            plural_label=m["plural_label"],
            generated_type=m["generated_type"],
            api_supported=m["api_supported"],
            scope_name=m["scope_name"],
            sequence=index,
            display_field=tuple(m["display_field"]),
            fields=tuple(
                Field(
                    id="0",
                    api_name=f["api_name"],
                    field_label=f["field_label"],
                    data_type=f["data_type"],
                    custom_field=f["custom_field"],
                    lookup_module=f["lookup_module"],
                    link=LinkSpec(**f["link"]) if f["link"] else None,
                )
                for f in m["fields"]
            ),
            layouts=(),
        )
        for index, m in enumerate(raw_modules, 1)
    ]
    return {m.api_name: frozenset(r.api_name for r in related_lists(modules, m)) for m in modules}


def _shape(template: str) -> tuple[str, ...]:
    """A template with its parameters' names dropped: templates that differ only in names are one endpoint."""
    return tuple("{}" if s.startswith("{") else s for s in template.split("/"))


@dataclass(frozen=True, slots=True)
class Row:
    method: str
    template: str
    operations: tuple[str, ...]
    route: Route[Any] | None  # the zcrm route serving it, when it has the method
    note: str = ""


def resolve(
    method: str,
    template: str,
    routes: Sequence[Route[Any]],
    modules: frozenset[str],
    lists: dict[str, frozenset[str]] | None = None,
) -> Row:
    """The zcrm route that serves an SDK endpoint, by segment, literals before parameters. A literal in a related
    list's place is served when it names a related list of the module (of any module, for a module parameter)
    in ``lists``."""
    if not template.startswith("/"):
        return Row(method, template, (), None, "another host")
    version, canonical = versions.split(template)  # every version is served by the v5 route table
    segments = canonical[1:].split("/")
    best: tuple[int, Route[Any], str] | None = None
    unknown_module = ""
    for route in routes:
        if len(route.segments) != len(segments):
            continue
        literals = 0
        named_list = ""  # a literal where the route takes a related list's name that no such module has
        module_name = ""
        for want, have in zip(segments, route.segments, strict=True):
            if isinstance(have, str):
                if want != have:
                    break
                literals += 1
            elif want.startswith("{"):
                continue
            elif isinstance(have, Param) and have.name == "related_list" and have.accepts(want):
                if not _has_list(lists or {}, module_name, want):
                    named_list = want
            elif not (isinstance(have, Param) and have.module and have.accepts(want)):
                break
            elif want not in modules:
                unknown_module = want
                break
            else:
                module_name = want
        else:
            if best is None or literals > best[0]:
                best = (literals, route, named_list)
    if best is None:
        note = f"`{unknown_module}` is not a module of the standard org" if unknown_module else ""
        return Row(method, template, (), None, note)
    route = best[1]
    if route.template in version.missing_routes:
        return Row(method, template, (), None, f"not in {version}")
    if best[2]:  # the related-records route answers it as an unknown related list (zoho-v5-related.md §1.3)
        return Row(method, template, (), None, f"`{best[2]}` is not a related list zcrm has")
    if method not in route.operations:
        return Row(method, template, (), None, f"zcrm serves {', '.join(route.operations)} on this path")
    return Row(method, template, (), route)


def _has_list(lists: dict[str, frozenset[str]], module: str, name: str) -> bool:
    """Whether ``module`` (any module when empty: a module parameter) has the related list ``name``."""
    if module:
        return name in lists.get(module, frozenset())
    return any(name in names for names in lists.values())


def rows(
    endpoints: Iterable[Endpoint],
    routes: Sequence[Route[Any]],
    modules: frozenset[str],
    lists: dict[str, frozenset[str]] | None = None,
) -> list[Row]:
    """One row per (method, path shape), the SDK's operations merged, the shortest spelling of the path shown."""
    groups: dict[tuple[str, tuple[str, ...]], list[Endpoint]] = {}
    for endpoint in endpoints:
        if endpoint.template.startswith("/{"):
            continue  # a download URL the API answered with, not a path of its own
        groups.setdefault((endpoint.method, _shape(endpoint.template)), []).append(endpoint)
    result = []
    for (method, _), group in groups.items():
        template = min((e.template for e in group), key=lambda t: (len(t), t))
        row = resolve(method, template, routes, modules, lists)
        operations = tuple(sorted({e.operation for e in group}))
        result.append(Row(method, template, operations, row.route, row.note))
    result.sort(key=lambda r: (_shape(r.template), METHODS.index(r.method)))
    return result


def _served(
    routes: Sequence[Route[Any]], covered: set[tuple[str, str]], tag: str
) -> list[tuple[str, str, str]]:
    return [
        (method, route.template, operation.summary)
        for route in routes
        if route.tag == tag
        for method, operation in route.operations.items()
        if (method, route.template) not in covered
    ]


def _table(table: Sequence[Row]) -> list[str]:
    lines = ["| method | path | SDK operation | zcrm |", "|---|---|---|---|"]
    for row in table:
        if row.route is not None:
            cell = "yes" if row.route.template == row.template else f"yes: `{row.route.template}`"
        else:
            cell = f"no ({row.note})" if row.note else "no"
        ops = ", ".join(f"`{o}`" for o in row.operations)
        lines.append(f"| {row.method} | `{row.template}` | {ops} | {cell} |")
    return lines


def _served_count(table: Sequence[Row]) -> int:
    return sum(r.route is not None for r in table)


def render(
    catalogues: Sequence[tuple[PythonSdk, Sequence[Endpoint]]],
    routes: Sequence[Route[Any]],
    modules: frozenset[str],
    lists: dict[str, frozenset[str]] | None = None,
) -> str:
    """The page: a summary per SDK, the v5 SDK's endpoints in full, then each other SDK's."""
    tables = {sdk.api: rows(endpoints, routes, modules, lists) for sdk, endpoints in catalogues}
    main_table = tables[CANONICAL]
    covered = {(r.method, r.route.template) for r in main_table if r.route is not None}
    others = [sdk for sdk, _ in catalogues if sdk.api != CANONICAL]
    lines = [
        "# Coverage of Zoho CRM's API",
        "",
        "<!-- Generated by `.venv/bin/python -m zcrm.http.coverage` from the route table (src/zcrm/http/routes.py)",
        "     and Zoho's official Python SDKs (src/zcrm/sdks.py). Do not edit by hand. -->",
        "",
        "Which of the endpoints that Zoho's official Python SDKs call zcrm implements: every `*_operations.py` of "
        "each SDK, read statically. Every API version (`/crm/v2` to `/crm/v8`) is served by the same route table, "
        "whose templates name v5 ([api-versions.md](api-versions.md)). Endpoints that differ only in the names of "
        "their path parameters are one row. A path zcrm does not serve answers 404 `INVALID_URL_PATTERN`, and a "
        "path it serves with another method 400 `INVALID_REQUEST_METHOD`, as Zoho does; both are kept in the "
        "[request log](control-plane.md#request-log). Module paths such as `/crm/v5/Notes` are served by "
        "`/crm/v5/{module}` when the org has the module. The same route table makes the OpenAPI document "
        "`GET /__zcrm/openapi.json` ([control-plane.md](control-plane.md#openapi-document)).",
        "",
        "| SDK | API version | endpoints | zcrm serves |",
        "|---|---|---|---|",
        *(
            f"| {sdk.label} | `{sdk.api}` | {len(tables[sdk.api])} | {_served_count(tables[sdk.api])} |"
            for sdk, _ in catalogues
        ),
        "",
        f"## {PYTHON_SDKS[CANONICAL].label} (`/crm/{CANONICAL}`)",
        "",
        f"zcrm implements **{_served_count(main_table)} of the {len(main_table)}** endpoints that "
        f"{SDK_VERSION} calls.",
        "",
        *_table(main_table),
        "",
        "The SDKs also download bulk-write results and backups from URLs the API answers with; they are not "
        "paths of their own and are left out.",
        "",
        "## Zoho endpoints zcrm serves that the v5 SDK does not call",
        "",
        "| method | path | does |",
        "|---|---|---|",
        *(f"| {m} | `{t}` | {s} |" for m, t, s in _served(routes, covered, "zoho")),
        "",
    ]
    for sdk in others:
        table = tables[sdk.api]
        lines += [
            f"## {sdk.label} (`/crm/{sdk.api}`)",
            "",
            f"zcrm implements **{_served_count(table)} of the {len(table)}** endpoints that {sdk.label} calls.",
            "",
            *_table(table),
            "",
        ]
    lines += [
        "## zcrm's own endpoints (`/__zcrm/`)",
        "",
        "The control plane ([control-plane.md](control-plane.md)).",
        "",
        "| method | path | does |",
        "|---|---|---|",
        *(f"| {m} | `{t}` | {s} |" for m, t, s in _served(routes, set(), "zcrm")),
        "",
    ]
    return "\n".join(lines)


def generate() -> str:
    catalogues = [(sdk, catalogue(sdk_root(sdk))) for sdk in PYTHON_SDKS.values()]
    return render(catalogues, ROUTES, standard_modules(), standard_related_lists())


def main(argv: Sequence[str] | None = None) -> int:
    return generated_doc.main(
        argv, module="zcrm.http.coverage", doc=DOC, description=__doc__.splitlines()[0], render=generate
    )


if __name__ == "__main__":
    raise SystemExit(main())
