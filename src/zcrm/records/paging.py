"""Signed, stateless page tokens (behaviour §5.3): bound to the user and the query, valid for 24 hours."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import orjson

from zcrm.errors import ExpiredValue, TokenBoundDataMismatch

TOKEN_TTL = 86400


@dataclass(frozen=True, slots=True)
class PageState:
    user_id: str
    query: str  # a digest of every other parameter
    after_value: int
    after_id: str
    page: int
    issued: int


class PageTokens:
    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _sign(self, payload: bytes) -> str:
        return hmac.new(self.secret, payload, hashlib.sha256).hexdigest()[:32]

    def encode(self, state: PageState) -> str:
        payload = orjson.dumps(
            [state.user_id, state.query, state.after_value, state.after_id, state.page, state.issued]
        )
        body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        return f"{body}.{self._sign(payload)}"

    def decode(self, token: str, user_id: str, query: str, now: int) -> PageState:
        mismatch = TokenBoundDataMismatch(details={"param_name": "page_token"})
        body, _, signature = token.partition(".")
        try:
            payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            fields: list[Any] = orjson.loads(payload)
        except (ValueError, orjson.JSONDecodeError):
            raise mismatch from None
        if not hmac.compare_digest(signature.encode(), self._sign(payload).encode()) or len(fields) != 6:
            raise mismatch
        state = PageState(*fields)
        if state.user_id != user_id or state.query != query:
            raise mismatch
        if state.issued + TOKEN_TTL < now:
            raise ExpiredValue(details={"api_name": "page_token", "json_path": "$.query.page_token"})
        return state


def query_digest(parts: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)).hexdigest()[:24]
