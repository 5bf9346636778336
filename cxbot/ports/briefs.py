"""The contact centre's briefs: their record, the mail that carries some of them, and
what renders them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from cxbot.domain.centre_brief import Brief, BriefAck, BriefWindow, FactChange
from cxbot.domain.centres import Centre
from cxbot.domain.changes import Change
from cxbot.ports.messages import Message

ACK_ACTION = "centre_brief_ack"
"""The action id of the brief's "확인했습니다" button; its value is `<brief key>|<version>`."""
ACK_BLOCK = "centre-brief-ack"


@dataclass(frozen=True, kw_only=True)
class BriefPage:
    """A brief as e-mail: subject, plain text, HTML body and the printable A4 page."""

    subject: str
    text: str
    html: str
    page: str


@dataclass(frozen=True, kw_only=True)
class BriefVersion:
    """A brief as recorded: version 1 is the brief, each later one a correction of it.
    What it says is rendered once, when composed, and kept: a re-send after a crash sends
    exactly that, and the record shows exactly that."""

    key: str
    version: int
    centre: str
    business_date: date
    first: date
    last: date
    facts: dict[str, dict[str, str]]  # subject → what it told, as of this version
    told: tuple[tuple[str, str], ...]  # (entity key, the line it said about it)
    composed_at: datetime
    message: Message
    page: BriefPage | None = None  # for a centre briefed by e-mail
    sent_at: datetime | None = None
    where: str = ""  # the Slack channel, or the addresses the mail server accepted

    @property
    def window(self) -> BriefWindow:
        return BriefWindow(today=self.business_date, first=self.first, last=self.last)

    @property
    def is_correction(self) -> bool:
        return self.version > 1


class BriefRecords(Protocol):
    """Every brief and correction sent to a centre, and who confirmed it."""

    def latest(self, keys: Iterable[str]) -> dict[str, BriefVersion]:
        """The newest version of each of these briefs that exists."""
        ...

    def covering(self, day: date) -> list[BriefVersion]:
        """The newest version of every brief whose days reach `day` or later."""
        ...

    def versions(self, key: str) -> list[BriefVersion]:
        """Every version of one brief, oldest first."""
        ...

    def compose(self, version: BriefVersion) -> bool:
        """Records a version before it is sent; False when that version exists already
        (another run composed it, and sends it)."""
        ...

    def sent(
        self, key: str, version: int, *, at: datetime, where: str, changes: Sequence[Change]
    ) -> None:
        """Marks a version sent and appends what it told to the change history, atomically."""
        ...

    def record(self, changes: Sequence[Change]) -> None:
        """Appends to the change history what happened to a brief (a mail accepted)."""
        ...

    def acknowledge(self, ack: BriefAck, changes: Sequence[Change]) -> bool:
        """Records a manager's confirmation once per version; False when it was recorded."""
        ...

    def acks(self, keys: Iterable[str]) -> list[BriefAck]: ...

    def escalate(self, key: str, at: datetime, changes: Sequence[Change]) -> bool:
        """Marks a brief escalated; True for the one caller that did it (never twice)."""
        ...


@dataclass(frozen=True, kw_only=True)
class MailMessage:
    message_id: str  # <…@cxbot>: derived from the brief's key, the same on every attempt
    to: str
    subject: str
    text: str
    html: str
    attachment_name: str = ""
    attachment_html: str = ""  # the printable A4 page


class MailFailed(Exception):
    """The mail server refused the message for good (5xx, a bad address): not sent."""


class MailUnknown(Exception):
    """The connection dropped after the message was handed over: it may have been sent."""


class Mailer(Protocol):
    def send(self, message: MailMessage) -> str:
        """Hands the message to the mail server (retrying what is safe to retry); returns
        the server's answer (`250 2.0.0 Ok: queued as …`)."""
        ...


class BriefMessages(Protocol):
    """The brief, its corrections and escalations as chat messages, and as record lines."""

    def slack(self, brief: Brief) -> Message:
        """The brief as Block Kit, with its "확인했습니다" button."""
        ...

    def correction(
        self, centre: Centre, *, key: str, version: int, window: BriefWindow,
        changes: Sequence[FactChange],
    ) -> Message: ...  # fmt: skip

    def lines(self, brief: Brief) -> list[tuple[str, str]]:
        """(entity key, line) for every subject as the brief tells it: kept in the record."""
        ...

    def change_lines(self, changes: Sequence[FactChange]) -> list[tuple[str, str]]: ...

    def escalation(
        self, centre: Centre, version: BriefVersion, *, deadline: datetime
    ) -> Message: ...

    def confirmed(self, message: Message, acks: Sequence[BriefAck]) -> Message:
        """The brief's message with who confirmed it (redrawn after a press)."""
        ...


class BriefPages(Protocol):
    def page(
        self, centre: Centre, brief: Brief | None, *, version: int, window: BriefWindow,
        changes: Sequence[FactChange] = (),
    ) -> BriefPage:  # fmt: skip
        """The brief (or a correction, without `brief`) as e-mail and A4 page."""
        ...


class BriefViews(Protocol):
    """What a centre manager sees after pressing "확인했습니다"."""

    def redraw(self, channel: str, ts: str, message: Message) -> None:
        """The brief's message again, with who confirmed it."""
        ...

    def tell(self, channel: str, user_id: str, state: str) -> None:
        """An ephemeral answer (not a manager, already confirmed, unknown brief)."""
        ...
