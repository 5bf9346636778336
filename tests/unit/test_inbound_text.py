"""Inbound text: controls and bidi overrides removed, limits held, letters kept."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest

from cxbot.domain.changes import ChangeSource
from cxbot.domain.checklist import ChecklistItem
from cxbot.domain.dday import DayUnit
from cxbot.domain.decisions import Decision, Position
from cxbot.domain.inbound_text import TITLE_LIMIT, clean_text, too_long
from cxbot.ports.checklists import RemoteItemState
from cxbot.ports.common import PublishResult
from cxbot.service.decision_log import DecisionDraft, DecisionLog
from cxbot.service.item_ticks import mirror
from tests.fakes import InMemoryStore


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("회신\x00 대기", "회신 대기"),
        ("\x1b[31m빨강\x1b[0m", "[31m빨강[0m"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("\u2066격리\u2069 \u200f표시", "격리 표시"),
        ("줄\r\n바꿈\u2028끝", "줄\n바꿈\n끝"),
        ("탭\t유지, 👩\u200d💻 유지", "탭\t유지, 👩\u200d💻 유지"),
        ("\ufeff앞", "앞"),
    ],
)
def test_controls_and_bidi_are_removed_and_the_rest_kept(raw: str, clean: str) -> None:
    assert clean_text(raw, limit=100) == clean


def test_a_limit_cuts_with_an_ellipsis_and_counts_after_cleaning() -> None:
    assert clean_text("가" * 10, limit=5) == "가가가가…"
    assert not too_long("\x00" * 10 + "가" * 5, limit=5) and too_long("가" * 6, limit=5)


def test_a_decision_from_any_source_is_cleaned_before_it_is_stored() -> None:
    memory = InMemoryStore()
    log = DecisionLog(store=memory.decisions, board=_NoBoard(), history=memory.history)
    decision = log.add(
        DecisionDraft(
            project="cx\u202e",
            title="환불\x00 정책 " + "길다" * 200,
            decision="전액\x1b 환불",
            participants=(Position(who="김\u2066지현", position="찬성\x07"),),
        ),
        actor="slack:U1",
        source=ChangeSource.SLACK,
        now=datetime(2027, 1, 4, tzinfo=UTC),
    )
    assert decision.project == "cx" and decision.decision == "전액 환불"
    assert decision.title.startswith("환불 정책") and len(decision.title) == TITLE_LIMIT
    assert decision.participants == (Position(who="김지현", position="찬성"),)


def test_values_read_back_from_notion_are_cleaned() -> None:
    item = ChecklistItem(
        key="l/i",
        launch_key="l",
        title="제목",
        department="cx",
        department_name="CX",
        owner_name=None,
        owner_email=None,
        due=date(2027, 1, 4),
        label="D-1",
        unit=DayUnit.BUSINESS,
        scenario="",
    )
    state = RemoteItemState(
        key="l/i",
        remote_id="p",
        edited_by="someone",
        edited_at=datetime(2027, 1, 4, tzinfo=UTC),
        fields={"title": "새\u202e 제목\x00", "scenario": "시나리오\x1b"},
    )
    new, _ = mirror(item, state)
    assert (new.title, new.scenario) == ("새 제목", "시나리오")
    blank = RemoteItemState(
        key="l/i",
        remote_id="p",
        edited_by="someone",
        edited_at=datetime(2027, 1, 4, tzinfo=UTC),
        fields={"title": "\u202e\x00 \u2066"},
    )
    assert mirror(item, blank)[0].title == "제목"  # nothing readable: the title is kept


class _NoBoard:
    name = "none"

    def mirror(self, decisions: Sequence[Decision]) -> PublishResult:
        return PublishResult(ids={}, problems=[])
