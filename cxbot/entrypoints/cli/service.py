"""Running cxbot as a service: run, worker, health."""

from __future__ import annotations

import logging
import sys

import click

from cxbot.bootstrap import App
from cxbot.entrypoints.cli.app import cli
from cxbot.entrypoints.cli.common import (
    opened,
    reports_errors,
)
from cxbot.entrypoints.service import serve
from cxbot.service.errors import InputError


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
    with opened(ctx) as app:
        if health_port is not None or logging.getLogger().level > logging.INFO:
            logging.getLogger("cxbot").setLevel(logging.INFO)
        serve(app.job_runner(), timezone=app.tz, health_port=health_port, health_host=health_host)


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
    with opened(ctx) as app:
        logging.getLogger("cxbot").setLevel(logging.INFO)
        dsn = workers.conninfo(app.settings.cxbot_database_url)
        runner = app.job_runner()
        queue = workers.build(runner, dsn, stalled_check=stalled_check, stalled_after=stalled_after)
        workers.ensure_schema(queue, dsn)
        workers.run_worker(
            queue, name=name or runner.worker, heartbeat=heartbeat, stalled_after=stalled_after
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
    with opened(ctx) as app:
        ok, lines = app.job_runner().health()
        for line in lines:
            click.echo(line)
        sys.exit(0 if ok else 1)


def print_jobs(app: App) -> None:
    now = app.now()
    click.echo("jobs (jobs/schedule.yaml):")
    for name, schedule in app.schedules().items():
        runs = app.store.runs_of(name, limit=20)
        last = runs[0] if runs else None
        failed = next((r for r in runs if r.outcome == "failed"), None)
        upcoming = schedule.next_tick(now)
        line = (
            f"  {name:14} {schedule.spec.cron:18} next {upcoming:%m-%d %H:%M}"
            if upcoming
            else f"  {name:14} {schedule.spec.cron:18} next -"
        )
        if last is not None:
            line += f" · last {last.tick.astimezone(app.tz):%m-%d %H:%M} {last.outcome}" + (
                f" {last.summary}" if last.summary else ""
            )
        else:
            line += " · never run"
        click.echo(line)
        if failed is not None:
            click.echo(
                f"  {'':14} last failure {failed.tick.astimezone(app.tz):%m-%d %H:%M}: "
                f"{failed.error}"
            )
    unsettled = app.store.unsettled()
    failed_today = [s for s in app.store.reminder_states(app.today()).values() if s == "failed"]
    pending = app.store.pending_alerts()
    click.echo(
        f"backlog: {len(unsettled)} reminder message(s) unsettled, {len(failed_today)} "
        f"reminder(s) failed today, {len(pending)} CX alert(s) waiting"
    )
