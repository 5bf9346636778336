"""How a job's schedule is written (jobs/schedule.yaml): cron, catch-up policy, deadline."""

from __future__ import annotations

import re
from datetime import time
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator


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
