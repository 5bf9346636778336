"""The reminder policy: when open checklist items are nagged."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ReminderPolicy(BaseModel):
    """When items are nagged. Defaults, overridable per template and per item."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    before: tuple[int, ...] = Field(default=(7, 3, 1), description="business days before due")
    on_due_day: bool = True
    overdue_daily: bool = True
    escalate_after: int = Field(default=3, ge=0, description="business days overdue; 0: never")
    dday_summary: bool = True

    def merged(self, override: PolicyOverride | None) -> ReminderPolicy:
        if override is None:
            return self
        return self.model_copy(update=override.model_dump(exclude_none=True))


class PolicyOverride(BaseModel):
    """The same fields as ReminderPolicy, each optional: unset ones are inherited."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    before: tuple[int, ...] | None = None
    on_due_day: bool | None = None
    overdue_daily: bool | None = None
    escalate_after: int | None = Field(default=None, ge=0)
    dday_summary: bool | None = None

    def over(self, base: PolicyOverride | None) -> PolicyOverride:
        """This override on top of `base` (an item's on top of its template's)."""
        if base is None:
            return self
        return base.model_copy(update=self.model_dump(exclude_none=True))
