"""Audit reports: a project's decisions and change timeline, with the chain's verdict."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo

from cxbot.domain.audit import (
    ChainedEntry,
    ChainReport,
    anchor_problems,
    replay,
    state_problems,
    verify_chain,
)
from cxbot.domain.changes import Change
from cxbot.domain.decisions import Decision, project_slug
from cxbot.ports.checklists import ChainAnchor, ChangeHistory, LaunchRepository
from cxbot.ports.common import Clock
from cxbot.ports.decisions import DecisionRepository
from cxbot.ports.errors import NotFound
from cxbot.ports.promotions import PromotionRepository


@dataclass(frozen=True, kw_only=True)
class BriefNotice:
    """What a contact centre was told about the subject, in which brief, and who at the
    centre confirmed it: the dated record that settles "nobody told us"."""

    entry: int
    at: datetime
    brief: str
    version: str
    line: str
    where: str
    confirmations: list[Change]


@dataclass(frozen=True, kw_only=True)
class AuditReport:
    subject: str
    generated_at: datetime
    since: date | None
    until: date | None
    decisions: list[Decision]
    timeline: list[tuple[int, Change]]
    chain: ChainReport
    briefs: list[BriefNotice] = field(default_factory=list)


BRIEF_ENTITY = "centre_brief"


def build_report(
    *,
    project: str | None,
    launch: str | None,
    promotion: str | None = None,
    decisions: list[Decision],
    chain: Iterable[ChainedEntry],
    since: date | None,
    until: date | None,
    now: datetime,
    tz: tzinfo,
) -> AuditReport:
    """Everything recorded about a project (its decisions) or a launch (its items)."""
    entries = list(chain)
    prefixes = []
    if project is not None:
        prefixes.append(f"D-{project_slug(project)}-")
    if launch is not None:
        prefixes.append(launch)
    if promotion is not None:
        prefixes.append(promotion)

    def local_day(change: Change) -> date:
        return change.at.astimezone(tz).date()

    def in_period(change: Change) -> bool:
        day = local_day(change)
        return (since is None or day >= since) and (until is None or day <= until)

    timeline = [
        (entry.id, entry.change)
        for entry in entries
        if any(entry.change.entity_id.startswith(p) for p in prefixes) and in_period(entry.change)
    ]
    # The briefs that told of it: their sending, confirmations and escalation belong here.
    told = {c.entity_id.partition("@")[2] for _, c in timeline if c.entity == BRIEF_ENTITY}
    about_briefs = [
        (entry.id, entry.change)
        for entry in entries
        if entry.change.entity == BRIEF_ENTITY and entry.change.entity_id in told
    ]
    timeline = sorted(timeline + [e for e in about_briefs if in_period(e[1])])
    chosen = [
        d
        for d in decisions
        if project is not None
        and d.project == project
        and (since is None or d.decided_on is None or d.decided_on >= since)
        and (until is None or d.decided_on is None or d.decided_on <= until)
    ]
    subject = " / ".join(x for x in (project, launch, promotion) if x)
    return AuditReport(
        subject=subject,
        generated_at=now,
        since=since,
        until=until,
        decisions=chosen,
        timeline=timeline,
        chain=verify_chain(entries),
        briefs=_notices(timeline, about_briefs),
    )


def _notices(
    timeline: list[tuple[int, Change]], about_briefs: list[tuple[int, Change]]
) -> list[BriefNotice]:
    sent = {c.entity_id: c.new or "" for _, c in about_briefs if c.field == "sent"}
    notices = []
    for entry_id, change in timeline:
        if change.entity != BRIEF_ENTITY or change.field != "told":
            continue
        key = change.entity_id.partition("@")[2]
        version = (change.note or "").split(" ")[0]
        confirmations = [
            c
            for _, c in about_briefs
            if c.field == "acknowledged" and c.entity_id == key and c.note == version
        ]
        notices.append(
            BriefNotice(
                entry=entry_id,
                at=change.at,
                brief=key,
                version=version,
                line=change.new or "",
                where=sent.get(key, ""),
                confirmations=confirmations,
            )
        )
    return notices


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = ["at", "entity", "entity_id", "field", "old", "new", "actor", "source", "note"]


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula (=, +, -, @, tab,
    carriage return) gets a leading apostrophe, as spreadsheet exports do."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _change_cells(change: Change, tz: tzinfo) -> list[str]:
    return [
        csv_cell(cell)
        for cell in (
            change.at.astimezone(tz).isoformat(),
            change.entity,
            change.entity_id,
            change.field,
            change.old,
            change.new,
            change.actor,
            change.source.value,
            change.note,
        )
    ]


def to_csv(report: AuditReport, tz: tzinfo) -> str:
    """The report's timeline as CSV, with each entry's place in the hash chain."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["entry", *CSV_HEADER])
    for entry_id, change in report.timeline:
        writer.writerow([str(entry_id), *_change_cells(change, tz)])
    return out.getvalue()


def changes_to_csv(changes: Sequence[Change], tz: tzinfo) -> str:
    """`cxbot history --csv`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for change in changes:
        writer.writerow(_change_cells(change, tz))
    return out.getvalue()


@dataclass(frozen=True, kw_only=True)
class Audit:
    """The change history for auditors: query it, verify its chain, write reports."""

    history: ChangeHistory
    decisions: DecisionRepository
    clock: Clock
    tz: tzinfo
    launches: LaunchRepository | None = None
    anchor: ChainAnchor | None = None
    promotions: PromotionRepository | None = None

    def entries(
        self, *, entity_id_prefix: str | None = None, limit: int | None = None
    ) -> list[Change]:
        """The change history, oldest first; `limit` keeps the newest entries. A launch
        (prefix) that does not exist is an error, not an empty history."""
        changes = self.history.changes(entity_id_prefix=entity_id_prefix)
        if entity_id_prefix and not changes:
            self._known_launch(entity_id_prefix)
        return changes[-limit:] if limit is not None and limit > 0 else changes

    def _known_launch(self, key: str) -> None:
        if self.launches is not None and self.launches.get_launch(key) is None:
            raise NotFound(f"no launch {key!r}; `cxbot launch list` shows the keys")

    def verify(self) -> ChainReport:
        """The hash chain, then what the chain alone cannot show: its head against the
        anchor kept outside the database, and the stored checklist items and decisions
        against what their history replays to."""
        entries = list(self.history.chain())
        report = verify_chain(entries)
        if not report.ok:
            return report
        problems: list[str] = []
        unproven: list[str] = []
        anchor = self.anchor.read() if self.anchor is not None else None
        last = entries[-1] if entries else None
        if anchor is None:
            if entries:
                unproven.append(
                    "that no entries were deleted from the end, appended or re-chained: "
                    "there is no anchor yet (it is written with every new change)"
                )
        else:
            problems += anchor_problems(
                anchor,
                last_id=last.id if last else None,
                last_hash=last.hash if last else None,
                count=len(entries),
            )
        problems += self._state_problems([entry.change for entry in entries])
        return replace(report, problems=tuple(problems), unproven=tuple(unproven))

    def _state_problems(self, changes: list[Change]) -> list[str]:
        """Every launch, item, decision and promotion as stored against what its history
        replays to: altered fields, entities deleted or added behind cxbot's back."""
        problems: list[str] = []
        if self.launches is not None:
            launches = {x.key: x.tracked_fields() for x in self.launches.list_launches()}
            problems += _check("launch", changes, launches)
            replayed_items = replay(changes, "checklist_item", ()).state
            items = {
                item.key: item.tracked_fields()
                for launch in self.launches.list_launches()
                for item in self.launches.items_of(launch.key)
            }
            # Items whose launch row is gone are still found, by their keys.
            found = self.launches.items_by_key(k for k in replayed_items if k not in items)
            items.update((key, item.tracked_fields()) for key, item in found.items())
            problems += _check("checklist item", changes, items)
        decisions = {d.key: d.tracked() for d in self.decisions.decisions(None)}
        problems += _check("decision", changes, decisions)
        if self.promotions is not None:
            promotions = {key: p.tracked() for key, p in self.promotions.promotions().items()}
            problems += _check("promotion", changes, promotions)
        return problems

    def report(
        self,
        *,
        project: str | None,
        launch: str | None,
        since: date | None = None,
        until: date | None = None,
        promotion: str | None = None,
    ) -> AuditReport:
        if project and not self.decisions.decisions(project):
            known = sorted({d.project for d in self.decisions.decisions()})
            raise NotFound(
                f"no decisions for project {project!r}"
                + (
                    f"; projects: {', '.join(known)}"
                    if known
                    else "; `cxbot decision add` records one"
                )
            )
        if launch:
            self._known_launch(launch)
        if promotion and self.promotions and promotion not in self.promotions.promotions():
            raise NotFound(f"no promotion {promotion!r}; `cxbot calendar list` shows them")
        report = build_report(
            project=project,
            launch=launch,
            promotion=promotion,
            decisions=self.decisions.decisions(project) if project else [],
            chain=self.history.chain(),
            since=since,
            until=until,
            now=self.clock(),
            tz=self.tz,
        )
        # The report states the integrity the auditor relies on: the full check.
        return replace(report, chain=self.verify())


ENTITIES = {
    "launch": "launch",
    "checklist item": "checklist_item",
    "decision": "decision",
    "promotion": "promotion",
}


def _check(kind: str, changes: list[Change], current: dict[str, dict[str, str]]) -> list[str]:
    fields = next(iter(current.values()), {}).keys()
    return state_problems(kind, replay(changes, ENTITIES[kind], fields), current)
