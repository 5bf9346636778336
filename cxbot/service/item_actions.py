"""Ticking checklist items from Slack: recorded at once, pushed to the board by the outbox.

A press is answered (acknowledged) before any of this runs; here the change is checked
(is the button stale? may this person act?), recorded with a compare-and-set so a double
click or a retried delivery changes nothing twice, then pushed to the board. When the
board is down or rate-limited the item stays marked "behind" and the outbox pushes it later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import date, datetime

from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.changes import ChangeSource
from cxbot.domain.checklist import ChecklistItem, ItemStatus, Launch, launch_of
from cxbot.domain.dday import business_days_late
from cxbot.domain.inbound_text import REASON_LIMIT, clean_text
from cxbot.domain.item_actions import ButtonRef, ItemAction, home_order, may_act, mine, stale_reason
from cxbot.domain.owners import OwnerDirectory
from cxbot.ports.briefs import BriefVersion
from cxbot.ports.checklists import LaunchRepository
from cxbot.ports.common import Clock
from cxbot.ports.item_actions import (
    ActionOutcome,
    HomeEntry,
    HomeView,
    ItemViews,
    MessageRef,
    SlackPeople,
    Verdict,
)
from cxbot.service.item_ticks import ATTEMPTS, ItemTicks, KeptChanging
from cxbot.service.planners import Planners

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class ItemActions:
    store: LaunchRepository
    ticks: ItemTicks
    people: SlackPeople
    views: ItemViews
    owners: OwnerDirectory
    calendar: BusinessCalendar
    clock: Clock
    """The wall clock, in the company's time zone: when a change was made."""
    unconfirmed: Callable[[str | None, date], Sequence[BriefVersion]] = lambda _email, _day: ()
    """Briefs a centre manager has yet to confirm: shown first in their Home tab."""
    planners: Planners | None = None
    """The CX planners (CXBOT_PLANNERS): their Home tab has every running launch's desk;
    a launch's own planner sees that launch's."""
    push_wait: float = 2.0
    """Seconds a click waits for the board before showing "waiting for Notion"."""
    pushers: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(4, thread_name_prefix="cxbot-push")
    )

    # pressing ---------------------------------------------------------------------
    def press(
        self,
        *,
        user_id: str,
        action: str,
        value: str,
        message: MessageRef | None,
        trigger_id: str = "",
    ) -> ActionOutcome:
        """A button pressed in a digest (`message`) or on the Home tab (`message` None).

        막힘 opens the reason modal instead of changing anything; `submit_reason` does
        the rest.
        """
        try:
            chosen = ItemAction(action)
            ref = ButtonRef.decode(value)
        except ValueError:
            outcome = ActionOutcome(verdict=Verdict.INVALID, user_id=user_id)
            log.warning("ignored a Slack action cxbot did not draw: %r %r", action, value[:80])
            self._answer(outcome, message, user_id)
            return outcome
        if chosen is ItemAction.BLOCKED:
            checked = self._check(user_id, ref, chosen)
            if isinstance(checked, ActionOutcome):
                self._answer(checked, message, user_id)
                return checked
            item, _ = checked
            if item.status is not ItemStatus.BLOCKED:
                self.views.ask_reason(trigger_id, ref, message)
                return ActionOutcome(verdict=Verdict.ASKED, item=item, user_id=user_id)
        return self._apply(user_id, chosen, ref, message, reason=None)

    def submit_reason(
        self, *, user_id: str, value: str, reason: str, message: MessageRef | None
    ) -> ActionOutcome:
        """The blocked-reason modal was submitted."""
        try:
            ref = ButtonRef.decode(value)
        except ValueError:
            return ActionOutcome(verdict=Verdict.INVALID, user_id=user_id)
        # Whatever the modal allowed, a hand-made submission is held to the same rules.
        cleaned = clean_text(reason, limit=REASON_LIMIT).strip()
        return self._apply(user_id, ItemAction.BLOCKED, ref, message, reason=cleaned)

    def _check(
        self, user_id: str, ref: ButtonRef, action: ItemAction
    ) -> tuple[ChecklistItem, Launch] | ActionOutcome:
        """The item and launch as they are now, or why the press is refused."""
        item = self.store.get_item(ref.item_key)
        launch = self.store.get_launch(_launch_key(ref, item))
        stale = stale_reason(ref, launch, item, action)
        if stale is not None:
            return ActionOutcome(
                verdict=Verdict.STALE, item=item, launch=launch, user_id=user_id, stale=stale
            )
        assert item is not None and launch is not None
        email = self.people.email_of(user_id)
        if not may_act(email, item, launch, self.owners):
            log.info("%s (%s) may not act on %s", user_id, email or "no email", item.key)
            return ActionOutcome(
                verdict=Verdict.NOT_ALLOWED, item=item, launch=launch, user_id=user_id
            )
        return item, launch

    def _apply(
        self,
        user_id: str,
        action: ItemAction,
        ref: ButtonRef,
        message: MessageRef | None,
        *,
        reason: str | None,
    ) -> ActionOutcome:
        recorded = self._record(user_id, action, ref, reason)
        if isinstance(recorded, ActionOutcome):
            self._answer(recorded, message, user_id)
            return recorded
        item, launch, actor, now = recorded
        pushing = self.pushers.submit(self.ticks.push, item.key)
        try:
            landed = pushing.result(timeout=self.push_wait)
        except FutureTimeout:
            landed = False
        outcome = ActionOutcome(
            verdict=Verdict.CHANGED,
            item=self.store.get_item(item.key) or item,
            launch=launch,
            user_id=user_id,
            actor=actor,
            landed=landed,
            reason=reason,
            at=now,
        )
        log.info(
            "%s set %s to %s from Slack%s",
            actor,
            item.key,
            action.value,
            "" if landed else " (the board is behind; the outbox will push it)",
        )
        self._answer(outcome, message, user_id)
        if not landed:
            # A slow push may still land: then redraw what now says "waiting for Notion".
            pushing.add_done_callback(lambda done: self._landed_late(done, item.key))
        if action is ItemAction.BLOCKED:
            self.views.tell_planner(outcome)
        return outcome

    def _record(
        self, user_id: str, action: ItemAction, ref: ButtonRef, reason: str | None
    ) -> tuple[ChecklistItem, Launch, str, datetime] | ActionOutcome:
        """The change recorded through the one ticking path (item, launch, who, when), or
        the outcome that answers the press instead (refused, stale, already so)."""
        for _ in range(ATTEMPTS):  # someone else may change the item between read and write
            checked = self._check(user_id, ref, action)
            if isinstance(checked, ActionOutcome):
                return checked
            item, launch = checked
            actor = self.people.email_of(user_id) or f"slack:{user_id}"
            now = self.clock()
            ticked = self.ticks.try_set(
                item,
                action.status,
                actor=actor,
                source=ChangeSource.SLACK,
                at=now,
                note=f"blocked: {reason}" if reason else "from Slack",
            )
            if ticked is None:
                continue
            if not ticked.changes:
                return ActionOutcome(
                    verdict=Verdict.UNCHANGED,
                    item=item,
                    launch=launch,
                    user_id=user_id,
                    actor=actor,
                    landed=item.board_behind_since is None,
                )
            return ticked.item, launch, actor, now
        raise KeptChanging(f"{ref.item_key} kept changing under a Slack action")

    def _landed_late(self, done: Future[bool], key: str) -> None:
        if done.cancelled() or done.exception() is not None or not done.result():
            return
        item = self.store.get_item(key)
        launch = self.store.get_launch(item.launch_key) if item is not None else None
        if item is not None and launch is not None and item.board_behind_since is None:
            self.views.landed(item, launch)

    def _answer(self, outcome: ActionOutcome, message: MessageRef | None, user_id: str) -> None:
        if message is None:
            self.home(user_id, notice=outcome)
            return
        if outcome.verdict is not Verdict.INVALID:
            self.views.show(message, outcome)
        if outcome.verdict in (Verdict.NOT_ALLOWED, Verdict.STALE, Verdict.INVALID):
            self.views.tell(message.channel, user_id, outcome)

    # the Home tab -----------------------------------------------------------------
    def home(self, user_id: str, *, notice: ActionOutcome | None = None) -> HomeView:
        """Publishes the person's open items across launches, overdue first."""
        email = self.people.email_of(user_id)
        today = self.clock().date()
        entries: list[HomeEntry] = []
        if email:
            for launch in self.store.list_launches():
                for item in self.store.items_of(launch.key):
                    if item.status is ItemStatus.DONE or not mine(email, item, self.owners):
                        continue
                    late = business_days_late(self.calendar, today, item.due)
                    entries.append(HomeEntry(launch=launch, item=item, days_late=late))
        entries.sort(key=lambda entry: home_order(entry.item, today))
        view = HomeView(
            user_id=user_id,
            email=email,
            today=today,
            entries=tuple(entries),
            notice=notice,
            briefs=tuple(self.unconfirmed(email, today)),
            planned=self._planned(user_id, email, today),
        )
        self.views.publish_home(view)
        return view

    def _planned(self, user_id: str, email: str | None, today: date) -> tuple[Launch, ...]:
        """The running launches (not past D+14) this person may re-plan, soonest first."""
        if not email or self.planners is None:
            return ()
        planners = self.planners
        everyone = planners.allows(user_id, email)
        return tuple(
            sorted(
                (
                    launch
                    for launch in self.store.list_launches()
                    if (everyone or planners.allows(user_id, email, launch))
                    and (today - launch.open_date).days <= 20
                ),
                key=lambda launch: launch.open_date,
            )
        )


def _launch_key(ref: ButtonRef, item: ChecklistItem | None) -> str:
    return item.launch_key if item is not None else launch_of(ref.item_key)
