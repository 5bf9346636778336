"""The decision log mirrored into Notion through the real SDK and the emulator."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cxbot.adapters.notion import decisions as N
from cxbot.adapters.notion.api import plain_text
from cxbot.domain.changes import ChangeSource
from cxbot.domain.decisions import Position
from cxbot.service.decision_log import DecisionDraft, DecisionLog

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def test_decisions_are_mirrored_and_superseding_updates_both(notion_setup: Any) -> None:
    board = N.NotionDecisionBoard(notion_setup.board.api)
    log = DecisionLog(store=notion_setup.store.decisions, board=board)
    draft = DecisionDraft(
        project="자동취소 실패 주문 어드민",
        title="실패 주문 조회 화면",
        decision="상담 어드민에 탭을 추가한다",
        participants=(Position(who="최민수", position="2021년 화면으로 충분"),),
        links=("https://cx.slack.com/archives/C1/p1",),
    )
    first = log.add(draft, actor="cli:김지현", source=ChangeSource.CLI, now=NOW)
    second = log.add(
        DecisionDraft(
            project=draft.project, title=draft.title, decision="PG 어드민 링크로 대신한다"
        ),
        actor="cli:김지현",
        source=ChangeSource.CLI,
        now=NOW,
        supersedes=first.key,
    )
    ws = notion_setup.ws
    pages = {
        plain_text(ws.page_response(p)["properties"][N.KEY]): ws.page_response(p)["properties"]
        for p in ws.pages.values()
        if p.parent.get("type") == "data_source_id"
    }
    assert set(pages) == {first.key, second.key}  # one page each, updated in place
    assert pages[first.key][N.STATUS]["select"]["name"] == "대체됨"
    assert f"대체됨: {second.key}" in plain_text(pages[first.key][N.CHAIN])
    assert "최민수: 2021년 화면으로 충분" in plain_text(pages[first.key][N.PARTIES])
    assert pages[second.key][N.STATUS]["select"]["name"] == "결정"
    stored = notion_setup.store.decisions.get_decision(first.key)
    assert stored.remote_id and stored.superseded_by == second.key
