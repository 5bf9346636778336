"""The wall clock in cxbot's time zone: what the root hands every use case as its `Clock`
(tests and benches give their own source)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ZonedClock:
    source: Callable[[], datetime]
    tz: ZoneInfo

    def __call__(self) -> datetime:
        return self.now()

    def now(self) -> datetime:
        return self.source().astimezone(self.tz)

    def today(self) -> date:
        return self.now().date()
