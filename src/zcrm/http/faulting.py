"""Fault rules on the request path (docs/control-plane.md, "Fault rules"): each process's cache of the orgs' rules,
the choice of the fault that applies to a call, and how a fault answers. The layer that runs them around the
handler is ``http/middleware/faults.py``.

The fault is decided once the org is known: the ``X-Zcrm-Fault`` header, else the org's first matching rule. An org
whose ``faults_version`` is 0 (it never had a rule) costs one integer comparison. An error or a dropped connection
ends the request before its handler runs (``FaultFired``, nothing written); latency is waited after the handler,
before answering."""

from __future__ import annotations

import asyncio
import threading

from sqlalchemy import Connection
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from zcrm.faults import Draws, Effect, Rule, parse_header
from zcrm.http.call import Call
from zcrm.http.envelope import error_response
from zcrm.service import fault_rules
from zcrm.service.unit import Database

TRANSPORT = "zcrm.transport"  # the connection's asyncio transport in scope["state"] (http/drop.py)


class FaultFired(Exception):
    """An error or a dropped connection chosen for the current request: raised before its handler runs."""

    def __init__(self, effect: Effect, claim: tuple[str, str] | None = None) -> None:
        super().__init__("fault")
        self.effect = effect
        self.claim = claim  # (org id, rule id) of a counted rule: claimed once the unit has rolled back

    def response(self) -> Response:
        if self.effect.drop:
            return Dropped()
        error = self.effect.exception()
        assert error is not None
        response = error_response(error)
        if error.status == 429:
            response.headers["Retry-After"] = str(self.effect.retry_after)
        return response


class ConnectionDropped(Exception):
    """A dropped connection under a server that does not hand zcrm its transport (in-process test clients)."""


class Dropped(Response):
    """Closes the connection without an answer (``zcrm serve``'s protocol puts the transport in the scope)."""

    def __init__(self) -> None:
        super().__init__(status_code=599)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        transport = scope.get("state", {}).get(TRANSPORT)
        if transport is None:
            raise ConnectionDropped("fault rule: connection dropped")
        transport.abort()
        # wait until the server has seen the connection go, so it does not try to answer on it
        async with asyncio.timeout(5):
            while (await receive())["type"] != "http.disconnect":
                pass


class FaultCache:
    """Each org's rules in this process, tagged with the org's ``faults_version``."""

    def __init__(self) -> None:
        self._rules: dict[str, tuple[int, list[Rule]]] = {}
        self._lock = threading.Lock()
        self.draws = Draws()

    def get(self, conn: Connection, org_id: str, version: int) -> list[Rule]:
        cached = self._rules.get(org_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        rules = fault_rules.rules(conn, org_id)
        with self._lock:
            self._rules[org_id] = (version, rules)
            live = {r.key() for _, rs in self._rules.values() for r in rs}
            for gone in [k for k in self.draws.by_rule if k not in live]:
                del self.draws.by_rule[gone]
        return rules


def choose(
    conn: Connection, db: Database, cache: FaultCache, call: Call, org_id: str, version: int, write: bool
) -> None:
    """Applies the call's fault, if any: notes it (and its latency) on the call, raises ``FaultFired`` for an error
    or a drop."""
    draws = cache.draws
    if call.header_fault is not None:
        effect = parse_header(call.header_fault)
        _apply(call, effect, None, effect.latency(draws.shared))
        return
    if not version:
        return
    target = call.kind.target
    body_ids: tuple[str, ...] | None = None
    for rule in cache.get(conn, org_id, version):
        if rule.match.record_id is not None and body_ids is None:
            body_ids = call.body_ids() if target.operation in ("insert", "update") else ()
        if rule.id in call.passed or not rule.matches(target, body_ids or ()) or not draws.fires(rule):
            continue
        ends = rule.effect.error is not None or rule.effect.drop
        claim = (org_id, rule.id) if rule.count is not None and ends else None
        if rule.count is not None and not ends and not _claim(conn, db, org_id, rule.id, write):
            continue  # another request took its last application
        _apply(call, rule.effect, rule.id, rule.effect.latency(draws.rng(rule)), claim)
        return


def _claim(conn: Connection, db: Database, org_id: str, rule_id: str, write: bool) -> bool:
    """A counted latency: claimed in the request's own transaction when it writes (it commits with it)."""
    if write:
        return fault_rules.claim(conn, org_id, rule_id)
    return fault_rules.claim_alone(db, org_id, rule_id)  # a read unit: a short write transaction of its own


def _apply(
    call: Call, effect: Effect, rule_id: str | None, delay: float, claim: tuple[str, str] | None = None
) -> None:
    call.fault = {"rule": rule_id, "effect": effect.as_dict()}
    call.delay = delay
    if effect.error is not None or effect.drop:
        raise FaultFired(effect, claim)
