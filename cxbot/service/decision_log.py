"""Recording decisions (from the CLI or from Slack), superseding and reverting them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from cxbot.domain.changes import Change, ChangeSource, diff_fields
from cxbot.domain.decisions import Decision, DecisionStatus, Position, next_key, supersede
from cxbot.domain.inbound_text import TEXT_LIMIT, TITLE_LIMIT, clean_text
from cxbot.ports.checklists import ChangeHistory
from cxbot.ports.decisions import DecisionBoard, DecisionRepository
from cxbot.ports.errors import ConflictError, InputError, NotFound


@dataclass(frozen=True, kw_only=True)
class DecisionDraft:
    project: str
    title: str
    decision: str
    context: str = ""
    decided_by: str = ""
    decided_on: date | None = None
    participants: tuple[Position, ...] = ()
    links: tuple[str, ...] = ()
    status: DecisionStatus = DecisionStatus.DECIDED


@dataclass(frozen=True, kw_only=True)
class DecisionLog:
    store: DecisionRepository
    board: DecisionBoard
    history: ChangeHistory | None = None

    def find(self, project: str | None = None) -> list[Decision]:
        return self.store.decisions(project)

    def get(self, key: str) -> Decision:
        return self._get(key)

    def changes_of(self, key: str) -> list[Change]:
        """The decision's own entries in the change history, oldest first."""
        if self.history is None:
            return []
        return [c for c in self.history.changes(entity_id_prefix=key) if c.entity_id == key]

    def add(
        self,
        draft: DecisionDraft,
        *,
        actor: str,
        source: ChangeSource,
        now: datetime,
        supersedes: str | None = None,
    ) -> Decision:
        draft = _cleaned(draft)
        if not draft.title.strip() or not draft.decision.strip():
            raise InputError("a decision needs a title and what was decided")
        existing = [d.key for d in self.store.decisions(draft.project)]
        decision = Decision(
            key=next_key(draft.project, existing),
            project=draft.project.strip(),
            title=draft.title.strip(),
            decision=draft.decision.strip(),
            context=draft.context.strip(),
            decided_by=draft.decided_by.strip() or actor,
            decided_on=draft.decided_on or now.date(),
            participants=draft.participants,
            status=draft.status,
            links=draft.links,
            source=source.value,
            recorded_at=now,
        )
        saved = [decision]
        if supersedes is not None:
            old = self._get(supersedes)
            if old.project != decision.project:
                raise ConflictError(
                    f"{supersedes} belongs to project {old.project!r}, not {decision.project!r}"
                )
            try:
                old_after, decision = supersede(old, decision)
            except ValueError as error:
                raise ConflictError(str(error)) from None
            saved = [old_after, decision]
            changes = self._changes(old, old_after, actor, source, now)
        else:
            changes = []
        changes = self._changes(None, decision, actor, source, now) + changes
        self.store.save_decisions(saved, changes)
        self._mirror(saved)
        return decision

    def set_status(
        self,
        key: str,
        status: DecisionStatus,
        *,
        actor: str,
        source: ChangeSource,
        now: datetime,
        note: str | None = None,
    ) -> Decision:
        old = self._get(key)
        new = replace(old, status=status)
        changes = self._changes(old, new, actor, source, now, note=note)
        if changes:
            self.store.save_decisions([new], changes)
            self._mirror([new])
        return new

    def _get(self, key: str) -> Decision:
        found = self.store.get_decision(key)
        if found is None:
            raise NotFound(f"no decision {key!r}; `cxbot decision list` shows the keys")
        return found

    def _mirror(self, decisions: Sequence[Decision]) -> None:
        result = self.board.mirror(decisions)
        if result.ids:
            updated = [
                replace(d, remote_id=result.ids[d.key])
                for d in decisions
                if d.key in result.ids and result.ids[d.key] != d.remote_id
            ]
            if updated:
                self.store.save_decisions(updated, [])

    @staticmethod
    def _changes(
        old: Decision | None,
        new: Decision,
        actor: str,
        source: ChangeSource,
        now: datetime,
        note: str | None = None,
    ) -> list[Change]:
        return diff_fields(
            entity="decision",
            entity_id=new.key,
            old=old.tracked() if old else None,
            new=new.tracked(),
            actor=actor,
            source=source,
            at=now,
            note=note,
        )


def _cleaned(draft: DecisionDraft) -> DecisionDraft:
    """The draft held to the inbound-text rules, wherever it came from (CLI, a Slack
    thread, the slash command)."""
    return replace(
        draft,
        project=clean_text(draft.project, limit=TITLE_LIMIT),
        title=clean_text(draft.title, limit=TITLE_LIMIT),
        decision=clean_text(draft.decision, limit=TEXT_LIMIT),
        context=clean_text(draft.context, limit=TEXT_LIMIT),
        decided_by=clean_text(draft.decided_by, limit=TITLE_LIMIT),
        participants=tuple(
            Position(
                who=clean_text(p.who, limit=TITLE_LIMIT),
                position=clean_text(p.position, limit=TEXT_LIMIT),
            )
            for p in draft.participants
        ),
    )
