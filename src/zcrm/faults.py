"""Fault rules as data (docs/control-plane.md, "Fault rules"); no I/O.

A rule is ``{"match": {…}, "effect": {…}, "probability": p, "seed": s, "count": n}``:

- ``match`` (every key optional, all must hold): ``module`` (ignoring case), ``operation`` (``OPERATIONS``),
  ``record_id`` (the path's id, an id of ``ids=``, or an ``id`` of the body's ``data[]``), ``method``, ``path``
  (a glob, ``fnmatch`` style, over the whole path);
- ``effect``: ``latency_ms`` (a number, or ``[min, max]`` drawn uniformly) and at most one of ``error`` (a Zoho
  code of ``zcrm.errors``, with optional ``message`` and ``details``), ``status`` (429, 500 or 503: the Zoho error
  zcrm answers with that status) and ``drop`` (``true``: the connection is closed without an answer); 429 answers
  carry ``Retry-After`` (``retry_after`` seconds, default 1);
- ``probability`` in (0, 1] (default 1), drawn from the rule's own RNG when ``seed`` is given;
- ``count``: the rule fires for the next ``count`` matching requests, then removes itself.

``parse_rule`` and ``parse_effect`` validate bodies with Zoho's errors (``control_input.py`` conventions).
"""

from __future__ import annotations

import fnmatch
import random
import re
from dataclasses import dataclass, field
from typing import Any

import orjson

from zcrm import control_input as b
from zcrm import errors, json_input
from zcrm.errors import InvalidData, MandatoryNotFound, ZohoError

OPERATIONS = ["insert", "update", "delete", "read", "metadata", "oauth", "action", "other"]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
STATUSES = [429, 500, 503]
MAX_LATENCY_MS = 600_000
MAX_RULES = 100  # per org: every request of the org is matched against them
MAX_COUNT = 1_000_000
MAX_RETRY_AFTER = 86_400
MAX_PATH = 2_000  # a path glob
MAX_MODULE = 50  # Zoho's longest module API name
MAX_MESSAGE = 2_000
MAX_DETAILS = 10_000  # bytes of the details object as JSON
_RECORD_ID = re.compile(r"[0-9]{1,19}")
RULE_KEYS = ("match", "effect", "probability", "seed", "count")
MATCH_KEYS = ("module", "operation", "record_id", "method", "path")
EFFECT_KEYS = ("error", "message", "details", "status", "retry_after", "drop", "latency_ms")


def _error_classes() -> dict[str, type[ZohoError]]:
    found: dict[str, type[ZohoError]] = {}
    for value in vars(errors).values():
        if isinstance(value, type) and issubclass(value, ZohoError) and value.code:
            found.setdefault(value.code, value)
    return found


ERRORS = _error_classes()  # every Zoho code zcrm knows, to its class
BY_STATUS = {429: "TOO_MANY_REQUESTS", 500: "INTERNAL_ERROR", 503: "SERVICE_UNAVAILABLE"}


@dataclass(frozen=True, slots=True)
class Effect:
    error: str | None = None  # a Zoho code
    message: str | None = None
    details: dict[str, Any] | None = None
    retry_after: int = 1
    drop: bool = False
    latency_ms: tuple[float, float] | None = None  # (min, max); equal for a fixed latency

    def exception(self) -> ZohoError | None:
        """The error this effect answers with, if any."""
        if self.error is None:
            return None
        return ERRORS[self.error](self.message, self.details)

    def latency(self, rng: random.Random) -> float:
        """Seconds to wait before answering."""
        if self.latency_ms is None:
            return 0.0
        low, high = self.latency_ms
        return (low if low == high else rng.uniform(low, high)) / 1000

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.error is not None:
            out["error"] = self.error
            if self.message is not None:
                out["message"] = self.message
            if self.details is not None:
                out["details"] = self.details
            if self.error == "TOO_MANY_REQUESTS":
                out["retry_after"] = self.retry_after
        if self.drop:
            out["drop"] = True
        if self.latency_ms is not None:
            low, high = (_plain(v) for v in self.latency_ms)
            out["latency_ms"] = low if low == high else [low, high]
        return out


@dataclass(frozen=True, slots=True)
class Match:
    module: str | None = None  # lower-cased
    operation: str | None = None
    record_id: str | None = None
    method: str | None = None
    path: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out = {
            "module": self.module,
            "operation": self.operation,
            "record_id": self.record_id,
            "method": self.method,
            "path": self.path,
        }
        return {k: v for k, v in out.items() if v is not None}


@dataclass(frozen=True, slots=True)
class Target:
    """What a request is, for matching: from its method and path (``http/call.RequestKind.target``)."""

    method: str
    path: str
    module: str | None
    operation: str | None
    record_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    match: Match
    effect: Effect
    probability: float | None = None
    seed: int | None = None
    count: int | None = None
    remaining: int | None = None
    created_time: int = 0

    def matches(self, target: Target, body_ids: tuple[str, ...] = ()) -> bool:
        m = self.match
        if m.method is not None and m.method != target.method:
            return False
        if m.operation is not None and m.operation != target.operation:
            return False
        if m.module is not None and (target.module is None or target.module.lower() != m.module):
            return False
        if m.path is not None and not fnmatch.fnmatchcase(target.path, m.path):
            return False
        return m.record_id is None or m.record_id in target.record_ids or m.record_id in body_ids

    def key(self) -> tuple[str, int, int]:
        """Tells a rule from a later one that reuses its id (ids restart at 1 once an org has none)."""
        return (self.id, self.created_time, self.seed or 0)

    def definition(self) -> dict[str, Any]:
        """The stored form (and the body that recreates the rule)."""
        out: dict[str, Any] = {"match": self.match.as_dict(), "effect": self.effect.as_dict()}
        if self.probability is not None:
            out["probability"] = self.probability
        if self.seed is not None:
            out["seed"] = self.seed
        if self.count is not None:
            out["count"] = self.count
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            **self.definition(),
            "remaining": self.remaining,
            "created_time": self.created_time,
        }


@dataclass
class Draws:
    """The random numbers of one process: a generator per seeded rule (kept while the rule lives), else a shared
    one. ``decide`` is thread-safe enough for a test double: each call draws one number."""

    shared: random.Random = field(default_factory=random.Random)
    by_rule: dict[tuple[str, int, int], random.Random] = field(default_factory=dict)

    def rng(self, rule: Rule) -> random.Random:
        if rule.seed is None:
            return self.shared
        key = rule.key()
        rng = self.by_rule.get(key)
        if rng is None:
            rng = self.by_rule[key] = random.Random(rule.seed)
        return rng

    def fires(self, rule: Rule) -> bool:
        return rule.probability is None or self.rng(rule).random() < rule.probability


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _number(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not -1e300 < value < 1e300:
        raise InvalidData(
            details={"api_name": key, "expected_data_type": "double"}
        )  # no float beyond, nor NaN
    return float(value)


def _integer(value: Any, key: str, low: int, high: int = b.MAX_INT) -> int:
    return b.integer(value, key, low, high)


def _details(raw: dict[str, Any]) -> dict[str, Any] | None:
    details = b.json_object(raw, "details")
    if details is not None and len(orjson.dumps(details)) > MAX_DETAILS:
        raise b.too_long("details", MAX_DETAILS)
    return details


def _latency(value: Any) -> tuple[float, float] | None:
    if value is None:
        return None
    if isinstance(value, list):
        if len(value) != 2:
            raise InvalidData(details={"api_name": "latency_ms", "expected_data_type": "[min, max]"})
        low, high = _number(value[0], "latency_ms"), _number(value[1], "latency_ms")
    else:
        low = high = _number(value, "latency_ms")
    if low < 0 or high < low or high > MAX_LATENCY_MS:
        raise InvalidData(details={"api_name": "latency_ms", "minimum": 0, "maximum": MAX_LATENCY_MS})
    return (low, high)


def parse_effect(raw: Any) -> Effect:
    if not isinstance(raw, dict):
        raise InvalidData(details={"api_name": "effect", "expected_data_type": "jsonobject"})
    b.only_keys(raw, EFFECT_KEYS)
    error = b.text(raw, "error")
    status = raw.get("status")
    drop = b.flag(raw, "drop")
    kinds = [k for k in ("error", "status", "drop") if raw.get(k) not in (None, False)]
    if len(kinds) > 1:
        raise InvalidData("only one of error, status and drop can be given", {"api_name": kinds[1]})
    if status is not None:
        if status not in STATUSES or isinstance(status, bool):
            raise InvalidData(details={"api_name": "status", "supported_values": STATUSES})
        error = BY_STATUS[status]
    if error is not None and error not in ERRORS:
        raise InvalidData(details={"api_name": "error", "supported_values": sorted(ERRORS)})
    message = b.text(raw, "message", max_length=MAX_MESSAGE)
    details = _details(raw)
    if (message is not None or details is not None) and error is None:
        raise MandatoryNotFound(details={"api_name": "error"})
    retry_after = (
        1
        if raw.get("retry_after") is None
        else _integer(raw["retry_after"], "retry_after", 1, MAX_RETRY_AFTER)
    )
    latency = _latency(raw.get("latency_ms"))
    if error is None and not drop and latency is None:
        raise MandatoryNotFound(details={"api_name": "effect"})
    return Effect(error, message, details, retry_after, drop, latency)


def parse_header(value: str) -> Effect:
    """``X-Zcrm-Fault``: an effect as compact JSON, a Zoho code, 429/500/503, or ``drop``."""
    text = value.strip()
    if text.startswith("{"):
        try:
            raw = json_input.loads(text.encode())
        except json_input.JsonError:
            raise InvalidData(details={"header_name": "X-Zcrm-Fault"}) from None
    elif text == "drop":
        raw = {"drop": True}
    elif text.isascii() and text.isdigit() and len(text) <= 3:
        raw = {"status": int(text)}
    else:
        raw = {"error": text}
    try:
        return parse_effect(raw)
    except ZohoError as exc:
        raise InvalidData(exc.message, {"header_name": "X-Zcrm-Fault", **exc.details}) from None


def parse_rule(raw: dict[str, Any]) -> dict[str, Any]:
    """A rule body, checked; returns its definition (what ``Rule.definition`` gives back)."""
    b.only_keys(raw, RULE_KEYS)
    match_raw = b.json_object(raw, "match") or {}
    b.only_keys(match_raw, MATCH_KEYS)
    operation = b.choice(match_raw, "operation", OPERATIONS)
    method = match_raw.get("method")
    if method is not None:
        if not isinstance(method, str) or method.upper() not in METHODS:
            raise InvalidData(details={"api_name": "method", "supported_values": METHODS})
        method = method.upper()
    record_id = match_raw.get("record_id")
    if isinstance(record_id, int) and not isinstance(record_id, bool):
        record_id = str(record_id)
    if record_id is not None and (not isinstance(record_id, str) or not _RECORD_ID.fullmatch(record_id)):
        raise InvalidData(details={"api_name": "record_id", "expected_data_type": "string"})
    module = b.text(match_raw, "module", max_length=MAX_MODULE)
    path = b.text(match_raw, "path", max_length=MAX_PATH)
    if "effect" not in raw or raw["effect"] is None:
        raise MandatoryNotFound(details={"api_name": "effect"})
    effect = parse_effect(raw["effect"])
    probability = None
    if raw.get("probability") is not None:
        probability = _number(raw["probability"], "probability")
        if not 0 < probability <= 1:
            raise InvalidData(details={"api_name": "probability", "minimum": 0, "maximum": 1})
    seed = None if raw.get("seed") is None else _integer(raw["seed"], "seed", 0)
    count = None if raw.get("count") is None else _integer(raw["count"], "count", 1, MAX_COUNT)
    match = Match(module.lower() if module else None, operation, record_id, method, path)
    return Rule("", match, effect, probability, seed, count).definition()


def rule_from(rule_id: str, definition: dict[str, Any], remaining: int | None, created_time: int) -> Rule:
    """A stored rule (its definition was checked by ``parse_rule``)."""
    m = definition.get("match", {})
    e = definition["effect"]
    latency = e.get("latency_ms")
    low, high = (
        (latency if isinstance(latency, list) else [latency, latency]) if latency is not None else [0, 0]
    )
    span = None if latency is None else (float(low), float(high))
    effect = Effect(
        error=e.get("error"),
        message=e.get("message"),
        details=e.get("details"),
        retry_after=e.get("retry_after", 1),
        drop=e.get("drop", False),
        latency_ms=span,
    )
    return Rule(
        id=rule_id,
        match=Match(m.get("module"), m.get("operation"), m.get("record_id"), m.get("method"), m.get("path")),
        effect=effect,
        probability=definition.get("probability"),
        seed=definition.get("seed"),
        count=definition.get("count"),
        remaining=remaining,
        created_time=created_time,
    )
