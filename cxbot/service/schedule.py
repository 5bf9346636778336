"""When jobs run: cron schedules in one timezone, ticks, and what to catch up after downtime."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cxbot.domain.calendar import BusinessCalendar
from cxbot.ports.jobs import Trigger

LOOKBACK = timedelta(days=8)


class CatchUp(StrEnum):
    ONCE = "once"
    SAME_BUSINESS_DAY = "same_business_day"
    SKIP = "skip"


class JobSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    cron: str
    catch_up: CatchUp = CatchUp.ONCE
    deadline: time | None = Field(default=None, description="health fails if no run by then")
    enabled: bool = True

    @field_validator("cron")
    @classmethod
    def _five_fields_named_days(cls, value: str) -> str:
        fields = value.split()
        if len(fields) != 5:
            raise ValueError(f"{value!r}: write five fields: minute hour day month day-of-week")
        if re.search(r"\d", fields[4]):
            raise ValueError(
                f"{value!r}: write days of the week as names (mon-fri, sun): APScheduler 3 "
                "counts 0 as Monday, cron counts 0 as Sunday"
            )
        return value


class ScheduleFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    timezone: str = "Asia/Seoul"
    jobs: dict[str, JobSpec]


@dataclass(frozen=True)
class Schedule:
    name: str
    spec: JobSpec
    trigger: Trigger
    tz: ZoneInfo

    def ticks(self, after: datetime, until: datetime) -> Iterator[datetime]:
        """Fire times in (after, until]."""
        moment = self.trigger.get_next_fire_time(None, after + timedelta(microseconds=1))
        while moment is not None and moment <= until:
            yield moment
            moment = self.trigger.get_next_fire_time(moment, moment + timedelta(microseconds=1))

    def next_tick(self, now: datetime) -> datetime | None:
        found = self.trigger.get_next_fire_time(None, now.astimezone(self.tz))
        return found if found is None else found.astimezone(self.tz)

    def latest_tick(self, now: datetime) -> datetime | None:
        """The last fire time at or before `now` (within a week)."""
        latest = None
        for tick in self.ticks(now - LOOKBACK, now):
            latest = tick
        return latest

    def missed(
        self, *, last_tick: datetime | None, now: datetime, calendar: BusinessCalendar
    ) -> datetime | None:
        """The tick to run now for what was missed while down, per the job's policy."""
        latest = self.latest_tick(now)
        if latest is None or (last_tick is not None and latest <= last_tick):
            return None
        policy = self.spec.catch_up
        if policy is CatchUp.ONCE:
            return latest
        if policy is CatchUp.SAME_BUSINESS_DAY:
            today = now.astimezone(self.tz).date()
            local = latest.astimezone(self.tz)
            if local.date() == today and calendar.is_business_day(today):
                return latest
        return None
