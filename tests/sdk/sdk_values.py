"""What the Python SDK drivers share that does not depend on which SDK package is installed: an SDK's values as plain
JSON (``Values``, built with the package's ``Choice``), building a ``Record``, a ``ParameterMap`` or a records
``BodyWrapper`` of the package's classes, and a records answer's paging ``Info``.

It imports no SDK: ``driver_base.py`` (``zohocrmsdk``, the v5 to v8 SDKs) and ``flows_v2_driver.py`` (``zcrmsdk``, the
v2 and v2.1 SDKs, whose venv has no ``zohocrmsdk``) both import it and pass their own classes in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any


class Values:
    """One SDK package's values as plain JSON: its ``choice`` class (``Choice``) unwrapped or tagged, the
    key-value classes (``Record``, ``User``, ...) tagged by ``tagged`` (a function of the value), and the package's
    other classes (``package``: the module prefix) by the ``id``, ``name`` and ``email`` they have."""

    def __init__(self, choice: type, package: str, tagged: Callable[[Any], str]) -> None:
        self.choice = choice
        self.package = package
        self.tagged = tagged

    def jsonable(self, value: Any) -> Any:
        """SDK values (Choice, Record, dates, ...) as plain JSON, tagged so the test can check the Python types."""
        if isinstance(value, self.choice):
            return {"choice": self.jsonable(value.get_value())}
        if isinstance(value, dt.datetime):
            return {"datetime": value.isoformat()}
        if isinstance(value, dt.date):
            return {"date": value.isoformat()}
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, dict):
            return {str(k): self.jsonable(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.jsonable(v) for v in value]
        if hasattr(value, "get_key_values"):  # Record, User and other key-value classes (lookups, rows)
            return {self.tagged(value): {k: self.jsonable(v) for k, v in value.get_key_values().items()}}
        if type(value).__module__.startswith(self.package):  # MinifiedUser, Layouts, ...
            getters = ("id", "name", "email")
            out = {
                n: self.jsonable(getattr(value, f"get_{n}")()) for n in getters if hasattr(value, f"get_{n}")
            }
            return {type(value).__name__: out}
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        return {"repr": repr(value), "type": type(value).__name__}

    def plain(self, value: Any) -> Any:
        """The SDK wraps codes, statuses and messages in Choice; unwraps them."""
        return value.get_value() if isinstance(value, self.choice) else value


def record_of(record_class: type, record_id: int | None = None, **values: Any) -> Any:
    """A ``record_class`` (``Record``) with ``record_id`` (if given) and ``values``, added in order."""
    out = record_class()
    if record_id is not None:
        out.set_id(record_id)
    for name, value in values.items():
        out.add_key_value(name, value)
    return out


def parameters_of(map_class: type, names: type, **values: Any) -> Any:
    """A ``map_class`` (``ParameterMap``) of ``values``, each under the parameter of ``names`` (a ``*Param`` class)
    it is named after."""
    out = map_class()
    for name, value in values.items():
        out.add(getattr(names, name), value)
    return out


def body_of(
    wrapper_class: type,
    items: Iterable[Any],
    check: list[str] | None = None,
    trigger: list[str] | None = None,
) -> Any:
    """A ``wrapper_class`` (the records ``BodyWrapper``) of ``items``, with its duplicate check fields and triggers
    if given."""
    wrapper = wrapper_class()
    wrapper.set_data(list(items))
    if check is not None:
        wrapper.set_duplicate_check_fields(check)
    if trigger is not None:
        wrapper.set_trigger(trigger)
    return wrapper


def paging(info: Any) -> dict[str, Any] | None:
    """A records answer's ``Info``: count, more records, page and page size (None without one)."""
    if info is None:
        return None
    return {name: getattr(info, f"get_{name}")() for name in ("count", "more_records", "page", "per_page")}
