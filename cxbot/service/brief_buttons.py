"""A centre manager's press of "확인했습니다" in Slack: recorded, the brief redrawn with
who confirmed it; anyone else is told why nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cxbot.ports.briefs import BriefViews
from cxbot.ports.common import Clock
from cxbot.ports.item_actions import SlackPeople
from cxbot.service.brief_confirmations import AckOutcome, BriefConfirmations


@dataclass(frozen=True, kw_only=True)
class BriefButtons:
    confirmations: BriefConfirmations
    people: SlackPeople
    views: BriefViews
    clock: Clock
    home: Callable[[str], object] = lambda _user_id: None
    """Redraws the person's Home tab (a press there has no message to redraw)."""

    def press(self, *, user_id: str, value: str, channel: str, ts: str) -> AckOutcome:
        email = self.people.email_of(user_id)
        outcome = self.confirmations.acknowledge(value, email=email, at=self.clock())
        if outcome.state in ("recorded", "again") and channel and ts:
            key, _, number = value.rpartition("|")
            message = self.confirmations.confirmed_message(key, int(number))
            if message is not None:
                self.views.redraw(channel, ts, message)
        if not channel:
            self.home(user_id)  # pressed in the Home tab: the brief leaves its list
        elif outcome.state != "recorded":
            self.views.tell(channel, user_id, outcome.state)
        return outcome
