"""The decision log, Slack capture, and audit."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cxbot.domain.changes import ChangeSource
from cxbot.domain.decisions import DecisionStatus, Position
from cxbot.entrypoints.cli.app import cli
from cxbot.entrypoints.cli.common import (
    F,
    iso_date,
    opened,
    reports_errors,
)

if TYPE_CHECKING:
    from cxbot.service.decision_log import DecisionDraft


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
    from cxbot.service.decision_log import DecisionDraft

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
    with opened(ctx) as cases:
        recorded = cases.decisions.add(
            _draft(**fields, status=status),
            actor=cases.actor,
            source=ChangeSource.CLI,
            now=cases.clock(),
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
    with opened(ctx) as cases:
        recorded = cases.decisions.add(
            _draft(**fields),
            actor=cases.actor,
            source=ChangeSource.CLI,
            now=cases.clock(),
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
    with opened(ctx) as cases:
        cases.decisions.set_status(
            key,
            DecisionStatus.REVERTED,
            actor=cases.actor,
            source=ChangeSource.CLI,
            now=cases.clock(),
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
    with opened(ctx) as cases:
        for d in cases.decisions.find(project):
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
    with opened(ctx) as cases:
        found = cases.decisions.get(key)
        for name, value in found.tracked().items():
            if value:
                click.echo(f"{name:13} {value}")
        for c in cases.decisions.changes_of(key):
            click.echo(
                f"  {c.at.astimezone(cases.tz):%Y-%m-%d %H:%M} {c.actor} {c.field}: "
                f"{c.old} → {c.new}"
            )


# audit --------------------------------------------------------------------------------
@cli.group()
def audit() -> None:
    """Verify the tamper-evident change history and write audit reports."""


@audit.command("verify")
@click.pass_context
@reports_errors
def audit_verify(ctx: click.Context) -> None:
    """Recomputes the change history's hash chain; names the first entry that does not match.

    Then checks what the chain alone cannot show: its last entry against the anchor cxbot
    keeps outside the database (CXBOT_AUDIT_ANCHOR, MAC'd with CXBOT_AUDIT_KEY), so
    entries deleted from the end, appended or re-chained show; and the stored checklist
    items and decisions against what their history replays to.

    \b
    Exit 1 when something was edited, removed or inserted behind cxbot's back;
    3 when nothing was found but something could not be proven (named).

    \b
    Example:
      cxbot audit verify
    """
    ctx.obj["quiet_mode"] = True
    with opened(ctx) as cases:
        report = cases.audit.verify()
        if not report.ok:
            if report.problem:
                click.echo(
                    f"TAMPERED: {report.problem} ({report.checked} entries verified before it)"
                )
            for problem in report.problems:
                click.echo(f"TAMPERED: {problem}")
            sys.exit(1)
        click.echo(
            f"ok: {report.checked} change history entries, hash chain intact, anchored, "
            "and every stored launch, item, decision and promotion matches its history"
        )
        for missing in report.unproven:
            click.echo(f"cannot prove: {missing}")
        if report.unproven:
            sys.exit(3)


@audit.command("report")
@click.option("-p", "--project", help="An admin project: its decisions and their history.")
@click.option("-l", "--launch", "launch_key", help="A launch: its checklist's history.")
@click.option(
    "--promotion",
    help="A promotion (its key in `cxbot calendar list`): its changes and what the centre "
    "was told.",
)
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
    promotion: str | None,
    since: date | None,
    until: date | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Writes the decisions and the change timeline of a project, a launch or a
    promotion, with what the contact centre was told of it, when, and who confirmed it.

    The report says whether the hash chain verifies, so a reader knows the record was
    not altered.

    \b
    Example:
      cxbot audit report -p "자동취소 실패 주문 어드민" -f html -o report.html
      cxbot audit report -l partner-mall-1a2b3c4d --since 2027-01-01 -f csv > changes.csv
    """
    if not project and not launch_key and not promotion:
        raise click.UsageError("name a --project, a --launch or a --promotion")
    ctx.obj["quiet_mode"] = True
    with opened(ctx) as cases:
        report = cases.audit.report(
            project=project, launch=launch_key, promotion=promotion, since=since, until=until
        )
        if fmt == "csv":
            from cxbot.service.audit_report import to_csv

            text = to_csv(report, cases.tz)
        else:
            text = cases.render.render(f"reports/audit.{fmt}.j2", report=report)
        if output is None:
            click.echo(text, nl=False)
        else:
            cases.files.write(output, text.encode("utf-8"))
            click.echo(
                f"wrote {output} ({len(report.decisions)} decisions, "
                f"{len(report.timeline)} changes; chain "
                f"{'intact' if report.chain.ok else 'TAMPERED'})"
            )
