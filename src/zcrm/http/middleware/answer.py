"""An inner app's answer held back until the layer has done its part (logged it, charged it), then sent."""

from __future__ import annotations

from starlette.types import Message, Send


class Recorded:
    """The messages an inner app sent, in order."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def send(self, message: Message) -> None:
        self.messages.append(message)

    @property
    def status(self) -> int | None:
        """The answer's status; None when it sent none (a dropped connection, an error)."""
        for message in self.messages:
            if message["type"] == "http.response.start":
                status: int = message["status"]
                return status
        return None

    def header(self, name: bytes) -> str | None:
        for message in self.messages:
            if message["type"] == "http.response.start":
                for key, value in message.get("headers", ()):
                    if key.lower() == name:
                        text: str = value.decode("latin-1")
                        return text
        return None

    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.messages if m["type"] == "http.response.body")

    async def forward(self, send: Send) -> None:
        for message in self.messages:
            await send(message)
