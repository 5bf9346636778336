"""Status, history, templates, doctor."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from rich.markup import escape

from cxbot.entrypoints.cli.app import cli
from cxbot.entrypoints.cli.common import (
    err,
    iso_date,
    opened,
    reports_errors,
)
from cxbot.entrypoints.cli.launches import print_status
from cxbot.entrypoints.cli.service import print_jobs


# status, history, templates, doctor ---------------------------------------------
@cli.command()
@click.option("--today", callback=iso_date, help="Pretend today is this date (planning).")
@click.option("--horizon", default=5, show_default=True, help="Business days ahead to list.")
@click.pass_context
@reports_errors
def status(ctx: click.Context, today: date | None, horizon: int) -> None:
    """Shows every launch's progress, overdue items and items due soon.

    \b
    Example:
      cxbot status
      cxbot status --today 2027-02-10 --horizon 3
    """
    with opened(ctx) as cases:
        print_status(cases, today or cases.clock().date(), horizon=horizon)
        click.echo()
        print_jobs(cases)


@cli.command()
@click.option("--launch", "launch_key", help="Only this launch's changes.")
@click.option("--limit", type=int, help="At most this many entries.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV on standard output.")
@click.pass_context
@reports_errors
def history(ctx: click.Context, launch_key: str | None, limit: int | None, as_csv: bool) -> None:
    """Shows the change history: who changed what, old → new, when, through what.

    \b
    Example:
      cxbot history --launch partner-mall-1a2b3c4d
      cxbot history --csv > changes.csv
    """
    with opened(ctx) as cases:
        entries = cases.audit.entries(entity_id_prefix=launch_key, limit=limit)
        if as_csv:
            from cxbot.service.audit_report import changes_to_csv

            click.echo(changes_to_csv(entries, cases.tz), nl=False)
            return
        for c in entries:
            when = c.at.astimezone(cases.tz).strftime("%Y-%m-%d %H:%M")
            click.echo(
                f"{when}\t{c.source.value}\t{c.actor}\t{c.entity_id}\t{c.field}: "
                f"{c.old} → {c.new}" + (f"\t({c.note})" if c.note else "")
            )


@cli.group()
def templates() -> None:
    """List and check checklist templates in checklists/."""


@templates.command("list")
@click.pass_context
@reports_errors
def templates_list(ctx: click.Context) -> None:
    """Lists the templates with their item counts.

    \b
    Example:
      cxbot templates list
    """
    ctx.obj["quiet_mode"] = True
    with opened(ctx) as cases:
        for checked in cases.templates.check_all():
            template = checked.template
            if template is not None:
                click.echo(f"{template.key}\t{len(template.items)} items\t{template.name}")
            else:
                err.print(f"[red]{checked.error}[/]", highlight=False)


@templates.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
@reports_errors
def templates_check(ctx: click.Context, files: tuple[Path, ...]) -> None:
    """Validates templates and names every problem by file, item and field.

    With no FILES, checks every template in checklists/.

    \b
    Example:
      cxbot templates check checklists/partner-mall.yaml
    """
    ctx.obj["quiet_mode"] = True
    failed = 0
    with opened(ctx) as cases:
        for checked in cases.templates.check_all([str(f) for f in files]):
            if checked.template is not None:
                click.echo(f"ok\t{checked.path}\t{len(checked.template.items)} items")
                for warning in checked.warnings:
                    err.print(f"[yellow]warning: {escape(warning)}[/]", highlight=False)
            else:
                failed += 1
                click.echo(str(checked.error))
    if failed:
        sys.exit(1)


@cli.command()
@click.pass_context
@reports_errors
def doctor(ctx: click.Context) -> None:
    """Checks what is configured and says exactly what to fix.

    Runs every check and lists every finding, also past a bad one: the settings, each
    file they name (reminders, company calendar, schedule, owners), the store, the
    templates and, when configured, Notion (token, parent page, data sources), Slack
    and the promotion calendar. Exit 1 when anything needs fixing.

    \b
    Example:
      cxbot doctor
    """
    diagnosis = ctx.obj["diagnose"]()
    for line in diagnosis.lines():
        click.echo(line)
    if not diagnosis.ok:
        sys.exit(1)
