"""Scale-out: the same job functions as procrastinate tasks, one run per tick on PostgreSQL.

Several `cxbot worker` processes, on several machines, share one PostgreSQL database.
procrastinate defers each periodic task once per minute for the whole group (its
periodic-defer table is unique per task and timestamp) and hands each job to one worker;
the job run itself is claimed per (job, tick) in cxbot's store as in `cxbot run`. When a
worker dies mid-run its heartbeat stops, the stalled-job check hands the job to another
worker, and that worker takes the run over; reminders and alerts stay exactly-once.

procrastinate's cron is UTC; cxbot's schedules are in CXBOT_TIMEZONE. So every job is a
per-minute task that runs the job's tick when one falls in that minute.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import procrastinate
import procrastinate.exceptions

from cxbot.service.jobs import JobRunner

log = logging.getLogger(__name__)


def build(
    runner: JobRunner,
    dsn: str,
    *,
    stalled_check: str = "* * * * * */15",
    stalled_after: float = 30.0,
) -> procrastinate.App:
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=dsn))

    def per_minute(name: str) -> Callable[..., None]:
        schedule = runner.schedules[name]

        def run(context: Any, timestamp: int) -> None:
            minute = datetime.fromtimestamp(timestamp, UTC)
            tick = schedule.latest_tick(minute)
            if tick is None or tick <= minute - timedelta(minutes=1):
                return  # no tick of this job in this minute
            retried = context.job.attempts > 0  # a stalled run handed to this worker
            result = runner.execute(name, tick, takeover=retried)
            log.info("%s %s: %s", name, tick.isoformat(), result.outcome)

        return run

    for name, schedule in runner.schedules.items():
        if not schedule.spec.enabled:
            continue
        task = app.task(name=f"cxbot.{name}", pass_context=True, queueing_lock=f"cxbot.{name}")(
            per_minute(name)
        )
        app.periodic(cron="* * * * *", periodic_id=name)(task)

    @app.periodic(cron=stalled_check, periodic_id="stalled")
    @app.task(name="cxbot.retry-stalled", queueing_lock="cxbot.retry-stalled")
    async def retry_stalled(timestamp: int) -> None:
        for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after):
            log.warning("job %s of a dead worker: handing it to a live one", job.id)
            await app.job_manager.retry_job(job)

    return app


def run_worker(
    app: procrastinate.App,
    *,
    name: str,
    heartbeat: float = 10.0,
    stalled_after: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
    attempts: int | None = None,
    reachable: Callable[[], bool] = lambda: True,
) -> None:
    """Runs the worker until it is stopped (SIGTERM/SIGINT). When PostgreSQL goes away
    procrastinate stops its worker: this waits (2 s, doubling to a minute), says so in one
    line, and starts it again — the jobs resume; the store's per-tick claim keeps every
    run to one worker and the ledger every message to one send."""
    # psycopg's pool warns once a second while the server is down, and procrastinate logs
    # each lost connection with its traceback: one line each, and one here.
    logging.getLogger("psycopg.pool").setLevel(logging.ERROR)
    lost = _LostDatabase()
    for handler in logging.getLogger().handlers:  # a logger's filter misses its children
        handler.addFilter(lost)
    delay, tried = 2.0, 0
    while True:
        started = time.monotonic()
        try:
            app.run_worker(
                name=name,
                install_signal_handlers=True,
                concurrency=1,
                update_heartbeat_interval=heartbeat,
                stalled_worker_timeout=stalled_after,
            )
            # procrastinate returns both when told to stop and when its listener lost
            # the database (it says so in its log): only the first is the end.
            if not lost.seen and reachable():
                return
            lost.seen = False
            raise procrastinate.exceptions.ConnectorException("the database went away")
        except (procrastinate.exceptions.ConnectorException, OSError) as error:
            tried += 1
            if attempts is not None and tried >= attempts:
                raise
            if time.monotonic() - started > 60:
                delay = 2.0  # it ran a while: a new outage, not the same one
            cause = error.__cause__ or error
            reason = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
            log.error("PostgreSQL is unreachable (%s); starting again in %.0fs", reason, delay)
            sleep(delay)
            delay = min(delay * 2, 60.0)


class _LostDatabase(logging.Filter):
    """Sees procrastinate report a lost database (then it stops its worker, with no
    exception): keeps the line, drops the traceback, and remembers it happened."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = False

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        lost = isinstance(error, procrastinate.exceptions.ConnectorException | OSError)
        if lost and record.name.startswith("procrastinate"):
            record.exc_info, record.exc_text = None, None
            self.seen = True
        return True
