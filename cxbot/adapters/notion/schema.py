"""The checklist data source's schema and the mapping between items and page properties."""

from __future__ import annotations

from typing import Any

from cxbot.adapters.notion.api import (
    SourceSpec,
    format_time,
    parse_time,
    plain_text,
    rich,
    select_name,
)
from cxbot.adapters.notion.api import schema_problems as _schema_problems
from cxbot.domain.checklist import ChecklistItem, ItemStatus, Launch

__all__ = ["CHECKLIST", "format_time", "parse_time", "plain_text", "rich", "select_name"]

DATA_SOURCE_TITLE = "cxbot 런칭 체크리스트"

TITLE = "항목"
KEY = "항목 키"
LAUNCH = "런칭"
DEPARTMENT = "부서"
OWNER = "담당자"
OWNER_TEXT = "담당자 이름"
DUE = "마감일"
LABEL = "D-라벨"
STATUS = "상태"
SCENARIO = "검증 시나리오"

STATUS_NAMES: dict[ItemStatus, str] = {
    ItemStatus.NOT_STARTED: "시작 전",
    ItemStatus.IN_PROGRESS: "진행 중",
    ItemStatus.DONE: "완료",
    ItemStatus.BLOCKED: "막힘",
}
_STATUS_COLORS = {
    ItemStatus.NOT_STARTED: "gray",
    ItemStatus.IN_PROGRESS: "blue",
    ItemStatus.DONE: "green",
    ItemStatus.BLOCKED: "red",
}
_STATUS_ALIASES = {
    **{name: status for status, name in STATUS_NAMES.items()},
    "not started": ItemStatus.NOT_STARTED,
    "in progress": ItemStatus.IN_PROGRESS,
    "done": ItemStatus.DONE,
    "blocked": ItemStatus.BLOCKED,
}

EXPECTED_TYPES: dict[str, str] = {
    TITLE: "title",
    KEY: "rich_text",
    LAUNCH: "select",
    DEPARTMENT: "select",
    OWNER: "people",
    OWNER_TEXT: "rich_text",
    DUE: "date",
    LABEL: "rich_text",
    STATUS: "select",
    SCENARIO: "rich_text",
}


def schema_properties() -> dict[str, Any]:
    """The property schema cxbot creates (select, not status: the API cannot create status)."""
    properties: dict[str, Any] = {name: {kind: {}} for name, kind in EXPECTED_TYPES.items()}
    properties[STATUS] = {
        "select": {
            "options": [{"name": STATUS_NAMES[s], "color": _STATUS_COLORS[s]} for s in ItemStatus]
        }
    }
    return properties


def page_properties(
    launch: Launch, item: ChecklistItem, owner_user_id: str | None
) -> dict[str, Any]:
    owner_text = ""
    if item.owner_name or item.owner_email:
        owner_text = item.owner_name or ""
        if item.owner_email:
            owner_text = f"{owner_text} <{item.owner_email}>".strip()
    return {
        TITLE: {"title": rich(item.title)},
        KEY: {"rich_text": rich(item.key)},
        LAUNCH: {"select": {"name": select_name(launch.name)}},
        DEPARTMENT: {"select": {"name": select_name(item.department_name)}},
        OWNER: {"people": [{"id": owner_user_id}] if owner_user_id else []},
        OWNER_TEXT: {"rich_text": rich(owner_text)},
        DUE: {"date": {"start": item.due.isoformat()}},
        LABEL: {"rich_text": rich(item.label)},
        STATUS: {"select": {"name": STATUS_NAMES[item.status]}},
        SCENARIO: {"rich_text": rich(item.scenario)},
    }


READ_BACK = (KEY, STATUS, DUE, SCENARIO)
"""What status sync reads of each page (with its title): what lists ask Notion for."""


def read_fields(page: dict[str, Any]) -> dict[str, str]:
    """The synced fields of an item page, as text in the domain's terms."""
    props = page.get("properties", {})
    fields: dict[str, str] = {}
    if TITLE in props:
        fields["title"] = plain_text(props[TITLE])
    status = (props.get(STATUS) or {}).get("select")
    if STATUS in props:
        name = (status or {}).get("name", "")
        found = _STATUS_ALIASES.get(name.strip().lower()) or _STATUS_ALIASES.get(name.strip())
        fields["status"] = found.value if found else (name or ItemStatus.NOT_STARTED.value)
    due = (props.get(DUE) or {}).get("date")
    if due and due.get("start"):
        fields["due"] = due["start"][:10]
    if SCENARIO in props:
        fields["scenario"] = plain_text(props[SCENARIO])
    return fields


def select_name_of(prop: Any) -> str:
    """A select property's chosen name ('' when none)."""
    return str(((prop or {}).get("select") or {}).get("name") or "").strip()


def item_key_of(page: dict[str, Any]) -> str:
    return plain_text(page.get("properties", {}).get(KEY)).strip()


CHECKLIST = SourceSpec(
    label="checklist",
    title=DATA_SOURCE_TITLE,
    cursor="notion.checklist.data_source_id",
    setting="NOTION_CHECKLIST_DATA_SOURCE_ID",
    expected=EXPECTED_TYPES,
    properties=schema_properties,
    key_property=KEY,
)


def schema_problems(properties: dict[str, Any]) -> list[str]:
    return _schema_problems(CHECKLIST, properties)
