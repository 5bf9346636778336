"""`cxbot worker` outlives a PostgreSQL outage: procrastinate stops its worker, cxbot
starts it again with a growing pause and one line each time."""

from __future__ import annotations

import logging
from typing import Any, cast

import procrastinate.exceptions
import pytest

pytest.importorskip("procrastinate")

from cxbot.entrypoints.workers import run_worker


class _App:
    """procrastinate.App as run_worker uses it: the first runs fail as a lost server does."""

    def __init__(self, failures: int) -> None:
        self.failures, self.runs = failures, 0

    def run_worker(self, **options: Any) -> None:
        self.runs += 1
        if self.runs <= self.failures:
            raise procrastinate.exceptions.ConnectorException() from OSError(
                'connection to server at "127.0.0.1", port 55432 failed: Connection refused'
            )


def test_the_worker_is_started_again_after_the_database_comes_back(caplog: Any) -> None:
    app, pauses = _App(failures=3), list[float]()
    with caplog.at_level(logging.ERROR):
        run_worker(cast(Any, app), name="w1", sleep=pauses.append)
    assert app.runs == 4 and pauses == [2.0, 4.0, 8.0]
    lines = [r for r in caplog.records if r.name == "cxbot.entrypoints.workers"]
    assert len(lines) == 3 and all(r.exc_info is None for r in lines)
    assert "Connection refused" in lines[0].getMessage()


def test_a_worker_that_cannot_get_its_database_gives_up_when_told(caplog: Any) -> None:
    app = _App(failures=10)
    with pytest.raises(procrastinate.exceptions.ConnectorException):
        run_worker(cast(Any, app), name="w1", sleep=lambda _s: None, attempts=2)
    assert app.runs == 2
