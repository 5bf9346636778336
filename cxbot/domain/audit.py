"""Tamper evidence for the change history: each entry's hash covers the one before it."""

from __future__ import annotations

import hashlib
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

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


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
