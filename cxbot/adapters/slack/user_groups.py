"""Slack user groups (`@cx-planners`): who is in one, read through usergroups.users.list."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from cxbot.adapters.findings import bad, ok
from cxbot.ports.common import Finding

log = logging.getLogger(__name__)
RETRY = 30.0  # seconds before a group Slack could not read is asked for again


class SlackUserGroups:
    """Members of user groups, remembered for `ttl` seconds (usergroups.* are Tier 2:
    20 calls a minute), so every press and modal does not ask Slack again. A group Slack
    cannot read now keeps the members last read; one never read has none (nobody may)."""

    def __init__(
        self,
        client: WebClient,
        *,
        ttl: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        # Asked inside Slack's three seconds (a press, a modal's answer): a client of its
        # own that never waits out a 429 or a slow answer — the members last read count.
        self.client = WebClient(token=client.token, base_url=client.base_url, timeout=2)
        self.ttl, self.clock = ttl, clock
        self._members: dict[str, tuple[float, frozenset[str] | None]] = {}
        self._lock = threading.Lock()

    def members(self, group: str) -> frozenset[str] | None:
        with self._lock:
            read_at, known = self._members.get(group, (float("-inf"), None))
        if self.clock() - read_at < self.ttl:
            return known
        try:
            found = self._read(group)
        except (SlackApiError, SlackClientError, OSError) as error:
            log.warning("could not read Slack user group %s (%s)", group, _code(error))
            with self._lock:  # asked again in RETRY seconds, not on every press meanwhile
                self._members[group] = (self.clock() - self.ttl + RETRY, known)
            return known
        with self._lock:
            self._members[group] = (self.clock(), found)
        return found

    def _read(self, group: str) -> frozenset[str] | None:
        group_id = self._id_of(group)
        if group_id is None:
            log.warning("there is no Slack user group %s (CXBOT_PLANNERS)", group)
            return None
        try:
            users = self.client.usergroups_users_list(usergroup=group_id)["users"]
        except SlackApiError as error:
            if _code(error) == "no_such_subteam":
                log.warning("there is no Slack user group %s (CXBOT_PLANNERS)", group)
                return None
            raise
        return frozenset(str(u) for u in users or ())

    def _id_of(self, group: str) -> str | None:
        """A handle (@cx-planners) looked up in the workspace's groups; an id as it is."""
        if not group.startswith("@"):
            return group
        handle = group.removeprefix("@").lower()
        answer = self.client.usergroups_list()
        return next(
            (
                str(g["id"])
                for g in answer.get("usergroups") or []
                if str(g.get("handle", "")).lower() == handle
            ),
            None,
        )

    def check(self, groups: tuple[str, ...]) -> list[Finding]:
        """For `cxbot doctor`: each planners' group found, with how many are in it."""
        found = []
        for group in groups:
            try:
                members = self._read(group)
            except (SlackApiError, SlackClientError, OSError) as error:
                found.append(bad("slack", "planner_group_unread", group=group, error=_code(error)))
                continue
            if members is None:
                found.append(bad("slack", "planner_group_missing", group=group))
            else:
                found.append(ok("slack", "planner_group_ok", group=group, count=len(members)))
        return found


def _code(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error"))
    return type(error).__name__
