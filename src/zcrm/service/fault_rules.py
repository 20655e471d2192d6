"""Fault rules on the request path (docs/control-plane.md, "Fault rules"; ``http/faulting.py`` chooses the fault,
``http/middleware/faults.py`` runs it): an org's rules and its ``faults_version``, the org of an OAuth call, and
the claim of a counted rule's application. The control plane's reads and writes of rules are ``service/faults.py``."""

from __future__ import annotations

from sqlalchemy import Connection

from zcrm.faults import Rule
from zcrm.service.unit import Database
from zcrm.store import faults as store
from zcrm.store import oauth as oauth_store


def rules(conn: Connection, org_id: str) -> list[Rule]:
    """The org's rules, oldest first."""
    return store.rules(conn, org_id)


def claim(conn: Connection, org_id: str, rule_id: str) -> bool:
    """Takes one application of a counted rule in ``conn``'s transaction; False when none is left."""
    return store.claim(conn, org_id, rule_id)


def claim_alone(db: Database, org_id: str, rule_id: str) -> bool:
    """``claim`` in a short write transaction of its own (the request's unit reads only, or rolled back)."""
    with db.write() as conn:
        return store.claim(conn, org_id, rule_id)


def oauth_caller(conn: Connection, client_id: str) -> tuple[str, str, int] | None:
    """The org and user of an OAuth client, and the org's ``faults_version`` (None: no such client)."""
    client = oauth_store.get_client(conn, client_id)
    if client is None:
        return None
    return client.org_id, client.user_id, store.version(conn, client.org_id)
