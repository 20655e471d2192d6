"""Who may bring Python into an org (docs/automation.md, "Who installs functions").

A function's source is the server operator's configuration, like the org file: it enters an org only from the org
file (at start, ``zcrm org …`` commands on the host) and from requests made with the server admin token. An org
administrator may name the installed functions in workflow rules; a request of theirs that gives code (a
``functions`` entry, an action's ``source`` or ``handler``, a snapshot's functions) is refused with 403
``NO_PERMISSION`` before any of it is compiled or stored, unless every piece of it is installed already, exactly
(then it changes nothing). Nothing here knows about SQL.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from zcrm.automation.functions import FunctionLoadError, Installed, check
from zcrm.errors import MSG_INVALID_DATA, InvalidData, NoPermission
from zcrm.schema.snapshot import Snapshot

SOURCE_REFUSED = (
    "Python function source is the server operator's configuration: install functions with the server admin "
    "token or the org file"
)
CONFLICT = "the snapshot gives two different functions of one name"
NOT_INSTALLED = "the snapshot's workflow rule names a function it does not hold"


def refused() -> NoPermission:
    return NoPermission(SOURCE_REFUSED, {"permissions": ["server_administrator"]})


def _given(entry: Mapping[str, Any], name: Any) -> tuple[Any, Any, Any]:
    """(name, source, handler) of a function given with its code."""
    return name, entry.get("source"), entry.get("handler") or name


def _rules_body_code(body: Any) -> Iterator[tuple[Any, Any, Any]]:
    """Every function a workflow-rules body gives with its code: its ``functions`` entries (a ``file`` counts as
    code) and the actions that carry ``source`` or ``handler``."""
    if not isinstance(body, dict):
        return
    functions = body.get("functions")
    if isinstance(functions, list):
        for entry in functions:
            if isinstance(entry, dict) and ("file" in entry or "source" in entry or "handler" in entry):
                yield (None, None, None) if "file" in entry else _given(entry, entry.get("name"))
    rules = body.get("workflow_rules")
    for rule in rules if isinstance(rules, list) else []:
        actions = rule.get("actions") if isinstance(rule, dict) else None
        for action in actions if isinstance(actions, list) else []:
            if isinstance(action, dict) and ("source" in action or "handler" in action):
                yield _given(action, action.get("function"))


def _is_installed(given: tuple[Any, Any, Any], installed: Mapping[str, Installed]) -> bool:
    name, source, handler = given
    found = installed.get(name) if isinstance(name, str) else None
    return found is not None and (found.source, found.handler) == (source, handler)


def check_rules_body(body: Any, installed: Mapping[str, Installed]) -> None:
    """An org administrator's workflow-rules body: 403 when it gives code that is not installed as it is."""
    if not all(_is_installed(given, installed) for given in _rules_body_code(body)):
        raise refused()


def _function_actions(snapshot: Snapshot) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """(module row, JSON path, action) of every function action of the snapshot's workflow rules."""
    for index, row in enumerate(snapshot.tables["modules"]):
        rules = row["definition"].get("workflow_rules")
        for r_index, rule in enumerate(rules if isinstance(rules, list) else []):
            actions = rule.get("actions") if isinstance(rule, dict) else None
            for a_index, action in enumerate(actions if isinstance(actions, list) else []):
                if isinstance(action, dict) and action.get("type") == "function":
                    path = f"$.modules[{index}].definition.workflow_rules[{r_index}].actions[{a_index}]"
                    yield index, path, action


def _snapshot_code(snapshot: Snapshot) -> dict[str, tuple[Installed, str]]:
    """The functions a snapshot gives with their code, with the JSON path of their source: its ``functions``
    rows, and the code inline in its rules' actions (snapshots made before functions were installed by name)."""
    given = {
        row["name"]: (Installed(row["name"], row["handler"], row["source"]), f"$.functions[{index}].source")
        for index, row in enumerate(snapshot.tables["functions"])
    }
    for _index, path, action in _function_actions(snapshot):
        if "source" in action or "handler" in action:
            name, source, handler = _given(action, action.get("function"))
            if not all(isinstance(v, str) for v in (name, source, handler)):
                raise InvalidData(MSG_INVALID_DATA, {"api_name": "snapshot", "json_path": path})
            function = Installed(name, handler, source)
            if given.setdefault(name, (function, f"{path}.source"))[0] != function:
                raise InvalidData(CONFLICT, {"api_name": "snapshot", "json_path": f"{path}.source"})
    return given


def check_snapshot(snapshot: Snapshot, installed: Mapping[str, Installed]) -> None:
    """An org administrator's snapshot import: 403 when it gives code that is not installed as it is."""
    if any(installed.get(name) != function for name, (function, _) in _snapshot_code(snapshot).items()):
        raise refused()


def resolve(
    snapshot: Snapshot, functions: Mapping[str, Installed] | None = None
) -> tuple[Snapshot, dict[str, Installed]]:
    """The snapshot with its rules' actions naming their function only, and the functions it gives (their
    sources compiled and checked, never run). Its actions must name those functions, or with ``functions`` (an
    org that keeps its installed functions) these."""
    given = _snapshot_code(snapshot)
    if functions is None:
        for function, path in given.values():
            try:
                check(function.source, function.handler, f"<zcrm function {function.name}>")
            except FunctionLoadError as exc:
                raise InvalidData(str(exc), {"api_name": "snapshot", "json_path": path}) from None
    names = given if functions is None else functions
    modules = [dict(row) for row in snapshot.tables["modules"]]
    inline: set[int] = set()
    for index, path, action in _function_actions(snapshot):
        if action.get("function") not in names:
            raise InvalidData(NOT_INSTALLED, {"api_name": "snapshot", "json_path": f"{path}.function"})
        if "source" in action or "handler" in action:
            inline.add(index)
    for index in inline:  # a copy: the document itself may be stored as a seed
        definition = modules[index]["definition"] = copy.deepcopy(modules[index]["definition"])
        for rule in definition["workflow_rules"]:
            for action in rule["actions"]:
                if isinstance(action, dict) and action.get("type") == "function":
                    action.pop("source", None)
                    action.pop("handler", None)
    brought = {name: function for name, (function, _) in given.items()}
    rows = [{"name": f.name, "handler": f.handler, "source": f.source} for f in brought.values()]
    return Snapshot(snapshot.org, {**snapshot.tables, "modules": modules, "functions": rows}), brought
