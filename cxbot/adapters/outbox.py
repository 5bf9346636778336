"""The embedded default's notifier: messages go to the console and a local outbox file."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from cxbot.adapters.private_files import append_private, write_private
from cxbot.domain.reminders import Recipient
from cxbot.ports.messages import Destination, Message


class OutboxNotifier:
    """Writes each message as one JSON line; `echo` shows it as it would read."""

    name = "outbox"

    def __init__(
        self,
        path: Path,
        *,
        echo: Callable[[str], None] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.path, self.echo, self.clock = path, echo, clock

    def resolve(self, recipient: Recipient) -> Destination | None:
        label = recipient.email or recipient.channel or recipient.name
        return Destination(channel=f"outbox:{recipient.key}", label=f"{recipient.name} ({label})")

    def post(self, destination: Destination, message: Message) -> str:
        ts = f"{self.clock().timestamp():.6f}"
        record: dict[str, object] = {
            "key": message.key,
            "channel": destination.channel,
            "to": destination.label,
            "ts": ts,
            "text": message.text,
            "blocks": message.blocks,
        }
        if message.attachment is not None:
            saved = self.path.parent / "outbox-files" / message.attachment.filename
            write_private(saved, message.attachment.content)
            record["attachment"] = str(saved)
        append_private(self.path, json.dumps(record, ensure_ascii=False) + "\n")
        if self.echo is not None:
            attached = f"\n(chart: {record['attachment']})" if "attachment" in record else ""
            self.echo(f"→ {destination.label}\n{message.preview or message.text}{attached}")
        return ts

    def find(self, channel: str, message_key: str, since: datetime) -> str | None:
        if not self.path.exists():
            return None
        for line in self.path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["key"] == message_key and record["channel"] == channel:
                return str(record["ts"])
        return None
