"""E-mail through SMTP (Python's smtplib): a brief to one centre manager per message,
with HTML and plain-text parts and the printable page attached.

What is safe to retry is retried here (the server busy, `4xx`, a connection that failed
before the message was handed over); what is not is said: a `5xx` is `MailFailed`, a
connection lost after the message's last line is `MailUnknown` (it may have been sent).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate

from cxbot.adapters.findings import bad, ok
from cxbot.ports.briefs import MailFailed, MailMessage, MailUnknown
from cxbot.ports.common import Finding

log = logging.getLogger(__name__)


class SmtpMailer:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender: str,
        starttls: bool = True,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        attempts: int = 3,
        pause: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.starttls, self.user, self._password = starttls, user, password
        self.timeout, self.attempts, self.pause, self.sleep = timeout, attempts, pause, sleep

    def __repr__(self) -> str:  # never the password
        return f"SmtpMailer({self.host}:{self.port}, user={self.user!r})"

    def send(self, message: MailMessage) -> str:
        email = self._email(message)
        problem = ""
        for attempt in range(1, self.attempts + 1):
            handed_over = False
            try:
                smtp = self._connect()
                try:
                    code, answer = smtp.mail(self.sender)
                    if code >= 400:
                        raise smtplib.SMTPSenderRefused(code, answer, self.sender)
                    code, answer = smtp.rcpt(message.to)
                    if code >= 400:
                        raise smtplib.SMTPRecipientsRefused({message.to: (code, answer)})
                    handed_over = True
                    # CRLF line ends: smtplib sends bytes as they are.
                    code, answer = smtp.data(email.as_bytes(policy=SMTP_POLICY))
                    if code != 250:  # smtplib returns the answer to the message unchecked
                        handed_over = False
                        raise smtplib.SMTPDataError(code, answer)
                finally:
                    _quit(smtp)
                return f"{code} {_text(answer)}"
            except smtplib.SMTPRecipientsRefused as error:
                code, answer = next(iter(error.recipients.values()))
                problem = f"{message.to} refused: {code} {_text(answer)}"
                if code >= 500:
                    raise MailFailed(problem) from None
            except smtplib.SMTPResponseException as error:
                problem = f"{error.smtp_code} {_text(error.smtp_error)}"
                if error.smtp_code >= 500:
                    raise MailFailed(problem) from None
            except (smtplib.SMTPServerDisconnected, OSError) as error:
                if handed_over:
                    raise MailUnknown(
                        f"connection lost after the message was sent ({error})"
                    ) from None
                problem = f"{type(error).__name__}: {error}"
            except smtplib.SMTPException as error:
                problem = f"{type(error).__name__}: {error}"
            log.warning(
                "mail to %s: attempt %d of %d failed (%s)",
                message.to,
                attempt,
                self.attempts,
                problem,
            )
            if attempt < self.attempts:
                self.sleep(self.pause * attempt)
        raise MailFailed(f"not accepted after {self.attempts} attempts: {problem}")

    def check(self) -> list[Finding]:
        return [self._check()]

    def _check(self) -> Finding:
        """`cxbot doctor`: the server answers, STARTTLS and the login work."""
        try:
            _quit(self._connect())
        except smtplib.SMTPAuthenticationError as error:
            return bad(
                "smtp", "smtp_login_refused", host=self.host, port=self.port,
                user=str(self.user), code=error.smtp_code,
            )  # fmt: skip
        except (smtplib.SMTPException, OSError) as error:
            return bad(
                "smtp", "smtp_unreachable", host=self.host, port=self.port,
                error=f"{type(error).__name__}: {error}",
            )  # fmt: skip
        return ok(
            "smtp", "smtp_ok_tls" if self.starttls else "smtp_ok", host=self.host, port=self.port
        )

    def _connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout, local_hostname="cxbot")
        try:
            smtp.ehlo()
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if self.user and self._password:
                smtp.login(self.user, self._password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _email(self, message: MailMessage) -> EmailMessage:
        email = EmailMessage()
        # Encoded as RFC 2047 UTF-8 by the policy; a line break (a centre name written over
        # two lines) would be a header injection: folded to a space.
        email["Subject"] = " ".join(message.subject.split())
        email["From"] = self.sender
        email["To"] = message.to
        email["Date"] = formatdate(localtime=False, usegmt=True)
        email["Message-ID"] = message.message_id
        email["Auto-Submitted"] = "auto-generated"
        email.set_content(message.text)
        email.add_alternative(message.html, subtype="html")
        if message.attachment_html:
            email.add_attachment(
                message.attachment_html.encode(),
                maintype="text",
                subtype="html",
                filename=message.attachment_name or "brief.html",
            )
        return email


def _text(answer: bytes | str) -> str:
    return answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)


def _quit(smtp: smtplib.SMTP) -> None:
    """Says goodbye; what the server answers to QUIT changes nothing (the message's fate
    was settled by its answer to DATA)."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()
