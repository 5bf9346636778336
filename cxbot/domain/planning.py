"""Turning a template, an opening day and an owners file into dated items."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.checklist import ChecklistItem, ChecklistTemplate, Launch, item_key
from cxbot.domain.dday import due_date
from cxbot.domain.owners import OwnerDirectory, Person


@dataclass(frozen=True, kw_only=True)
class Plan:
    launch: Launch
    items: tuple[ChecklistItem, ...]
    warnings: tuple[PlanWarning, ...] = field(default=())


@dataclass(frozen=True, kw_only=True)
class PlanWarning:
    """What the planner should look at: a department without an owner (`no_owner`), or an
    owners-file department the template does not have — a typo like `salez:`."""

    kind: str  # no_owner, unknown_department
    department: str
    name: str = ""

    def __str__(self) -> str:
        if self.kind == "no_owner":
            return (
                f"no owner for department {self.department!r} ({self.name}) in the owners "
                "file: its items are created without an owner"
            )
        return (
            f"the owners file names department {self.department!r}, which this template "
            "does not have (a typo?): nobody was assigned from it"
        )


def plan_launch(
    *,
    template: ChecklistTemplate,
    launch: Launch,
    owners: OwnerDirectory,
    calendar: BusinessCalendar,
) -> Plan:
    """Every template item with its due date, department and owner, in due-date order."""
    items: list[ChecklistItem] = []
    warnings: list[PlanWarning] = [
        PlanWarning(kind="unknown_department", department=key)
        for key in owners.owners
        if key not in template.departments
    ]
    missing_owner: set[str] = set()
    for entry in template.items:
        owner = _own_owner(launch, entry.key) or owners.owner_of(entry.department)
        if owner is None and entry.department not in missing_owner:
            missing_owner.add(entry.department)
            warnings.append(
                PlanWarning(
                    kind="no_owner",
                    department=entry.department,
                    name=template.departments[entry.department],
                )
            )
        unit = template.unit_of(entry)
        due = due_date(
            open_date=launch.open_date,
            offset=entry.offset,
            unit=unit,
            calendar=calendar,
            exact_day=entry.exact_day,
        )
        items.append(
            ChecklistItem(
                key=item_key(launch.key, entry.key),
                launch_key=launch.key,
                title=entry.title,
                department=entry.department,
                department_name=template.departments[entry.department],
                owner_name=owner.name if owner else None,
                owner_email=owner.email if owner else None,
                due=due.day,
                label=entry.offset.label,
                unit=unit,
                scenario=entry.scenario,
                moved_because=due.moved_because,
                owner_slack_id=owner.slack_id if owner else None,
                reminders=template.reminders_of(entry),
            )
        )
    items.sort(key=lambda item: (item.due, item.key))
    return Plan(launch=launch, items=tuple(items), warnings=tuple(warnings))


def _own_owner(launch: Launch, key: str) -> Person | None:
    """The owner this launch set for one item, over its department's."""
    override = launch.tailoring.override_of(key)
    if override is None or override.owner_name is None:
        return None
    return Person(name=override.owner_name, email=override.owner_email)


def replan(plan: Plan, existing: dict[str, ChecklistItem]) -> tuple[ChecklistItem, ...]:
    """The new plan's items carrying over what departments did (status, remote page)."""
    merged = []
    for item in plan.items:
        old = existing.get(item.key)
        if old is not None:
            item = replace(item, status=old.status, remote_id=old.remote_id)
        merged.append(item)
    return tuple(merged)
