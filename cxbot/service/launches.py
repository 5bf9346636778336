"""Launch checklists: planned from a template, written to the board, re-planned, ticked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from cxbot.domain.audit import REMOVED
from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.changes import Change, ChangeSource, diff_fields
from cxbot.domain.checklist import (
    ChecklistItem,
    ChecklistTemplate,
    ItemStatus,
    Launch,
    Tailoring,
    TemplateItem,
    launch_key,
    split_item_key,
)
from cxbot.domain.dday import (
    DayUnit,
    DOffset,
    OpeningConcern,
    business_days_left,
    launch_day_label,
    opening_concerns,
    unit_of_launch,
)
from cxbot.domain.inbound_text import REASON_LIMIT, clean_text
from cxbot.domain.owners import OwnerDirectory, Person
from cxbot.domain.planning import Plan, plan_launch, replan
from cxbot.domain.template_extension import tailor
from cxbot.ports.checklists import (
    ChangeHistory,
    ChecklistBoard,
    LaunchRepository,
    TemplateCatalog,
)
from cxbot.ports.common import Clock, Progress, no_progress
from cxbot.ports.errors import ConflictError, InputError, NotFound
from cxbot.service.item_ticks import ItemTicks


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
    removed: tuple[ChecklistItem, ...] = ()
    """Items the launch no longer has (excluded, or gone from its template): recorded as
    removed, their pages moved to the board's trash."""

    @property
    def unpublished(self) -> int:
        return sum(1 for item in self.items if item.remote_id is None)

    @property
    def stuck(self) -> int:
        """Unpublished items nothing will retry on its own (run the command again)."""
        handed = set(self.handed_over)
        return sum(1 for i in self.items if i.remote_id is None and i.key not in handed)


@dataclass(frozen=True)
class _Drafted:
    """A plan set against what is recorded: every item as it will be, and its changes."""

    items: tuple[ChecklistItem, ...]
    changes: list[Change]
    to_publish: list[ChecklistItem]
    added: int
    updated: int
    maybe_exist: bool
    removed: tuple[ChecklistItem, ...] = ()


@dataclass(frozen=True)
class _Published:
    items: tuple[ChecklistItem, ...]
    count: int
    problems: list[str]
    handed_over: tuple[str, ...]
    uncertain: bool


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
    """Creating, re-planning and ticking launch checklists."""

    store: LaunchRepository
    board: ChecklistBoard
    calendar: BusinessCalendar
    templates: TemplateCatalog
    ticks: ItemTicks
    actor: str
    clock: Clock
    history: ChangeHistory | None = None
    """Where a restored item finds the status it had when it was excluded."""
    source: ChangeSource = ChangeSource.CLI
    """Where the changes it records come from (the desk and the kick-off: Slack)."""

    @property
    def board_name(self) -> str:
        return self.board.name

    def opening_concerns(self, open_date: date) -> list[OpeningConcern]:
        """What to confirm before planning on this opening day (past, weekend, holiday)."""
        return opening_concerns(open_date, today=self.clock().date(), calendar=self.calendar)

    # planning -----------------------------------------------------------------------
    def create(
        self,
        *,
        template: str | ChecklistTemplate,
        name: str,
        open_date: date,
        owners: str | OwnerDirectory | None = None,
        dry_run: bool = False,
        progress: Progress = no_progress,
        tailoring: Tailoring | None = None,
    ) -> LaunchResult:
        """Plans a launch and writes its checklist; running it again creates nothing twice.

        `template` is a catalog key (or a loaded template), `owners` an owners file (or a
        directory); None is the default owners file. `tailoring`: the template items this
        launch skips and the items of its own — kept with the launch, re-planned with it."""
        found = self._template(template)
        key = launch_key(found.key, name)
        existing = self.store.get_launch(key)
        if existing is not None and existing.open_date != open_date:
            raise ConflictError(
                f"launch {name!r} ({key}) already exists with opening day "
                f"{existing.open_date.isoformat()}; to move it to {open_date.isoformat()} run "
                f"`cxbot launch reschedule {key} --open-date {open_date.isoformat()}`"
            )
        if existing is not None and tailoring is not None and tailoring != existing.tailoring:
            raise ConflictError(
                f"launch {name!r} ({key}) already exists with its own set of items; --skip "
                "and --add shape a launch when it is created — on a live launch use `cxbot "
                "item exclude` and `cxbot item restore`"
            )
        directory = self._owners(owners)
        planner = directory.planner
        launch = Launch(
            key=key,
            name=name.strip(),
            template_key=found.key,
            open_date=open_date,
            planner_name=planner.name if planner else None,
            planner_email=planner.email if planner else None,
            tailoring=tailoring or (existing.tailoring if existing else Tailoring()),
        )
        plan = plan_launch(
            template=_tailored(found, launch), launch=launch, owners=directory,
            calendar=self.calendar,
        )  # fmt: skip
        return self._write_plan(plan, created=existing is None, dry_run=dry_run, progress=progress)

    def create_or_move(
        self, *, template: str, name: str, open_date: date, owners: str | None
    ) -> LaunchResult:
        """Creates the launch, or moves it to `open_date` when it exists (the demo)."""
        found = self.templates.find(template)
        existing = self.store.get_launch(launch_key(found.key, name))
        if existing is not None and existing.open_date != open_date:
            return self.reschedule(key=existing.key, open_date=open_date, owners=owners)
        return self.create(template=found, name=name, open_date=open_date, owners=owners)

    def reschedule(
        self,
        *,
        key: str,
        open_date: date,
        owners: str | OwnerDirectory | None = None,
        template: ChecklistTemplate | None = None,
        dry_run: bool = False,
        progress: Progress = no_progress,
    ) -> LaunchResult:
        """Moves the opening day and re-plans every due date, keeping what was ticked.

        Without `owners`, the owners the launch was planned with; without `template`, the
        launch's own from the catalog."""
        launch = self.get(key)
        directory = self._owners(owners) if owners else self._owners_of(launch)
        found = template or self.templates.find(launch.template_key)
        moved = replace(launch, open_date=open_date)
        plan = plan_launch(
            template=_tailored(found, moved), launch=moved, owners=directory,
            calendar=self.calendar,
        )  # fmt: skip
        return self._write_plan(plan, created=False, dry_run=dry_run, progress=progress)

    # tailoring a live launch ----------------------------------------------------------
    def exclude(
        self,
        *,
        item: str,
        reason: str,
        dry_run: bool = False,
        progress: Progress = no_progress,
        via: ChangeSource | None = None,
    ) -> LaunchResult:
        """Takes an item out of a live launch: recorded as removed with the reason (and
        who), its page moved to the board's trash, never reminded again; `restore` brings
        it back. The launch keeps it in its own set, so a re-plan leaves it out too."""
        cleaned = clean_text(reason, limit=REASON_LIMIT).strip()
        if not cleaned:
            raise InputError("give the reason an item is excluded (--reason): it is on record")
        launch, template_item = self._live_item(item)
        tailoring = launch.tailoring.skipping(template_item)
        return self._retailor(
            launch, tailoring, why=cleaned, via=via, dry_run=dry_run, progress=progress
        )

    def add_items(
        self,
        *,
        key: str,
        items: Sequence[TemplateItem],
        dry_run: bool = False,
        progress: Progress = no_progress,
    ) -> LaunchResult:
        """Items of the launch's own, added to a live launch (`cxbot item add`, 항목 추가):
        kept with the launch like `--add` at creation, so a re-plan plans them too."""
        launch = self.get(key)
        tailoring = launch.tailoring.adding(*items)
        return self._retailor(launch, tailoring, dry_run=dry_run, progress=progress)

    def adopt(
        self, *, key: str, item: TemplateItem, page: str, status: ItemStatus, by: str
    ) -> LaunchResult:
        """A row someone added to the launch's checklist on the board: an item of the
        launch's own from now on, on that page, recorded as added there by `by`."""
        launch = self.get(key)
        tailoring = launch.tailoring.adding(item)
        item_key = f"{launch.key}/{item.key}"
        return replace(self, actor=by)._retailor(
            launch, tailoring, statuses={item_key: status}, pages={item_key: page},
            via=ChangeSource.NOTION, dry_run=False, progress=no_progress,
        )  # fmt: skip

    def override(
        self,
        *,
        item: str,
        due: str | None = None,
        email: str | None = None,
        name: str | None = None,
        dry_run: bool = False,
        progress: Progress = no_progress,
    ) -> LaunchResult:
        """Gives one item of a live launch its own D-offset (`due`: D-12, D-day, D+3) and/or
        its own owner (`email`; `name` defaults to the owners file's or the launch's for
        it) instead of the template's and its department's — kept with the launch, so a
        re-plan keeps them; both in one re-plan."""
        offset = None
        if due is not None:
            try:
                offset = DOffset.parse(due).label
            except ValueError as error:
                raise InputError(f"{due!r}: {error}") from None
        address = email.strip() if email is not None else None
        if address is not None and ("@" not in address or any(c.isspace() for c in address)):
            raise InputError(f"{email!r} is not an e-mail address (the owner is named by it)")
        if offset is None and address is None:
            raise InputError("give the item's own due day (D-N) or owner (an e-mail)")
        launch, template_item = self._live_item(item)
        owner = None
        if address is not None:
            given = clean_text(name or "", limit=200).strip()
            owner = (given or self._name_of(launch, address), address)
        tailoring = launch.tailoring.overriding(template_item, due=offset, owner=owner)
        return self._retailor(launch, tailoring, dry_run=dry_run, progress=progress)

    def _live_item(self, item: str) -> tuple[Launch, str]:
        """(launch, template item key) of an item the launch has now."""
        launch, template_item = self._item_of(item)
        if self.store.get_item(item) is None:
            raise NotFound(
                f"no item {item!r} in launch {launch.key}; `cxbot launch show` lists them"
            )
        return launch, template_item

    def _name_of(self, launch: Launch, email: str) -> str:
        """The name the owners file or the launch already has for `email` (else the
        e-mail itself)."""
        directory = self.templates.owners(None)
        people = [*directory.owners.values(), *filter(None, [directory.planner])]
        people += [
            Person(name=i.owner_name, email=i.owner_email)
            for i in self.store.items_of(launch.key)
            if i.owner_name
        ]
        found = next((p.name for p in people if (p.email or "").lower() == email.lower()), None)
        return found or email

    def restore(
        self,
        *,
        item: str,
        dry_run: bool = False,
        progress: Progress = no_progress,
        page: str | None = None,
        via: ChangeSource | None = None,
    ) -> LaunchResult:
        """Brings an excluded item back, due by the launch's opening day as planned; on
        `page` when its old page is back on the board (restored from the trash there)."""
        launch, template_item = self._item_of(item)
        if template_item not in launch.tailoring.skip:
            skipped = ", ".join(launch.tailoring.skip) or "none"
            raise NotFound(
                f"{item!r} is not excluded from launch {launch.key} (excluded: {skipped})"
            )
        tailoring = launch.tailoring.restoring(template_item)
        return self._retailor(
            launch,
            tailoring,
            restored=frozenset({item}),
            statuses=self._last_statuses([item]),
            pages={item: page} if page else None,
            via=via,
            dry_run=dry_run,
            progress=progress,
        )

    def excluded(self, key: str) -> list[TemplateItem]:
        """The items excluded from a live launch (template items and its own), to restore."""
        launch = self.get(key)
        found = self.templates.find(launch.template_key)
        known = {i.key: i for i in (*found.items, *launch.tailoring.add)}
        return [known[k] for k in launch.tailoring.skip if k in known]

    def _last_statuses(self, keys: Sequence[str]) -> dict[str, ItemStatus]:
        """The status each item had when it was last removed (from its history)."""
        if self.history is None:
            return {}
        found: dict[str, ItemStatus] = {}
        for change in self.history.changes(entity="checklist_item", entity_ids=keys):
            known = {status.value for status in ItemStatus}
            if change.field == "status" and change.new in known:
                found[change.entity_id] = ItemStatus(str(change.new))
        return found

    def _item_of(self, item: str) -> tuple[Launch, str]:
        launch_part, template_item = split_item_key(item)
        if not template_item:
            raise InputError(f"{item!r}: an item key is <launch key>/<item key>")
        return self.get(launch_part), template_item

    def _retailor(
        self,
        launch: Launch,
        tailoring: Tailoring,
        *,
        why: str | None = None,
        restored: frozenset[str] = frozenset(),
        statuses: Mapping[str, ItemStatus] | None = None,
        pages: Mapping[str, str] | None = None,
        via: ChangeSource | None = None,
        dry_run: bool,
        progress: Progress,
    ) -> LaunchResult:
        tailored = replace(launch, tailoring=tailoring)
        found = self.templates.find(launch.template_key)
        plan = plan_launch(
            template=_tailored(found, tailored), launch=tailored,
            owners=self._owners_of(launch), calendar=self.calendar,
        )  # fmt: skip
        if statuses:  # a restored item is back where it stood, not at the start
            items = tuple(replace(i, status=statuses.get(i.key, i.status)) for i in plan.items)
            plan = replace(plan, items=items)
        if pages:  # an item whose page is already on the board (added or restored there)
            items = tuple(replace(i, remote_id=pages.get(i.key, i.remote_id)) for i in plan.items)
            plan = replace(plan, items=items)
        return self._write_plan(
            plan, created=False, dry_run=dry_run, progress=progress, why=why, restored=restored,
            via=via,
        )  # fmt: skip

    # ticking ------------------------------------------------------------------------
    def set_item_status(
        self, *, key: str, status: ItemStatus, note: str | None = None
    ) -> tuple[ChecklistItem, list[Change]]:
        """Ticks an item from the CLI, the same way a Slack click does: recorded, then
        pushed to the board; when the board is behind, the outbox pushes it later."""
        ticked = self.ticks.set(
            key, status, actor=self.actor, source=ChangeSource.CLI, at=self.clock(), note=note
        )
        if not ticked.changes:
            return ticked.item, []
        self.ticks.push(key)
        return self.store.get_item(key) or ticked.item, list(ticked.changes)

    # reading ------------------------------------------------------------------------
    def all(self) -> list[Launch]:
        return self.store.list_launches()

    def get(self, key: str) -> Launch:
        found = self.store.get_launch(key)
        if found is None:
            known = ", ".join(f"{x.key} ({x.name})" for x in self.store.list_launches())
            raise NotFound(f"no launch {key!r}; known launches: {known or 'none yet'}")
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

    # the steps of writing a plan ----------------------------------------------------
    def _write_plan(
        self,
        plan: Plan,
        *,
        created: bool,
        dry_run: bool,
        progress: Progress,
        why: str | None = None,
        restored: frozenset[str] = frozenset(),
        via: ChangeSource | None = None,
    ) -> LaunchResult:
        drafted = self._draft(plan, why=why, restored=restored, via=via)
        result = LaunchResult(
            plan=plan,
            items=drafted.items,
            created=created,
            added=drafted.added,
            updated=drafted.updated,
            published=0,
            changes=tuple(drafted.changes),
            dry_run=dry_run,
            removed=drafted.removed,
        )
        if dry_run:
            return result
        if drafted.to_publish:
            self.board.ready()  # a wrong token or no parent page: nothing recorded, nothing half
        # Record first, then publish: a crash in between leaves items without a remote
        # id, which the next run publishes (the board looks them up before creating).
        self.store.apply(
            launch=plan.launch,
            items=drafted.items,
            changes=drafted.changes,
            removed=[item.key for item in drafted.removed],
        )
        published = self._publish(plan.launch, drafted, progress)
        problems = [*published.problems, *self.board.trash(drafted.removed)]
        if published.uncertain or not created:
            # A create whose answer was lost may have committed after it was looked up
            # (this run, or an earlier one): keep one page per item and say what was moved.
            keep = {i.key: i.remote_id for i in published.items if i.remote_id}
            problems = [*problems, *self.board.sweep(plan.launch, keep)]
        return replace(
            result,
            items=published.items,
            published=published.count,
            problems=tuple(problems),
            handed_over=published.handed_over,
        )

    def _draft(
        self,
        plan: Plan,
        *,
        why: str | None = None,
        restored: frozenset[str] = frozenset(),
        via: ChangeSource | None = None,
    ) -> _Drafted:
        """Every planned item beside what is recorded: what changes, what the board needs,
        and which recorded items the plan no longer has (removed, with `why`)."""
        now = self.clock()
        old_launch = self.store.get_launch(plan.launch.key)
        existing = {item.key: item for item in self.store.items_of(plan.launch.key)}
        items = replan(plan, existing)
        changes = self._launch_changes(old_launch, plan.launch, now)
        planned = {item.key for item in items}
        removed = tuple(item for key, item in existing.items() if key not in planned)
        for gone in removed:
            changes.append(
                Change(
                    entity="checklist_item",
                    entity_id=gone.key,
                    field=REMOVED,
                    old=None,
                    new="yes",
                    actor=self.actor,
                    source=via or self.source,
                    at=now,
                    note=why or "no longer in the launch's plan",
                )
            )
        for key in sorted(restored & planned - set(existing)):
            changes.append(
                Change(
                    entity="checklist_item",
                    entity_id=key,
                    field=REMOVED,
                    old="yes",
                    new="no",
                    actor=self.actor,
                    source=via or self.source,
                    at=now,
                    note="restored",
                )
            )
        to_publish: list[ChecklistItem] = []
        added = updated = 0
        for item in items:
            old = existing.get(item.key)
            item_changes = diff_fields(
                entity="checklist_item",
                entity_id=item.key,
                old=old.tracked_fields() if old else None,
                new=item.tracked_fields(),
                actor=self.actor,
                source=(via or ChangeSource.TEMPLATE) if old is None else (via or self.source),
                at=now,
                note=_created_note(via, item.key in restored) if old is None else None,
            )
            changes.extend(item_changes)
            added += old is None
            updated += bool(old is not None and item_changes)
            if item.remote_id is None or item_changes:
                to_publish.append(item)
        # Items recorded by an earlier, interrupted run may already have a page.
        maybe_exist = any(x.remote_id is None and x.key in existing for x in to_publish)
        return _Drafted(
            items=items,
            changes=changes,
            to_publish=to_publish,
            added=added,
            updated=updated,
            maybe_exist=maybe_exist,
            removed=removed,
        )

    def _publish(self, launch: Launch, drafted: _Drafted, progress: Progress) -> _Published:
        """Writes the items the board needs; keeps the ids it gave, hands the rest over."""
        if not drafted.to_publish:
            return _Published(
                items=drafted.items, count=0, problems=[], handed_over=(), uncertain=False
            )
        result = self.board.publish(
            launch, drafted.to_publish, progress, maybe_exist=drafted.maybe_exist
        )
        if result.later:
            self.store.mark_board_behind(result.later, self.clock())
        with_ids = {
            item.key: replace(item, remote_id=result.ids[item.key])
            for item in drafted.to_publish
            if item.key in result.ids
        }
        self.store.apply(items=list(with_ids.values()))
        return _Published(
            items=tuple(with_ids.get(item.key, item) for item in drafted.items),
            count=len(with_ids),
            problems=list(result.problems),
            handed_over=tuple(result.later),
            uncertain=result.uncertain > 0,
        )

    def _launch_changes(self, old: Launch | None, new: Launch, now: datetime) -> list[Change]:
        return diff_fields(
            entity="launch",
            entity_id=new.key,
            old=old.tracked_fields() if old else None,
            new=new.tracked_fields(),
            actor=self.actor,
            source=self.source,
            at=now,
        )

    def _template(self, template: str | ChecklistTemplate) -> ChecklistTemplate:
        return self.templates.find(template) if isinstance(template, str) else template

    def _owners(self, owners: str | OwnerDirectory | None) -> OwnerDirectory:
        return owners if isinstance(owners, OwnerDirectory) else self.templates.owners(owners)

    def _owners_of(self, launch: Launch) -> OwnerDirectory:
        """The owners a launch was planned with, when no owners file is given again."""
        owners = {}
        for entry in self.store.items_of(launch.key):
            override = launch.tailoring.override_of(split_item_key(entry.key)[1])
            if override is not None and override.owner_name is not None:
                continue  # the item's own owner, not its department's
            if entry.owner_name:
                owners[entry.department] = Person(name=entry.owner_name, email=entry.owner_email)
        planner = None
        if launch.planner_name:
            planner = Person(name=launch.planner_name, email=launch.planner_email)
        return OwnerDirectory(owners=owners, planner=planner)


def _tailored(template: ChecklistTemplate, launch: Launch) -> ChecklistTemplate:
    """The template as this launch uses it (its skipped items out, its own items in)."""
    try:
        return tailor(template, launch.tailoring)
    except ValueError as problem:
        raise InputError(f"launch {launch.name!r}: {problem}") from None


def _created_note(via: ChangeSource | None, restored: bool) -> str:
    if restored:
        return "restored"
    return "added in Notion" if via is ChangeSource.NOTION else "created from template"
