"""Block Kit for cxbot's modals: inputs, options within Slack's limits, and reading what
a submitted view holds, whatever the element."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import ValidationError

from cxbot.domain.checklist import TemplateItem
from cxbot.domain.notices import Notice, notice
from cxbot.ports.kickoff import ADD_DEPARTMENT, ADD_DUE, ADD_SCENARIO, ADD_TITLE

VALUE = "v"  # every input's action id
OPTION_TEXT = 75  # Slack's limit for an option's text
SECTION_TEXT = 3000
MAX_OPTIONS = 100


def added_item(values: Mapping[str, Any]) -> tuple[tuple[TemplateItem, ...], dict[str, Notice]]:
    """The launch's own item from step 2's "add" fields: none when all are empty."""
    title = str(state_value(values, ADD_TITLE) or "").strip()
    department = str(state_value(values, ADD_DEPARTMENT) or "")
    due = str(state_value(values, ADD_DUE) or "").strip()
    scenario = str(state_value(values, ADD_SCENARIO) or "").strip()
    if not (title or due or scenario):
        return (), {}
    if not (title and department and due):
        return (), {ADD_TITLE: notice("kickoff_added_incomplete")}
    key = "added-" + hashlib.sha256(title.encode()).hexdigest()[:8]
    try:
        item = TemplateItem(
            key=key, title=title, department=department, due=due.upper().replace("DAY", "day"),
            scenario=scenario or title,
        )  # fmt: skip
        item.offset  # noqa: B018 — the due day must read as a D-offset
    except (ValidationError, ValueError):
        return (), {ADD_DUE: notice("kickoff_bad_due", due=due)}
    return (item,), {}


def state_value(values: Mapping[str, Any], block: str) -> Any:
    """What an input holds, whatever its element: text, a date, a pick or several."""
    actions = values.get(block) or {}
    state = actions.get(VALUE) or next(iter(actions.values()), None) or {}
    if "selected_options" in state:
        return [o.get("value") for o in state.get("selected_options") or []]
    if "selected_option" in state:
        return (state.get("selected_option") or {}).get("value")
    for name in ("selected_date", "selected_conversation", "selected_channel", "selected_user"):
        if name in state:
            return state.get(name)
    return state.get("value")


def as_day(text: Any) -> date | None:
    try:
        return date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def short_key(item_key: str) -> str:
    """An option's value: the template item's key (the launch key is in the metadata)."""
    return item_key.rpartition("/")[2]


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:150] or " ", "emoji": True}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_TEXT]}}


def option(text: str, value: str, *, description: str = "") -> dict[str, Any]:
    option: dict[str, Any] = {"text": plain(cut(text, OPTION_TEXT)), "value": value[:150]}
    if description:
        option["description"] = plain(cut(description, OPTION_TEXT))
    return option


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def input_block(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool = False,
    hint: str = "",
    dispatch: bool = False,
) -> dict[str, Any]:
    """An input block; `dispatch`: Slack tells the app of each change (block_actions)."""
    block: dict[str, Any] = {
        "type": "input", "block_id": block_id, "label": plain(label[:2000]),
        "element": element, "optional": optional,
    }  # fmt: skip
    if dispatch:
        block["dispatch_action"] = True
    if hint:
        block["hint"] = plain(hint)
    return block
