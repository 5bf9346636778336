"""`cxbot brief`: the contact centre's brief, previewed or sent."""

from __future__ import annotations

from datetime import date, datetime

import click

from cxbot.entrypoints.cli.app import cli
from cxbot.entrypoints.cli.common import iso_date, opened, reports_errors


@cli.command("brief")
@click.option("--dry-run", is_flag=True, help="Show each centre's brief; record and send nothing.")
@click.option(
    "--today",
    callback=iso_date,
    help="Build the brief as if sent on this day (YYYY-MM-DD); default: today.",
)
@click.option("--centre", "centre", help="Only this centre (its key in jobs/centres.yaml).")
@click.pass_context
@reports_errors
def brief(ctx: click.Context, dry_run: bool, today: date | None, centre: str | None) -> None:
    """Previews or sends the contact centre's brief: what customers will notice in the
    next business days (launches opening, promotions starting, ending, moved or
    cancelled, SMS/push sends), with the guidance agents need.

    `cxbot run` sends it by itself (jobs/schedule.yaml: centre-brief, by default 16:00
    on the business day before) and corrects it when something it told changes. Sent
    once per centre and day: running this again sends nothing new. Centres are set up
    in jobs/centres.yaml (README: "The contact centre's brief").

    \b
    Examples:
      cxbot brief --dry-run                       today's brief for every centre
      cxbot brief --dry-run --today 2027-02-05    the brief before Seollal
      cxbot brief --centre bpo-seoul              send it now (once)
    """
    with opened(ctx) as cases:
        briefs = cases.briefs
        if not briefs.centres:
            click.echo(
                "no centres configured in jobs/centres.yaml (CXBOT_CENTRES_FILE): add one (README: "
                "\"The contact centre's brief\"); `cxbot demo` shows a sample centre's brief"
            )
            return
        day = today or cases.clock().date()
        if dry_run:
            for chosen, _built, message in briefs.preview(today=day, centre=centre):
                click.echo(f"── {chosen.name} ({chosen.key}, {chosen.channel_kind}) ──")
                click.echo(message.preview)
                click.echo()
            click.echo("(dry run: nothing was recorded or sent)")
            return
        now = cases.clock()
        if today is not None:
            now = datetime.combine(today, now.timetz())
        for sent in briefs.run(now=now, centre=centre, force_day=today is not None):
            why = f" — {sent.why}" if sent.why else ""
            version = f" v{sent.version}" if sent.version else ""
            click.echo(f"{sent.centre}: {sent.state}{version}{why}")
        follow = briefs.follow_up(now=cases.clock())
        if any(follow.values()):
            click.echo(
                f"corrections sent: {follow['corrections']}, escalated: {follow['escalated']}"
            )
