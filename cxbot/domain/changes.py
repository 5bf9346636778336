"""The change history: who changed what, from what to what, when, through what."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ChangeSource(StrEnum):
    CLI = "cli"
    NOTION = "notion"
    TEMPLATE = "template"
    SLACK = "slack"
    SHEET = "sheet"
    EMAIL = "email"


@dataclass(frozen=True, kw_only=True)
class Change:
    entity: str
    entity_id: str
    field: str
    old: str | None
    new: str | None
    actor: str
    source: ChangeSource
    at: datetime
    note: str | None = None


def diff_fields(
    *,
    entity: str,
    entity_id: str,
    old: dict[str, str] | None,
    new: dict[str, str],
    actor: str,
    source: ChangeSource,
    at: datetime,
    fields: Iterable[str] | None = None,
    note: str | None = None,
) -> list[Change]:
    """One Change per field that differs; every field when there was nothing before."""
    names = list(fields) if fields is not None else list(new)
    changes = []
    for name in names:
        before = None if old is None else old.get(name)
        after = new.get(name)
        if old is not None and before == after:
            continue
        if old is None and not after:
            continue  # a new record's empty fields say nothing
        changes.append(
            Change(
                entity=entity,
                entity_id=entity_id,
                field=name,
                old=before,
                new=after,
                actor=actor,
                source=source,
                at=at,
                note=note,
            )
        )
    return changes
