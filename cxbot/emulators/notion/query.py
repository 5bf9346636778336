"""Data source query filters and sorts, as Notion evaluates them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cxbot.emulators.notion.values import plain

if TYPE_CHECKING:
    from cxbot.emulators.notion.workspace import Page

TIMESTAMPS = ("created_time", "last_edited_time")
_DATE_OPS = ("equals", "before", "after", "on_or_before", "on_or_after", "is_empty", "is_not_empty")
_TEXT_OPS = (
    "equals",
    "does_not_equal",
    "contains",
    "does_not_contain",
    "starts_with",
    "ends_with",
    "is_empty",
    "is_not_empty",
)


class FilterProblem(ValueError):
    pass


def matches_filter(filt: Any, page: Page, schema: dict[str, dict[str, Any]]) -> bool:
    if not isinstance(filt, dict):
        raise _problem("body.filter should be an object")
    if "and" in filt:
        return all(matches_filter(sub, page, schema) for sub in filt["and"])
    if "or" in filt:
        return any(matches_filter(sub, page, schema) for sub in filt["or"])
    if "timestamp" in filt:
        stamp = filt["timestamp"]
        if stamp not in TIMESTAMPS or stamp not in filt:
            raise _problem(f"body.filter.timestamp should be one of {TIMESTAMPS}")
        moment = _minute(page.created_time if stamp == "created_time" else page.last_edited_time)
        return _compare_date(filt[stamp], moment, "body.filter." + stamp)
    name = filt.get("property")
    if name not in schema:
        raise _problem(f"Could not find property with name or id: {name}")
    prop = schema[name]
    kind = prop["type"]
    if kind not in filt:
        raise _problem(f"body.filter.{kind} should be defined for a {kind} property")
    condition = filt[kind]
    value = page.properties.get(name)
    if kind in ("title", "rich_text", "select", "url", "email", "phone_number"):
        return _compare_text(condition, plain(prop, value))
    if kind == "date":
        if value is None:
            return bool(condition.get("is_empty"))
        return _compare_date(condition, _parse(value["start"]), f"body.filter.{kind}")
    if kind == "people":
        ids = {person["id"] for person in value or []}
        if "contains" in condition:
            return condition["contains"] in ids
        if "does_not_contain" in condition:
            return condition["does_not_contain"] not in ids
        return bool(ids) != bool(condition.get("is_empty"))
    if kind == "checkbox":
        return bool(value) == bool(condition.get("equals"))
    if kind == "number":
        return bool(value == condition.get("equals"))
    raise _problem(f"filtering on {kind} properties is not supported by this emulator")


def _compare_text(condition: dict[str, Any], text: str) -> bool:
    op = next((o for o in _TEXT_OPS if o in condition), None)
    if op is None:
        raise _problem(f"a text filter needs one of {_TEXT_OPS}")
    arg = condition[op]
    if op == "is_empty":
        return not text
    if op == "is_not_empty":
        return bool(text)
    if not isinstance(arg, str):
        raise _problem(f"a text filter's {op} should be a string")
    checks = {
        "equals": text == arg,
        "does_not_equal": text != arg,
        "contains": arg in text,
        "does_not_contain": arg not in text,
        "starts_with": text.startswith(arg),
        "ends_with": text.endswith(arg),
    }
    return checks[op]


def _compare_date(condition: dict[str, Any], moment: datetime, where: str) -> bool:
    op = next((o for o in _DATE_OPS if o in condition), None)
    if op is None:
        raise _problem(f"{where} needs one of {_DATE_OPS}")
    if op in ("is_empty", "is_not_empty"):
        return op == "is_not_empty"
    try:
        other = _parse(condition[op])
    except (TypeError, ValueError):
        raise _problem(f"{where}.{op} should be an ISO 8601 date string") from None
    return {
        "equals": moment == other,
        "before": moment < other,
        "after": moment > other,
        "on_or_before": moment <= other,
        "on_or_after": moment >= other,
    }[op]


def _parse(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _minute(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def sort_key(sort: dict[str, Any], page: Page, schema: dict[str, dict[str, Any]]) -> Any:
    if "timestamp" in sort:
        stamp = sort["timestamp"]
        if stamp not in TIMESTAMPS:
            raise _problem(f"body.sorts[].timestamp should be one of {TIMESTAMPS}")
        return page.created_time if stamp == "created_time" else page.last_edited_time
    name = sort.get("property")
    if name not in schema:
        raise _problem(f"Could not find sort property with name or id: {name}")
    return plain(schema[name], page.properties.get(name))


def _problem(message: str) -> FilterProblem:
    return FilterProblem(message)
