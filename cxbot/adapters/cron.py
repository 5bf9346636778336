"""Cron expressions as fire times, on APScheduler's CronTrigger."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from cxbot.ports.jobs import Trigger


def cron_trigger(cron: str, tz: ZoneInfo) -> Trigger:
    minute, hour, day, month, weekday = cron.split()
    trigger: Trigger = CronTrigger(
        minute=minute, hour=hour, day=day, month=month, day_of_week=weekday, timezone=tz
    )
    return trigger
