"""`cxbot doctor`'s Slack section: the token, its scopes, the channels the bot must be in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from cxbot.adapters.findings import bad, ok
from cxbot.adapters.slack.notifier import REQUIRED_SCOPES
from cxbot.domain.notices import notice
from cxbot.domain.reminders import Routing
from cxbot.ports.common import Finding

NAME = "slack"


class SlackCheck:
    def __init__(
        self,
        reader: Any,
        routing: Routing,
        reminders_file: str,
        centre_channels: dict[str, str] | None = None,
        *,
        planner_groups: Callable[[], list[Finding]] = list,
    ) -> None:
        self.reader, self.routing, self.reminders_file = reader, routing, reminders_file
        self.planner_groups = planner_groups
        """The planners' Slack user groups (CXBOT_PLANNERS), each found or not."""
        self.centre_channels = centre_channels or {}
        """Centre key → the channel its brief goes to (jobs/centres.yaml)."""

    def check(self) -> list[Finding]:
        routing = self.routing
        channels = {f"dept:{k}": v for k, v in routing.department_channels.items()}
        found = []
        if routing.cx_channel:
            channels = {"cx": routing.cx_channel, **channels}
        else:
            found.append(bad(NAME, "no_cx_channel", file=self.reminders_file))
        channels.update({f"centre:{k}": v for k, v in self.centre_channels.items()})
        checked = check_slack(self.reader, channels)
        if any(f.ok for f in checked[:1]):  # the token works: the planners' groups too
            checked += self.planner_groups()
        return found + checked


def check_slack(reader: WebClient, channels: dict[str, str]) -> list[Finding]:
    """For `cxbot doctor`: the token, its scopes, and the bot's membership of each channel."""
    try:
        answer = reader.auth_test()
    except SlackApiError as error:
        return [bad(NAME, "slack_token_bad", code=str(error.response.get("error")))]
    except (SlackClientError, OSError) as error:
        return [bad(NAME, "slack_unreachable", error=type(error).__name__)]
    found = [
        ok(NAME, "slack_token_ok", team=str(answer.get("team")), user=str(answer.get("user_id")))
    ]
    granted = {
        s.strip() for s in (_header(answer.headers, "x-oauth-scopes")).split(",") if s.strip()
    }
    missing = [scope for scope in REQUIRED_SCOPES if scope not in granted]
    if missing:
        scopes = ", ".join(
            str(notice("scope_for", scope=scope, purpose=REQUIRED_SCOPES[scope]))
            for scope in missing
        )
        found.append(bad(NAME, "scopes_missing", scopes=scopes))
    else:
        found.append(ok(NAME, "scopes_ok", count=len(REQUIRED_SCOPES)))
    for name, channel in channels.items():
        try:
            info = reader.conversations_info(channel=channel)["channel"]
        except SlackApiError as error:
            code = str(error.response.get("error"))
            found.append(bad(NAME, "channel_bad", name=name, channel=channel, error=code))
            continue
        if info.get("is_member"):
            found.append(ok(NAME, "channel_ok", name=name, channel=channel))
        else:
            found.append(
                bad(
                    NAME,
                    "channel_not_member",
                    name=name,
                    channel=channel,
                    channel_name=str(info.get("name")),
                )
            )
    return found


def _header(headers: dict[str, Any], name: str) -> str:
    return next((str(v) for k, v in headers.items() if k.lower() == name), "")
