"""The `cxbot` command line."""

from __future__ import annotations

import csv
import functools
import logging
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
from rich.progress import Progress as ProgressBar

from cxbot.adapters.slack.interactive import (
    SignedRequests,
    SlackWorkspace,
    socket_mode_listener,
)
from cxbot.adapters.yaml_files import find_template, load_owners, load_template
from cxbot.bootstrap import App, build_app
from cxbot.domain.audit import verify_chain
from cxbot.domain.changes import ChangeSource
from cxbot.domain.checklist import ItemStatus, launch_key
from cxbot.domain.decisions import DecisionStatus, Position
from cxbot.domain.owners import OwnerDirectory, Person
from cxbot.entrypoints import logs, views
from cxbot.entrypoints.doctor import doctor_report
from cxbot.entrypoints.service import serve, serve_slack_events
from cxbot.service import launches as launch_service
from cxbot.service.audit_report import build_report, to_csv
from cxbot.service.calendar_sync import CalendarReport
from cxbot.service.decision_log import DecisionDraft
from cxbot.service.errors import CxbotError, InputError, NotFound
from cxbot.service.ports import Progress, no_progress
from cxbot.service.reminders import ReminderReport
from cxbot.service.status_sync import sync_status
from cxbot.settings import PROJECT_ROOT, Settings

F = TypeVar("F", bound=Callable[..., Any])
err = Console(stderr=True, soft_wrap=True)
DEMO_NAME = "데모 제휴몰 입점"
DEMO_OWNERS = PROJECT_ROOT / "examples" / "owners.yaml"
DEMO_CALENDAR = PROJECT_ROOT / "examples" / "promotions.csv"


def iso_date(_ctx: Any, _param: Any, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD") from None


def reports_errors(func: F) -> F:
    """Shows a CxbotError as one clear message and exit code 1, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CxbotError as error:
            err.print(f"[bold red]error:[/] {error}", highlight=False, markup=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@contextmanager
def opened(ctx: click.Context, *, embedded: bool = False) -> Iterator[App]:
    """The application, built from settings; `embedded` ignores any Notion credentials."""
    try:
        settings: Settings = ctx.obj["settings"]()
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors()
        )
        raise InputError(f"settings (environment or .env): {problems}") from None
    if embedded:
        settings = settings.model_copy(update={"notion_token": None})
    app: App = ctx.obj["factory"](settings)
    if not app.settings.notion_enabled and not ctx.obj.get("quiet_mode"):
        err.print(
            "[dim]embedded default: no NOTION_TOKEN, so checklists live in the local store "
            f"({app.settings.cxbot_database_url})[/]",
            highlight=False,
        )
    try:
        yield app
    finally:
        app.close()


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Progress]:
    if not enabled:
        yield no_progress
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with ProgressBar(*columns, console=err, transient=True) as bar:
        task = bar.add_task("Notion", total=None)

        def report(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, description=f"Notion: {what[:30]}")

        yield report


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("--log-json", is_flag=True, help="Log JSON lines (for log collectors).")
@click.pass_context
def cli(ctx: click.Context, verbose: int, log_json: bool) -> None:
    """cxbot runs the operations side of CX launches.

    It turns a checklist template into dated items for every department (D-days on
    Korean business days), writes them to Notion, and reads back what departments
    tick. Without NOTION_TOKEN it runs on the embedded default: everything lives in
    a local SQLite store.

    \b
    Start with:
      cxbot demo                      a full demo launch on the embedded default
      cxbot launch create --help      plan a real launch
      cxbot doctor                    check what is configured
    """
    level = logging.WARNING - 10 * verbose
    logs.configure(max(level, logging.DEBUG), json_lines=log_json)

    ctx.ensure_object(dict)
    ctx.obj.setdefault("settings", Settings)
    ctx.obj.setdefault("factory", build_app)


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
    with opened(ctx, embedded=True) as app:
        template = load_template(find_template(app.settings.cxbot_checklists_dir, "partner-mall"))
        owners = load_owners(DEMO_OWNERS)
        opening = open_date or app.today() + timedelta(days=30)
        key = launch_key(template.key, DEMO_NAME)
        existing = app.store.get_launch(key)
        service_ctx = app.context()
        if existing is not None and existing.open_date != opening:
            result = launch_service.reschedule_launch(
                service_ctx, key=key, open_date=opening, template=template, owners=owners
            )
        else:
            result = launch_service.create_launch(
                service_ctx, template=template, name=DEMO_NAME, open_date=opening, owners=owners
            )
        _print_plan(app, result)
        click.echo()
        _print_status(app, app.today(), horizon=5)
        click.echo()
        click.echo("오늘 보낼 알림 (미리보기, `cxbot remind --dry-run`):")
        report = app.reminders().run(now=app.now(), dry_run=True)
        _print_reminders(report, dry_run=True, channel="outbox")
        click.echo()
        click.echo(f"프로모션 캘린더 동기화 (`cxbot calendar sync`, {DEMO_CALENDAR.name}):")
        sync = app.calendar_sync(local_file=DEMO_CALENDAR)
        _print_calendar(sync.run(now=app.now()))


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
@click.option(
    "-o",
    "--owners",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML file mapping departments to owners (see examples/owners.yaml).",
)
@click.option("--dry-run", is_flag=True, help="Show the plan; record and send nothing.")
@click.pass_context
@reports_errors
def launch_create(
    ctx: click.Context,
    template_name: str,
    name: str,
    open_date: date,
    owners: Path | None,
    dry_run: bool,
) -> None:
    """Creates a launch checklist from a template.

    Every item gets its due date from its D-offset (business or calendar days, on the
    Korean public-holiday calendar plus company closures), its department and owner.
    Running the same command again creates nothing twice; to move the opening day use
    `cxbot launch reschedule`.

    \b
    Example:
      cxbot launch create --template partner-mall --name "11번가 입점" \\
          --open-date 2027-02-15 --owners owners.yaml --dry-run
    """
    with opened(ctx) as app:
        template = load_template(find_template(app.settings.cxbot_checklists_dir, template_name))
        directory = load_owners(owners)
        with progress_bar(app.settings.notion_enabled and not dry_run) as progress:
            result = launch_service.create_launch(
                app.context(),
                template=template,
                name=name,
                open_date=open_date,
                owners=directory,
                dry_run=dry_run,
                progress=progress,
            )
        _print_plan(app, result)
        _exit_if_unpublished(result)


@launch.command("reschedule")
@click.argument("key")
@click.option("-d", "--open-date", required=True, callback=iso_date, help="The new opening day.")
@click.option(
    "-o",
    "--owners",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Owners file; give it again to keep owners (or to change them).",
)
@click.option("--dry-run", is_flag=True, help="Show the new plan; record and send nothing.")
@click.pass_context
@reports_errors
def launch_reschedule(
    ctx: click.Context, key: str, open_date: date, owners: Path | None, dry_run: bool
) -> None:
    """Moves a launch's opening day and re-plans every due date.

    Items keep their status; every changed due date is recorded in the change history.

    \b
    Example:
      cxbot launch reschedule partner-mall-1a2b3c4d --open-date 2027-03-02 --owners owners.yaml
    """
    with opened(ctx) as app:
        existing = app.store.get_launch(key)
        if existing is None:
            raise NotFound(f"no launch {key!r}; `cxbot launch list` shows the keys")
        template = load_template(
            find_template(app.settings.cxbot_checklists_dir, existing.template_key)
        )
        directory = load_owners(owners) if owners else _owners_from_items(app, key)
        with progress_bar(app.settings.notion_enabled and not dry_run) as progress:
            result = launch_service.reschedule_launch(
                app.context(),
                key=key,
                open_date=open_date,
                template=template,
                owners=directory,
                dry_run=dry_run,
                progress=progress,
            )
        _print_plan(app, result)
        _exit_if_unpublished(result)


@launch.command("list")
@click.pass_context
@reports_errors
def launch_list(ctx: click.Context) -> None:
    """Lists launches with their opening day and progress.

    \b
    Example:
      cxbot launch list
    """
    with opened(ctx) as app:
        for item in app.store.list_launches():
            items = app.store.items_of(item.key)
            done = sum(1 for i in items if i.status is ItemStatus.DONE)
            click.echo(f"{item.key}\t{item.open_date}\t{done}/{len(items)}\t{item.name}")


@launch.command("show")
@click.argument("key")
@click.pass_context
@reports_errors
def launch_show(ctx: click.Context, key: str) -> None:
    """Shows one launch's items with item keys, due dates and status.

    \b
    Example:
      cxbot launch show partner-mall-1a2b3c4d
    """
    with opened(ctx) as app:
        found = app.store.get_launch(key)
        if found is None:
            raise NotFound(f"no launch {key!r}; `cxbot launch list` shows the keys")
        for item in app.store.items_of(key):
            click.echo(f"{item.due}\t{item.label}\t{item.status.value}\t{item.key}\t{item.title}")


# items ---------------------------------------------------------------------------
@cli.group()
def item() -> None:
    """Tick checklist items (on the embedded default; in Notion people tick directly)."""


@item.command("set-status")
@click.argument("key")
@click.argument("status", type=click.Choice([s.value for s in ItemStatus]))
@click.option("--note", help="Why, for the change history.")
@click.pass_context
@reports_errors
def item_set_status(ctx: click.Context, key: str, status: str, note: str | None) -> None:
    """Sets an item's status and records who changed it.

    \b
    Example:
      cxbot item set-status partner-mall-1a2b3c4d/cs-phone-number done --note "ARS 개통 완료"
    """
    with opened(ctx) as app:
        _item, changes = launch_service.set_item_status(
            app.context(), key=key, status=ItemStatus(status), note=note
        )
        if not changes:
            click.echo(f"{key} is already {status}; nothing recorded")
        for change in changes:
            click.echo(
                f"{change.entity_id}: {change.field} {change.old} → {change.new} ({change.actor})"
            )


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
    with opened(ctx) as app:
        report = sync_status(app.context(), dry_run=dry_run)
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
    with opened(ctx) as app:
        reminders = app.reminders(echo=None if dry_run else click.echo)
        report = reminders.run(now=app.now(), today=today, dry_run=dry_run)
        _print_reminders(report, dry_run=dry_run, channel=reminders.notifier.name)
        if not dry_run and report.skipped is None:
            for key, state in app.calendar_sync(echo=click.echo).brief(now=app.now()):
                click.echo(f"promotion brief {state}: {key}")
        if any(o.state in ("failed", "unknown") for o in report.outcomes):
            sys.exit(1)


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
@click.pass_context
@reports_errors
def calendar_sync_command(
    ctx: click.Context, dry_run: bool, confirm: bool, force: bool, local_file: Path | None
) -> None:
    """Reads the promotion calendar and mirrors what changed; alerts CX about late notice.

    Rows that cannot be read are reported by row, column and value; every other row
    still syncs. A promotion added or moved with less lead time than CX needs
    (CXBOT_CALENDAR_LEAD_DAYS business days) is flagged as late notice. A sync that
    would cancel or change more than CXBOT_CALENDAR_GUARD of the known promotions
    writes nothing and asks for --confirm. Without a sheet configured it reads
    CXBOT_CALENDAR_FILE (examples/promotions.csv).

    \b
    Example:
      cxbot calendar sync --dry-run
      cxbot calendar sync
      cxbot calendar sync --confirm
    """
    with opened(ctx) as app:
        sync = app.calendar_sync(echo=click.echo, local_file=local_file)
        with progress_bar(app.notion_api is not None and not dry_run) as progress:
            report = sync.run(
                now=app.now(), confirm=confirm, dry_run=dry_run, force=force, progress=progress
            )
        _print_calendar(report)
        if report.guarded:
            sys.exit(3)


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
    with opened(ctx) as app:
        today = app.today()
        for promo in app.store.promotions().values():
            finished = (promo.end or promo.start) < today
            if not show_all and (promo.cancelled or finished):
                continue
            lead = app.calendar.business_days_between(today, promo.first_day)
            state = "cancelled" if promo.cancelled else (f"D-{lead}" if lead > 0 else "running")
            click.echo(f"{promo.start}\t{promo.end or ''}\t{state}\t{promo.channel}\t{promo.name}")


def _print_calendar(report: CalendarReport) -> None:
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
                f"  {change.kind:9} {change.promotion.name} ({change.promotion.start}){lead}{flag}"
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


# decisions ------------------------------------------------------------------------
@cli.group()
def decision() -> None:
    """The decision log of admin projects: who decided what, when, why, and who said what."""


def _decision_options(func: F) -> F:
    options = [
        click.option("-p", "--project", required=True, help="The admin project."),
        click.option("-t", "--title", required=True, help="What the decision is about."),
        click.option("-d", "--decision", "text", required=True, help="What was decided."),
        click.option("--context", default="", help="Why: the background and the reason."),
        click.option("--by", "decided_by", default="", help="Who decided (default: you)."),
        click.option("--on", "decided_on", callback=iso_date, help="When (default: today)."),
        click.option(
            "--participant",
            "participants",
            multiple=True,
            help='A participant and their position: "개발팀 최민수: 2021년에 공유함".',
        ),
        click.option(
            "--link",
            "links",
            multiple=True,
            help="A Slack permalink, Notion page or meeting notes (repeatable).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _draft(
    project: str,
    title: str,
    text: str,
    context: str,
    decided_by: str,
    decided_on: date | None,
    participants: tuple[str, ...],
    links: tuple[str, ...],
    status: DecisionStatus = DecisionStatus.DECIDED,
) -> DecisionDraft:
    return DecisionDraft(
        project=project,
        title=title,
        decision=text,
        context=context,
        decided_by=decided_by,
        decided_on=decided_on,
        participants=tuple(Position.parse(p) for p in participants),
        links=links,
        status=status,
    )


@decision.command("add")
@_decision_options
@click.option("--proposed", is_flag=True, help="Record it as proposed, not yet decided.")
@click.pass_context
@reports_errors
def decision_add(ctx: click.Context, /, proposed: bool, **fields: Any) -> None:
    """Records a decision; every field goes into the tamper-evident change history.

    \b
    Example:
      cxbot decision add -p "자동취소 실패 주문 어드민" -t "실패 주문 조회 화면" \
          -d "상담 어드민에 실패 주문 탭을 추가한다" --context "상담사가 PG 어드민을 못 봄" \
          --participant "개발팀 최민수: 2021년 화면으로 충분" \
          --participant "CX 김지현: 상담 어드민에 필요" \
          --link https://cx.slack.com/archives/C1/p1700000000000100
    """
    status = DecisionStatus.PROPOSED if proposed else DecisionStatus.DECIDED
    with opened(ctx) as app:
        recorded = app.decision_log().add(
            _draft(**fields, status=status),
            actor=app.settings.cxbot_actor,
            source=ChangeSource.CLI,
            now=app.now(),
        )
        click.echo(f"recorded {recorded.key}: {recorded.title} ({recorded.status.value})")


@decision.command("supersede")
@click.argument("old_key")
@_decision_options
@click.pass_context
@reports_errors
def decision_supersede(ctx: click.Context, /, old_key: str, **fields: Any) -> None:
    """Records a new decision that replaces an earlier one; both point at each other.

    \b
    Example:
      cxbot decision supersede D-자동취소-실패-주문-어드민-1 -p "자동취소 실패 주문 어드민" \
          -t "실패 주문 조회 화면" -d "조회 화면은 PG 어드민 링크로 대신한다"
    """
    with opened(ctx) as app:
        recorded = app.decision_log().add(
            _draft(**fields),
            actor=app.settings.cxbot_actor,
            source=ChangeSource.CLI,
            now=app.now(),
            supersedes=old_key,
        )
        click.echo(f"recorded {recorded.key}, superseding {old_key}")


@decision.command("revert")
@click.argument("key")
@click.option("--note", help="Why, for the change history.")
@click.pass_context
@reports_errors
def decision_revert(ctx: click.Context, key: str, note: str | None) -> None:
    """Marks a decision as reverted (it stays in the log).

    \b
    Example:
      cxbot decision revert D-자동취소-실패-주문-어드민-2 --note "개발 일정 문제로 보류"
    """
    with opened(ctx) as app:
        app.decision_log().set_status(
            key,
            DecisionStatus.REVERTED,
            actor=app.settings.cxbot_actor,
            source=ChangeSource.CLI,
            now=app.now(),
            note=note,
        )
        click.echo(f"{key} reverted")


@decision.command("list")
@click.option("-p", "--project", help="Only this project's decisions.")
@click.pass_context
@reports_errors
def decision_list(ctx: click.Context, project: str | None) -> None:
    """Lists decisions with their status and date.

    \b
    Example:
      cxbot decision list -p "자동취소 실패 주문 어드민"
    """
    with opened(ctx) as app:
        for d in app.store.decisions(project):
            click.echo(f"{d.key}\t{d.decided_on or ''}\t{d.status.value}\t{d.project}\t{d.title}")


@decision.command("show")
@click.argument("key")
@click.pass_context
@reports_errors
def decision_show(ctx: click.Context, key: str) -> None:
    """Shows one decision in full, with its change history.

    \b
    Example:
      cxbot decision show D-자동취소-실패-주문-어드민-1
    """
    with opened(ctx) as app:
        found = app.store.get_decision(key)
        if found is None:
            raise NotFound(f"no decision {key!r}; `cxbot decision list` shows the keys")
        for name, value in found.tracked().items():
            if value:
                click.echo(f"{name:13} {value}")
        for c in app.store.changes(entity_id_prefix=key):
            if c.entity_id == key:
                click.echo(
                    f"  {c.at.astimezone(app.tz):%Y-%m-%d %H:%M} {c.actor} {c.field}: "
                    f"{c.old} → {c.new}"
                )


# Slack interactivity ------------------------------------------------------------------
@cli.group()
def slack() -> None:
    """Receive Slack's decision shortcut and /cxbot-decision command."""


@slack.command("serve")
@click.option("--port", default=3000, show_default=True, help="Port for POST /slack/events.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0 behind a reverse proxy or in a container).",
)
@click.pass_context
@reports_errors
def slack_serve(ctx: click.Context, port: int, host: str) -> None:
    """Serves Slack's interactivity and slash-command requests, signature-checked.

    Point the app's Interactivity request URL and the /cxbot-decision command at
    https://<your host>/slack/events. Requests without a valid X-Slack-Signature, or
    older than five minutes, are refused (401).

    \b
    Example:
      SLACK_SIGNING_SECRET=… cxbot slack serve --host 0.0.0.0 --port 3000
    """
    with opened(ctx) as app:
        if app.settings.slack_signing_secret is None:
            raise InputError(
                "SLACK_SIGNING_SECRET is not set (Basic Information → App "
                "Credentials → Signing Secret)"
            )
        handler = SignedRequests(
            app.decision_capture(), app.settings.slack_signing_secret.get_secret_value()
        )
        serve_slack_events(handler, host=host, port=port)


@slack.command("socket")
@click.pass_context
@reports_errors
def slack_socket(ctx: click.Context) -> None:
    """Receives the same requests over Socket Mode, for workspaces without a public URL.

    Needs an app-level token (xapp-…, scope connections:write) in SLACK_APP_TOKEN and
    Socket Mode switched on in the app's settings.

    \b
    Example:
      SLACK_APP_TOKEN=xapp-… cxbot slack socket
    """
    from slack_sdk.socket_mode import SocketModeClient

    with opened(ctx) as app:
        if app.settings.slack_app_token is None:
            raise InputError(
                "SLACK_APP_TOKEN is not set: create an app-level token with connections:write"
            )
        capture = app.decision_capture()
        assert isinstance(capture.slack, SlackWorkspace)
        client = SocketModeClient(
            app_token=app.settings.slack_app_token.get_secret_value(),
            web_client=capture.slack.client,
        )
        client.socket_mode_request_listeners.append(socket_mode_listener(capture))
        client.connect()
        click.echo("connected to Slack over Socket Mode; Ctrl-C stops")
        threading.Event().wait()


# audit --------------------------------------------------------------------------------
@cli.group()
def audit() -> None:
    """Verify the tamper-evident change history and write audit reports."""


@audit.command("verify")
@click.pass_context
@reports_errors
def audit_verify(ctx: click.Context) -> None:
    """Recomputes the change history's hash chain; names the first entry that does not match.

    Exit 1 when an entry was edited, removed or inserted behind cxbot's back.

    \b
    Example:
      cxbot audit verify
    """
    ctx.obj["quiet_mode"] = True
    with opened(ctx) as app:
        report = verify_chain(app.store.chain())
        if report.ok:
            click.echo(f"ok: {report.checked} change history entries, hash chain intact")
            return
        click.echo(f"TAMPERED: {report.problem} ({report.checked} entries verified before it)")
        sys.exit(1)


@audit.command("report")
@click.option("-p", "--project", help="An admin project: its decisions and their history.")
@click.option("-l", "--launch", "launch_key", help="A launch: its checklist's history.")
@click.option("--since", callback=iso_date, help="From this day (YYYY-MM-DD).")
@click.option("--until", callback=iso_date, help="Up to this day (YYYY-MM-DD).")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "csv"]),
    default="md",
    show_default=True,
    help="Markdown, a standalone printable HTML page, or CSV.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.pass_context
@reports_errors
def audit_report(
    ctx: click.Context,
    project: str | None,
    launch_key: str | None,
    since: date | None,
    until: date | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Writes the decisions and the change timeline of a project or a launch.

    The report says whether the hash chain verifies, so a reader knows the record was
    not altered.

    \b
    Example:
      cxbot audit report -p "자동취소 실패 주문 어드민" -f html -o report.html
      cxbot audit report -l partner-mall-1a2b3c4d --since 2027-01-01 -f csv > changes.csv
    """
    if not project and not launch_key:
        raise click.UsageError("name a --project or a --launch")
    ctx.obj["quiet_mode"] = True
    with opened(ctx) as app:
        report = build_report(
            project=project,
            launch=launch_key,
            decisions=app.store.decisions(project) if project else [],
            chain=app.store.chain(),
            since=since,
            until=until,
            now=app.now(),
            tz=app.tz,
        )
        if fmt == "csv":
            text = to_csv(report, app.tz)
        else:
            helpers = views.helpers(app.settings.cxbot_locale)
            text = app.renderer.render(
                f"reports/audit.{fmt}.j2",
                report=report,
                status=lambda s: DECISION_STATUS[app.settings.cxbot_locale][s.value],
                local=lambda moment: moment.astimezone(app.tz).strftime("%Y-%m-%d %H:%M"),
                **{k: v for k, v in helpers.items() if k not in ("status",)},
            )
        if output is None:
            click.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
            click.echo(
                f"wrote {output} ({len(report.decisions)} decisions, "
                f"{len(report.timeline)} changes; chain "
                f"{'intact' if report.chain.ok else 'TAMPERED'})"
            )


DECISION_STATUS = {
    "ko": {"proposed": "제안", "decided": "결정", "superseded": "대체됨", "reverted": "철회"},
    "en": {
        "proposed": "proposed",
        "decided": "decided",
        "superseded": "superseded",
        "reverted": "reverted",
    },
}


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
    with opened(ctx) as app:
        _print_status(app, today or app.today(), horizon=horizon)
        click.echo()
        _print_jobs(app)


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
    with opened(ctx) as app:
        entries = app.store.changes(entity_id_prefix=launch_key, limit=limit)
        if as_csv:
            writer = csv.writer(sys.stdout)
            writer.writerow(
                ["at", "entity", "entity_id", "field", "old", "new", "actor", "source", "note"]
            )
            for c in entries:
                writer.writerow(
                    [
                        c.at.isoformat(),
                        c.entity,
                        c.entity_id,
                        c.field,
                        c.old,
                        c.new,
                        c.actor,
                        c.source.value,
                        c.note or "",
                    ]
                )
            return
        for c in entries:
            when = c.at.astimezone(app.tz).strftime("%Y-%m-%d %H:%M")
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
    folder = Settings().cxbot_checklists_dir
    for path in sorted(folder.glob("*.y*ml")):
        try:
            template = load_template(path)
            click.echo(f"{template.key}\t{len(template.items)} items\t{template.name}")
        except CxbotError as error:
            err.print(f"[red]{error}[/]", highlight=False)


@templates.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@reports_errors
def templates_check(files: tuple[Path, ...]) -> None:
    """Validates templates and names every problem by file, item and field.

    With no FILES, checks every template in checklists/.

    \b
    Example:
      cxbot templates check checklists/partner-mall.yaml
    """
    paths = list(files) or sorted(Settings().cxbot_checklists_dir.glob("*.y*ml"))
    failed = 0
    for path in paths:
        try:
            template = load_template(path)
            click.echo(f"ok\t{path}\t{len(template.items)} items")
        except CxbotError as error:
            failed += 1
            click.echo(str(error))
    if failed:
        sys.exit(1)


@cli.command()
@click.pass_context
@reports_errors
def doctor(ctx: click.Context) -> None:
    """Checks what is configured and says exactly what to fix.

    Checks the store, the templates and, when NOTION_TOKEN is set, the token, the
    parent page and the checklist data source's schema.

    \b
    Example:
      cxbot doctor
    """
    ctx.obj["quiet_mode"] = True
    with opened(ctx) as app:
        ok, lines = doctor_report(app)
        for line in lines:
            click.echo(line)
        if not ok:
            sys.exit(1)


# helpers -----------------------------------------------------------------------------
def _print_plan(app: App, result: launch_service.LaunchResult) -> None:
    text = app.renderer.render(
        "plan.txt.j2",
        launch=result.plan.launch,
        items=result.items,
        warnings=[*result.plan.warnings, *result.problems],
        dry_run=result.dry_run,
        created=result.created,
        added=result.added,
        updated=result.updated,
        published=result.published,
        board=app.board.name,
        **views.helpers(app.settings.cxbot_locale),
    )
    click.echo(text, nl=False)


def _print_status(app: App, today: date, *, horizon: int) -> None:
    rows = views.launch_status_rows(
        app.store.list_launches(),
        app.store.items_of,
        today=today,
        calendar=app.calendar,
        horizon=horizon,
    )
    click.echo(
        app.renderer.render(
            "status.txt.j2",
            today=today,
            business_day=app.calendar.is_business_day(today),
            launches=rows,
            horizon=horizon,
            **views.helpers(app.settings.cxbot_locale, today),
        ),
        nl=False,
    )


def _print_reminders(report: ReminderReport, *, dry_run: bool, channel: str) -> None:
    if report.skipped:
        click.echo(f"no reminders sent: {report.skipped}")
        return
    for key in report.recovered:
        click.echo(f"recovered: {key} had been posted; recorded as sent")
    for key in report.released:
        click.echo(f"released: {key} was never posted; planned again")
    verb = "would send" if dry_run else "sent"
    for outcome in report.outcomes:
        late = " (late)" if outcome.late else ""
        click.echo(f"{outcome.state:8} {outcome.items:3} item(s) → {outcome.destination}{late}")
        if outcome.note:
            click.echo(f"         note: {outcome.note}")
        if dry_run:
            click.echo("         " + outcome.text.replace("\n", "\n         "))
    sent = sum(1 for o in report.outcomes if o.state in ("sent", "planned"))
    click.echo(
        f"{report.business_date}: {report.planned} reminder(s) due, "
        f"{report.already_sent} already sent earlier, {sent} message(s) {verb} via {channel}"
    )


def _print_jobs(app: App) -> None:
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


def _exit_if_unpublished(result: launch_service.LaunchResult) -> None:
    if not result.dry_run and result.unpublished:
        err.print(
            f"[red]{result.unpublished} item(s) are recorded but not yet on the board; "
            "run the same command again to finish[/]",
            highlight=False,
        )
        sys.exit(2)


def _owners_from_items(app: App, key: str) -> OwnerDirectory:
    """The owners a launch was planned with, when no owners file is given again."""
    launch = app.store.get_launch(key)
    owners = {}
    for entry in app.store.items_of(key):
        if entry.owner_name:
            owners[entry.department] = Person(name=entry.owner_name, email=entry.owner_email)
    planner = None
    if launch and launch.planner_name:
        planner = Person(name=launch.planner_name, email=launch.planner_email)
    return OwnerDirectory(owners=owners, planner=planner)


def main() -> None:
    cli(obj={})
