"""Seed files (``zcrm seed``): records to insert, read from JSON, YAML or CSV text; no I/O.

- JSON and YAML: a list of records, or ``{"data": [...]}`` as the Insert Records API takes it.
- CSV: a header row of field API names, then one record per row. An empty cell leaves the field out. Cells are
  strings (the Insert Records API takes numbers as strings too), except: ``boolean`` fields take ``true`` /
  ``false`` (any case), ``multiselectpicklist`` fields take values separated by ``;``, and a cell of any other
  non-text field that holds a JSON object or array (a lookup ``{"id": "…"}``, subform rows, …) is that JSON.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import yaml

from zcrm.schema.model import Module

TEXT_TYPES = frozenset({"text", "textarea", "email", "phone", "website", "picklist", "mediumtext"})
SUFFIXES = (".json", ".yaml", ".yml", ".csv")


class SeedFileError(ValueError):
    """A file that holds no records in a form ``zcrm seed`` reads."""


def _records(loaded: Any) -> list[Any]:
    if isinstance(loaded, dict) and set(loaded) == {"data"}:
        loaded = loaded["data"]
    if not isinstance(loaded, list):
        raise SeedFileError('expected a list of records or {"data": [...]}')
    return loaded


def _plain(value: Any) -> Any:
    """YAML's dates and times as the ISO strings the API takes."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _cell(data_type: str | None, value: str) -> Any:
    if data_type == "boolean" and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if data_type == "multiselectpicklist":
        return [part.strip() for part in value.split(";") if part.strip()]
    if data_type is not None and data_type not in TEXT_TYPES and value.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def csv_records(content: str, module: Module) -> list[dict[str, Any]]:
    reader = csv.reader(io.StringIO(content))
    header = next(reader, None)
    if not header or not any(name.strip() for name in header):
        raise SeedFileError("a header row of field API names is required")
    names = [name.strip() for name in header]
    types = {f.api_name: f.data_type for f in module.fields}
    records = []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines
        if len(row) > len(names):
            raise SeedFileError(f"line {line}: {len(row)} cells, the header names {len(names)}")
        records.append(
            {name: _cell(types.get(name), cell) for name, cell in zip(names, row, strict=False) if cell != ""}
        )
    return records


def read_records(name: str, content: str, module: Module) -> list[Any]:
    """The records a seed file holds; ``name`` (the file's name) decides the format by its suffix."""
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return csv_records(content, module)
    if lowered.endswith(".json"):
        try:
            return _records(json.loads(content))
        except ValueError as exc:
            if isinstance(exc, SeedFileError):
                raise
            raise SeedFileError(f"not JSON: {exc}") from None
    if lowered.endswith((".yaml", ".yml")):
        try:
            return _records(_plain(yaml.safe_load(content)))
        except yaml.YAMLError as exc:
            raise SeedFileError(f"not YAML: {exc}") from None
    raise SeedFileError(f"unknown file type: expected one of {', '.join(SUFFIXES)}")


def batches(items: list[Any], size: int = 100) -> list[tuple[int, list[Any]]]:
    """``(offset, items)`` of consecutive batches of at most ``size`` items (the Insert Records API's limit)."""
    return [(start, items[start : start + size]) for start in range(0, len(items), size)]
