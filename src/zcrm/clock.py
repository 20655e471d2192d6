"""The server's clock, in whole epoch seconds (instants are stored to the second)."""

from __future__ import annotations

import time


class Clock:
    def now(self) -> int:
        return int(time.time())
