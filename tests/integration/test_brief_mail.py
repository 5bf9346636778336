"""A centre briefed by e-mail: a real SMTP server (aiosmtpd) on loopback, the real root,
the brief's mail checked as a mail client reads it."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from cxbot.bootstrap import build
from cxbot.settings import Settings

SEOUL = ZoneInfo("Asia/Seoul")
MANAGERS = ["hana.jung@bpo.example.com", "minsu.choi@bpo.example.com"]


class Server:
    """Keeps what it accepted; can refuse the next DATA (451) or drop the connection
    after reading a message without answering (the answer is lost)."""

    def __init__(self) -> None:
        self.accepted: list[EmailMessage] = []
        self.refuse = 0
        self.drop = 0
        self.hang_up = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.hang_up:  # the connection drops before the message was handed over
            self.hang_up -= 1
            server.transport.close()
            return "421 4.4.2 closing"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.accepted.append(message)
        if self.drop:
            self.drop -= 1
            server.transport.close()  # read and kept, but the 250 never reaches cxbot
            return "250 2.0.0 lost"
        return "250 2.0.0 Ok: queued"


@pytest.fixture
def smtp() -> Iterator[tuple[Server, int]]:
    handler = Server()
    with socket.socket() as probe:  # aiosmtpd checks its own port: give it a free one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def centre(
    tmp_path: Path, smtp: tuple[Server, int]
) -> Iterator[tuple[Server, Any, list[datetime]]]:
    """A centre briefed by e-mail, two managers, a sheet with one promotion on 앱."""
    server, port = smtp
    now = [datetime(2027, 1, 11, 16, tzinfo=SEOUL)]
    cases = _cases(tmp_path, port, now)
    try:
        yield server, cases, now
    finally:
        cases.close()


def _cases(tmp_path: Path, port: int, now: list[datetime]) -> Any:
    centres = tmp_path / "centres.yaml"
    centres.write_text(
        "centres:\n  - key: bpo-busan\n    name: 부산 고객센터\n    managers:\n"
        + "".join(f"      - {{name: 관리자{n}, email: {m}}}\n" for n, m in enumerate(MANAGERS))
        + "    audience: {launches: ['*'], promotions: [앱]}\n",
        encoding="utf-8",
    )
    settings = Settings(
        cxbot_database_url=f"sqlite:///{tmp_path / 'cxbot.db'}",
        cxbot_outbox=tmp_path / "outbox.jsonl",
        cxbot_audit_anchor=tmp_path / "anchor.json",
        cxbot_centres_file=centres,
        cxbot_smtp_host="127.0.0.1",
        cxbot_smtp_port=port,
        cxbot_smtp_starttls=False,
        cxbot_smtp_from="cxbot@shop.example.com",
    )
    cases = build(settings, clock=lambda: now[0])
    sheet = tmp_path / "promotions.csv"
    rows = ["프로모션명,시작일,채널,유의사항", "앱 설 특가,2027-01-13,앱,쿠폰은 앱에서만"]
    sheet.write_text("\n".join([*rows, "웹 특가,2027-01-13,웹,"]) + "\n", encoding="utf-8")
    cases.calendar_from_file(str(sheet)).run(now=datetime(2027, 1, 4, 10, tzinfo=SEOUL))
    return cases


def test_each_manager_gets_the_brief_once_as_html_and_text_with_the_page(
    centre: tuple[Server, Any, list[datetime]],
) -> None:
    server, cases, now = centre
    server.refuse = 1  # the first attempt is refused for now: retried, accepted once
    server.hang_up = 1  # … and the second manager's connection drops before DATA
    (sent,) = cases.briefs.run(now=now[0])
    assert sent.state == "sent", sent
    assert sorted(str(m["To"]) for m in server.accepted) == MANAGERS
    message = server.accepted[0]
    assert str(message["Subject"]).startswith("고객센터 브리핑 1/12~1/14")
    raw_subject = message.as_bytes().split(b"Subject:", 1)[1].split(b"\n", 1)[0]
    assert b"=?utf-8?" in raw_subject.lower()  # Korean as RFC 2047, not raw bytes
    assert message["Message-ID"].startswith("<brief-")
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "앱 설 특가" in text and "쿠폰은 앱에서만" in html and "웹 특가" not in text
    (page,) = [p for p in message.iter_attachments()]
    assert "@page { size: A4" in page.get_content()
    assert cases.briefs.run(now=now[0])[0].state == "already sent"
    assert len(server.accepted) == 2
    sent = [c for c in cases.audit.entries() if c.field == "sent"]
    assert len(sent) == 1 and "hana.jung@bpo.example.com" in (sent[0].new or "")
    mailed = [c for c in cases.audit.entries() if c.field == "mailed"]
    assert sorted(c.new or "" for c in mailed) == MANAGERS
    assert all("250 2.0.0 Ok: queued" in (c.note or "") for c in mailed)


def test_a_lost_answer_is_sent_again_under_the_same_message_id(
    centre: tuple[Server, Any, list[datetime]], caplog: pytest.LogCaptureFixture
) -> None:
    server, cases, now = centre
    server.drop = 1  # the first manager's mail is taken but its 250 is lost
    (first,) = cases.briefs.run(now=now[0])
    assert first.state == "failed"  # not every manager's mail is known to be accepted
    assert "sent again next run" in caplog.text  # lost after DATA: unknown, not refused
    now[0] = datetime(2027, 1, 11, 16, 10, tzinfo=SEOUL)
    cases.briefs.follow_up(now=now[0])
    ids = [str(m["Message-ID"]) for m in server.accepted]
    assert len(ids) == 3 and len(set(ids)) == 2  # the lost one again, with its own id
    assert cases.briefs.run(now=now[0])[0].state == "already sent"
    assert len([c for c in cases.audit.entries() if c.field == "sent"]) == 1


def test_a_centre_name_over_two_lines_cannot_inject_a_header() -> None:
    from cxbot.adapters.mail.smtp import SmtpMailer
    from cxbot.ports.briefs import MailMessage

    mailer = SmtpMailer("127.0.0.1", 25, sender="cxbot@shop.example.com", starttls=False)
    email = mailer._email(
        MailMessage(
            message_id="<a@cxbot>",
            to="m@bpo.example.com",
            subject="브리핑 (센터\nBcc: x@evil)",
            text="t",
            html="<p>t</p>",
        )
    )
    assert email["Subject"] == "브리핑 (센터 Bcc: x@evil)" and email["Bcc"] is None
