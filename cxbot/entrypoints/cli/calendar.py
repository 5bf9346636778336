"""The promotion calendar."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from cxbot.entrypoints.cli.app import cli
from cxbot.entrypoints.cli.common import (
    echo_table,
    err,
    header_option,
    iso_date,
    opened,
    progress_bar,
    reports_errors,
)

if TYPE_CHECKING:
    from cxbot.service.calendar_sync import CalendarReport
    from cxbot.service.usecases import CxBot


ROWS_SKIPPED = 4
"""`calendar sync`'s exit code when it synced but some rows could not be read."""


# promotion calendar -----------------------------------------------------------------
@cli.group()
def calendar() -> None:
    """The promotion calendar: sync it from Google Sheets (or a file) and list it."""


@calendar.command("sync")
@click.option("--dry-run", is_flag=True, help="Show what would change; record and send nothing.")
@click.option(
    "--confirm",
    is_flag=True,
    help="Apply a sync that was stopped because it would change too much at once.",
)
@click.option("--force", is_flag=True, help="Read the sheet even if it looks unchanged.")
@click.option(
    "--file",
    "local_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read this CSV/XLSX file instead of the configured sheet.",
)
@click.option(
    "--today",
    callback=iso_date,
    help="Read the sheet as of this date (year-less dates, lead time; with --dry-run).",
)
@click.pass_context
@reports_errors
def calendar_sync_command(
    ctx: click.Context,
    dry_run: bool,
    confirm: bool,
    force: bool,
    local_file: Path | None,
    today: date | None,
) -> None:
    """Reads the promotion calendar and mirrors what changed; alerts CX about late notice.

    Rows that cannot be read are reported by row, column and value; every other row
    still syncs. A promotion added or moved with less lead time than CX needs
    (CXBOT_CALENDAR_LEAD_DAYS business days) is flagged as late notice. A sync that
    would cancel or change more than CXBOT_CALENDAR_GUARD of the known promotions
    writes nothing and asks for --confirm. Without a sheet configured it reads
    CXBOT_CALENDAR_FILE (a CSV/XLSX file); with neither it says so and syncs nothing.

    \b
    Exit codes, for a scheduler or CI:
      0  synced, every row read
      3  stopped by the guard: nothing written, run again with --confirm
      4  synced, but some rows were skipped or cells flagged (listed; fix them in the sheet)

    \b
    Example:
      cxbot calendar sync --dry-run
      cxbot calendar sync --dry-run --today 2026-12-01 --file promotions.xlsx
      cxbot calendar sync
      cxbot calendar sync --confirm
    """
    if today is not None and not dry_run:
        raise click.UsageError("--today reads the sheet as of another day: use it with --dry-run")
    with opened(ctx, echo=True) as cases:
        sync = cases.calendar_from_file(str(local_file)) if local_file else cases.calendar
        now = cases.clock()
        if today is not None:
            now = datetime.combine(today, now.timetz())
        with progress_bar(cases.mode.notion and not dry_run) as progress:
            report = sync.run(
                now=now,
                confirm=confirm,
                dry_run=dry_run,
                force=force,
                progress=progress,
            )
        print_calendar(cases, report)
        if report.guarded:
            sys.exit(3)
        if report.problems:
            sys.exit(ROWS_SKIPPED)


@calendar.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include past and cancelled promotions.")
@header_option
@click.pass_context
@reports_errors
def calendar_list(ctx: click.Context, show_all: bool, header: bool | None) -> None:
    """Lists the mirrored promotions with their dates and CX's lead time (tab-separated).

    The lead time is in business days from today to the promotion's first day (its start,
    or an earlier SMS/push send): never a D-label, which belongs to launches.

    \b
    Example:
      cxbot calendar list
      cxbot calendar list --all --no-header > promotions.tsv
    """
    with opened(ctx) as cases:
        m = cases.render.macros("calendar.txt.j2")
        today = cases.clock().date()
        rows = []
        for promo, lead in cases.calendar.listing(today=today):
            if not show_all and (promo.cancelled or promo.ended_before(today)):
                continue
            start = str(promo.start) if promo.start else str(m.when(promo))
            state = str(m.list_state(promo, lead, today))
            rows.append([start, str(promo.end or ""), state, promo.channel, promo.name])
        echo_table(str(m.list_headers()).split("\t"), rows, header)


def print_calendar(cases: CxBot, report: CalendarReport) -> None:
    """The sync's summary in the locale: what changed to standard output, what needs fixing
    in the sheet to standard error."""
    m = cases.render.macros("calendar.txt.j2")
    click.echo(str(m.source(report.source)))
    if report.skipped:
        click.echo(str(m.skipped(report.skipped)))
    diff = report.diff
    if diff is not None:
        late = sum(1 for c in diff.changes if c.late_notice)
        past = sum(1 for c in diff.changes if c.past)
        would = report.dry_run or report.guarded
        click.echo(str(m.counts(diff, late, past, report.identity, would)))
        for change in diff.changes:
            click.echo("  " + str(m.change(change, report.lead_required)))
    for promotion in report.undecided:
        click.echo(str(m.undecided(promotion)))
    if report.unmapped:
        err.print(f"[yellow]{escape(str(m.unmapped(report.unmapped)))}[/]", highlight=False)
    for row_problem in report.problems:
        err.print(f"[yellow]{escape(str(m.problem(row_problem)))}[/]", highlight=False)
    if report.layout_error:
        err.print(f"[red]{escape(str(m.layout(report.layout_error)))}[/]", highlight=False)
    if report.guarded:
        err.print(f"[red]{escape(str(m.guarded()))}[/]", highlight=False)
    if report.written:
        click.echo(str(m.written(report.written)))
    for problem in report.board_problems:
        err.print(f"[yellow]{escape(str(m.not_mirrored(problem)))}[/]", highlight=False)
    for _key, state in report.alerts:
        click.echo(str(m.alert(state)))
    if report.dry_run and report.preview:
        click.echo(str(m.preview(report.preview)))
