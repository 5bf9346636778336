"""Running cxbot as a service: run, worker, health."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

import click

from cxbot.entrypoints.cli.app import cli
from cxbot.entrypoints.cli.common import (
    opened,
    reports_errors,
)
from cxbot.ports.errors import InputError

if TYPE_CHECKING:
    from cxbot.service.usecases import CxBot


# the service ----------------------------------------------------------------------------
@cli.command()
@click.option("--health-port", type=int, help="Serve GET /healthz on this port (0: any free).")
@click.option(
    "--health-host",
    default="127.0.0.1",
    show_default=True,
    help="Address for the health endpoint (0.0.0.0 in a container).",
)
@click.pass_context
@reports_errors
def run(ctx: click.Context, health_port: int | None, health_host: str) -> None:
    """Runs cxbot as a service: every job in jobs/schedule.yaml on its schedule.

    At start it catches up what was missed while it was down (syncs once; reminders
    only the same business day), then runs each job at its cron times in
    CXBOT_TIMEZONE. Every run is recorded with its tick; a tick never runs twice, even
    with several processes on one store. SIGTERM or Ctrl-C lets the running job
    finish, then stops. Logs go to standard error (--log-json for JSON lines).

    \b
    Example:
      cxbot run
      cxbot --log-json run --health-port 8080 --health-host 0.0.0.0
    """
    from cxbot.entrypoints.service import serve

    with opened(ctx) as cases:
        if health_port is not None or logging.getLogger().level > logging.INFO:
            logging.getLogger("cxbot").setLevel(logging.INFO)
        serve(cases.jobs, timezone=cases.tz, health_port=health_port, health_host=health_host)


@cli.command()
@click.option("--name", help="This worker's name in logs (default: host:pid).")
@click.option(
    "--heartbeat", default=10.0, show_default=True, help="Seconds between this worker's heartbeats."
)
@click.option(
    "--stalled-after",
    default=30.0,
    show_default=True,
    help="Seconds without heartbeat after which a worker counts as dead.",
)
@click.option(
    "--stalled-check",
    default="* * * * * */15",
    show_default=True,
    help="How often (cron with seconds) to hand dead workers' jobs to live ones.",
)
@click.pass_context
@reports_errors
def worker(
    ctx: click.Context, name: str | None, heartbeat: float, stalled_after: float, stalled_check: str
) -> None:
    """Runs the scheduled jobs as one of several workers sharing one PostgreSQL.

    For high availability or many workspaces: start `cxbot worker` on several
    machines with the same CXBOT_DATABASE_URL (PostgreSQL). Each job tick runs once
    for the whole group (procrastinate); if a worker dies mid-run, another takes the
    run over. Needs `pip install -e '.[postgres]'`. With one machine, `cxbot run` is
    simpler.

    \b
    Example:
      CXBOT_DATABASE_URL=postgresql+psycopg://cxbot@db/cxbot cxbot worker
    """
    try:
        from cxbot.entrypoints import workers
    except ImportError:
        raise InputError("cxbot worker needs procrastinate: pip install -e '.[postgres]'") from None
    with opened(ctx) as cases:
        logging.getLogger("cxbot").setLevel(logging.INFO)
        dsn = cases.worker_database()
        runner = cases.jobs
        queue = workers.build(runner, dsn, stalled_check=stalled_check, stalled_after=stalled_after)
        workers.run_worker(
            queue,
            name=name or runner.worker,
            heartbeat=heartbeat,
            stalled_after=stalled_after,
            reachable=cases.database_reachable,
        )


@cli.command()
@click.pass_context
@reports_errors
def health(ctx: click.Context) -> None:
    """Fails (exit 1) when a job that should have run has not: a dead-man's switch.

    The reminder job must have run successfully by its deadline on business days;
    other jobs must have succeeded within three of their intervals.

    \b
    Example:
      cxbot health || alert-someone
    """
    ctx.obj["quiet_mode"] = True
    with opened(ctx) as cases:
        ok, lines = cases.jobs.health()
        if not any(job.last is not None for job in cases.service_status.jobs()):
            click.echo(
                "no job has ever run on this store: `cxbot run` (or `cxbot worker` on "
                f"PostgreSQL) is not running against {cases.mode.store} — start it; until "
                "then every scheduled job counts as missed"
            )
            sys.exit(1)
        for line in lines:
            click.echo(line)
        sys.exit(0 if ok else 1)


def print_jobs(cases: CxBot) -> None:
    tz = cases.tz
    click.echo("jobs (jobs/schedule.yaml):")
    for job in cases.service_status.jobs():
        upcoming = f"{job.next_tick:%m-%d %H:%M}" if job.next_tick else "-"
        line = f"  {job.name:14} {job.cron:18} next {upcoming}"
        if not job.enabled:
            line += " (disabled)"
        last = job.last
        if last is not None:
            line += f" · last {last.tick.astimezone(tz):%m-%d %H:%M} {last.outcome}" + (
                f" {last.summary}" if last.summary else ""
            )
        else:
            line += " · never run"
        click.echo(line)
        failed = job.last_failure
        if failed is not None:
            click.echo(
                f"  {'':14} last failure {failed.tick.astimezone(tz):%m-%d %H:%M}: {failed.error}"
            )
    webhooks = cases.notion_webhooks().status()
    if webhooks.verified:
        received = (
            f"{webhooks.last_received.astimezone(tz):%m-%d %H:%M}"
            if webhooks.last_received
            else "none yet"
        )
        click.echo(
            f"Notion webhooks: last event {received}; {webhooks.caught_by_polling} change(s) "
            "caught by status sync that no webhook brought"
        )
    elif cases.mode.notion:
        click.echo("Notion webhooks: not set up (status sync polling only; see README)")
    backlog = cases.service_status.backlog()
    click.echo(
        f"backlog: {backlog.unsettled} reminder message(s) unsettled, {backlog.failed_today} "
        f"reminder(s) failed today, {backlog.alerts_waiting} CX alert(s) waiting"
    )
