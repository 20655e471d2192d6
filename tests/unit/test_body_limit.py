"""Unit tests of ``zcrm.http.middleware.body_limit.BodyLimit`` around stand-in ASGI apps."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from zcrm.errors import ZohoError
from zcrm.http.middleware.body_limit import BodyLimit

TOO_LARGE = {
    "code": "LIMIT_EXCEEDED",
    "details": {"limit": 10},
    "message": "size of the request body exceeds the limit",
    "status": "error",
}


def scope(headers: list[tuple[bytes, bytes]]) -> Scope:
    return {"type": "http", "method": "POST", "path": "/x", "headers": headers, "query_string": b""}


def run(app: Any, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> tuple[list[Message], int]:
    """Runs ``BodyLimit(app, 10)``; the messages sent and how many body chunks were received."""
    sent: list[Message] = []
    pending = list(chunks)
    taken = 0

    async def receive() -> Message:
        nonlocal taken
        if not pending:
            return {"type": "http.disconnect"}
        taken += 1
        chunk = pending.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(pending)}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(BodyLimit(app, 10)(scope(headers), receive, send))
    return sent, taken


def answer(sent: list[Message]) -> tuple[int, Any]:
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    return sent[0]["status"], json.loads(sent[1]["body"])


async def reader(scope: Scope, receive: Receive, send: Send) -> None:
    """Reads the whole body, then answers 200 with its length."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(len(body)).encode()})


def test_an_announced_length_over_the_limit_is_answered_without_reading() -> None:
    called = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        called.append(True)  # pragma: no cover - never reached

    sent, taken = run(app, [(b"content-length", b"11")], [b"x" * 11])
    assert answer(sent) == (413, TOO_LARGE)
    assert (called, taken) == ([], 0)


def test_bodies_up_to_the_limit_pass_through() -> None:
    sent, _ = run(reader, [(b"content-length", b"10")], [b"x" * 4, b"x" * 6])
    assert sent[0]["status"] == 200 and sent[1]["body"] == b"10"
    sent, _ = run(reader, [], [b"x" * 10])
    assert sent[0]["status"] == 200


def test_a_streamed_body_is_cut_at_the_chunk_that_passes_the_limit() -> None:
    sent, taken = run(reader, [], [b"x" * 6, b"x" * 5, b"x" * 100])
    assert answer(sent) == (413, TOO_LARGE)
    assert taken == 2


def test_an_app_that_answers_the_error_itself_sends_the_413_once() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await reader(scope, receive, send)
        except ZohoError as exc:
            await send({"type": "http.response.start", "status": exc.status, "headers": []})
            await send({"type": "http.response.body", "body": json.dumps(exc.as_dict()).encode()})

    sent, _ = run(app, [], [b"x" * 11])
    assert answer(sent) == (413, TOO_LARGE)


def test_an_app_that_swallows_the_error_is_answered_413_anyway() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        with contextlib.suppress(Exception):  # a parser that gives up, then answers from what it has
            await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok", "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    sent, _ = run(app, [], [b"x" * 11])
    assert answer(sent) == (413, TOO_LARGE)


def test_a_malformed_length_is_ignored_and_the_body_counted() -> None:
    sent, _ = run(reader, [(b"content-length", b"abc")], [b"x" * 11])
    assert answer(sent) == (413, TOO_LARGE)


def test_other_scopes_pass_through() -> None:
    seen = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    async def nothing() -> Message:
        return {}  # pragma: no cover

    async def ignore(message: Message) -> None:
        return None  # pragma: no cover

    asyncio.run(BodyLimit(app, 10)({"type": "lifespan"}, nothing, ignore))
    assert seen == ["lifespan"]
