"""`cxbot doctor`'s Slack section: the token, its scopes, the channels the bot must be in."""

from __future__ import annotations

from typing import Any

from cxbot.adapters.findings import as_findings
from cxbot.adapters.slack.notifier import check_slack
from cxbot.domain.reminders import Routing
from cxbot.ports.common import Finding


class SlackCheck:
    def __init__(
        self,
        reader: Any,
        routing: Routing,
        reminders_file: str,
        centre_channels: dict[str, str] | None = None,
    ) -> None:
        self.reader, self.routing, self.reminders_file = reader, routing, reminders_file
        self.centre_channels = centre_channels or {}
        """Centre key → the channel its brief goes to (jobs/centres.yaml)."""

    def check(self) -> list[Finding]:
        routing = self.routing
        channels = {f"dept:{k}": v for k, v in routing.department_channels.items()}
        lines = []
        if routing.cx_channel:
            channels = {"cx": routing.cx_channel, **channels}
        else:
            lines.append(
                f"✗ no CX channel (channels.cx in {self.reminders_file}): "
                "reminders for people not found in Slack would have nowhere to go"
            )
        channels.update({f"centre:{k}": v for k, v in self.centre_channels.items()})
        _ok, slack_lines = check_slack(self.reader, channels)
        return as_findings("slack", lines + slack_lines)
