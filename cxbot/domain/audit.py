"""Tamper evidence for the change history: each entry's hash covers the one before it."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC

from cxbot.domain.changes import Change

GENESIS = "0" * 64


def canonical(entry_id: int, change: Change) -> str:
    """The entry as hashed: every field, in a fixed order and form."""
    return json.dumps(
        [
            entry_id,
            change.entity,
            change.entity_id,
            change.field,
            change.old,
            change.new,
            change.actor,
            change.source.value,
            change.at.astimezone(UTC).isoformat(),
            change.note,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def chain_hash(previous: str, entry_id: int, change: Change) -> str:
    return hashlib.sha256(f"{previous}\n{canonical(entry_id, change)}".encode()).hexdigest()


@dataclass(frozen=True, kw_only=True)
class ChainedEntry:
    id: int
    change: Change
    prev_hash: str
    hash: str


@dataclass(frozen=True, kw_only=True)
class ChainReport:
    checked: int
    first_bad_id: int | None = None
    problem: str | None = None
    problems: tuple[str, ...] = ()
    """Tampering the chain alone does not show: against the anchor, and stored state that
    differs from what the history replays to."""
    unproven: tuple[str, ...] = ()
    """What could not be checked (no anchor yet, say)."""

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None and not self.problems

    @property
    def summary(self) -> str:
        """What is wrong, in one line ("" when nothing is)."""
        return "; ".join([*([self.problem] if self.problem else []), *self.problems])


def verify_chain(entries: Iterable[ChainedEntry]) -> ChainReport:
    """Recomputes the chain; names the first entry that was edited, removed or inserted."""
    previous = GENESIS
    checked = 0
    for entry in entries:
        if entry.prev_hash != previous:
            return ChainReport(
                checked=checked,
                first_bad_id=entry.id,
                problem=(
                    f"entry {entry.id} does not follow the entry before it: an entry was "
                    "removed before it, or it was inserted"
                ),
            )
        expected = chain_hash(previous, entry.id, entry.change)
        if entry.hash != expected:
            return ChainReport(
                checked=checked,
                first_bad_id=entry.id,
                problem=f"entry {entry.id} was changed after it was recorded (its hash no "
                "longer matches its content)",
            )
        previous = entry.hash
        checked += 1
    return ChainReport(checked=checked)


# Anchoring: what the chain alone cannot show --------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Anchor:
    """The chain's head as cxbot last wrote it, kept outside the database with a MAC."""

    id: int
    hash: str
    count: int
    authentic: bool = True  # False when its MAC does not match (the anchor was edited)


def anchor_mac(key: bytes, head_id: int, head_hash: str, count: int) -> str:
    return hmac.new(key, f"{head_id}:{head_hash}:{count}".encode(), hashlib.sha256).hexdigest()


def anchor_problems(
    anchor: Anchor, *, last_id: int | None, last_hash: str | None, count: int
) -> list[str]:
    """What the history lacks or has beyond the anchored head (an intact-looking chain can
    still have lost its last entries, or grown or been re-chained behind cxbot's back)."""
    if not anchor.authentic:
        return ["the anchor of the change history was altered (its MAC does not match)"]
    problems = []
    if last_id is None or last_id < anchor.id or count < anchor.count:
        problems.append(
            f"entries are missing: cxbot last wrote entry {anchor.id} ({anchor.count} in all), "
            f"the history ends at {last_id or 'nothing'} with {count}"
        )
    elif last_id > anchor.id or count > anchor.count:
        problems.append(
            f"entries after {anchor.id} were not written by cxbot (the history goes on to "
            f"{last_id}, {count} in all)"
        )
    elif last_hash != anchor.hash:
        problems.append(
            f"the history was re-chained: entry {anchor.id}'s hash is not the one cxbot wrote"
        )
    return problems


REMOVED = "removed"
"""The field of the change with which cxbot records that it removed an entity itself
(`new` = "yes"): an entity gone without one was deleted behind cxbot's back."""


@dataclass(frozen=True)
class Replayed:
    """Each entity of one kind as its changes leave it, and the ones cxbot removed."""

    state: dict[str, dict[str, str]]
    removed: frozenset[str]
    last: dict[str, Change]


def replay(entries: Iterable[Change], entity: str, fields: Iterable[str]) -> Replayed:
    """Each entity's fields as its changes leave them (a field never changed is empty:
    a new record's empty fields are not written to the history)."""
    wanted = set(fields)
    state: dict[str, dict[str, str]] = {}
    removed: set[str] = set()
    last: dict[str, Change] = {}
    for change in entries:
        if change.entity != entity:
            continue
        last[change.entity_id] = change
        if change.field == REMOVED:
            if change.new == "yes":  # gone: a restored entity starts from nothing again
                removed.add(change.entity_id)
                state[change.entity_id] = {}
            else:
                removed.discard(change.entity_id)
            continue
        fields_of = state.setdefault(change.entity_id, {})
        if change.field in wanted:
            fields_of[change.field] = change.new or ""
    return Replayed(state=state, removed=frozenset(removed), last=last)


def state_problems(kind: str, replayed: Replayed, current: dict[str, dict[str, str]]) -> list[str]:
    """Where what is stored now differs from what the history says it should be: every
    stored field, every entity the history created and never removed, nothing without a
    history."""
    problems = []
    for key, fields in sorted(current.items()):
        history = replayed.state.get(key)
        if history is None:
            problems.append(f"{kind} {key} has no history: it was added behind cxbot's back")
            continue
        for name, value in fields.items():
            expected = history.get(name, "")
            if expected != value:
                problems.append(
                    f"{kind} {key}: {name} is {value!r} but its history says {expected!r}"
                )
    for key in sorted(set(replayed.state) - set(current) - replayed.removed):
        last = replayed.last[key]
        problems.append(
            f"{kind} {key} is gone but its history never removed it: it was deleted behind "
            f"cxbot's back (last change: {last.field} by {last.actor}, "
            f"{last.at.astimezone(UTC):%Y-%m-%d %H:%M} UTC)"
        )
    return problems
