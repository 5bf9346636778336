"""The decision log mirrored into a Notion data source (the store stays the record)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cxbot.adapters.notion.api import NotionApi, SourceSpec, rich, select_name, status_of
from cxbot.domain.decisions import Decision
from cxbot.ports.common import PublishResult
from cxbot.ports.errors import RemoteError

TITLE, KEY, PROJECT, DECISION, CONTEXT = "제목", "결정 키", "프로젝트", "결정", "배경"
BY, ON, PARTIES, STATUS, LINKS, CHAIN = (
    "결정자",
    "결정일",
    "참여자와 입장",
    "상태",
    "링크",
    "대체 관계",
)
EXPECTED = {
    TITLE: "title",
    KEY: "rich_text",
    PROJECT: "select",
    DECISION: "rich_text",
    CONTEXT: "rich_text",
    BY: "rich_text",
    ON: "date",
    PARTIES: "rich_text",
    STATUS: "select",
    LINKS: "rich_text",
    CHAIN: "rich_text",
}
STATUS_NAMES = {"proposed": "제안", "decided": "결정", "superseded": "대체됨", "reverted": "철회"}

DECISIONS = SourceSpec(
    label="decision log",
    title="cxbot 결정 로그",
    cursor="notion.decisions.data_source_id",
    setting="NOTION_DECISIONS_DATA_SOURCE_ID",
    expected=EXPECTED,
    properties=lambda: {name: {kind: {}} for name, kind in EXPECTED.items()},
    key_property=KEY,
)


def page_properties(d: Decision) -> dict[str, Any]:
    tracked = d.tracked()
    chain = " ".join(
        x
        for x in (
            f"대체함: {d.supersedes}" if d.supersedes else "",
            f"대체됨: {d.superseded_by}" if d.superseded_by else "",
        )
        if x
    )
    return {
        TITLE: {"title": rich(d.title)},
        KEY: {"rich_text": rich(d.key)},
        PROJECT: {"select": {"name": select_name(d.project)}},
        DECISION: {"rich_text": rich(d.decision)},
        CONTEXT: {"rich_text": rich(d.context)},
        BY: {"rich_text": rich(d.decided_by)},
        ON: {"date": {"start": d.decided_on.isoformat()} if d.decided_on else None},
        PARTIES: {"rich_text": rich(tracked["participants"])},
        STATUS: {"select": {"name": STATUS_NAMES[d.status.value]}},
        LINKS: {"rich_text": rich(tracked["links"])},
        CHAIN: {"rich_text": rich(chain)},
    }


class NotionDecisionBoard:
    name = "notion"

    def __init__(self, api: NotionApi, *, data_source_id: str | None = None) -> None:
        self.api, self.configured = api, data_source_id

    def mirror(self, decisions: Sequence[Decision]) -> PublishResult:
        source_id = self.api.data_source(DECISIONS, self.configured)
        ids: dict[str, str] = {}
        problems: list[str] = []
        for d in decisions:
            try:
                if d.remote_id:
                    ids[d.key] = self.api.update_page(
                        DECISIONS, source_id, d.key, d.remote_id, page_properties(d)
                    )
                else:
                    ids[d.key] = self.api.create_page(
                        DECISIONS, source_id, d.key, page_properties(d)
                    )
            except RemoteError as error:
                if status_of(error.__cause__) == 401:
                    raise
                problems.append(f"decision {d.key}: {error}")
        return PublishResult(ids=ids, problems=problems)
