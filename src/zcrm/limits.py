"""Zoho's API limits as data (behaviour §8, docs/limits.md): credits per rolling 24 hours by edition, each call's
cost, concurrency by edition and the sub-concurrency of heavy calls, and the seconds until enough credits are
freed. No I/O: the HTTP layer (``http/api_limits.py``) counts, the store (``store/api_usage.py``) keeps the credits.

Credits are kept per minute of the org's clock: the credits of minute ``m`` (epoch seconds ``60m`` to ``60m + 59``)
count until ``60(m + 1) + 24 h``, so a call's credits are freed 24 hours after it, at most 60 seconds later.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

WINDOW = 86_400  # seconds: the rolling window of the credits
BUCKET = 60  # seconds: the credits are kept per minute
SUB_CONCURRENCY = 10  # heavy calls in flight per client and user, on every edition
HEAVY_ITEMS = 10  # insert, update and upsert of more than this many records are heavy
CREDITS_MESSAGE = "You have exceeded the API credits allowed for your organization in a 24 hour window"
CONCURRENCY_MESSAGE = "You have exceeded the number of concurrent API calls allowed"


@dataclass(frozen=True, slots=True)
class Edition:
    name: str
    base: int  # credits per 24 hours before the per-licence part
    per_licence: int  # credits per user licence
    ceiling: int | None  # None: unlimited
    concurrency: int  # calls in flight per client and user


EDITIONS: dict[str, Edition] = {
    "Free": Edition("Free", 5_000, 0, 5_000, 5),
    "Standard": Edition("Standard", 50_000, 250, 100_000, 10),
    "Professional": Edition("Professional", 50_000, 500, 1_000_000, 15),
    "Enterprise": Edition("Enterprise", 50_000, 1_000, 2_000_000, 20),
    "Ultimate": Edition("Ultimate", 50_000, 2_000, None, 25),
}
ALIASES = {"Starter": "Standard", "Zoho One": "Enterprise", "CRM Plus": "Ultimate"}
DEFAULT_EDITION = "Enterprise"


def edition(name: str) -> Edition:
    """The edition of an org file's ``edition`` (``Starter``, ``Zoho One`` and ``CRM Plus`` are their peers');
    an unknown name is Enterprise, the default edition."""
    return EDITIONS.get(ALIASES.get(name, name)) or EDITIONS[DEFAULT_EDITION]


def check_edition(name: str) -> str:
    """``name`` if it names an edition, else a ValueError (``ZCRM_API_EDITION``)."""
    if name not in EDITIONS and name not in ALIASES:
        known = ", ".join(sorted([*EDITIONS, *ALIASES]))
        raise ValueError(f"ZCRM_API_EDITION: {name!r} is not one of {known}")
    return name


def credits_per_day(name: str, licences: int) -> int:
    """Credits per rolling 24 hours: the edition's base + per-licence credits times licences, up to its ceiling."""
    found = edition(name)
    total = found.base + found.per_licence * max(licences, 0)
    return total if found.ceiling is None else min(total, found.ceiling)


@dataclass(frozen=True, slots=True)
class Overrides:
    """Server settings that replace the org's numbers (``ZCRM_API_*``, docs/configuration.md); None: the org's."""

    edition: str | None = None
    credits: int | None = None
    concurrency: int | None = None
    sub_concurrency: int | None = None


@dataclass(frozen=True, slots=True)
class Limits:
    """One org's limits."""

    edition: str
    licences: int
    credits: int
    concurrency: int
    sub_concurrency: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "edition": self.edition,
            "user_licences": self.licences,
            "credits_per_window": self.credits,
            "concurrency": self.concurrency,
            "sub_concurrency": self.sub_concurrency,
        }


def limits_of(org_edition: str, licences: int, overrides: Overrides) -> Limits:
    """The limits of an org of ``org_edition`` with ``licences`` user licences, after the server's overrides."""
    name = overrides.edition or org_edition
    found = edition(name)
    return Limits(
        edition=found.name,
        licences=licences,
        credits=overrides.credits if overrides.credits is not None else credits_per_day(name, licences),
        concurrency=overrides.concurrency if overrides.concurrency is not None else found.concurrency,
        sub_concurrency=overrides.sub_concurrency
        if overrides.sub_concurrency is not None
        else SUB_CONCURRENCY,
    )


# -- what a call costs (its kind: http/call.RequestKind.limit_kind) ---------------------------------------
_COQL_LIMIT = re.compile(r"\blimit\s+(\d+)(?:\s*,\s*(\d+))?(?:\s+offset\s+\d+)?\s*;?\s*\Z", re.IGNORECASE)


def coql_limit(body: Any) -> int:
    """The ``limit`` of a COQL body's ``select_query`` (``limit N``, ``limit M, N``), 200 when it has none."""
    query = body.get("select_query") if isinstance(body, dict) else None
    if not isinstance(query, str):
        return 200
    found = _COQL_LIMIT.search(query.strip())
    if found is None:
        return 200
    return int(found[2] if found[2] is not None else found[1])


def cost(kind: str, limit: int = 200) -> int:
    """The credits of a call: none for OAuth, 1, 2 or 3 for COQL by its ``limit`` (up to 200, 1000, 2000), else 1."""
    if kind == "oauth":
        return 0
    if kind == "coql":
        return 1 if limit <= 200 else 2 if limit <= 1000 else 3
    return 1


def heavy(kind: str, query: str, items: int) -> bool:
    """Whether a call counts against the sub-concurrency: COQL, search, a write of more than 10 records, a GET of
    records with ``sort_by`` or ``cvid``."""
    if kind in ("coql", "search"):
        return True
    if kind == "write":
        return items > HEAVY_ITEMS
    if kind == "list" and ("sort_by=" in query or "cvid=" in query):
        params = urllib.parse.parse_qs(query)
        return bool(params.get("sort_by") or params.get("cvid"))
    return False


def items_of(body: Any) -> int:
    """The number of records of a write's body (``data[]``), 0 when it has none."""
    data = body.get("data") if isinstance(body, dict) else None
    return len(data) if isinstance(data, list) else 0


# -- the window ----------------------------------------------------------------------------------------------------
def minute(now: int) -> int:
    return now // BUCKET


def first_minute(now: int) -> int:
    """The oldest minute whose credits still count at ``now``."""
    return (now - WINDOW - BUCKET) // BUCKET + 1


def freed_at(bucket: int) -> int:
    """When the credits of minute ``bucket`` are freed (org epoch seconds)."""
    return (bucket + 1) * BUCKET + WINDOW


def retry_after(buckets: list[tuple[int, int]], used: int, charge: int, limit: int, now: int) -> int:
    """Seconds (≥ 1) until ``used`` credits, kept in ``buckets`` (minute, credits) in any order, are down to
    ``limit - charge``; a whole window when that never happens (a charge above the limit)."""
    need = used + charge - limit
    if need <= 0:
        return 1
    if charge > limit:
        return WINDOW
    freed = 0
    for bucket, credits in sorted(buckets):
        freed += credits
        if freed >= need:
            return max(1, freed_at(bucket) - now)
    return WINDOW  # the rest is in flight on this process and not stored yet: at most a window away


def report(limits: Limits, used: int, now: int, buckets: list[tuple[int, int]]) -> dict[str, Any]:
    """The credits part of ``GET /__zcrm/limits``."""
    remaining = max(limits.credits - used, 0)
    future = [freed_at(b) - now for b, c in buckets if c]
    return {
        "limit": limits.credits,
        "used": used,
        "remaining": remaining,
        "window_seconds": WINDOW,
        "next_freed_in": max(1, min(future)) if future else None,
        "retry_after": retry_after(buckets, used, 1, limits.credits, now) if remaining < 1 else None,
    }
