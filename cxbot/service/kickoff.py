"""The CX planner kicks off a launch from Slack: a modal in two steps (what and when, then
which items), checked inside the modal, written in the background with progress in the
planner's DM, and announced once in the chosen channel, pinned."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from cxbot.domain.changes import ChangeSource
from cxbot.domain.checklist import ChecklistTemplate, Tailoring, launch_key
from cxbot.domain.notices import Notice, notice
from cxbot.domain.owners import OwnerDirectory, Person
from cxbot.ports.common import Clock
from cxbot.ports.errors import CxbotError
from cxbot.ports.kickoff import (
    ADD_TITLE,
    CHANNEL,
    NAME,
    NEW_CHANNEL,
    OPEN_DATE,
    OWNER,
    TEMPLATE,
    KickoffForm,
    KickoffSlack,
)
from cxbot.ports.messages import Destination, Message
from cxbot.ports.reminders import ReminderEntry
from cxbot.service.delivery import ExactlyOnce
from cxbot.service.launch_desk import announcement_key
from cxbot.service.launches import Launches, LaunchResult
from cxbot.service.planners import Planners

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Kickoff:
    launches: Launches
    slack: KickoffSlack
    delivery: ExactlyOnce
    planners: Planners
    """Who may kick off launches (CXBOT_PLANNERS)."""
    words: Any
    """Notice → the locale's words (the modal's errors)."""
    owners: str | None = None
    clock: Clock

    # who may ------------------------------------------------------------------------
    def planner(self, user_id: str) -> str | None:
        """The person's e-mail when they may kick off launches; None otherwise (logged)."""
        return self.planners.may(user_id, what="kick-off")

    # step 1 ---------------------------------------------------------------------------
    def open(self, *, user_id: str, trigger_id: str, channel: str) -> None:
        """`/cxbot launch` or the "런칭 시작" shortcut: the modal, for planners."""
        if self.planner(user_id) is None:
            self.slack.refuse(user_id, channel)
            return
        self.slack.open_form(trigger_id, self._catalog(), opener=user_id)
        owners = self.launches.templates.owners(self.owners)
        self.slack.warm([p.email for p in owners.owners.values() if p.email])

    def first_step(self, *, user_id: str, view: Mapping[str, Any]) -> dict[str, Any]:
        """Step 1 submitted: its problems in the modal, or step 2 in its place."""
        if self.planner(user_id) is None:
            return self.slack.errors({NAME: self.words(notice("kickoff_not_a_planner"))})
        form = self.slack.read(view)
        template, problems = self._checked(form)
        if problems or template is None:
            return self.slack.errors({k: self.words(v) for k, v in problems.items()})
        plan = self._preview(form, template)
        drawn = self.slack.items_view(form, template, plan, catalog=self._catalog())
        return {"response_action": "update", "view": drawn}

    def redraw(self, *, user_id: str, view: Mapping[str, Any]) -> None:
        """Step 2's opening day or template changed: every due date drawn again in place
        (the items still chosen stay chosen; a day to check is said on top)."""
        if self.planner(user_id) is None:
            return
        form = self.slack.read(view)
        template, problems = self._checked(form)
        if template is None or form.open_date is None:
            return
        if form.kept is not None:
            keys = {item.key for item in template.items}
            if not any(k in keys for chosen in form.kept.values() for k in chosen):
                form = replace(form, kept=None)  # another template: all of its items chosen
        problem = problems.get(OPEN_DATE)
        note = self.words(problem) if problem is not None else ""
        plan = self._preview(form, template)
        drawn = self.slack.items_view(form, template, plan, catalog=self._catalog(), note=note)
        self.slack.redraw(view, drawn)

    # step 2 ---------------------------------------------------------------------------
    def second_step(self, *, user_id: str, view: Mapping[str, Any]) -> dict[str, Any] | None:
        """Step 2 submitted: its problems in the modal, or None (the modal closes and
        `start` writes the checklist)."""
        if self.planner(user_id) is None:
            return self.slack.errors({ADD_TITLE: self.words(notice("kickoff_not_a_planner"))})
        _template, problems = self._second_checked(self.slack.read(view))
        if problems:
            here = {  # step 1's fields are not in step 2: their problems go by the day
                (OPEN_DATE if k in (NAME, CHANNEL, NEW_CHANNEL) else k): v
                for k, v in problems.items()
            }
            return self.slack.errors({k: self.words(v) for k, v in here.items()})
        return None

    def _second_checked(
        self, form: KickoffForm
    ) -> tuple[ChecklistTemplate | None, dict[str, Notice]]:
        """Step 2's checks: step 1's again, something left to do, an owner for each
        department with items — the same for the answer and for the work after it."""
        template, problems = self._checked(form)
        if template is not None and not problems and not self._items_left(form, template):
            problems = {ADD_TITLE: notice("kickoff_nothing_left")}
        if template is not None and not problems:
            problems = self._unowned(form, template)
        return template, problems

    def start(self, *, user_id: str, view: Mapping[str, Any]) -> LaunchResult | None:
        """Writes the checklist (progress in the planner's DM), then announces it once."""
        email = self.planner(user_id)
        form = self.slack.read(view)
        template, problems = self._second_checked(form)
        if email is None or template is None or problems or form.open_date is None:
            return None  # the modal said why; a hand-made request changes nothing
        launches = replace(self.launches, actor=email, source=ChangeSource.SLACK)
        tailoring = Tailoring(skip=form.skipped(template), add=form.added)
        owners = self._directory(form, planner=self._planner_of(form, user_id))
        preview = self._preview(form, template, owners)
        launch = preview.launch

        def progress(done: int, total: int, what: str) -> None:
            if done == total or done in {math.ceil(total * q) for q in (0.25, 0.5, 0.75)}:
                self.slack.progress(user_id, launch, done, total)  # a quarter at a time

        self.slack.progress(user_id, launch, 0, len(preview.items))
        try:
            result = launches.create(
                template=template, name=form.name, open_date=form.open_date,
                owners=owners, progress=progress, tailoring=tailoring,
            )  # fmt: skip
        except CxbotError as error:
            self.slack.finished(user_id, launch, 0, len(preview.items), [str(error)])
            return None
        written = len(result.items) - result.unpublished
        later = [str(notice("kickoff_written_later", count=len(result.handed_over)))]
        problems_told = [*result.problems, *(later if result.handed_over else [])]
        self.slack.finished(user_id, result.plan.launch, written, len(result.items), problems_told)
        channel = form.channel or self._new_channel(form, result, user_id)
        if channel:
            self.announce(result, channel)
        return result

    def _planner_of(self, form: KickoffForm, user_id: str) -> Person | None:
        """The planner picked in the modal; whoever kicked off when none was picked, or
        when the one picked has no e-mail in Slack (the history names people by it)."""
        picked = self.slack.person(form.planner) if form.planner else None
        if picked is not None and picked.email:
            return picked
        if form.planner:
            log.warning("the planner picked (%s) has no e-mail in Slack: %s is", form.planner,
                        user_id)  # fmt: skip
        return self.slack.person(user_id)

    def _new_channel(self, form: KickoffForm, result: LaunchResult, user_id: str) -> str | None:
        """The launch's own channel, created with its owners and planner invited."""
        if not form.new_channel:
            return None
        channel = self.slack.create_channel(form.new_channel)
        if channel is None:
            return None
        planner = result.plan.launch.planner_email
        emails = sorted({i.owner_email for i in result.items if i.owner_email} | {planner or ""})
        emails = [e for e in emails if e]
        people = [uid for e in emails if (uid := self.slack.user_id_of(e))]
        self.slack.invite(channel, sorted({user_id, *people}))
        return channel

    def announce(self, result: LaunchResult, channel: str) -> str | None:
        """The launch's announcement in `channel`, exactly once, pinned; its ts."""
        launch, now = result.plan.launch, self.clock()
        key = announcement_key(launch.key)
        entry = ReminderEntry(
            reminder_key=key, recipient_key=f"channel:{channel}", kind="announcement",
            business_date=now.date(), launch_key=launch.key, item_key=None,
        )  # fmt: skip
        delivery = self.delivery
        delivery.recover(now)
        if not delivery.ledger.claim(key, [entry], now):
            return None  # announced already (or being announced)
        emails = {i.owner_email for i in result.items if i.owner_email}
        emails |= {launch.planner_email} if launch.planner_email else set()
        mentions = {e: uid for e in sorted(emails) if (uid := self.slack.user_id_of(e))}
        text, blocks = self.slack.announcement(launch, result.items, mentions)
        message = Message(key=key, text=text, blocks=blocks, preview=text)
        destination = Destination(channel=channel, label=f"channel {channel}")
        delivered = delivery.deliver(key, destination, message, now)
        if delivered.ts is None:
            log.warning("the announcement of %s was not posted: %s", launch.key, delivered.why)
            return None
        self.slack.pin(channel, delivered.ts)
        return delivered.ts

    # checks -------------------------------------------------------------------------------
    def _catalog(self) -> list[ChecklistTemplate]:
        return [c.template for c in self.launches.templates.check_all() if c.template is not None]

    def _checked(self, form: KickoffForm) -> tuple[ChecklistTemplate | None, dict[str, Notice]]:
        problems: dict[str, Notice] = dict(form.problems)
        template = None
        try:
            template = self.launches.templates.find(form.template) if form.template else None
        except CxbotError:
            template = None
        if template is None:
            problems[TEMPLATE] = notice("kickoff_no_template")
        if not form.name.strip():
            problems[NAME] = notice("kickoff_no_name")
        elif template is not None:
            key = launch_key(template.key, form.name)
            if self.launches.store.get_launch(key) is not None:
                problems[NAME] = notice("kickoff_duplicate", name=form.name, key=key)
        if not form.channel and not form.new_channel:
            problems[CHANNEL] = notice("kickoff_no_channel")
        elif form.new_channel and not _channel_name_ok(form.new_channel):
            problems[NEW_CHANNEL] = notice("kickoff_bad_channel_name", name=form.new_channel)
        if form.open_date is None:
            problems[OPEN_DATE] = notice("kickoff_no_date")
        else:
            concern = next(iter(self.launches.opening_concerns(form.open_date)), None)
            if concern is not None:
                problems[OPEN_DATE] = notice(
                    f"kickoff_{concern.kind}", day=form.open_date.isoformat(), name=concern.name
                )
        return template, problems

    def _items_left(self, form: KickoffForm, template: ChecklistTemplate) -> bool:
        return len(template.items) - len(form.skipped(template)) + len(form.added) > 0

    def _unowned(self, form: KickoffForm, template: ChecklistTemplate) -> dict[str, Notice]:
        """Departments with items in this launch but nobody picked as their owner."""
        if not form.owners and form.kept is None:
            return {}
        chosen = {d for d, keys in (form.kept or {}).items() if keys}
        chosen |= {item.department for item in form.added}
        return {
            OWNER + d: notice("kickoff_no_owner", department=template.departments[d])
            for d in sorted(chosen)
            if d in template.departments and d not in form.owners
        }

    def _directory(self, form: KickoffForm, *, planner: Person | None) -> OwnerDirectory:
        """The owners file's departments (members too), with the owners picked in the
        modal over them, and whoever kicked the launch off as its planner."""
        base = self.launches.templates.owners(self.owners)
        picked = {
            department: person
            for department, user_id in form.owners.items()
            if (person := self.slack.person(user_id)) is not None
        }
        return OwnerDirectory(
            owners={**base.owners, **picked},
            planner=planner or base.planner,
            members=base.members,
        )

    def _preview(
        self,
        form: KickoffForm,
        template: ChecklistTemplate,
        owners: OwnerDirectory | None = None,
    ) -> Any:
        assert form.open_date is not None
        tailoring = Tailoring(skip=form.skipped(template), add=form.added)
        return self.launches.create(
            template=template, name=form.name, open_date=form.open_date,
            owners=owners if owners is not None else self.owners,
            dry_run=True, tailoring=tailoring,
        ).plan  # fmt: skip


def _channel_name_ok(name: str) -> bool:
    """Slack's rule for a channel name: at most 80 lowercase letters (any script), digits,
    hyphens and underscores."""
    return 0 < len(name) <= 80 and all(
        c.isdigit() or c in "-_" or (c.isalpha() and c == c.lower()) for c in name
    )
