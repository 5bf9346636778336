"""Checklist templates, launches and their items."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cxbot.domain.dday import DayUnit, DOffset
from cxbot.domain.guidance import Guidance
from cxbot.domain.policy import PolicyOverride

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
MAX_TEXT = 2000  # Notion's limit for one rich-text run; we keep every field within it.


class ItemStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"

    @property
    def is_open(self) -> bool:
        return self in (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS)


class TemplateItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(description="stable id within the template: lowercase, digits, dashes")
    title: str = Field(min_length=1, max_length=200)
    department: str
    due: str = Field(description="D-offset from opening day: D-30, D-day, D+14")
    unit: DayUnit | None = Field(default=None, description="business or calendar days")
    exact_day: bool = Field(
        default=False, description="keep the date even when it is not a business day"
    )
    scenario: str = Field(min_length=1, max_length=MAX_TEXT)
    work_type: str | None = None
    reminders: PolicyOverride | None = Field(
        default=None, description="this item's reminder policy, over the template's"
    )
    brief: Guidance | None = Field(
        default=None, description="what the contact centre is told when this item is due"
    )

    @field_validator("key")
    @classmethod
    def _key_shape(cls, value: str) -> str:
        if not _KEY.match(value):
            raise ValueError("use lowercase letters, digits and dashes (e.g. cs-phone-number)")
        return value

    @field_validator("due")
    @classmethod
    def _due_shape(cls, value: str) -> str:
        return DOffset.parse(value).label

    @property
    def offset(self) -> DOffset:
        return DOffset.parse(self.due)


class ChecklistTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    name: str = Field(min_length=1)
    description: str = ""
    unit: DayUnit = DayUnit.BUSINESS
    departments: dict[str, str] = Field(min_length=1)
    reminders: PolicyOverride | None = Field(
        default=None, description="reminder policy for this template's items, over the default"
    )
    brief: Guidance | None = Field(
        default=None, description="what the contact centre is told about a launch's opening"
    )
    items: list[TemplateItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> ChecklistTemplate:
        problems = structure_problems(
            [item.model_dump() for item in self.items], dict(self.departments)
        )
        if problems:
            raise ValueError("; ".join(f"items[{i + 1}].{f}: {m}" for i, f, m in problems))
        return self

    def unit_of(self, item: TemplateItem) -> DayUnit:
        return item.unit or self.unit

    def reminders_of(self, item: TemplateItem) -> PolicyOverride | None:
        if item.reminders is None:
            return self.reminders
        return item.reminders.over(self.reminders)


DOCUMENTED_RANGE = (-30, 14)  # D-30 … D+14: what the README and the reports' axis show


def structure_problems(items: list[Any], departments: dict[str, Any]) -> list[tuple[int, str, str]]:
    """(item index, field, message) for every key used twice and every department the
    template does not list — all of them, also when other fields are wrong."""
    problems: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}
    known = ", ".join(sorted(map(str, departments)))
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        key = item.get("key")
        if isinstance(key, str):
            if key in seen:
                problems.append(
                    (index, "key", f"{key!r} is used twice (first by item {seen[key] + 1})")
                )
            else:
                seen[key] = index
        department = item.get("department")
        if isinstance(department, str) and department not in departments:
            problems.append(
                (
                    index,
                    "department",
                    f"{department!r} is not one of the template's departments ({known})",
                )
            )
    return problems


def range_warnings(template: ChecklistTemplate) -> list[str]:
    """Offsets that are valid but outside the documented D-30 … D+14 (a typo, often)."""
    low, high = DOCUMENTED_RANGE
    return [
        f"items[{index + 1}] (key {item.key!r}), field 'due': {item.due} is outside "
        f"D{low} … D+{high}, the range the reports show — intended?"
        for index, item in enumerate(template.items)
        if not low <= item.offset.days <= high
    ]


def launch_key(template_key: str, name: str) -> str:
    """A launch's stable key: the same template and name always give the same key."""
    digest = hashlib.sha256(f"{template_key}\x00{name.strip()}".encode()).hexdigest()
    return f"{template_key}-{digest[:8]}"


def item_key(launch: str, template_item: str) -> str:
    return f"{launch}/{template_item}"


def split_item_key(key: str) -> tuple[str, str]:
    """(launch key, template item key) of an item key: `partner-mall-1a2b3c4d/cs-phone`."""
    launch, _, item = key.partition("/")
    return launch, item


def launch_of(key: str) -> str:
    """The launch key an item key belongs to."""
    return split_item_key(key)[0]


class ItemOverride(BaseModel):
    """What one launch sets differently for one item: its due offset, its owner."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    due: str | None = None
    owner_name: str | None = None
    owner_email: str | None = None

    @field_validator("due")
    @classmethod
    def _due_shape(cls, value: str | None) -> str | None:
        return None if value is None else DOffset.parse(value).label


class Tailoring(BaseModel):
    """How one launch differs from its template: template items it skips, items of its
    own, and per-item overrides (due offset, owner) — kept with the launch, so every
    re-plan (a new opening day) plans the same set the same way."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    skip: tuple[str, ...] = ()
    add: tuple[TemplateItem, ...] = ()
    overrides: tuple[ItemOverride, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.skip and not self.add and not self.overrides

    def skipping(self, key: str) -> Tailoring:
        return self.model_copy(update={"skip": (*self.skip, key)})

    def restoring(self, key: str) -> Tailoring:
        return self.model_copy(update={"skip": tuple(k for k in self.skip if k != key)})

    def adding(self, *items: TemplateItem) -> Tailoring:
        return self.model_copy(update={"add": (*self.add, *items)})

    def override_of(self, key: str) -> ItemOverride | None:
        return next((o for o in self.overrides if o.key == key), None)

    def overriding(
        self, key: str, *, due: str | None = None, owner: tuple[str, str | None] | None = None
    ) -> Tailoring:
        """The same tailoring with `key` due at `due` (D-12, D-day, D+3) and/or owned by
        `owner` (name, e-mail); what is not given stays as it was overridden."""
        was = self.override_of(key) or ItemOverride(key=key)
        update: dict[str, Any] = {}
        if due is not None:
            update["due"] = due
        if owner is not None:
            update["owner_name"], update["owner_email"] = owner
        now = ItemOverride.model_validate({**was.model_dump(), **update})
        rest = tuple(o for o in self.overrides if o.key != key)
        return self.model_copy(update={"overrides": (*rest, now)})

    def as_text(self) -> str:
        """Stable text for the change history ('' when the launch is the template's)."""
        if self.empty:
            return ""
        return self.model_dump_json(exclude_defaults=True)


@dataclass(frozen=True, kw_only=True)
class Launch:
    key: str
    name: str
    template_key: str
    open_date: date
    planner_name: str | None = None
    planner_email: str | None = None
    tailoring: Tailoring = field(default_factory=Tailoring)

    def tracked_fields(self) -> dict[str, str]:
        """The fields whose changes go into the change history, as text."""
        return {
            "name": self.name,
            "template": self.template_key,
            "open_date": self.open_date.isoformat(),
            "planner": self.planner_email or self.planner_name or "",
            "tailoring": self.tailoring.as_text(),
        }


@dataclass(frozen=True, kw_only=True)
class ChecklistItem:
    """One item of one launch, as cxbot knows it."""

    key: str
    launch_key: str
    title: str
    department: str
    department_name: str
    owner_name: str | None
    owner_email: str | None
    due: date
    label: str
    unit: DayUnit
    scenario: str
    status: ItemStatus = ItemStatus.NOT_STARTED
    moved_because: str | None = None
    remote_id: str | None = None
    owner_slack_id: str | None = None
    reminders: PolicyOverride | None = None
    board_behind_since: datetime | None = None
    """When a change made in cxbot (a Slack click) has not reached the board yet."""

    def board_fields(self) -> tuple[str, ItemStatus, date, str]:
        """What departments may edit on the board (and status sync reads back)."""
        return (self.title, self.status, self.due, self.scenario)

    def tracked_fields(self) -> dict[str, str]:
        """The fields whose changes go into the change history, as text."""
        return {
            "title": self.title,
            "department": self.department,
            "owner": self.owner_email or self.owner_name or "",
            "due": self.due.isoformat(),
            "label": self.label,
            "status": self.status.value,
            "scenario": self.scenario,
        }
