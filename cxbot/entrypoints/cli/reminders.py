"""Reminders."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING

import click

from cxbot.entrypoints.cli.app import cli
from cxbot.entrypoints.cli.common import (
    iso_date,
    opened,
    reports_errors,
)

if TYPE_CHECKING:
    from cxbot.service.reminders import ReminderReport
    from cxbot.service.usecases import CxBot


# reminders ---------------------------------------------------------------------------
@cli.command()
@click.option(
    "--dry-run", is_flag=True, help="Show exactly what would be sent to whom; send nothing."
)
@click.option("--today", callback=iso_date, help="Plan for this business day (with --dry-run).")
@click.pass_context
@reports_errors
def remind(ctx: click.Context, dry_run: bool, today: date | None) -> None:
    """Sends today's reminders: one digest per person and per channel, exactly once.

    Owners get a DM (found by email); overdue items escalate to the department's
    channel and the launch's CX planner; on opening day the planner and the CX
    channel get a summary. Only on business days, from the configured hour
    (jobs/reminders.yaml), never in quiet hours. Running it again sends nothing twice;
    a run missed in the morning is caught up later the same business day.
    Without SLACK_BOT_TOKEN, messages go to the console and .cxbot/outbox.jsonl.

    \b
    Example:
      cxbot remind --dry-run
      cxbot remind --dry-run --today 2027-02-10
      cxbot remind
    """
    if today is not None and not dry_run:
        raise click.UsageError("--today plans ahead: use it with --dry-run")
    with opened(ctx, echo=not dry_run) as cases:
        report = cases.reminders.run(now=cases.clock(), today=today, dry_run=dry_run)
        print_reminders(cases, report, dry_run=dry_run, channel=cases.mode.notifier)
        if not dry_run and report.skipped is None:
            for key, state in cases.calendar.brief(now=cases.clock()):
                click.echo(f"promotion brief {state}: {key}")
        if any(o.state in ("failed", "unknown") for o in report.outcomes):
            sys.exit(1)


def print_reminders(cases: CxBot, report: ReminderReport, *, dry_run: bool, channel: str) -> None:
    """What `remind` sent or would send, in the locale (templates/<locale>/reminders.txt.j2)."""
    m = cases.render.macros("reminders.txt.j2")
    if report.skipped:
        click.echo(str(m.skipped(report.skipped)))
        return
    for key in report.recovered:
        click.echo(str(m.recovered(key)))
    for key in report.released:
        click.echo(str(m.released(key)))
    for outcome in report.outcomes:
        click.echo(str(m.outcome(outcome)))
        if outcome.notes:
            click.echo("         " + str(m.note(outcome.notes)))
        if dry_run:
            click.echo("         " + outcome.text.replace("\n", "\n         "))
    sent = sum(1 for o in report.outcomes if o.state in ("sent", "planned"))
    click.echo(str(m.summary(report, sent, dry_run, channel)))
