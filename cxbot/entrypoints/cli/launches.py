"""Launch checklists: the demo, launches, items, reading status back."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape

from cxbot.entrypoints.cli.app import cli
from cxbot.entrypoints.cli.calendar import print_calendar
from cxbot.entrypoints.cli.common import (
    echo_table,
    err,
    header_option,
    iso_date,
    opened,
    progress_bar,
    reports_errors,
)
from cxbot.entrypoints.cli.reminders import print_reminders
from cxbot.entrypoints.cli.reports import DEFAULT_FOLDER, write_report

ITEM_STATUSES = ("not_started", "in_progress", "done", "blocked")
"""ItemStatus's values, written out so that `--help` need not load the domain."""

if TYPE_CHECKING:
    from cxbot.service.launches import LaunchResult
    from cxbot.service.usecases import CxBot


# demo --------------------------------------------------------------------------
@cli.command()
@click.option("--open-date", callback=iso_date, help="Opening day; default: 30 days from today.")
@click.pass_context
@reports_errors
def demo(ctx: click.Context, open_date: date | None) -> None:
    """Creates a demo launch from the partner-mall template and shows today's status.

    Always runs on the embedded default, even when Notion is configured: nothing
    leaves this machine. Running it again changes nothing (the launch is idempotent).

    \b
    Example:
      cxbot demo
      cxbot demo --open-date 2027-02-15
    """
    with opened(ctx, embedded=True) as cases:
        shown = cases.demo.run(open_date=open_date)
        print_plan(cases, shown.plan)
        click.echo()
        print_status(cases, shown.today, horizon=5)
        click.echo()
        click.echo("오늘 보낼 알림 (미리보기, `cxbot remind --dry-run`):")
        print_reminders(cases, shown.reminders, dry_run=True, channel="outbox")
        click.echo()
        click.echo(
            f"프로모션 캘린더 동기화 (`cxbot calendar sync`, {Path(shown.calendar_file).name}, "
            "오늘 기준 날짜의 예시 시트):"
        )
        print_calendar(cases, shown.calendar)
        click.echo()
        written = write_report(cases.files, shown.report, DEFAULT_FOLDER)
        click.echo(f"주간 리포트 (`cxbot report weekly`): {written} — 브라우저로 열거나 인쇄하세요")
        for centre, brief, message in shown.briefs:
            click.echo()
            day = brief.window.today
            click.echo(
                f"{day} ({'오늘' if day == shown.today else '다음 영업일'}) {centre.name}에 보낼 "
                "고객센터 브리핑 (미리보기, `cxbot brief --dry-run`):"
            )
            click.echo(message.preview)


def _owners_flag_moved(_ctx: Any, _param: Any, value: str | None) -> None:
    """`-o` was the owners file here; it is the output (a file or folder) everywhere now."""
    if value is not None:
        raise click.UsageError(
            "-o is the output (file or folder) in every command now; give the owners file "
            f"as --owners {value}"
        )


# launch ------------------------------------------------------------------------
@cli.group()
def launch() -> None:
    """Plan, show and re-plan launches (a checklist per launch)."""


@launch.command("create")
@click.option(
    "-t",
    "--template",
    "template_name",
    required=True,
    help="Template key in checklists/ (e.g. partner-mall) or a path to a YAML file.",
)
@click.option("-n", "--name", required=True, help='Launch name, e.g. "11번가 입점".')
@click.option(
    "-d", "--open-date", required=True, callback=iso_date, help="Opening day (D-day), YYYY-MM-DD."
)
@click.option("-o", "moved_flag", hidden=True, callback=_owners_flag_moved, expose_value=False)
@click.option(
    "--owners",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML file mapping departments to owners (see examples/owners.yaml).",
)
@click.option(
    "--skip",
    "skip",
    multiple=True,
    metavar="KEY",
    help="A template item this launch does not need (repeat for more).",
)
@click.option(
    "--add",
    "add",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML file of items this launch needs besides the template's (written as in one).",
)
@click.option("--dry-run", is_flag=True, help="Show the plan; record and send nothing.")
@click.option(
    "-y", "--yes", is_flag=True, help="Plan on a weekend, holiday or past opening day unasked."
)
@click.pass_context
@reports_errors
def launch_create(
    ctx: click.Context,
    template_name: str,
    name: str,
    open_date: date,
    owners: Path | None,
    skip: tuple[str, ...],
    add: Path | None,
    dry_run: bool,
    yes: bool,
) -> None:
    """Creates a launch checklist from a template.

    Every item gets its due date from its D-offset (business or calendar days, on the
    Korean public-holiday calendar plus company closures), its department and owner.
    Running the same command again creates nothing twice; to move the opening day use
    `cxbot launch reschedule` (it keeps the items skipped and added here).

    \b
    Example:
      cxbot launch create --template partner-mall --name "11번가 입점" \\
          --open-date 2027-02-15 --owners owners.yaml --dry-run
      cxbot launch create -t partner-mall -n "G마켓 입점" -d 2027-03-02 \\
          --skip agent-channel --skip partner-admin-training --add gmarket-items.yaml
    """
    with opened(ctx) as cases:
        from cxbot.domain.checklist import Tailoring

        tailoring = None
        if skip or add:
            added = cases.templates.added_items(str(add)) if add else ()
            tailoring = Tailoring(skip=skip, add=added)
        confirm_opening(cases, open_date, yes=yes or dry_run)
        with progress_bar(cases.mode.notion and not dry_run) as progress:
            result = cases.launches.create(
                template=template_name,
                name=name,
                open_date=open_date,
                owners=str(owners) if owners else None,
                dry_run=dry_run,
                progress=progress,
                tailoring=tailoring,
            )
        print_plan(cases, result)
        exit_if_unpublished(result)


@launch.command("reschedule")
@click.argument("key")
@click.option("-d", "--open-date", required=True, callback=iso_date, help="The new opening day.")
@click.option("-o", "moved_flag", hidden=True, callback=_owners_flag_moved, expose_value=False)
@click.option(
    "--owners",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Owners file; give it again to keep owners (or to change them).",
)
@click.option("--dry-run", is_flag=True, help="Show the new plan; record and send nothing.")
@click.option(
    "-y", "--yes", is_flag=True, help="Move to a weekend, holiday or past opening day unasked."
)
@click.pass_context
@reports_errors
def launch_reschedule(
    ctx: click.Context, key: str, open_date: date, owners: Path | None, dry_run: bool, yes: bool
) -> None:
    """Moves a launch's opening day and re-plans every due date.

    Items keep their status; every changed due date is recorded in the change history.

    \b
    Example:
      cxbot launch reschedule partner-mall-1a2b3c4d --open-date 2027-03-02 --owners owners.yaml
    """
    with opened(ctx) as cases:
        confirm_opening(cases, open_date, yes=yes or dry_run)
        with progress_bar(cases.mode.notion and not dry_run) as progress:
            result = cases.launches.reschedule(
                key=key,
                open_date=open_date,
                owners=str(owners) if owners else None,
                dry_run=dry_run,
                progress=progress,
            )
        print_plan(cases, result)
        exit_if_unpublished(result)


@launch.command("list")
@header_option
@click.pass_context
@reports_errors
def launch_list(ctx: click.Context, header: bool | None) -> None:
    """Lists launches with their opening day and progress (tab-separated).

    \b
    Example:
      cxbot launch list
      cxbot launch list --no-header | cut -f1     # the keys alone
    """
    with opened(ctx) as cases:
        rows = []
        for item in cases.launches.all():
            items = cases.launches.items(item.key)
            done = sum(1 for i in items if i.status.value == "done")
            rows.append([item.key, str(item.open_date), f"{done}/{len(items)}", item.name])
        echo_table(["key", "opening day", "done", "name"], rows, header)


@launch.command("show")
@click.argument("key")
@click.pass_context
@reports_errors
def launch_show(ctx: click.Context, key: str) -> None:
    """Shows one launch's items with item keys, due dates and status; items the launch
    added to its template are marked, so are items with a due offset or owner of their
    own (`item set-due`, `item set-owner`), and the template items it skips are listed.

    \b
    Example:
      cxbot launch show partner-mall-1a2b3c4d
    """
    with opened(ctx) as cases:
        launch = cases.launches.get(key)
        own = {f"{launch.key}/{added.key}" for added in launch.tailoring.add}
        for item in cases.launches.items(key):
            mark = "\t(이 런칭에 추가)" if item.key in own else ""
            override = launch.tailoring.override_of(item.key.partition("/")[2])
            if override is not None and override.due is not None:
                mark += f"\t(마감 {override.due}로 조정)"
            if override is not None and override.owner_name is not None:
                mark += f"\t(담당 {override.owner_name} 지정)"
            click.echo(
                f"{item.due}\t{item.label}\t{item.status.value}\t{item.key}\t{item.title}{mark}"
            )
        if launch.tailoring.skip:
            click.echo(f"# 템플릿에서 뺀 항목: {', '.join(launch.tailoring.skip)}", err=True)


# items ---------------------------------------------------------------------------
@cli.group()
def item() -> None:
    """Tick checklist items (on the embedded default; in Notion people tick directly)."""


@item.command("set-status")
@click.argument("key")
@click.argument("status", type=click.Choice(ITEM_STATUSES))
@click.option("--note", help="Why, for the change history.")
@click.pass_context
@reports_errors
def item_set_status(ctx: click.Context, key: str, status: str, note: str | None) -> None:
    """Sets an item's status and records who changed it.

    \b
    Example:
      cxbot item set-status partner-mall-1a2b3c4d/cs-phone-number done --note "ARS 개통 완료"
    """
    from cxbot.domain.checklist import ItemStatus

    with opened(ctx) as cases:
        ticked, changes = cases.launches.set_item_status(
            key=key, status=ItemStatus(status), note=note
        )
        if not changes:
            click.echo(f"{key} is already {status}; nothing recorded")
        for change in changes:
            click.echo(
                f"{change.entity_id}: {change.field} {change.old} → {change.new} ({change.actor})"
            )
        if changes and ticked.board_behind_since is not None:
            click.echo(
                f"recorded; the {cases.launches.board_name} board did not take it yet — the "
                "next status sync (`cxbot sync status`, or `cxbot run`) pushes it"
            )


@item.command("exclude")
@click.argument("key")
@click.option("--reason", required=True, help="Why this launch does not need it (on record).")
@click.option("--dry-run", is_flag=True, help="Show what would change; record nothing.")
@click.pass_context
@reports_errors
def item_exclude(ctx: click.Context, key: str, reason: str, dry_run: bool) -> None:
    """Takes an item out of a live launch: recorded as removed with the reason and who,
    its Notion page moved to the trash, never reminded again. `item restore` brings it
    back; `launch reschedule` keeps it out.

    \b
    Example:
      cxbot item exclude partner-mall-1a2b3c4d/agent-channel --reason "제휴몰 상담원 없음"
    """
    with opened(ctx) as cases:
        result = cases.launches.exclude(item=key, reason=reason, dry_run=dry_run)
        _print_retailored(result, "excluded")


@item.command("add")
@click.argument("launch_key")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="YAML file of the items to add (written as in a template, like `launch create --add`).",
)
@click.option("--dry-run", is_flag=True, help="Show what would change; record nothing.")
@click.pass_context
@reports_errors
def item_add(ctx: click.Context, launch_key: str, path: Path, dry_run: bool) -> None:
    """Adds items of the launch's own to a live launch: planned from its opening day,
    written to Notion, reminded like the rest, kept by `launch reschedule`.

    \b
    Example:
      cxbot item add partner-mall-1a2b3c4d --file gmarket-items.yaml
    """
    with opened(ctx) as cases:
        items = cases.templates.added_items(str(path))
        result = cases.launches.add_items(key=launch_key, items=items, dry_run=dry_run)
        _print_retailored(result, "added")


@item.command("set-due")
@click.argument("key")
@click.argument("due")
@click.option("--dry-run", is_flag=True, help="Show what would change; record nothing.")
@click.pass_context
@reports_errors
def item_set_due(ctx: click.Context, key: str, due: str, dry_run: bool) -> None:
    """Moves one item of a live launch to another D-offset (its own due day): kept with
    the launch, so `launch reschedule` keeps it at that offset. `launch show` marks it.

    \b
    Example:
      cxbot item set-due partner-mall-1a2b3c4d/bpo-contract D-25
    """
    with opened(ctx) as cases:
        result = cases.launches.override(item=key, due=due, dry_run=dry_run)
        _print_item_changes(result, key, ("due", "label"), unchanged=f"already due at {due}")


@item.command("set-owner")
@click.argument("key")
@click.argument("email")
@click.option("--name", help="The owner's name (default: the owners file's for that e-mail).")
@click.option("--dry-run", is_flag=True, help="Show what would change; record nothing.")
@click.pass_context
@reports_errors
def item_set_owner(
    ctx: click.Context, key: str, email: str, name: str | None, dry_run: bool
) -> None:
    """Gives one item of a live launch its own owner instead of its department's: kept
    with the launch, so `launch reschedule` keeps it. Reminders go to that person.

    \b
    Example:
      cxbot item set-owner partner-mall-1a2b3c4d/kms-manual jiwoo@example.com --name 김지우
    """
    with opened(ctx) as cases:
        result = cases.launches.override(item=key, email=email, name=name, dry_run=dry_run)
        _print_item_changes(result, key, ("owner",), unchanged=f"already owned by {email}")


def _print_item_changes(result: Any, key: str, fields: tuple[str, ...], unchanged: str) -> None:
    prefix = "(dry run) " if result.dry_run else ""
    shown = [c for c in result.changes if c.entity_id == key and c.field in fields]
    for change in shown:
        click.echo(f"{prefix}{key}: {change.field} {change.old} → {change.new}")
    if not shown:
        click.echo(f"{key} is {unchanged}; nothing changed")
    for problem in result.problems:
        click.echo(f"warning: {problem}", err=True)


@item.command("restore")
@click.argument("key")
@click.option("--dry-run", is_flag=True, help="Show what would change; record nothing.")
@click.pass_context
@reports_errors
def item_restore(ctx: click.Context, key: str, dry_run: bool) -> None:
    """Brings an excluded item back into its launch, due as the plan says.

    \b
    Example:
      cxbot item restore partner-mall-1a2b3c4d/agent-channel
    """
    with opened(ctx) as cases:
        result = cases.launches.restore(item=key, dry_run=dry_run)
        _print_retailored(result, "restored")


def _print_retailored(result: Any, verb: str) -> None:
    prefix = "(dry run) " if result.dry_run else ""
    for gone in result.removed:
        click.echo(f"{prefix}{verb}: {gone.key} ({gone.title})")
    added = [c.entity_id for c in result.changes if c.field == "removed" and c.new == "no"]
    added += [  # items new to the launch (item add)
        c.entity_id
        for c in result.changes
        if c.entity == "checklist_item" and c.field == "title" and c.old is None
    ]
    for key in added:
        item = next(i for i in result.items if i.key == key)
        click.echo(f"{prefix}{verb}: {key} ({item.title}), due {item.due} ({item.label})")
    for problem in result.problems:
        click.echo(f"warning: {problem}", err=True)


# sync ------------------------------------------------------------------------------
@cli.group()
def sync() -> None:
    """Read back what changed outside cxbot."""


@sync.command("status")
@click.option("--dry-run", is_flag=True, help="Show what changed; record nothing.")
@click.pass_context
@reports_errors
def sync_status_command(ctx: click.Context, dry_run: bool) -> None:
    """Reads item edits made in Notion since the last sync and records each change.

    Only pages edited since the last cursor are read (one query page per 100 edited
    items). Each changed field is recorded with who edited it and when.

    \b
    Example:
      cxbot sync status
    """
    with opened(ctx) as cases:
        report = cases.status_sync.run(dry_run=dry_run)
        if report.board == "local":
            click.echo(
                "embedded default: items are ticked with `cxbot item set-status`; "
                "nothing to read back"
            )
            return
        click.echo(
            f"read {report.seen} edited page(s) in {report.requests} request(s); "
            f"{report.changed_items} item(s) changed"
        )
        for change in report.changes:
            click.echo(
                f"  {change.at:%Y-%m-%d %H:%M} {change.entity_id}: {change.field} "
                f"{change.old} → {change.new} by {change.actor}"
            )
        for problem in (*report.unknown, *report.problems):
            err.print(f"[yellow]warning:[/] {problem}", highlight=False)


def print_plan(cases: CxBot, result: LaunchResult) -> None:
    text = cases.render.render(
        "plan.txt.j2",
        launch=result.plan.launch,
        items=result.items,
        warnings=[*result.plan.warnings, *result.problems],
        dry_run=result.dry_run,
        created=result.created,
        added=result.added,
        updated=result.updated,
        published=result.published,
        board=cases.launches.board_name,
    )
    click.echo(text, nl=False)


def print_status(cases: CxBot, today: date, *, horizon: int) -> None:
    click.echo(
        cases.render.render(
            "status.txt.j2",
            today=today,
            business_day=cases.launches.calendar.is_business_day(today),
            launches=cases.launches.progress(today=today, horizon=horizon),
            horizon=horizon,
        ),
        nl=False,
    )


def confirm_opening(cases: CxBot, open_date: date, *, yes: bool) -> None:
    """Says why an opening day deserves a second look; asks on a terminal, and elsewhere
    stops (exit 2) unless --yes was given. A dry run only warns."""
    concerns = cases.launches.opening_concerns(open_date)
    if not concerns:
        return
    words = cases.render.labels["opening_concern"]
    weekday = cases.render.labels["weekdays"][open_date.weekday()]
    for concern in concerns:
        text = words[concern.kind].format(day=open_date, weekday=weekday, name=concern.name)
        err.print(f"[yellow]{escape(text)}[/]", highlight=False)
    if yes:
        return
    if sys.stdin.isatty():
        click.confirm(words["confirm"], abort=True, err=True)
        return
    err.print(f"[red]{escape(words['needs_yes'])}[/]", highlight=False)
    sys.exit(2)


def exit_if_unpublished(result: LaunchResult) -> None:
    """Exit 2 when items are recorded but not on the board and nothing will retry them;
    items handed to the next status sync are said, and are not a failure."""
    if result.dry_run:
        return
    if result.handed_over:
        err.print(
            f"[yellow]{len(result.handed_over)} item(s) are recorded but Notion is "
            "rate-limiting or unavailable: the next status sync writes them (every 5 "
            "minutes under `cxbot run`, or now with `cxbot sync status`)[/]",
            highlight=False,
        )
    if result.stuck:
        err.print(
            f"[red]{result.stuck} item(s) are recorded but not yet on the board; "
            "run the same command again to finish[/]",
            highlight=False,
        )
        sys.exit(2)
