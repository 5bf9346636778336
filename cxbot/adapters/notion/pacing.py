"""Client-side pacing so cxbot stays under Notion's average of 3 requests per second."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx


class Pacer:
    """Spaces requests `1/rate` seconds apart and counts them; shared by all threads."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.clock, self.sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()
        self.requests = 0

    def wait(self) -> None:
        with self._lock:
            now = self.clock()
            start = max(now, self._next)
            self._next = start + self.interval
            self.requests += 1
        delay = start - now
        if delay > 0:
            self.sleep(delay)

    def hook(self, request: httpx.Request) -> None:
        """An httpx request event hook."""
        self.wait()
