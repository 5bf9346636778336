"""What differs between the Notion-Versions the emulator speaks, chosen per request by its
`Notion-Version` header as Notion does. The handlers answer in one model; this module
refuses what a version no longer takes and shapes the answer as that version gives it.

- 2026-03-11 and later: `archived` is gone — refused in a request body, absent from
  pages, databases and data sources (`in_trash` is the field).
- 2026-12-01: Search and Query a data source return only the title property of each page
  unless `filter_properties` names the properties wanted; a person's `name` may be null.
- Every version: `filter_properties` (property ids) limits a page's properties in lists
  and in Retrieve a page.
"""

from __future__ import annotations

from typing import Any

from cxbot.emulators.notion.workspace import validation

VERSIONS = ("2022-06-28", "2025-09-03", "2026-03-11", "2026-12-01")
IN_TRASH_ONLY = "2026-03-11"
TITLE_ONLY_LISTS = "2026-12-01"
NULLABLE_PERSON_NAMES = "2026-12-01"
_OBJECTS_WITH_ARCHIVED = {"page", "database", "data_source", "block"}


def since(version: str, first: str) -> bool:
    """Whether `version` behaves as `first` and later ones do (the dates sort as text)."""
    return version >= first


def check_request(version: str, body: Any) -> None:
    if since(version, IN_TRASH_ONLY) and isinstance(body, dict) and "archived" in body:
        raise validation(
            f"body failed validation: body.archived should be not present, instead was "
            f"`{str(body['archived']).lower()}`. Use in_trash (Notion-Version {version})."
        )


def shape(version: str, kind: str, answer: Any, filter_properties: list[str] | None) -> Any:
    """The answer as `version` gives it. `kind`: list (Search, Query), page, users, other."""
    if kind == "list":
        title_only = since(version, TITLE_ONLY_LISTS) and not filter_properties
        for result in answer.get("results", []):
            is_page = isinstance(result, dict) and result.get("object") == "page"
            if is_page and (title_only or filter_properties):
                _limit(result, filter_properties, title_only=title_only)
    elif kind == "page" and filter_properties:
        _limit(answer, filter_properties, title_only=False)
    elif kind == "users" and not since(version, NULLABLE_PERSON_NAMES):
        for user in answer.get("results", [answer]):
            if isinstance(user, dict) and user.get("name") is None:
                user["name"] = ""  # older versions gave a person without a name as ""
    if since(version, IN_TRASH_ONLY):
        _drop_archived(answer)
    return answer


def _limit(page: dict[str, Any], wanted: list[str] | None, *, title_only: bool) -> None:
    properties = page.get("properties") or {}
    if title_only:
        keep = {n: p for n, p in properties.items() if p.get("type") == "title"}
    else:
        ids = set(wanted or ())
        keep = {n: p for n, p in properties.items() if p.get("id") in ids}
    page["properties"] = keep


def _drop_archived(value: Any) -> None:
    if isinstance(value, dict):
        if value.get("object") in _OBJECTS_WITH_ARCHIVED:
            value.pop("archived", None)
        for inner in value.values():
            _drop_archived(inner)
    elif isinstance(value, list):
        for inner in value:
            _drop_archived(inner)
