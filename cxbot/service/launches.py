"""Creating, re-planning and ticking launch checklists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.changes import Change, ChangeSource, diff_fields
from cxbot.domain.checklist import ChecklistItem, ChecklistTemplate, ItemStatus, Launch, launch_key
from cxbot.domain.dday import (
    DayUnit,
    OpeningConcern,
    business_days_left,
    launch_day_label,
    opening_concerns,
    unit_of_launch,
)
from cxbot.domain.owners import OwnerDirectory, Person
from cxbot.domain.planning import Plan, plan_launch, replan
from cxbot.ports.checklists import ChecklistBoard, LaunchRepository, TemplateCatalog
from cxbot.ports.common import Cursors, Progress, no_progress
from cxbot.ports.errors import ConflictError, NotFound, RemoteError


@dataclass(frozen=True, kw_only=True)
class LaunchResult:
    plan: Plan
    items: tuple[ChecklistItem, ...]
    created: bool
    added: int
    updated: int
    published: int
    changes: tuple[Change, ...]
    dry_run: bool
    problems: tuple[str, ...] = ()
    handed_over: tuple[str, ...] = ()
    """Items the board could not take now (rate-limited, down): the next status sync
    (its outbox) writes them."""

    @property
    def unpublished(self) -> int:
        return sum(1 for item in self.items if item.remote_id is None)

    @property
    def stuck(self) -> int:
        """Unpublished items nothing will retry on its own (run the command again)."""
        handed = set(self.handed_over)
        return sum(1 for i in self.items if i.remote_id is None and i.key not in handed)


@dataclass(frozen=True, kw_only=True)
class Context:
    """What every use case needs: where things are kept and who is acting when."""

    store: LaunchRepository
    cursors: Cursors
    board: ChecklistBoard
    calendar: BusinessCalendar
    actor: str
    now: datetime


def create_launch(
    ctx: Context,
    *,
    template: ChecklistTemplate,
    name: str,
    open_date: date,
    owners: OwnerDirectory,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> LaunchResult:
    """Plans a launch and writes its checklist; running it again creates nothing twice."""
    key = launch_key(template.key, name)
    existing = ctx.store.get_launch(key)
    if existing is not None and existing.open_date != open_date:
        raise ConflictError(
            f"launch {name!r} ({key}) already exists with opening day "
            f"{existing.open_date.isoformat()}; to move it to {open_date.isoformat()} run "
            f"`cxbot launch reschedule {key} --open-date {open_date.isoformat()}`"
        )
    planner = owners.planner
    launch = Launch(
        key=key,
        name=name.strip(),
        template_key=template.key,
        open_date=open_date,
        planner_name=planner.name if planner else None,
        planner_email=planner.email if planner else None,
    )
    plan = plan_launch(template=template, launch=launch, owners=owners, calendar=ctx.calendar)
    return _write_plan(ctx, plan, created=existing is None, dry_run=dry_run, progress=progress)


def reschedule_launch(
    ctx: Context,
    *,
    key: str,
    open_date: date,
    template: ChecklistTemplate,
    owners: OwnerDirectory,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> LaunchResult:
    """Moves the opening day and re-plans every due date, keeping what was ticked."""
    launch = _launch(ctx.store, key)
    moved = replace(launch, open_date=open_date)
    plan = plan_launch(template=template, launch=moved, owners=owners, calendar=ctx.calendar)
    return _write_plan(ctx, plan, created=False, dry_run=dry_run, progress=progress)


def set_item_status(
    ctx: Context, *, key: str, status: ItemStatus, note: str | None = None
) -> tuple[ChecklistItem, list[Change]]:
    """Ticks an item from cxbot itself (CLI, later Slack); mirrors it to the board."""
    item = ctx.store.get_item(key)
    if item is None:
        raise NotFound(f"no checklist item {key!r}; `cxbot launch show LAUNCH` lists the keys")
    updated = replace(item, status=status)
    changes = diff_fields(
        entity="checklist_item",
        entity_id=key,
        old=item.tracked_fields(),
        new=updated.tracked_fields(),
        actor=ctx.actor,
        source=ChangeSource.CLI,
        at=ctx.now,
        note=note,
    )
    if not changes:
        return item, []
    launch = _launch(ctx.store, item.launch_key)
    result = ctx.board.publish(launch, [updated], no_progress, maybe_exist=False)
    if key not in result.ids:
        raise RemoteError(
            f"could not update {key} on the {ctx.board.name} board: " + "; ".join(result.problems)
        )
    updated = replace(updated, remote_id=result.ids[key])
    ctx.store.apply(items=[updated], changes=changes)
    return updated, changes


def _launch(store: LaunchRepository, key: str) -> Launch:
    launch = store.get_launch(key)
    if launch is None:
        known = ", ".join(f"{x.key} ({x.name})" for x in store.list_launches()) or "none yet"
        raise NotFound(f"no launch {key!r}; known launches: {known}")
    return launch


def _write_plan(
    ctx: Context, plan: Plan, *, created: bool, dry_run: bool, progress: Progress
) -> LaunchResult:
    store = ctx.store
    problems: list[str] = []
    old_launch = store.get_launch(plan.launch.key)
    existing = {item.key: item for item in store.items_of(plan.launch.key)}
    items = replan(plan, existing)
    changes = _launch_changes(ctx, old_launch, plan.launch)
    to_publish: list[ChecklistItem] = []
    added = updated = 0
    for item in items:
        old = existing.get(item.key)
        item_changes = diff_fields(
            entity="checklist_item",
            entity_id=item.key,
            old=old.tracked_fields() if old else None,
            new=item.tracked_fields(),
            actor=ctx.actor,
            source=ChangeSource.TEMPLATE if old is None else ChangeSource.CLI,
            at=ctx.now,
            note="created from template" if old is None else None,
        )
        changes.extend(item_changes)
        added += old is None
        updated += bool(old is not None and item_changes)
        if item.remote_id is None or item_changes:
            to_publish.append(item)
    if dry_run:
        return LaunchResult(
            plan=plan,
            items=items,
            created=created,
            added=added,
            updated=updated,
            published=0,
            changes=tuple(changes),
            dry_run=True,
        )
    if to_publish:
        ctx.board.ready()  # a wrong token or no parent page: nothing recorded, nothing half
    # Record first, then publish: a crash in between leaves items without a remote
    # id, which the next run publishes (the board looks them up before creating).
    store.apply(launch=plan.launch, items=items, changes=changes)
    published = 0
    handed_over: tuple[str, ...] = ()
    uncertain = False
    if to_publish:
        # Items recorded by an earlier, interrupted run may already have a page.
        maybe_exist = any(x.remote_id is None and x.key in existing for x in to_publish)
        result = ctx.board.publish(plan.launch, to_publish, progress, maybe_exist=maybe_exist)
        problems = result.problems
        ids = result.ids
        if result.later:
            store.mark_board_behind(result.later, ctx.now)
            handed_over = tuple(result.later)
        with_ids = {
            item.key: replace(item, remote_id=ids[item.key])
            for item in to_publish
            if item.key in ids
        }
        store.apply(items=list(with_ids.values()))
        published = len(with_ids)
        uncertain = result.uncertain > 0
        items = tuple(with_ids.get(item.key, item) for item in items)
    if uncertain or not created:
        # A create whose answer was lost may have committed after it was looked up (this
        # run, or an earlier one): keep one page per item and say what was moved.
        keep = {i.key: i.remote_id for i in items if i.remote_id}
        problems = [*problems, *ctx.board.sweep(plan.launch, keep)]
    return LaunchResult(
        plan=plan,
        items=items,
        created=created,
        added=added,
        updated=updated,
        published=published,
        changes=tuple(changes),
        dry_run=False,
        problems=tuple(problems),
        handed_over=handed_over,
    )


def _launch_changes(ctx: Context, old: Launch | None, new: Launch) -> list[Change]:
    def fields(launch: Launch) -> dict[str, str]:
        return {
            "name": launch.name,
            "template": launch.template_key,
            "open_date": launch.open_date.isoformat(),
            "planner": launch.planner_email or launch.planner_name or "",
        }

    return diff_fields(
        entity="launch",
        entity_id=new.key,
        old=fields(old) if old else None,
        new=fields(new),
        actor=ctx.actor,
        source=ChangeSource.CLI,
        at=ctx.now,
    )


@dataclass(frozen=True, kw_only=True)
class LaunchProgress:
    """One launch as `cxbot status` shows it."""

    launch: Launch
    dday: str  # the launch's D-label today, in its unit (see `launch_day_label`)
    unit: DayUnit
    counts: dict[str, int]
    overdue: list[ChecklistItem]
    due_soon: list[ChecklistItem]
    left: dict[str, int]  # item key → business days left (negative: late)


@dataclass(frozen=True, kw_only=True)
class Launches:
    """The launch-checklist use cases, wired to their ports."""

    store: LaunchRepository
    cursors: Cursors
    board: ChecklistBoard
    calendar: BusinessCalendar
    templates: TemplateCatalog
    actor: str
    clock: Callable[[], datetime]

    @property
    def board_name(self) -> str:
        return self.board.name

    def opening_concerns(self, open_date: date) -> list[OpeningConcern]:
        """What to confirm before planning on this opening day (past, weekend, holiday)."""
        return opening_concerns(open_date, today=self.clock().date(), calendar=self.calendar)

    def context(self, now: datetime | None = None) -> Context:
        return Context(
            store=self.store,
            cursors=self.cursors,
            board=self.board,
            calendar=self.calendar,
            actor=self.actor,
            now=now or self.clock(),
        )

    def create(
        self,
        *,
        template: str,
        name: str,
        open_date: date,
        owners: str | None = None,
        dry_run: bool = False,
        progress: Progress = no_progress,
    ) -> LaunchResult:
        return create_launch(
            self.context(),
            template=self.templates.find(template),
            name=name,
            open_date=open_date,
            owners=self.templates.owners(owners),
            dry_run=dry_run,
            progress=progress,
        )

    def create_or_move(
        self, *, template: str, name: str, open_date: date, owners: str | None
    ) -> LaunchResult:
        """Creates the launch, or moves it to `open_date` when it exists (the demo)."""
        found = self.templates.find(template)
        existing = self.store.get_launch(launch_key(found.key, name))
        if existing is not None and existing.open_date != open_date:
            return self.reschedule(key=existing.key, open_date=open_date, owners=owners)
        return self.create(template=template, name=name, open_date=open_date, owners=owners)

    def reschedule(
        self,
        *,
        key: str,
        open_date: date,
        owners: str | None = None,
        dry_run: bool = False,
        progress: Progress = no_progress,
    ) -> LaunchResult:
        existing = self.get(key)
        directory = self.templates.owners(owners) if owners else self._owners_of(existing)
        return reschedule_launch(
            self.context(),
            key=key,
            open_date=open_date,
            template=self.templates.find(existing.template_key),
            owners=directory,
            dry_run=dry_run,
            progress=progress,
        )

    def set_item_status(
        self, *, key: str, status: ItemStatus, note: str | None = None
    ) -> tuple[ChecklistItem, list[Change]]:
        return set_item_status(self.context(), key=key, status=status, note=note)

    def all(self) -> list[Launch]:
        return self.store.list_launches()

    def get(self, key: str) -> Launch:
        found = self.store.get_launch(key)
        if found is None:
            raise NotFound(f"no launch {key!r}; `cxbot launch list` shows the keys")
        return found

    def items(self, key: str) -> list[ChecklistItem]:
        return self.store.items_of(key)

    def progress(self, *, today: date, horizon: int) -> list[LaunchProgress]:
        """Per launch: counts, overdue open items, open items due within `horizon` business
        days."""
        limit = self.calendar.shift_business_days(today, horizon)
        rows = []
        for launch in self.store.list_launches():
            items = self.store.items_of(launch.key)
            counts = {status.value: 0 for status in ItemStatus}
            for item in items:
                counts[item.status.value] += 1
            open_items = [i for i in items if i.status.is_open]
            unit = unit_of_launch(i.unit for i in items)
            rows.append(
                LaunchProgress(
                    launch=launch,
                    dday=launch_day_label(
                        today, launch.open_date, calendar=self.calendar, unit=unit
                    ),
                    unit=unit,
                    counts=counts,
                    overdue=[i for i in open_items if i.due < today],
                    due_soon=[i for i in open_items if today <= i.due <= limit],
                    left={i.key: business_days_left(self.calendar, today, i.due) for i in items},
                )
            )
        return rows

    def _owners_of(self, launch: Launch) -> OwnerDirectory:
        """The owners a launch was planned with, when no owners file is given again."""
        owners = {}
        for entry in self.store.items_of(launch.key):
            if entry.owner_name:
                owners[entry.department] = Person(name=entry.owner_name, email=entry.owner_email)
        planner = None
        if launch.planner_name:
            planner = Person(name=launch.planner_name, email=launch.planner_email)
        return OwnerDirectory(owners=owners, planner=planner)
