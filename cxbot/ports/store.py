"""Every repository cxbot keeps, over one shared engine (SQL) or in memory."""

from __future__ import annotations

from typing import Protocol

from cxbot.ports.checklists import ChangeHistory, LaunchRepository
from cxbot.ports.common import Cursors, Finding
from cxbot.ports.decisions import DecisionRepository
from cxbot.ports.jobs import JobRuns
from cxbot.ports.promotions import PromotionRepository
from cxbot.ports.reminders import ReminderLedger


class Repositories(Protocol):
    """One repository per port; they share one engine so a change and its history are
    written in one transaction."""

    @property
    def launches(self) -> LaunchRepository: ...

    @property
    def history(self) -> ChangeHistory: ...

    @property
    def cursors(self) -> Cursors: ...

    @property
    def ledger(self) -> ReminderLedger: ...

    @property
    def promotions(self) -> PromotionRepository: ...

    @property
    def job_runs(self) -> JobRuns: ...

    @property
    def decisions(self) -> DecisionRepository: ...

    def check(self) -> list[Finding]: ...

    def close(self) -> None: ...
