"""An inner app's answer held back until the layer has done its part (logged it, charged it), then sent.

Small answers are held whole. A large one (a streamed download) is not: once ``hold`` bytes of body have arrived
with more to come, the layer's ``early`` step runs (its work that needs only the status and the headers) and the
messages pass through as they come, all but the last, which is still held until the layer's end work is done. Only
the first ``keep`` bytes of the body are kept (what a request log stores), so an answer is never held twice."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.types import Message, Send

HOLD_BYTES = 64 * 1024


class Recorded:
    """The status, headers and first ``keep`` body bytes an inner app sent, and the messages not forwarded yet."""

    def __init__(
        self,
        downstream: Send | None = None,
        early: Callable[[], Awaitable[None]] | None = None,
        hold: int = HOLD_BYTES,
        keep: int = HOLD_BYTES,
    ) -> None:
        self.messages: list[Message] = []
        self.streaming = False  # the answer passes through: the layer's early step has run
        self._downstream, self._early, self._hold, self._keep = downstream, early, hold, keep
        self._status: int | None = None
        self._headers: list[tuple[bytes, bytes]] = []
        self._head = bytearray()
        self._held = 0

    async def send(self, message: Message) -> None:
        last = True
        if message["type"] == "http.response.start":
            self._status = message["status"]
            self._headers = list(message.get("headers", ()))
        elif message["type"] == "http.response.body":
            body = message.get("body", b"")
            room = self._keep - len(self._head)
            if room > 0:
                self._head += body[:room]
            self._held += len(body)
            last = not message.get("more_body", False)
        if self.streaming and not last and self._downstream is not None:
            await self._downstream(message)
            return
        self.messages.append(message)
        if (
            not self.streaming
            and not last
            and self._downstream is not None
            and self._status is not None
            and self._held >= self._hold
        ):
            self.streaming = True
            if self._early is not None:
                await self._early()
            await self.forward(self._downstream)

    @property
    def status(self) -> int | None:
        """The answer's status; None when it sent none (a dropped connection, an error)."""
        return self._status

    def header(self, name: bytes) -> str | None:
        for key, value in self._headers:
            if key.lower() == name:
                return value.decode("latin-1")
        return None

    def body(self) -> bytes:
        """The body's first ``keep`` bytes (the whole body when it is no longer)."""
        return bytes(self._head)

    async def forward(self, send: Send) -> None:
        """Sends the messages held so far, in order."""
        messages, self.messages = self.messages, []
        for message in messages:
            await send(message)
