"""The promotion calendar mirrored into its own Notion data source."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cxbot.adapters.notion.api import NotionApi, SourceSpec, rich, select_name, status_of
from cxbot.domain.promotions import Promotion
from cxbot.ports.common import Progress, PublishResult
from cxbot.ports.errors import RemoteError

NAME = "프로모션"
KEY = "프로모션 키"
PERIOD = "기간"
SEND = "SMS/푸시 발송일"
DEPARTMENT = "담당부서"
OWNER = "담당자"
CHANNEL = "채널"
BENEFIT = "혜택"
NOTES = "비고"
STATE = "상태"
ROW = "시트 행"

EXPECTED = {
    NAME: "title",
    KEY: "rich_text",
    PERIOD: "date",
    SEND: "date",
    DEPARTMENT: "select",
    OWNER: "rich_text",
    CHANNEL: "select",
    BENEFIT: "rich_text",
    NOTES: "rich_text",
    STATE: "select",
    ROW: "number",
}
ACTIVE, CANCELLED, UNDECIDED = "진행", "취소", "일정 미정"
FIELD_LABELS = {"start": "시작일", "end": "종료일", "send_date": "발송일"}


def _properties() -> dict[str, Any]:
    schema: dict[str, Any] = {name: {kind: {}} for name, kind in EXPECTED.items()}
    schema[STATE] = {
        "select": {
            "options": [
                {"name": ACTIVE, "color": "green"},
                {"name": CANCELLED, "color": "red"},
                {"name": UNDECIDED, "color": "yellow"},
            ]
        }
    }
    return schema


PROMOTIONS = SourceSpec(
    label="promotion calendar",
    title="cxbot 프로모션 캘린더",
    cursor="notion.promotions.data_source_id",
    setting="NOTION_PROMOTIONS_DATA_SOURCE_ID",
    expected=EXPECTED,
    properties=_properties,
    key_property=KEY,
)


def page_properties(promotion: Promotion) -> dict[str, Any]:
    period: dict[str, Any] | None = None
    if promotion.start is not None:
        period = {"start": promotion.start.isoformat()}
        if promotion.end and promotion.end != promotion.start:
            period["end"] = promotion.end.isoformat()
    undecided = ", ".join(f"{FIELD_LABELS.get(f, f)} {w}" for f, w in promotion.undecided)
    notes = f"[{undecided}] {promotion.notes}".strip() if undecided else promotion.notes
    state = CANCELLED if promotion.cancelled else UNDECIDED if promotion.undecided else ACTIVE
    return {
        NAME: {"title": rich(promotion.name)},
        KEY: {"rich_text": rich(promotion.key)},
        PERIOD: {"date": period},
        SEND: {"date": {"start": promotion.send_date.isoformat()} if promotion.send_date else None},
        DEPARTMENT: {
            "select": {"name": select_name(promotion.department)} if promotion.department else None
        },
        OWNER: {"rich_text": rich(promotion.owner)},
        CHANNEL: {
            "select": {"name": select_name(promotion.channel)} if promotion.channel else None
        },
        BENEFIT: {"rich_text": rich(promotion.benefit)},
        NOTES: {"rich_text": rich(notes)},
        STATE: {"select": {"name": state}},
        ROW: {"number": promotion.row},
    }


class NotionPromotionBoard:
    """Upserts one page per promotion by its identity; cancelled ones are marked, not deleted."""

    name = "notion"

    def __init__(self, api: NotionApi, *, data_source_id: str | None = None) -> None:
        self.api, self.configured = api, data_source_id

    def data_source_id(self) -> str:
        return self.api.data_source(PROMOTIONS, self.configured)

    def upsert(
        self, promotions: Sequence[Promotion], ids: dict[str, str], progress: Progress
    ) -> PublishResult:
        before = self.api.pacer.requests
        source_id = self.data_source_id()
        written: dict[str, str] = {}
        problems: list[str] = []
        for done, promotion in enumerate(promotions, start=1):
            properties = page_properties(promotion)
            try:
                page_id = ids.get(promotion.key)
                if page_id:
                    written[promotion.key] = self.api.update_page(
                        PROMOTIONS, source_id, promotion.key, page_id, properties
                    )
                else:
                    written[promotion.key] = self.api.create_page(
                        PROMOTIONS, source_id, promotion.key, properties
                    )
            except RemoteError as error:
                if status_of(error.__cause__) == 401:
                    raise
                problems.append(f"promotion {promotion.name!r} (row {promotion.row}): {error}")
            progress(done, len(promotions), promotion.name)
        return PublishResult(
            ids=written, problems=problems, requests=self.api.pacer.requests - before
        )
