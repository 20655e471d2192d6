"""An org's installed workflow functions (docs/automation.md), for ``zcrm org functions``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from zcrm.automation.functions import Installed
from zcrm.store import functions as function_store


def install(conn: Connection, org_id: str, given: Mapping[str, Mapping[str, Any]]) -> list[dict[str, str]]:
    """Installs ``given`` (name -> ``{"handler", "source"}``), replacing the org's functions of the same names;
    the org's functions afterwards, by name and handler."""
    installing = {name: Installed(name, f["handler"], f["source"]) for name, f in given.items()}
    function_store.install(conn, org_id, installing)
    return [{"name": f.name, "handler": f.handler} for f in function_store.installed(conn, org_id).values()]
