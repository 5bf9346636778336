"""Who may kick off, re-plan and tailor a launch: the CX planners of CXBOT_PLANNERS (their
e-mails, and the members of the Slack user groups named there), and a launch's own
planner for that launch."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from cxbot.domain.checklist import Launch
from cxbot.ports.item_actions import SlackGroups, SlackPeople

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Planners:
    people: SlackPeople
    groups: SlackGroups
    emails: tuple[str, ...] = ()
    user_groups: tuple[str, ...] = ()

    def may(self, user_id: str, launch: Launch | None = None, *, what: str) -> str | None:
        """The person's e-mail when they may plan (`launch`: also its own planner); None
        otherwise, and the refusal of `what` is logged. The e-mail is the history's actor:
        a person Slack gives no e-mail may not."""
        email = self.people.email_of(user_id)
        if email is not None and self.allows(user_id, email, launch):
            return email
        log.warning("%s refused for Slack user %s (%s): not a planner", what, user_id, email)
        return None

    def allows(self, user_id: str, email: str | None, launch: Launch | None = None) -> bool:
        if not email:
            return False
        address = email.lower()
        if address in self.emails:
            return True
        if launch is not None and (launch.planner_email or "").lower() == address:
            return True
        return any(user_id in (self.groups.members(g) or ()) for g in self.user_groups)
