"""Zia image validation as data: which image fields of a module are validated, how long a validation takes and
how it ends. A record whose validated image field gets a new image is locked (``zia_vision_processing``) until
the validation ends: after the configured delay, or when the control plane ends it (``/__zcrm/``); a rejected
validation leaves the record ``zia_vision_rejected`` until a new image is uploaded or the failed one deleted.
Nothing here knows about HTTP or SQL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PROCESSING, REJECTED = "zia_vision_processing", "zia_vision_rejected"
OUTCOMES = ("approved", "rejected")


@dataclass(frozen=True, slots=True)
class ZiaValidation:
    fields: tuple[str, ...]  # the module's image upload fields it validates
    delay: int | None = None  # seconds; None: until the control plane ends it
    outcome: str = "approved"  # how a validation ends when its delay runs out


def start(validation: ZiaValidation, fields: list[str], user_id: str, now: int) -> dict[str, Any]:
    """The process detail of a validation of the new images in ``fields``, started ``now``."""
    until = None if validation.delay is None else now + validation.delay
    return {
        "fields": fields,
        "until": until,
        "outcome": validation.outcome,
        "history": [{"action": "submitted", "user": user_id, "time": now}],
    }


def due(detail: dict[str, Any], now: int) -> str | None:
    """The outcome of a running validation whose delay has run out by ``now``; None while it runs."""
    until = detail.get("until")
    if until is None or int(until) > now:
        return None
    return str(detail.get("outcome", "approved"))


def lock_after(outcome: str) -> str | None:
    """The record's lock state once a validation ends with ``outcome``."""
    return REJECTED if outcome == "rejected" else None


def end(detail: dict[str, Any], outcome: str, now: int, user_id: str | None = None) -> dict[str, Any]:
    """The detail of a validation that ended with ``outcome`` at ``now``."""
    history = [*detail.get("history", []), {"action": outcome, "user": user_id, "time": now}]
    return {**detail, "until": None, "history": history}
