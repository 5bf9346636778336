"""The promotion calendar."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cxbot.entrypoints.cli.app import cli
from cxbot.entrypoints.cli.common import (
    err,
    iso_date,
    opened,
    progress_bar,
    reports_errors,
)

if TYPE_CHECKING:
    from cxbot.domain.promotions import Promotion
    from cxbot.service.calendar_sync import CalendarReport


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
        now = cases.clock.now()
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
        print_calendar(report)
        if report.guarded:
            sys.exit(3)
        if report.problems:
            sys.exit(ROWS_SKIPPED)


@calendar.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include past and cancelled promotions.")
@click.pass_context
@reports_errors
def calendar_list(ctx: click.Context, show_all: bool) -> None:
    """Lists the mirrored promotions with their dates and CX's lead time.

    \b
    Example:
      cxbot calendar list
    """
    with opened(ctx) as cases:
        today = cases.clock.today()
        for promo, lead in cases.calendar.listing(today=today):
            last = promo.end or promo.start
            finished = last is not None and last < today
            if not show_all and (promo.cancelled or finished):
                continue
            if promo.cancelled:
                state = "cancelled"
            elif lead is None:
                state = "undecided"
            else:
                state = f"D-{lead}" if lead > 0 else "running"
            start = promo.start or f"미정 ({promo.undecided_wording('start')})"
            click.echo(f"{start}\t{promo.end or ''}\t{state}\t{promo.channel}\t{promo.name}")


def _when(promotion: Promotion) -> str:
    if promotion.start is None:
        return f"start undecided: {promotion.undecided_wording('start')}"
    if promotion.end is not None:
        return f"{promotion.start} ~ {promotion.end}"
    return str(promotion.start)


def print_calendar(report: CalendarReport) -> None:
    click.echo(f"source: {report.source}")
    if report.skipped:
        click.echo(f"nothing read: {report.skipped}")
    diff = report.diff
    if diff is not None:
        counts = {kind: len(diff.of(kind)) for kind in ("new", "changed", "cancelled", "restored")}
        late = sum(1 for c in diff.changes if c.late_notice)
        verb = "would be" if report.dry_run or report.guarded else ""
        click.echo(
            f"{verb + ' ' if verb else ''}new {counts['new']}, changed {counts['changed']}, "
            f"cancelled {counts['cancelled']}, restored {counts['restored']}, "
            f"unchanged {diff.unchanged}; late notice {late}"
            + (f" (identity by {report.identity})" if report.identity else "")
        )
        for change in diff.changes:
            lead = (
                f", lead {change.lead_days} business day(s)" if change.lead_days is not None else ""
            )
            flag = " LATE NOTICE" if change.late_notice else ""
            click.echo(
                f"  {change.kind:9} {change.promotion.name} ({_when(change.promotion)}){lead}{flag}"
            )
    for promotion in report.undecided:
        wording = ", ".join(f"{field} {word!r}" for field, word in promotion.undecided)
        click.echo(f"undecided: {promotion.name} (row {promotion.row}): {wording} — kept, flagged")
    if report.unmapped:
        err.print(
            f"[yellow]columns not read:[/] {', '.join(report.unmapped)} — if one of them matters, "
            "name it in CXBOT_CALENDAR_HEADERS (e.g. send_date=카톡 발송)",
            highlight=False,
        )
    for row_problem in report.problems:
        err.print(f"[yellow]row skipped:[/] {row_problem}", highlight=False)
    if report.layout_error:
        err.print(f"[red]sheet layout:[/] {report.layout_error}", highlight=False)
    if report.guarded:
        err.print(
            "[red]stopped: this sync would change too much at once; nothing was "
            "recorded. Check the sheet, then run `cxbot calendar sync --confirm`.[/]",
            highlight=False,
        )
    if report.written:
        click.echo(f"mirrored {report.written} promotion(s)")
    for problem in report.board_problems:
        err.print(f"[yellow]not mirrored:[/] {problem}", highlight=False)
    for key, state in report.alerts:
        click.echo(f"alert {state}: {key}")
    if report.dry_run and report.preview:
        click.echo("alert that would be sent:\n" + report.preview)
