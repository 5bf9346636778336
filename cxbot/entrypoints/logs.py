"""Logging set-up: plain or JSON lines, and secrets masked whatever the logger."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

_SECRETS = re.compile(
    r"(xox[abpr]-[A-Za-z0-9-]+|xoxe[.-][A-Za-z0-9.-]+|xapp-[A-Za-z0-9-]+"
    r"|secret_[A-Za-z0-9]+|ntn_[A-Za-z0-9]+|ya29\.[A-Za-z0-9._-]+"
    r"|Bearer\s+[A-Za-z0-9._-]+)"
)


_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def redact(text: str) -> str:
    """Tokens cut to their prefix; email addresses reduced to a first letter and domain."""
    text = _SECRETS.sub(lambda m: m.group(0)[:5] + "…", text)
    return _EMAIL.sub(lambda m: f"{m.group(1)}…@{m.group(2)}", text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info).splitlines()[-1])
        return json.dumps(entry, ensure_ascii=False)


def configure(level: int, *, json_lines: bool = False) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(
        JsonFormatter()
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
