"""Every repository in memory: a real, supported store for tests and one-off previews.

The same contract tests run against it, SQLite and PostgreSQL. Repositories that record
changes share one `MemoryHistory`, as the SQL ones share one table.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from cxbot.adapters.findings import ok
from cxbot.domain.audit import GENESIS, ChainedEntry, chain_hash
from cxbot.domain.centre_brief import BriefAck
from cxbot.domain.changes import Change
from cxbot.domain.checklist import ChecklistItem, ItemStatus, Launch
from cxbot.domain.decisions import Decision
from cxbot.domain.promotions import Promotion
from cxbot.ports.briefs import BriefVersion
from cxbot.ports.checklists import PENDING, RecordedEvent
from cxbot.ports.common import Finding
from cxbot.ports.jobs import JobRun
from cxbot.ports.promotions import PendingAlert
from cxbot.ports.reminders import ClaimedMessage, ReminderEntry
from cxbot.ports.slack import SlackUser


class MemoryHistory:
    def __init__(self) -> None:
        self.entries: list[ChainedEntry] = []
        self.anchor: Callable[[int, str, int], None] | None = None

    def append(self, changes: Sequence[Change]) -> None:
        self._append(changes)
        if changes and self.anchor is not None:
            head = self.entries[-1]
            self.anchor(head.id, head.hash, len(self.entries))

    def _append(self, changes: Sequence[Change]) -> None:
        for change in changes:
            previous = self.entries[-1].hash if self.entries else GENESIS
            entry_id = len(self.entries) + 1
            self.entries.append(
                ChainedEntry(
                    id=entry_id,
                    change=change,
                    prev_hash=previous,
                    hash=chain_hash(previous, entry_id, change),
                )
            )

    def changes(
        self,
        *,
        entity_id_prefix: str | None = None,
        limit: int | None = None,
        entity: str | None = None,
        since: datetime | None = None,
        entity_ids: Collection[str] | None = None,
    ) -> list[Change]:
        wanted = set(entity_ids) if entity_ids is not None else None
        found = [
            e.change
            for e in self.entries
            if (entity_id_prefix is None or e.change.entity_id.startswith(entity_id_prefix))
            and (entity is None or e.change.entity == entity)
            and (since is None or e.change.at >= since)
            and (wanted is None or e.change.entity_id in wanted)
        ]
        return found[:limit] if limit is not None else found

    def last_changed(self, entity: str, fields: Collection[str]) -> dict[str, datetime]:
        out: dict[str, datetime] = {}
        for entry in self.entries:
            change = entry.change
            if change.entity == entity and change.field in fields:
                out[change.entity_id] = max(change.at, out.get(change.entity_id, change.at))
        return out

    def chain(self) -> Iterator[ChainedEntry]:
        return iter(list(self.entries))


class MemoryLaunches:
    def __init__(self, history: MemoryHistory) -> None:
        self.history = history
        self.launches: dict[str, Launch] = {}
        self.items: dict[str, ChecklistItem] = {}
        self.board_errors: dict[str, tuple[str, int]] = {}
        self._lock = threading.Lock()

    def get_launch(self, key: str) -> Launch | None:
        return self.launches.get(key)

    def list_launches(self) -> list[Launch]:
        return sorted(self.launches.values(), key=lambda launch: (launch.open_date, launch.key))

    def items_of(self, launch_key: str) -> list[ChecklistItem]:
        found = [item for item in self.items.values() if item.launch_key == launch_key]
        return sorted(found, key=lambda item: (item.due, item.key))

    def items_of_launches(self, launch_keys: Iterable[str]) -> dict[str, list[ChecklistItem]]:
        return {key: self.items_of(key) for key in launch_keys}

    def get_item(self, key: str) -> ChecklistItem | None:
        return self.items.get(key)

    def items_by_key(self, keys: Iterable[str]) -> dict[str, ChecklistItem]:
        return {key: self.items[key] for key in keys if key in self.items}

    def apply(
        self,
        *,
        launch: Launch | None = None,
        items: Sequence[ChecklistItem] = (),
        changes: Sequence[Change] = (),
        removed: Sequence[str] = (),
    ) -> None:
        launches = dict(self.launches)
        if launch is not None:
            launches[launch.key] = launch
        for item in items:
            if item.launch_key not in launches:
                raise KeyError(f"item {item.key} of unknown launch {item.launch_key}")
        self.launches = launches
        for item in items:
            old = self.items.get(item.key)
            behind = old.board_behind_since if old else None
            self.items[item.key] = replace(item, board_behind_since=behind)
        for key in removed:
            self.items.pop(key, None)
        self.history.append(changes)

    def change_status(
        self,
        key: str,
        *,
        expected: ItemStatus,
        status: ItemStatus,
        changes: Sequence[Change],
        at: datetime,
    ) -> bool:
        with self._lock:
            item = self.items.get(key)
            if item is None or item.status is not expected:
                return False
            self.items[key] = replace(item, status=status, board_behind_since=at)
            self.board_errors.pop(key, None)
            self.history.append(changes)
        return True

    def take_board_copy(
        self, item: ChecklistItem, *, expected: ChecklistItem, changes: Sequence[Change]
    ) -> bool:
        with self._lock:
            current = self.items.get(item.key)
            if (
                current is None
                or current.board_behind_since is not None
                or current.board_fields() != expected.board_fields()
            ):
                return False
            self.items[item.key] = replace(
                current,
                title=item.title,
                status=item.status,
                due=item.due,
                scenario=item.scenario,
                remote_id=item.remote_id,
            )
            self.history.append(changes)
        return True

    def mark_board_behind(self, keys: Sequence[str], at: datetime) -> None:
        with self._lock:
            for key in keys:
                item = self.items.get(key)
                if item is not None and item.board_behind_since is None:
                    self.items[key] = replace(item, board_behind_since=at)

    def board_behind(self) -> list[ChecklistItem]:
        behind = [i for i in self.items.values() if i.board_behind_since is not None]
        return sorted(behind, key=lambda i: (i.board_behind_since, i.key))

    def board_caught_up(self, key: str, *, status: ItemStatus, remote_id: str) -> bool:
        with self._lock:
            item = self.items[key]
            item = replace(item, remote_id=remote_id)
            cleared = item.status is status
            if cleared:
                item = replace(item, board_behind_since=None)
                self.board_errors.pop(key, None)
            self.items[key] = item
        return cleared

    def board_push_failed(self, key: str, error: str) -> int:
        with self._lock:
            _, attempts = self.board_errors.get(key, ("", 0))
            self.board_errors[key] = (error, attempts + 1)
            return attempts + 1


class MemoryCursors:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get_cursor(self, name: str) -> str | None:
        return self.values.get(name)

    def set_cursor(self, name: str, value: str) -> None:
        self.values[name] = value


class MemoryLedger:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    def recorded(self, keys: Iterable[str]) -> set[str]:
        return {key for key in keys if key in self.rows}

    def claim(self, message_key: str, entries: Sequence[ReminderEntry], now: datetime) -> set[str]:
        claimed = set()
        for entry in entries:
            if entry.reminder_key not in self.rows:
                self.rows[entry.reminder_key] = {
                    "entry": entry,
                    "message_key": message_key,
                    "state": "claimed",
                    "channel": None,
                    "ts": None,
                    "claimed_at": now,
                    "error": None,
                }
                claimed.add(entry.reminder_key)
        return claimed

    def mark(
        self,
        message_key: str,
        state: str,
        *,
        now: datetime,
        channel: str | None = None,
        ts: str | None = None,
        error: str | None = None,
    ) -> None:
        for row in self.rows.values():
            if row["message_key"] == message_key:
                row.update(state=state, error=error)
                if channel is not None:
                    row["channel"] = channel
                if ts is not None:
                    row["ts"] = ts

    def posted(self, message_key: str) -> tuple[str, str] | None:
        for row in self.rows.values():
            if row["message_key"] == message_key and row["state"] == "sent" and row["ts"]:
                return str(row["channel"]), str(row["ts"])
        return None

    def unsettled(self) -> list[ClaimedMessage]:
        grouped: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for key, row in sorted(self.rows.items()):
            if row["state"] in ("claimed", "posting", "unknown"):
                grouped.setdefault(row["message_key"], []).append((key, row))
        return [
            ClaimedMessage(
                message_key=m,
                recipient_key=rows[0][1]["entry"].recipient_key,
                state=rows[0][1]["state"],
                channel=rows[0][1]["channel"],
                claimed_at=rows[0][1]["claimed_at"],
                reminder_keys=tuple(k for k, _ in rows),
            )
            for m, rows in sorted(grouped.items())
        ]

    def release(self, message_key: str) -> None:
        for key in [k for k, row in self.rows.items() if row["message_key"] == message_key]:
            del self.rows[key]

    def reminder_states(self, business_date: date) -> dict[str, str]:
        return {
            k: row["state"]
            for k, row in self.rows.items()
            if row["entry"].business_date == business_date
        }


class MemorySlackDirectory:
    def __init__(self) -> None:
        self.users: dict[str, SlackUser] = {}

    def cached_user(self, email: str) -> SlackUser | None:
        return self.users.get(email.lower())

    def cache_user(self, user: SlackUser) -> None:
        self.users[user.email.lower()] = user


class MemoryPromotions:
    def __init__(self, history: MemoryHistory) -> None:
        self.history = history
        self.promos: dict[str, Promotion] = {}
        self.promo_ids: dict[str, str] = {}
        self.alerts: dict[str, tuple[PendingAlert, datetime | None]] = {}

    def promotions(self) -> dict[str, Promotion]:
        return dict(sorted(self.promos.items(), key=lambda kv: kv[1].start or date.max))

    def promotion_ids(self) -> dict[str, str]:
        return dict(self.promo_ids)

    def save_promotions(
        self, promotions: Sequence[Promotion], changes: Sequence[Change], alert: PendingAlert | None
    ) -> None:
        self.promos.update((p.key, p) for p in promotions)
        self.history.append(changes)
        if alert is not None:
            self.alerts.setdefault(alert.key, (alert, None))

    def set_promotion_ids(self, ids: dict[str, str]) -> None:
        self.promo_ids.update((k, v) for k, v in ids.items() if k in self.promos)

    def pending_alerts(self) -> list[PendingAlert]:
        waiting = [alert for alert, delivered in self.alerts.values() if delivered is None]
        return sorted(waiting, key=lambda a: (a.created_at, a.key))

    def queue_alert(self, alert: PendingAlert) -> None:
        self.alerts.setdefault(alert.key, (alert, None))

    def alert_delivered(self, key: str, now: datetime) -> None:
        if key in self.alerts:
            self.alerts[key] = (self.alerts[key][0], now)


class MemoryJobRuns:
    def __init__(self) -> None:
        self.runs: dict[tuple[str, datetime], JobRun] = {}

    def claim_run(
        self, job: str, tick: datetime, *, worker: str, now: datetime, stale_before: datetime
    ) -> bool:
        run = JobRun(job=job, tick=tick, worker=worker, outcome="running", started_at=now)
        earlier = self.runs.get((job, tick))
        if earlier is not None and not (
            earlier.outcome in ("abandoned", "failed")
            or (earlier.outcome == "running" and earlier.started_at < stale_before)
        ):
            return False
        self.runs[(job, tick)] = run
        return True

    def finish_run(
        self,
        job: str,
        tick: datetime,
        *,
        outcome: str,
        now: datetime,
        summary: dict[str, object] | None = None,
        error: str | None = None,
    ) -> None:
        run = self.runs.get((job, tick))
        if run is not None:
            self.runs[(job, tick)] = replace(
                run, outcome=outcome, finished_at=now, summary=summary, error=error
            )

    def runs_of(self, job: str, *, limit: int = 20) -> list[JobRun]:
        found = sorted((r for r in self.runs.values() if r.job == job), key=lambda r: r.tick)
        return list(reversed(found))[:limit]

    def last_tick(self, job: str) -> datetime | None:
        return max((r.tick for r in self.runs.values() if r.job == job), default=None)


class MemoryDecisions:
    def __init__(self, history: MemoryHistory) -> None:
        self.history = history
        self.by_key: dict[str, Decision] = {}

    def decisions(self, project: str | None = None) -> list[Decision]:
        found = [d for d in self.by_key.values() if project is None or d.project == project]
        return sorted(found, key=lambda d: (d.project, d.number, d.key))

    def get_decision(self, key: str) -> Decision | None:
        return self.by_key.get(key)

    def save_decisions(self, decisions: Sequence[Decision], changes: Sequence[Change]) -> None:
        self.by_key.update((d.key, d) for d in decisions)
        self.history.append(changes)


class MemoryWebhookEvents:
    def __init__(self) -> None:
        self.events: dict[str, tuple[RecordedEvent, datetime, str]] = {}
        self.marks: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def record_events(self, events: Sequence[RecordedEvent], now: datetime) -> set[str]:
        recorded: set[str] = set()
        with self._lock:
            for event in events:
                if event.event_id not in self.events:
                    self.events[event.event_id] = (event, event.received_at or now, PENDING)
                    recorded.add(event.event_id)
        return recorded

    def pending_events(self, limit: int) -> list[RecordedEvent]:
        pending = [(r, at) for r, at, outcome in self.events.values() if outcome == PENDING]
        pending.sort(key=lambda e: (e[1], e[0].event_at, e[0].event_id))
        return [r for r, _ in pending[:limit]]

    def settle_event(self, event_id: str, outcome: str) -> None:
        with self._lock:
            recorded, received, _ = self.events[event_id]
            self.events[event_id] = (recorded, received, outcome)

    def page_mark(self, page_id: str) -> datetime | None:
        return self.marks.get(page_id)

    def set_page_mark(self, page_id: str, event_at: datetime) -> bool:
        with self._lock:
            current = self.marks.get(page_id)
            if current is not None and current >= event_at:
                return False
            self.marks[page_id] = event_at
            return True

    def last_received(self) -> datetime | None:
        return max((e[1] for e in self.events.values()), default=None)


class MemorySlackItemMessages:
    def __init__(self) -> None:
        self.refs: dict[str, list[tuple[str, str, str, datetime]]] = {}

    def remember(self, item_key: str, channel: str, ts: str, set_by: str, at: datetime) -> None:
        refs = self.refs.setdefault(item_key, [])
        if not any(ref[:2] == (channel, ts) for ref in refs):
            refs.append((channel, ts, set_by, at))

    def messages_of(self, item_key: str) -> list[tuple[str, str, str, datetime]]:
        return list(self.refs.get(item_key, []))

    def forget(self, item_key: str) -> None:
        self.refs.pop(item_key, None)


class MemoryBriefs:
    def __init__(self, history: MemoryHistory) -> None:
        self.history = history
        self.rows: dict[tuple[str, int], BriefVersion] = {}
        self.escalated: dict[str, datetime] = {}
        self.confirmations: dict[tuple[str, int, str], BriefAck] = {}
        self.lock = threading.Lock()

    def _newest(self) -> dict[str, BriefVersion]:
        out: dict[str, BriefVersion] = {}
        for (key, _number), version in sorted(self.rows.items()):
            out[key] = version
        return out

    def latest(self, keys: Iterable[str]) -> dict[str, BriefVersion]:
        newest = self._newest()
        return {key: newest[key] for key in keys if key in newest}

    def covering(self, day: date) -> list[BriefVersion]:
        found = [v for v in self._newest().values() if v.last >= day]
        return sorted(found, key=lambda v: (v.business_date, v.centre))

    def versions(self, key: str) -> list[BriefVersion]:
        return [v for (k, _), v in sorted(self.rows.items()) if k == key]

    def compose(self, version: BriefVersion) -> bool:
        with self.lock:
            if (version.key, version.version) in self.rows:
                return False
            self.rows[(version.key, version.version)] = version
            return True

    def sent(
        self, key: str, version: int, *, at: datetime, where: str, changes: Sequence[Change]
    ) -> None:
        with self.lock:
            row = self.rows[(key, version)]
            if row.sent_at is not None:
                return
            self.rows[(key, version)] = replace(row, sent_at=at, where=where)
            self.history.append(changes)

    def record(self, changes: Sequence[Change]) -> None:
        with self.lock:
            self.history.append(changes)

    def acknowledge(self, ack: BriefAck, changes: Sequence[Change]) -> bool:
        with self.lock:
            if (ack.key, ack.version, ack.person) in self.confirmations:
                return False
            self.confirmations[(ack.key, ack.version, ack.person)] = ack
            self.history.append(changes)
            return True

    def acks(self, keys: Iterable[str]) -> list[BriefAck]:
        wanted = set(keys)
        return sorted(
            (a for a in self.confirmations.values() if a.key in wanted), key=lambda a: a.at
        )

    def escalate(self, key: str, at: datetime, changes: Sequence[Change]) -> bool:
        with self.lock:
            if key in self.escalated:
                return False
            self.escalated[key] = at
            self.history.append(changes)
            return True


@dataclass
class MemoryStore:
    """Every repository in memory, sharing one change history."""

    history: MemoryHistory = field(default_factory=MemoryHistory)
    cursors: MemoryCursors = field(default_factory=MemoryCursors)
    ledger: MemoryLedger = field(default_factory=MemoryLedger)
    slack_directory: MemorySlackDirectory = field(default_factory=MemorySlackDirectory)
    slack_messages: MemorySlackItemMessages = field(default_factory=MemorySlackItemMessages)
    webhook_events: MemoryWebhookEvents = field(default_factory=MemoryWebhookEvents)
    job_runs: MemoryJobRuns = field(default_factory=MemoryJobRuns)
    launches: MemoryLaunches = field(init=False)
    promotions: MemoryPromotions = field(init=False)
    decisions: MemoryDecisions = field(init=False)
    briefs: MemoryBriefs = field(init=False)
    label: str = "memory"

    def __post_init__(self) -> None:
        self.launches = MemoryLaunches(self.history)
        self.promotions = MemoryPromotions(self.history)
        self.decisions = MemoryDecisions(self.history)
        self.briefs = MemoryBriefs(self.history)

    def check(self) -> list[Finding]:
        return [ok("store", "store_memory")]

    def anchor_with(self, record: Callable[[int, str, int], None]) -> None:
        self.history.anchor = record

    def close(self) -> None:
        pass
