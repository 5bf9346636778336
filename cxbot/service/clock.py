"""The wall clock in cxbot's timezone (injected: tests and benches set their own)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Clock:
    source: Callable[[], datetime]
    tz: ZoneInfo

    def __call__(self) -> datetime:
        return self.now()

    def now(self) -> datetime:
        return self.source().astimezone(self.tz)

    def today(self) -> date:
        return self.now().date()
