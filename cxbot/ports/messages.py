"""Messages and where they go: what every composer builds and every notifier posts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from cxbot.domain.reminders import Recipient


class DeliveryFailed(Exception):
    """The service refused the message: it was certainly not posted."""


class DeliveryUnknown(Exception):
    """No answer (timeout, dropped connection, 5xx): the message may have been posted."""


class HistoryUnreadable(Exception):
    """The channel's history could not be read: whether a message is there is unknown —
    never the same as "not there"."""


@dataclass(frozen=True, kw_only=True)
class Destination:
    channel: str
    label: str


@dataclass(frozen=True, kw_only=True)
class Attachment:
    """A file posted with a message (a chart): uploaded, then shared with the text."""

    filename: str
    content: bytes = field(repr=False)
    title: str
    alt_text: str = ""


@dataclass(frozen=True, kw_only=True)
class Message:
    key: str
    text: str  # the notification / fallback text
    blocks: list[dict[str, Any]]  # Block Kit JSON
    preview: str = ""  # the blocks as plain text, for previews and the console
    attachment: Attachment | None = None


def attachment_name(message_key: str, extension: str) -> str:
    """The file name a message's attachment is posted under — how a notifier finds the
    message again when the answer to the upload was lost: `weekly-report-2026-W49.png`."""
    return re.sub(r"[^0-9A-Za-z_-]+", "-", message_key).strip("-") + "." + extension


class Notifier(Protocol):
    name: str

    def resolve(self, recipient: Recipient) -> Destination | None:
        """Where a recipient's messages go; None when the person is not found."""
        ...

    def post(self, destination: Destination, message: Message) -> str:
        """Posts, carrying the message key as metadata; returns the message id (ts)."""
        ...

    def find(self, channel: str, message_key: str, since: datetime) -> str | None:
        """The id of a message with this key posted in `channel` since `since`; None when
        the history was read and it is not there. HistoryUnreadable when it could not be
        read."""
        ...
