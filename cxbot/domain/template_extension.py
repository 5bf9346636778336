"""Templates that build on each other: `extends: partner-mall` with `drop`, `change` and
`add` — the planner's "keep one common checklist, edit it to the project" written down.

Pure: the base template's and the child's raw mappings in, the merged raw template (then
validated as any template) and every problem out, each with where it stands in the child
(a path of keys and indexes the YAML reader turns into a line).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cxbot.domain.checklist import ChecklistTemplate, Tailoring

EXTENSION_KEYS = ("extends", "drop", "change", "add")
OVERRIDABLE = ("name", "description", "unit", "reminders", "brief")
CHANGEABLE = (
    "title", "department", "due", "unit", "exact_day", "scenario", "work_type", "reminders",
    "brief",
)  # fmt: skip


@dataclass(frozen=True)
class ExtensionProblem:
    where: tuple[str | int, ...]  # in the child: ("drop", 2), ("change", "agent-channel", "due")
    message: str


def extend(
    base: Mapping[str, Any], child: Mapping[str, Any]
) -> tuple[dict[str, Any], list[ExtensionProblem]]:
    """The child template over its base: the base's items less `drop`, each `change`d item
    with its fields replaced, then `add`; departments merged (the child's win); name,
    description, unit, reminders and brief taken from the child when it gives them."""
    problems: list[ExtensionProblem] = []
    base_key = str(base.get("key", "?"))
    items = [copy.deepcopy(i) for i in base.get("items") or [] if isinstance(i, dict)]
    known = [str(i.get("key")) for i in items]
    listing = ", ".join(known)
    not_an_item = f"is not an item of {base_key!r} (its items: {listing})"
    if "items" in child:
        problems.append(
            ExtensionProblem(
                ("items",),
                f"a template that extends {base_key!r} lists no items of its own: "
                "use drop:, change: and add:",
            )
        )
    dropped: set[str] = set()
    for index, key in enumerate(_list(child, "drop", problems)):
        if not isinstance(key, str) or key not in known:
            problems.append(
                ExtensionProblem(
                    ("drop", index),
                    f"{key!r} {not_an_item}",
                )
            )
        elif key in dropped:
            problems.append(ExtensionProblem(("drop", index), f"{key!r} is dropped twice"))
        dropped.add(str(key))
    items = [i for i in items if i.get("key") not in dropped]
    by_key = {str(i.get("key")): i for i in items}
    changes = child.get("change") or {}
    if not isinstance(changes, Mapping):
        problems.append(
            ExtensionProblem(("change",), "change: maps item keys to the fields to change")
        )
        changes = {}
    for key, fields in changes.items():
        if key in dropped:
            problems.append(ExtensionProblem(("change", key), f"{key!r} is dropped and changed"))
            continue
        if key not in by_key:
            problems.append(
                ExtensionProblem(
                    ("change", key),
                    f"{key!r} {not_an_item}",
                )
            )
            continue
        if not isinstance(fields, Mapping):
            problems.append(ExtensionProblem(("change", key), "give the fields to change"))
            continue
        for name, value in fields.items():
            if name not in CHANGEABLE:
                problems.append(
                    ExtensionProblem(
                        ("change", key, name),
                        f"{name!r} cannot be changed (fields: {', '.join(CHANGEABLE)})",
                    )
                )
                continue
            by_key[key][name] = copy.deepcopy(value)
    for index, item in enumerate(_list(child, "add", problems)):
        key = item.get("key") if isinstance(item, dict) else None
        if isinstance(key, str) and key in by_key:
            problems.append(
                ExtensionProblem(
                    ("add", index, "key"),
                    f"{key!r} is already an item of {base_key!r}: change it instead, or drop it",
                )
            )
            continue
        items.append(copy.deepcopy(item))
        if isinstance(key, str):
            by_key[key] = items[-1]
    merged: dict[str, Any] = {
        name: copy.deepcopy(value)
        for name, value in base.items()
        if name not in ("items", "key", *EXTENSION_KEYS)
    }
    merged.update({n: copy.deepcopy(child[n]) for n in ("key", *OVERRIDABLE) if n in child})
    departments = dict(base.get("departments") or {})
    departments.update(child.get("departments") or {})
    merged["departments"] = departments
    merged["items"] = items
    extra = set(child) - {"key", "departments", *OVERRIDABLE, *EXTENSION_KEYS, "items"}
    for name in sorted(extra):
        problems.append(
            ExtensionProblem(
                (name,),
                f"{name!r} is not a template field (an extending template has extends, name, "
                "description, unit, departments, reminders, brief, drop, change, add)",
            )
        )
    return merged, problems


def _list(child: Mapping[str, Any], name: str, problems: list[ExtensionProblem]) -> list[Any]:
    value = child.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(ExtensionProblem((name,), f"{name}: is a list"))
        return []
    return value


def tailor(template: ChecklistTemplate, tailoring: Tailoring) -> ChecklistTemplate:
    """The template as one launch uses it: its skipped items out, its own items in, its
    items due elsewhere moved, by the same rules as `extends` (a skipped key the template
    lacks, an added key it has, are errors: ValueError naming each). Owner overrides are
    not the template's: planning applies them."""
    if tailoring.empty:
        return template
    own = {item.key for item in tailoring.add}
    moved = {o.key: o.due for o in tailoring.overrides if o.due is not None}
    base = template.model_dump(mode="json", exclude_none=True)
    child = {
        "key": template.key,
        "drop": [key for key in tailoring.skip if key not in own],
        "change": {
            key: {"due": due}
            for key, due in moved.items()
            if key not in own and key not in tailoring.skip
        },
        "add": [
            item.model_copy(update={"due": moved.get(item.key, item.due)}).model_dump(
                mode="json", exclude_none=True
            )
            for item in tailoring.add
            if item.key not in tailoring.skip  # an own item excluded later: kept, not planned
        ],
    }
    merged, problems = extend(base, child)
    if problems:
        where = {"drop": "--skip", "add": "--add", "change": "item set-due"}
        raise ValueError(
            "; ".join(f"{where.get(str(p.where[0]), p.where[0])}: {p.message}" for p in problems)
        )
    return ChecklistTemplate.model_validate(merged)
