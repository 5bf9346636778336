"""The checklist data source's schema and the mapping between items and page properties."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cxbot.domain.checklist import ChecklistItem, ItemStatus, Launch

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


def schema_problems(properties: dict[str, Any]) -> list[str]:
    """What a data source lacks, or has with the wrong type, compared with the schema."""
    problems = []
    for name, kind in EXPECTED_TYPES.items():
        found = properties.get(name)
        if found is None:
            problems.append(f"property {name!r} ({kind}) is missing")
        elif found.get("type") != kind:
            problems.append(f"property {name!r} is {found.get('type')}, expected {kind}")
    return problems


def select_name(text: str) -> str:
    """Select option names may not contain commas and are at most 100 characters."""
    return text.replace(",", "·").strip()[:100] or "-"


def rich(text: str) -> list[dict[str, Any]]:
    """Rich text in runs of at most 2000 characters (Notion's per-run limit)."""
    return [
        {"type": "text", "text": {"content": text[i : i + 2000]}} for i in range(0, len(text), 2000)
    ][:100]


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


def plain_text(value: dict[str, Any] | None) -> str:
    if not value:
        return ""
    kind = value.get("type", "")
    runs = value.get(kind) or []
    if kind in ("title", "rich_text"):
        return "".join(
            run.get("plain_text", run.get("text", {}).get("content", "")) for run in runs
        )
    return ""


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


def item_key_of(page: dict[str, Any]) -> str:
    return plain_text(page.get("properties", {}).get(KEY)).strip()


def parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
