"""The planner's desk on a live launch, from Slack: 일정 변경 (a new opening day, previewed
before it is confirmed, the owners whose dates moved told in the announcement's thread),
항목 추가 and 항목 제외 (with a reason). Only the planners may; every change is in the
history with the planner's e-mail."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from cxbot.domain.changes import ChangeSource
from cxbot.domain.checklist import Launch
from cxbot.domain.dday import DOffset
from cxbot.domain.notices import Notice, notice
from cxbot.ports.common import Clock
from cxbot.ports.errors import CxbotError
from cxbot.ports.kickoff import (
    ADD_TITLE,
    EXCLUDED_ITEM,
    NEW_DUE,
    NEW_OWNER,
    OPEN_DATE,
    REASON,
    DeskForm,
    DeskSlack,
    Move,
)
from cxbot.ports.reminders import ReminderLedger
from cxbot.service.launches import Launches, LaunchResult
from cxbot.service.planners import Planners

log = logging.getLogger(__name__)


def announcement_key(launch_key: str) -> str:
    """The message key of a launch's announcement (the ledger knows where it went)."""
    return f"announce:{launch_key}"


@dataclass(frozen=True, kw_only=True)
class LaunchDesk:
    launches: Launches
    slack: DeskSlack
    ledger: ReminderLedger
    planners: Planners
    words: Any
    """Notice → the locale's words (the modal's errors)."""
    clock: Clock

    def planner(self, user_id: str, launch: Launch | None = None) -> str | None:
        """The person's e-mail when they may change the launch: one of the planners, or
        the launch's own planner; None otherwise (logged)."""
        return self.planners.may(user_id, launch, what="launch desk")

    # opening the modals ------------------------------------------------------------------
    def open(self, *, action: str, user_id: str, trigger_id: str, launch_key: str,
             channel: str) -> None:  # fmt: skip
        """A button of the announcement: the modal for `action` (replan, add, exclude)."""
        launch = self._launch(launch_key)
        if launch is None or self.planner(user_id, launch) is None:
            self.slack.refuse(user_id, channel)
            return
        if action == "replan":
            self.slack.open_replan(trigger_id, launch)
        elif action == "add":
            self.slack.open_add(
                trigger_id, launch, self.launches.templates.find(launch.template_key)
            )
        elif action == "exclude":
            self.slack.open_exclude(trigger_id, launch, self.launches.items(launch.key))
        elif action == "change":
            self.slack.open_change(trigger_id, launch, self.launches.items(launch.key))
        elif action == "restore":
            self.slack.open_restore(trigger_id, launch, self.launches.excluded(launch.key))

    # 일정 변경 ------------------------------------------------------------------------------
    def replan_preview(self, *, user_id: str, view: Any) -> dict[str, Any]:
        """Step 1 submitted: the moves to confirm, or the opening day's problem."""
        form = self.slack.read_desk(view)
        launch = self._launch(form.launch_key)
        problem = self._refusal(user_id, launch) or self._day_problem(form.open_date)
        if problem is not None or launch is None or form.open_date is None:
            return self.slack.errors({OPEN_DATE: self.words(problem or notice("kickoff_no_date"))})
        moves = self._moves(launch, form.open_date)
        return {
            "response_action": "update",
            "view": self.slack.replan_preview(launch, form.open_date, moves),
        }

    def replan(self, *, user_id: str, view: Any) -> LaunchResult | None:
        """Confirmed: the launch moves, and the owners whose dates moved are told."""
        form = self.slack.read_desk(view)
        launch = self._launch(form.launch_key)
        email = self.planner(user_id, launch) if launch else None
        if launch is None or email is None or form.open_date is None:
            return None
        if self._day_problem(form.open_date) is not None:
            return None
        moves = self._moves(launch, form.open_date)
        result = self._as(email).reschedule(key=launch.key, open_date=form.open_date)
        emails = {m.item.owner_email for m in moves if m.item.owner_email}
        mentions = {e: uid for e in sorted(emails) if (uid := self.slack.user_id_of(e))}
        where = self.ledger.posted(announcement_key(launch.key))
        self.slack.tell_moves(where, user_id, result.plan.launch, launch.open_date, moves, mentions)
        return result

    # 항목 추가 / 항목 제외 ---------------------------------------------------------------------
    def add_checked(self, *, user_id: str, view: Any) -> dict[str, Any] | None:
        form = self.slack.read_desk(view)
        problem = self._refusal(user_id, self._launch(form.launch_key))
        problems: dict[str, Notice] = dict(form.problems)
        if problem is not None:
            problems[ADD_TITLE] = problem
        elif not form.added and not problems:
            problems[ADD_TITLE] = notice("kickoff_added_incomplete")
        return self._errors(problems)

    def add(self, *, user_id: str, view: Any) -> LaunchResult | None:
        form = self.slack.read_desk(view)
        launch = self._launch(form.launch_key)
        email = self.planner(user_id, launch) if launch else None
        if launch is None or email is None or not form.added or form.problems:
            return None
        return self._as(email).add_items(key=launch.key, items=form.added)

    def exclude_checked(self, *, user_id: str, view: Any) -> dict[str, Any] | None:
        form = self.slack.read_desk(view)
        problem = self._refusal(user_id, self._launch(form.launch_key))
        problems: dict[str, Notice] = dict(form.problems)
        if problem is not None:
            problems[REASON] = problem
        elif not form.reason.strip():
            problems[REASON] = notice("desk_no_reason")
        return self._errors(problems)

    def exclude(self, *, user_id: str, view: Any) -> LaunchResult | None:
        form = self.slack.read_desk(view)
        launch = self._launch(form.launch_key)
        email = self.planner(user_id, launch) if launch else None
        if launch is None or email is None or not form.item_key or not form.reason.strip():
            return None
        try:
            return self._as(email).exclude(item=form.item_key, reason=form.reason)
        except CxbotError as error:
            log.warning("could not exclude %s: %s", form.item_key, error)
            return None

    # 항목 수정 / 항목 복원 ---------------------------------------------------------------------
    def change_checked(self, *, user_id: str, view: Any) -> dict[str, Any] | None:
        """항목 수정 submitted: an item, and a new owner (with an e-mail) and/or a D-offset."""
        return self._errors(self._change_problems(user_id, self.slack.read_desk(view)))

    def change(self, *, user_id: str, view: Any) -> LaunchResult | None:
        """The item's own owner and/or due offset, kept with the launch (a re-plan keeps
        them); each in the history with the planner's e-mail. The answer's checks run
        again: a refused submission changes nothing, not even half."""
        form = self.slack.read_desk(view)
        launch = self._launch(form.launch_key)
        email = self.planner(user_id, launch) if launch else None
        if launch is None or email is None or self._change_problems(user_id, form):
            return None
        person = self.slack.person(form.owner) if form.owner else None
        try:
            return self._as(email).override(
                item=form.item_key,
                due=form.due or None,
                email=person.email if person is not None else None,
                name=person.name if person is not None else None,
            )
        except CxbotError as error:
            log.warning("could not change %s: %s", form.item_key, error)
            return None

    def _change_problems(self, user_id: str, form: DeskForm) -> dict[str, Notice]:
        problems: dict[str, Notice] = {}
        refusal = self._refusal(user_id, self._launch(form.launch_key))
        if refusal is not None:
            return {EXCLUDED_ITEM: refusal}
        if not form.item_key.startswith(f"{form.launch_key}/"):
            problems[EXCLUDED_ITEM] = notice("desk_no_item")
        elif not form.owner and not form.due:
            problems[NEW_OWNER] = notice("desk_no_change")
        if form.due and not _is_offset(form.due):
            problems[NEW_DUE] = notice("kickoff_bad_due", due=form.due)
        if form.owner and not problems:
            person = self.slack.person(form.owner)
            if person is None or not person.email:
                problems[NEW_OWNER] = notice("desk_owner_no_email")
        return problems

    def restore_checked(self, *, user_id: str, view: Any) -> dict[str, Any] | None:
        form = self.slack.read_desk(view)
        refusal = self._refusal(user_id, self._launch(form.launch_key))
        if refusal is not None:
            return self._errors({EXCLUDED_ITEM: refusal})
        return None if form.item_key else self._errors({EXCLUDED_ITEM: notice("desk_no_item")})

    def restore(self, *, user_id: str, view: Any) -> LaunchResult | None:
        """An excluded item back in the launch, due as planned, with the status it had."""
        form = self.slack.read_desk(view)
        launch = self._launch(form.launch_key)
        email = self.planner(user_id, launch) if launch else None
        if launch is None or email is None or not form.item_key:
            return None
        if not form.item_key.startswith(f"{launch.key}/"):
            return None  # an item of another launch in a hand-made request
        try:
            return self._as(email).restore(item=form.item_key)
        except CxbotError as error:
            log.warning("could not restore %s: %s", form.item_key, error)
            return None

    # parts -----------------------------------------------------------------------------------
    def _as(self, email: str) -> Launches:
        return replace(self.launches, actor=email, source=ChangeSource.SLACK)

    def _launch(self, key: str) -> Launch | None:
        return self.launches.store.get_launch(key) if key else None

    def _refusal(self, user_id: str, launch: Launch | None) -> Notice | None:
        if launch is None:
            return notice("desk_no_launch")
        return None if self.planner(user_id, launch) else notice("kickoff_not_a_planner")

    def _day_problem(self, day: date | None) -> Notice | None:
        if day is None:
            return notice("kickoff_no_date")
        concern = next(iter(self.launches.opening_concerns(day)), None)
        if concern is None:
            return None
        return notice(f"kickoff_{concern.kind}", day=day.isoformat(), name=concern.name)

    def _moves(self, launch: Launch, open_date: date) -> list[Move]:
        planned = self.launches.reschedule(key=launch.key, open_date=open_date, dry_run=True)
        now = {i.key: i for i in self.launches.items(launch.key)}
        return [
            Move(item=item, was=now[item.key].due)
            for item in planned.items
            if item.key in now and now[item.key].due != item.due
        ]

    def _errors(self, problems: dict[str, Notice]) -> dict[str, Any] | None:
        if not problems:
            return None
        return self.slack.errors({k: self.words(v) for k, v in problems.items()})


def _is_offset(text: str) -> bool:
    try:
        DOffset.parse(text)
    except ValueError:
        return False
    return True
