"""Notion property schemas and property values: validation and response shapes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

RICH_TEXT_LIMIT = 2000
RICH_TEXT_ITEMS = 100
SELECT_NAME_LIMIT = 100
CREATABLE_TYPES = {
    "title",
    "rich_text",
    "number",
    "select",
    "multi_select",
    "date",
    "people",
    "checkbox",
    "url",
    "email",
    "phone_number",
}
COLORS = ("default", "gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink", "red")


class ValueProblem(ValueError):
    """A request value Notion would reject with validation_error."""


def short_id() -> str:
    return uuid.uuid4().hex[:4]


def build_schema(properties: Any, where: str) -> dict[str, dict[str, Any]]:
    """A data source's property schema from a create/update request."""
    if not isinstance(properties, dict):
        raise ValueProblem(f"{where} should be an object, instead was `{properties!r}`.")
    schema: dict[str, dict[str, Any]] = {}
    for name, spec in properties.items():
        meta = ("name", "description", "type")
        if not isinstance(spec, dict) or len([k for k in spec if k not in meta]) != 1:
            raise ValueProblem(f"{where}.{name} should define exactly one property type.")
        kind = next(k for k in spec if k not in meta)
        if "type" in spec and spec["type"] != kind:
            raise ValueProblem(f"{where}.{name}.type `{spec['type']}` does not match `{kind}`.")
        if kind == "status":
            raise ValueProblem(
                f"{where}.{name}: status properties cannot be created through the API."
            )
        if kind not in CREATABLE_TYPES:
            raise ValueProblem(f"{where}.{name}: `{kind}` is not a supported property type.")
        config = spec[kind] or {}
        description = spec.get("description")
        prop: dict[str, Any] = {
            "id": "title" if kind == "title" else short_id(),
            "name": name,
            "description": description if isinstance(description, str) else None,
            "type": kind,
            kind: {},
        }
        if kind in ("select", "multi_select"):
            options = []
            for option in config.get("options", []):
                options.append(_option(option.get("name"), option.get("color"), f"{where}.{name}"))
            prop[kind] = {"options": options}
        elif kind == "number":
            prop[kind] = {"format": config.get("format", "number")}
        schema[name] = prop
    return schema


def _option(name: Any, color: Any, where: str) -> dict[str, str]:
    if not isinstance(name, str) or not name:
        raise ValueProblem(f"{where}: select option name should be a non-empty string.")
    if "," in name:
        raise ValueProblem(f"{where}: select option name `{name}` cannot contain commas.")
    if len(name) > SELECT_NAME_LIMIT:
        raise ValueProblem(
            f"{where}: select option name length should be ≤ `{SELECT_NAME_LIMIT}`, "
            f"instead was `{len(name)}`."
        )
    return {"id": short_id(), "name": name, "color": color if color in COLORS else "default"}


def rich_text_response(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        content = item["text"]["content"]
        link = item["text"].get("link")
        out.append(
            {
                "type": "text",
                "text": {"content": content, "link": link},
                "annotations": {
                    "bold": False,
                    "italic": False,
                    "strikethrough": False,
                    "underline": False,
                    "code": False,
                    "color": "default",
                },
                "plain_text": content,
                "href": link["url"] if link else None,
            }
        )
    return out


def check_rich_text(value: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise ValueProblem(f"{where} should be an array, instead was `{value!r}`.")
    if len(value) > RICH_TEXT_ITEMS:
        raise ValueProblem(
            f"{where}.length should be ≤ `{RICH_TEXT_ITEMS}`, instead was `{len(value)}`."
        )
    clean = []
    for index, item in enumerate(value):
        text = item.get("text") if isinstance(item, dict) else None
        if not isinstance(text, dict) or not isinstance(text.get("content"), str):
            raise ValueProblem(f"{where}[{index}].text.content should be defined.")
        content = text["content"]
        extra = set(text) - {"content", "link"}
        if extra:
            raise ValueProblem(f"{where}[{index}].text should not have `{sorted(extra)[0]}`.")
        if len(content) > RICH_TEXT_LIMIT:
            raise ValueProblem(
                f"{where}[{index}].text.content.length should be ≤ `{RICH_TEXT_LIMIT}`, "
                f"instead was `{len(content)}`."
            )
        link = text.get("link")
        clean.append({"text": {"content": content, "link": link}})
    return clean


def set_value(
    prop: dict[str, Any], value: Any, where: str, users: dict[str, dict[str, Any]]
) -> Any:
    """The stored form of a property value after validating it against the schema."""
    kind = prop["type"]
    if not isinstance(value, dict) or kind not in value:
        given = next(iter(value), "nothing") if isinstance(value, dict) else type(value).__name__
        raise ValueProblem(
            f"{where} is expected to be {kind}. Check the property type; got `{given}`."
        )
    raw = value[kind]
    if kind in ("title", "rich_text"):
        return check_rich_text(raw, f"{where}.{kind}")
    if kind == "select":
        if raw is None:
            return None
        if not isinstance(raw, dict) or not (raw.get("name") or raw.get("id")):
            raise ValueProblem(f"{where}.select should have a name or an id.")
        options = prop["select"]["options"]
        for option in options:
            if option["name"] == raw.get("name") or option["id"] == raw.get("id"):
                return dict(option)
        if not raw.get("name"):
            raise ValueProblem(f"{where}.select.id `{raw.get('id')}` is not an option.")
        option = _option(raw["name"], raw.get("color"), f"{where}.select")
        options.append(option)  # Notion adds an unknown option name to the schema
        return dict(option)
    if kind == "date":
        if raw is None:
            return None
        start = raw.get("start") if isinstance(raw, dict) else None
        if not isinstance(start, str) or not _is_iso(start):
            raise ValueProblem(f"{where}.date.start should be an ISO 8601 date string.")
        return {"start": start, "end": raw.get("end"), "time_zone": raw.get("time_zone")}
    if kind == "people":
        if not isinstance(raw, list):
            raise ValueProblem(f"{where}.people should be an array.")
        people = []
        for index, person in enumerate(raw):
            user_id = person.get("id") if isinstance(person, dict) else None
            if user_id not in users:
                raise ValueProblem(f"{where}.people[{index}].id `{user_id}` is not a user.")
            people.append(users[user_id])
        return people
    if kind == "number":
        if raw is not None and not isinstance(raw, int | float):
            raise ValueProblem(f"{where}.number should be a number.")
        return raw
    if kind == "checkbox":
        if not isinstance(raw, bool):
            raise ValueProblem(f"{where}.checkbox should be a boolean.")
        return raw
    return raw


def _is_iso(text: str) -> bool:
    try:
        if len(text) == 10:
            date.fromisoformat(text)
        else:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def value_response(prop: dict[str, Any], stored: Any) -> dict[str, Any]:
    kind = prop["type"]
    if kind in ("title", "rich_text"):
        shown: Any = rich_text_response(stored or [])
    elif kind in ("people", "multi_select"):
        shown = stored or []
    elif kind == "checkbox":
        shown = bool(stored)
    else:
        shown = stored
    return {"id": prop["id"], "type": kind, kind: shown}


def plain(prop: dict[str, Any], stored: Any) -> str:
    """A value as text, for filters and search."""
    kind = prop["type"]
    if kind in ("title", "rich_text"):
        return "".join(item["text"]["content"] for item in stored or [])
    if kind == "select":
        return stored["name"] if stored else ""
    if kind == "date":
        return stored["start"] if stored else ""
    return "" if stored is None else str(stored)
