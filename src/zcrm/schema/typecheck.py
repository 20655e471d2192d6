"""Whether a loaded org schema holds values of the types its dataclasses declare; no I/O.

An org's metadata is stored as JSON definitions and read into ``OrgSchema`` without checks (``store/orgs.py``): org
files are checked when they are read, and a snapshot's rows are checked for shape (``schema/snapshot.py``), but a
snapshot's definitions are imported as they are. ``problems`` walks the loaded schema and names every value whose
type is not the declared one (a field's ``length`` of ``"x"``, a user's ``time_zone`` of ``7``), so that the import
refuses such a snapshot instead of the org answering 500 later.
"""

from __future__ import annotations

import dataclasses
import re
import types
from collections.abc import Iterator
from functools import cache
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints


@cache
def _hints(cls: type) -> dict[str, Any]:
    """The declared types of a dataclass's own values (not the lookup maps it derives: ``compare=False``)."""
    hints = get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls) if f.compare}


def _fits(value: Any, hint: Any) -> bool:
    if hint is Any:
        return True
    if hint is type(None):
        return value is None
    origin = get_origin(hint)
    args = get_args(hint)
    if origin in (Union, types.UnionType):
        return any(_fits(value, arg) for arg in args)
    if origin is Literal:
        return value in args
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return isinstance(value, tuple) and all(_fits(v, args[0]) for v in value)
        return isinstance(value, tuple) and len(value) == len(args) and all(map(_fits, value, args))
    if origin in (frozenset, list, set):
        return isinstance(value, origin) and all(_fits(v, args[0]) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(
            _fits(k, args[0]) and _fits(v, args[1]) for k, v in value.items()
        )
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, hint) if isinstance(hint, type) else True


def _name(item: Any, index: int) -> str:
    """``[Leads]`` (an API name), ``[4876876000000000011]`` (an id), else ``[3]``."""
    for attr in ("api_name", "id"):
        key = getattr(item, attr, None)
        if isinstance(key, str):
            return f"[{key}]"
    return f"[{index}]"


def problems(obj: Any, at: str = "") -> Iterator[str]:
    """``where: expected type`` for every value of ``obj`` (a dataclass, walked through its dataclasses, tuples of
    dataclasses included) that does not fit its declared type."""
    cls: type = type(obj)
    for name, hint in _hints(cls).items():
        value = getattr(obj, name)
        where = f"{at}.{name}" if at else name
        if not _fits(value, hint):
            yield f"{where} is not {_describe(hint)}"
            continue
        if dataclasses.is_dataclass(value):
            yield from problems(value, where)
        elif isinstance(value, tuple):
            for index, item in enumerate(value):
                if dataclasses.is_dataclass(item):
                    yield from problems(item, f"{where}{_name(item, index)}")


def _describe(hint: Any) -> str:
    """``str``, ``int | None``, ``tuple[PicklistValue, ...]``: the type as the model spells it."""
    if isinstance(hint, type):
        return hint.__name__
    return re.sub(r"\b(?:typing|zcrm\.[\w.]+)\.", "", str(hint))
