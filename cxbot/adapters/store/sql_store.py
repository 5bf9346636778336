"""The LaunchStore on SQLAlchemy 2: SQLite file by default, PostgreSQL by URL."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Row, create_engine, delete, event, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from cxbot.adapters.store.tables import changes as changes_table
from cxbot.adapters.store.tables import (
    checklist_items,
    cursors,
    job_runs,
    launches,
    pending_alerts,
    reminder_log,
    slack_users,
)
from cxbot.adapters.store.tables import decisions as decisions_table
from cxbot.adapters.store.tables import promotions as promotions_table
from cxbot.domain.audit import GENESIS, ChainedEntry, chain_hash
from cxbot.domain.changes import Change, ChangeSource
from cxbot.domain.checklist import ChecklistItem, ItemStatus, Launch
from cxbot.domain.dday import DayUnit
from cxbot.domain.decisions import Decision, DecisionStatus, Position
from cxbot.domain.policy import PolicyOverride
from cxbot.domain.promotions import Promotion
from cxbot.service.ports import (
    ClaimedMessage,
    JobRun,
    PendingAlert,
    ReminderEntry,
    SlackUser,
)

_MIGRATIONS = Path(__file__).parent / "migrations"


def migrate(engine: Engine) -> None:
    """Brings the schema to the newest migration (a no-op when it is there)."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_store(url: str, *, migrate_schema: bool = True) -> SqlStore:
    """A store on `url`, its schema migrated; SQLite files get their folder created."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate_schema:
        migrate(engine)
    return SqlStore(engine)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


class SqlStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._dialect: Any = postgresql if engine.dialect.name == "postgresql" else sqlite

    def close(self) -> None:
        self.engine.dispose()

    # launches -------------------------------------------------------------
    def get_launch(self, key: str) -> Launch | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(launches).where(launches.c.key == key)).first()
        return _launch(row) if row else None

    def list_launches(self) -> list[Launch]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(launches).order_by(launches.c.open_date, launches.c.key))
            return [_launch(row) for row in rows]

    # items ----------------------------------------------------------------
    def items_of(self, launch_key: str) -> list[ChecklistItem]:
        query = (
            select(checklist_items)
            .where(checklist_items.c.launch_key == launch_key)
            .order_by(checklist_items.c.due, checklist_items.c.key)
        )
        with self.engine.connect() as conn:
            return [_item(row) for row in conn.execute(query)]

    def get_item(self, key: str) -> ChecklistItem | None:
        return self.items_by_key([key]).get(key)

    def items_by_key(self, keys: Iterable[str]) -> dict[str, ChecklistItem]:
        wanted = list(dict.fromkeys(keys))
        found: dict[str, ChecklistItem] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                rows = conn.execute(select(checklist_items).where(checklist_items.c.key.in_(chunk)))
                found.update((row.key, _item(row)) for row in rows)
        return found

    def apply(
        self,
        *,
        launch: Launch | None = None,
        items: Sequence[ChecklistItem] = (),
        changes: Sequence[Change] = (),
    ) -> None:
        with self.engine.begin() as conn:
            if launch is not None:
                self._upsert(conn, launches, "key", [_launch_row(launch)])
            if items:
                self._upsert(conn, checklist_items, "key", [_item_row(item) for item in items])
            if changes:
                self._append_changes(conn, changes)

    def _append_changes(self, conn: Connection, changes: Sequence[Change]) -> None:
        """Appends entries to the hash chain; one writer at a time extends it."""
        if self.engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(4242002)"))
        for change in changes:
            entry_id = conn.execute(
                changes_table.insert().values(**_change_row(change)).returning(changes_table.c.id)
            ).scalar_one()
            # On SQLite the insert holds the write lock, so the entry before is final.
            previous = (
                conn.execute(
                    select(changes_table.c.hash)
                    .where(changes_table.c.id < entry_id)
                    .order_by(changes_table.c.id.desc())
                    .limit(1)
                ).scalar()
                or GENESIS
            )
            conn.execute(
                update(changes_table)
                .where(changes_table.c.id == entry_id)
                .values(prev_hash=previous, hash=chain_hash(previous, entry_id, change))
            )

    def chain(self) -> Iterator[ChainedEntry]:
        """The whole change history with its hashes, oldest first."""
        with self.engine.connect() as conn:
            for row in conn.execute(select(changes_table).order_by(changes_table.c.id)):
                yield ChainedEntry(
                    id=row.id,
                    change=_change(row),
                    prev_hash=row.prev_hash or "",
                    hash=row.hash or "",
                )

    def _insert_new(
        self, conn: Connection, table: Any, key: str, rows: list[dict[str, Any]]
    ) -> None:
        """INSERT … ON CONFLICT DO NOTHING: what is there already stays as it is."""
        conn.execute(self._dialect.insert(table).on_conflict_do_nothing(index_elements=[key]), rows)

    def _upsert(self, conn: Connection, table: Any, key: str, rows: list[dict[str, Any]]) -> None:
        """INSERT … ON CONFLICT DO UPDATE: safe when several processes write at once."""
        statement = self._dialect.insert(table)
        columns = [name for name in rows[0] if name != key]
        statement = statement.on_conflict_do_update(
            index_elements=[key], set_={name: statement.excluded[name] for name in columns}
        )
        conn.execute(statement, rows)

    # change history -------------------------------------------------------
    def changes(
        self, *, entity_id_prefix: str | None = None, limit: int | None = None
    ) -> list[Change]:
        query = select(changes_table).order_by(changes_table.c.id)
        if entity_id_prefix is not None:
            query = query.where(
                changes_table.c.entity_id.startswith(entity_id_prefix, autoescape=True)
            )
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [_change(row) for row in conn.execute(query)]

    # cursors --------------------------------------------------------------
    def get_cursor(self, name: str) -> str | None:
        with self.engine.connect() as conn:
            value = conn.execute(select(cursors.c.value).where(cursors.c.name == name)).scalar()
        return value

    def set_cursor(self, name: str, value: str) -> None:
        with self.engine.begin() as conn:
            self._upsert(conn, cursors, "name", [{"name": name, "value": value}])

    # reminder ledger ----------------------------------------------------------
    def recorded(self, keys: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        column = reminder_log.c.reminder_key
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                found.update(conn.execute(select(column).where(column.in_(chunk))).scalars())
        return found

    def claim(self, message_key: str, entries: Sequence[ReminderEntry], now: datetime) -> set[str]:
        if not entries:
            return set()
        rows = [
            {
                "reminder_key": e.reminder_key,
                "message_key": message_key,
                "recipient_key": e.recipient_key,
                "kind": e.kind,
                "business_date": e.business_date,
                "launch_key": e.launch_key,
                "item_key": e.item_key,
                "state": "claimed",
                "late": e.late,
                "claimed_at": now,
                "updated_at": now,
            }
            for e in entries
        ]
        statement = (
            self._dialect.insert(reminder_log)
            .on_conflict_do_nothing(index_elements=["reminder_key"])
            .returning(reminder_log.c.reminder_key)
        )
        claimed: set[str] = set()
        with self.engine.begin() as conn:
            for row in rows:  # one statement per row: RETURNING with executemany is uneven
                claimed.update(conn.execute(statement, row).scalars())
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
        values: dict[str, Any] = {"state": state, "updated_at": now, "error": error}
        if channel is not None:
            values["channel"] = channel
        if ts is not None:
            values["ts"] = ts
        with self.engine.begin() as conn:
            conn.execute(
                update(reminder_log)
                .where(reminder_log.c.message_key == message_key)
                .values(**values)
            )

    def unsettled(self) -> list[ClaimedMessage]:
        query = (
            select(reminder_log)
            .where(reminder_log.c.state.in_(["claimed", "posting", "unknown"]))
            .order_by(reminder_log.c.message_key, reminder_log.c.reminder_key)
        )
        grouped: dict[str, list[Row[Any]]] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                grouped.setdefault(row.message_key, []).append(row)
        return [
            ClaimedMessage(
                message_key=key,
                recipient_key=rows[0].recipient_key,
                state=rows[0].state,
                channel=rows[0].channel,
                claimed_at=rows[0].claimed_at,
                reminder_keys=tuple(r.reminder_key for r in rows),
            )
            for key, rows in grouped.items()
        ]

    def release(self, message_key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(reminder_log).where(reminder_log.c.message_key == message_key))

    def reminder_states(self, business_date: date) -> dict[str, str]:
        query = select(reminder_log.c.reminder_key, reminder_log.c.state).where(
            reminder_log.c.business_date == business_date
        )
        with self.engine.connect() as conn:
            return {key: state for key, state in conn.execute(query)}

    # promotions -----------------------------------------------------------------
    def promotions(self) -> dict[str, Promotion]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(promotions_table).order_by(promotions_table.c.start_date))
            return {row.key: _promotion(row) for row in rows}

    def promotion_ids(self) -> dict[str, str]:
        query = select(promotions_table.c.key, promotions_table.c.remote_id).where(
            promotions_table.c.remote_id.is_not(None)
        )
        with self.engine.connect() as conn:
            return {key: remote for key, remote in conn.execute(query)}

    def save_promotions(
        self,
        promotions: Sequence[Promotion],
        changes: Sequence[Change],
        alert: PendingAlert | None,
    ) -> None:
        with self.engine.begin() as conn:
            if promotions:
                self._upsert(conn, promotions_table, "key", [_promotion_row(p) for p in promotions])
            if changes:
                self._append_changes(conn, changes)
            if alert is not None:
                self._insert_new(conn, pending_alerts, "key", [_alert_row(alert)])

    def set_promotion_ids(self, ids: dict[str, str]) -> None:
        with self.engine.begin() as conn:
            for key, remote in ids.items():
                conn.execute(
                    update(promotions_table)
                    .where(promotions_table.c.key == key)
                    .values(remote_id=remote)
                )

    def pending_alerts(self) -> list[PendingAlert]:
        query = (
            select(pending_alerts)
            .where(pending_alerts.c.delivered_at.is_(None))
            .order_by(pending_alerts.c.created_at, pending_alerts.c.key)
        )
        with self.engine.connect() as conn:
            return [_alert(row) for row in conn.execute(query)]

    def queue_alert(self, alert: PendingAlert) -> None:
        with self.engine.begin() as conn:
            self._insert_new(conn, pending_alerts, "key", [_alert_row(alert)])

    def alert_delivered(self, key: str, now: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(pending_alerts).where(pending_alerts.c.key == key).values(delivered_at=now)
            )

    # job runs -------------------------------------------------------------------
    def claim_run(
        self, job: str, tick: datetime, *, worker: str, now: datetime, stale_before: datetime
    ) -> bool:
        row = {"job": job, "tick": tick, "worker": worker, "outcome": "running", "started_at": now}
        statement = (
            self._dialect.insert(job_runs)
            .on_conflict_do_nothing(index_elements=["job", "tick"])
            .returning(job_runs.c.job)
        )
        with self.engine.begin() as conn:
            if conn.execute(statement, row).first() is not None:
                return True
            taken = conn.execute(
                update(job_runs)
                .where(job_runs.c.job == job, job_runs.c.tick == tick)
                .where(
                    (job_runs.c.outcome == "abandoned")
                    | ((job_runs.c.outcome == "running") & (job_runs.c.started_at < stale_before))
                )
                .values(
                    worker=worker, outcome="running", started_at=now, finished_at=None, error=None
                )
            )
            return taken.rowcount == 1

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
        with self.engine.begin() as conn:
            conn.execute(
                update(job_runs)
                .where(job_runs.c.job == job, job_runs.c.tick == tick)
                .values(
                    outcome=outcome,
                    finished_at=now,
                    error=error,
                    summary=json.dumps(summary, ensure_ascii=False, default=str)
                    if summary is not None
                    else None,
                )
            )

    def runs_of(self, job: str, *, limit: int = 20) -> list[JobRun]:
        query = (
            select(job_runs)
            .where(job_runs.c.job == job)
            .order_by(job_runs.c.tick.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [
                JobRun(
                    job=row.job,
                    tick=row.tick,
                    worker=row.worker,
                    outcome=row.outcome,
                    started_at=row.started_at,
                    finished_at=row.finished_at,
                    summary=json.loads(row.summary) if row.summary else None,
                    error=row.error,
                )
                for row in conn.execute(query)
            ]

    def last_tick(self, job: str) -> datetime | None:
        with self.engine.connect() as conn:
            value = conn.execute(
                select(func.max(job_runs.c.tick)).where(job_runs.c.job == job)
            ).scalar()
        if isinstance(value, str):  # SQLite's max() returns the stored text
            value = datetime.fromisoformat(value)
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    # decisions ------------------------------------------------------------------
    def decisions(self, project: str | None = None) -> list[Decision]:
        query = select(decisions_table).order_by(decisions_table.c.key)
        if project is not None:
            query = query.where(decisions_table.c.project == project)
        with self.engine.connect() as conn:
            found = [_decision(row) for row in conn.execute(query)]
        return sorted(found, key=lambda d: (d.project, d.number, d.key))

    def get_decision(self, key: str) -> Decision | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(decisions_table).where(decisions_table.c.key == key)).first()
        return _decision(row) if row else None

    def save_decisions(self, decisions: Sequence[Decision], changes: Sequence[Change]) -> None:
        with self.engine.begin() as conn:
            self._upsert(conn, decisions_table, "key", [_decision_row(d) for d in decisions])
            if changes:
                self._append_changes(conn, changes)

    # Slack user cache ------------------------------------------------------------
    def cached_user(self, email: str) -> SlackUser | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(slack_users).where(slack_users.c.email == email.lower())
            ).first()
        if row is None:
            return None
        return SlackUser(
            email=row.email,
            user_id=row.user_id,
            dm_channel=row.dm_channel,
            checked_at=row.checked_at,
        )

    def cache_user(self, user: SlackUser) -> None:
        row = {
            "email": user.email.lower(),
            "user_id": user.user_id,
            "dm_channel": user.dm_channel,
            "checked_at": user.checked_at,
        }
        with self.engine.begin() as conn:
            self._upsert(conn, slack_users, "email", [row])


def _promotion(row: Row[Any]) -> Promotion:
    return Promotion(
        key=row.key,
        name=row.name,
        start=row.start_date,
        end=row.end_date,
        department=row.department,
        owner=row.owner,
        channel=row.channel,
        benefit=row.benefit,
        send_date=row.send_date,
        notes=row.notes,
        cancelled=row.cancelled,
        row=row.row_number,
    )


def _promotion_row(promotion: Promotion) -> dict[str, Any]:
    return {
        "key": promotion.key,
        "name": promotion.name,
        "start_date": promotion.start,
        "end_date": promotion.end,
        "department": promotion.department,
        "owner": promotion.owner,
        "channel": promotion.channel,
        "benefit": promotion.benefit,
        "send_date": promotion.send_date,
        "notes": promotion.notes,
        "cancelled": promotion.cancelled,
        "row_number": promotion.row,
    }


def _alert(row: Row[Any]) -> PendingAlert:
    message = json.loads(row.message)
    return PendingAlert(
        key=row.key,
        created_at=row.created_at,
        text=message["text"],
        blocks=message["blocks"],
        preview=message["preview"],
    )


def _alert_row(alert: PendingAlert) -> dict[str, Any]:
    message = {"text": alert.text, "blocks": alert.blocks, "preview": alert.preview}
    return {
        "key": alert.key,
        "created_at": alert.created_at,
        "message": json.dumps(message, ensure_ascii=False),
        "delivered_at": None,
    }


def _decision(row: Row[Any]) -> Decision:
    return Decision(
        key=row.key,
        project=row.project,
        title=row.title,
        decision=row.decision,
        context=row.context,
        decided_by=row.decided_by,
        decided_on=row.decided_on,
        participants=tuple(
            Position(who=p["who"], position=p["position"]) for p in json.loads(row.participants)
        ),
        status=DecisionStatus(row.status),
        links=tuple(json.loads(row.links)),
        supersedes=row.supersedes,
        superseded_by=row.superseded_by,
        source=row.source,
        recorded_at=row.recorded_at,
        remote_id=row.remote_id,
    )


def _decision_row(d: Decision) -> dict[str, Any]:
    return {
        "key": d.key,
        "project": d.project,
        "title": d.title,
        "decision": d.decision,
        "context": d.context,
        "decided_by": d.decided_by,
        "decided_on": d.decided_on,
        "participants": json.dumps(
            [{"who": p.who, "position": p.position} for p in d.participants], ensure_ascii=False
        ),
        "status": d.status.value,
        "links": json.dumps(list(d.links), ensure_ascii=False),
        "supersedes": d.supersedes,
        "superseded_by": d.superseded_by,
        "source": d.source,
        "recorded_at": d.recorded_at,
        "remote_id": d.remote_id,
    }


def _launch(row: Row[Any]) -> Launch:
    return Launch(
        key=row.key,
        name=row.name,
        template_key=row.template_key,
        open_date=row.open_date,
        planner_name=row.planner_name,
        planner_email=row.planner_email,
    )


def _launch_row(launch: Launch) -> dict[str, Any]:
    return {
        "key": launch.key,
        "name": launch.name,
        "template_key": launch.template_key,
        "open_date": launch.open_date,
        "planner_name": launch.planner_name,
        "planner_email": launch.planner_email,
    }


def _item(row: Row[Any]) -> ChecklistItem:
    return ChecklistItem(
        key=row.key,
        launch_key=row.launch_key,
        title=row.title,
        department=row.department,
        department_name=row.department_name,
        owner_name=row.owner_name,
        owner_email=row.owner_email,
        due=row.due,
        label=row.label,
        unit=DayUnit(row.unit),
        scenario=row.scenario,
        status=ItemStatus(row.status),
        moved_because=row.moved_because,
        remote_id=row.remote_id,
        owner_slack_id=row.owner_slack_id,
        reminders=PolicyOverride.model_validate_json(row.reminder_policy)
        if row.reminder_policy
        else None,
    )


def _item_row(item: ChecklistItem) -> dict[str, Any]:
    return {
        "key": item.key,
        "launch_key": item.launch_key,
        "title": item.title,
        "department": item.department,
        "department_name": item.department_name,
        "owner_name": item.owner_name,
        "owner_email": item.owner_email,
        "due": item.due,
        "label": item.label,
        "unit": item.unit.value,
        "scenario": item.scenario,
        "status": item.status.value,
        "moved_because": item.moved_because,
        "remote_id": item.remote_id,
        "owner_slack_id": item.owner_slack_id,
        "reminder_policy": item.reminders.model_dump_json(exclude_none=True)
        if item.reminders
        else None,
    }


def _change(row: Row[Any]) -> Change:
    return Change(
        entity=row.entity,
        entity_id=row.entity_id,
        field=row.field,
        old=row.old,
        new=row.new,
        actor=row.actor,
        source=ChangeSource(row.source),
        at=row.at,
        note=row.note,
    )


def _change_row(change: Change) -> dict[str, Any]:
    return {
        "entity": change.entity,
        "entity_id": change.entity_id,
        "field": change.field,
        "old": change.old,
        "new": change.new,
        "actor": change.actor,
        "source": change.source.value,
        "at": change.at,
        "note": change.note,
    }
