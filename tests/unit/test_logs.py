"""Log lines never carry tokens or email addresses, in plain or JSON form."""

from __future__ import annotations

import io
import json
import logging

from cxbot.entrypoints.logs import JsonFormatter, RedactingFilter, redact


def test_tokens_and_emails_are_masked() -> None:
    line = (
        "token xoxb-123-456-abcdef and secret_AbC123 and ntn_998877 and ya29.a0Af_x "
        "Bearer abc.def for jihyun.kim@example.com; app xapp-1-A0B1-123-abc9, rotated "
        "xoxe.xoxp-1-Mi0y"
    )
    masked = redact(line)
    for secret in (
        "xoxb-123-456-abcdef",
        "secret_AbC123",
        "ntn_998877",
        "ya29.a0Af_x",
        "abc.def",
        "jihyun.kim@",
        "xapp-1-A0B1-123-abc9",
        "xoxe.xoxp-1-Mi0y",
    ):
        assert secret not in masked
    assert "j…@example.com" in masked


def test_json_lines_are_redacted() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("cxbot.test.logs")
    logger.addHandler(handler)
    logger.propagate = False
    logger.warning("sending %s to %s", "2027-02-11|person:haeun.jung@example.com|x", "xoxb-1-2")
    entry = json.loads(stream.getvalue())
    assert entry["level"] == "warning" and entry["logger"] == "cxbot.test.logs"
    assert "haeun.jung" not in entry["message"] and "xoxb-1-2" not in entry["message"]
