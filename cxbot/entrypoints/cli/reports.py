"""`cxbot report`: the weekly launch report for managers and the departments."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cxbot.entrypoints.cli.app import cli
from cxbot.entrypoints.cli.common import err, iso_date, opened, reports_errors

if TYPE_CHECKING:
    from cxbot.ports.common import OutputFiles
    from cxbot.service.weekly_report import RenderedReport

DEFAULT_FOLDER = Path(".cxbot/reports")


def write_report(files: OutputFiles, rendered: RenderedReport, folder: Path) -> Path:
    """Writes a report's files into `folder`; returns the report's own file."""
    files.write_into(folder, rendered.files)
    return folder / rendered.main


@cli.group()
def report() -> None:
    """Reports for managers: the weekly picture of every launch."""


@report.command("weekly")
@click.option(
    "-l", "--launch", "launch_key", help="Only this launch (its key; see `cxbot status`)."
)
@click.option(
    "--week",
    metavar="YYYY-Www",
    help="The ISO week, e.g. 2026-W49. Default: last week on a Monday, this week otherwise.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["html", "md", "png"]),
    default="html",
    show_default=True,
    help="A printable HTML page (A4), Markdown with PNG charts beside it, or one PNG.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_FOLDER,
    show_default=True,
    help="The folder to write the report into.",
)
@click.option("--today", callback=iso_date, help="Take the figures as of this day (YYYY-MM-DD).")
@click.option(
    "--post",
    is_flag=True,
    help="Also post the summary and the chart to the CX channel (once per week).",
)
@click.option(
    "--dry-run", is_flag=True, help="Write no file and post nothing: say what would be written."
)
@click.pass_context
@reports_errors
def weekly(
    ctx: click.Context,
    launch_key: str | None,
    week: str | None,
    fmt: str,
    output: Path,
    today: date | None,
    post: bool,
    dry_run: bool,
) -> None:
    """Writes the weekly launch report and prints where.

    Per launch: a burn-up chart (items due by each business day against items done,
    D-30 … D+14, today marked), done / in progress / blocked / overdue per department,
    the overdue items with owner and business days late, this week's changes and
    decisions. Across launches: every open launch with its opening day, D-label, % done,
    overdue count and a risk flag (work due before opening is late), and the promotions
    of the next four weeks with the lead time CX got (late notice highlighted).

    --post sends a short summary with the chart to the CX channel, as the Monday job
    does; a week is posted once, however often this runs.

    \b
    Examples:
      cxbot report weekly
      cxbot report weekly --week 2026-W49 -f md -o reports/
      cxbot report weekly --launch partner-mall-1a2b3c4d -f png
      cxbot report weekly --post --dry-run
    """
    from cxbot.service.weekly_report import week_of

    ctx.obj["quiet_mode"] = True
    with opened(ctx) as cases:
        now = cases.clock()
        day = today or now.date()
        picture = cases.weekly.picture(today=day, week=week_of(week, day), launch_key=launch_key)
        stem = f"weekly-{picture.week.label}" + (f"-{launch_key}" if launch_key else "")
        at_risk = len(picture.at_risk)
        if dry_run:
            main = output / f"{stem}.{fmt}"
        else:
            rendered = cases.weekly.render(picture, fmt, name=stem)
            main = write_report(cases.files, rendered, output)
        click.echo(
            f"{'would write' if dry_run else 'wrote'} {main} — {picture.week.label}, "
            f"as of {picture.as_of}: "
            f"{len(picture.launches)} launch(es)"
            + (f", {at_risk} at risk" if at_risk else "")
            + f", {len(picture.promotions)} promotion(s) in the next 4 weeks"
        )
        if not post:
            return
        if dry_run:
            message = cases.weekly.preview(picture)
            click.echo("would post to the CX channel, with the chart:\n" + message.preview)
            return
        outcome = cases.weekly.post(picture, now=now)
        click.echo(
            f"post {outcome.state}: {outcome.key}" + (f" ({outcome.why})" if outcome.why else "")
        )
        if outcome.state in ("failed", "unknown"):
            err.print(
                "[yellow]the post's outcome is not settled; running this again never posts "
                "twice[/]",
                highlight=False,
            )
            sys.exit(1)
