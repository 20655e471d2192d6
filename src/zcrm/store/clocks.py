"""Org clocks (``orgs.clock_offset``, ``orgs.clock_frozen``): reading and replacing one org's clock.

The request path reads the two columns in the token look-up (``auth/identity.py``); these are for the control
plane, the CLI, the token endpoint and the work that runs outside a request (functions after the commit).
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from zcrm.clock import OrgClock, now_of


def read(conn: Connection, org_id: str) -> OrgClock | None:
    row = conn.execute(
        text("SELECT clock_offset, clock_frozen FROM orgs WHERE id = :org"), {"org": org_id}
    ).first()
    if row is None:
        return None
    return OrgClock(int(row.clock_offset or 0), None if row.clock_frozen is None else int(row.clock_frozen))


def write(conn: Connection, org_id: str, clock: OrgClock) -> None:
    conn.execute(
        text("UPDATE orgs SET clock_offset = :offset, clock_frozen = :frozen WHERE id = :org"),
        {"offset": clock.offset, "frozen": clock.frozen, "org": org_id},
    )


def org_now(conn: Connection, org_id: str, server_now: int) -> int:
    """The org's now (the server's when the org does not exist)."""
    row = conn.execute(
        text("SELECT clock_offset, clock_frozen FROM orgs WHERE id = :org"), {"org": org_id}
    ).first()
    return server_now if row is None else now_of(row.clock_offset, row.clock_frozen, server_now)
