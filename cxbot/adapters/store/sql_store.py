"""The SQL store on SQLAlchemy 2: one repository per port over a shared engine."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Engine,
    Row,
    Update,
    create_engine,
    delete,
    event,
    func,
    select,
    text,
    update,
)
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError

from cxbot.adapters.findings import bad, ok
from cxbot.adapters.private_files import private_file
from cxbot.adapters.store.base import SqlBase, change_from_row
from cxbot.adapters.store.brief_store import SqlBriefs
from cxbot.adapters.store.decision_store import SqlDecisions
from cxbot.adapters.store.job_store import SqlJobRuns
from cxbot.adapters.store.ledger import SqlLedger, SqlSlackDirectory, SqlSlackItemMessages
from cxbot.adapters.store.promotion_store import SqlPromotions
from cxbot.adapters.store.tables import changes as changes_table
from cxbot.adapters.store.tables import (
    checklist_items,
    cursors,
    launches,
)
from cxbot.adapters.store.webhook_store import SqlWebhookEvents
from cxbot.domain.audit import ChainedEntry
from cxbot.domain.changes import Change
from cxbot.domain.checklist import ChecklistItem, ItemStatus, Launch, Tailoring
from cxbot.domain.dday import DayUnit
from cxbot.domain.policy import PolicyOverride
from cxbot.ports.common import Finding
from cxbot.ports.errors import InputError

_MIGRATIONS = Path(__file__).parent / "migrations"


MIGRATION_LOCK = 4242003  # 4242001: the queue's schema, 4242002: the history


def migrate(engine: Engine) -> None:
    """Brings the schema to the newest migration (a no-op when it is there). Processes
    starting together on one new PostgreSQL database migrate one after the other: the
    second finds the schema made (without the lock, one of them fails creating it)."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _missing_driver(url: str, error: ImportError) -> str:
    """What to do when the URL's database driver is not installed."""
    if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg2")):
        return (
            f"CXBOT_DATABASE_URL asks for the psycopg2 driver ({error.name or error}); cxbot "
            "uses psycopg 3: write postgresql+psycopg://user:password@host:5432/cxbot"
        )
    missing = error.name or str(error)
    return (
        f"CXBOT_DATABASE_URL needs a database driver that is not installed ({missing}): "
        "install cxbot's PostgreSQL extra — pip install 'cxbot[postgres]', or from a clone "
        ".venv/bin/pip install -e '.[postgres]' (psycopg 3 and procrastinate)"
    )


def open_store(url: str, *, migrate_schema: bool = True) -> SqlStore:
    """A store on `url`, its schema migrated. A SQLite file is made readable by its owner
    only (folder 0700, file 0600: it holds e-mails and the whole history), and so are the
    journal files SQLite makes beside it (they take the file's mode)."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        database = Path(url.removeprefix("sqlite:///")).expanduser()
        private_file(database)
        for journal in ("-wal", "-shm", "-journal"):
            sibling = database.with_name(database.name + journal)
            if sibling.exists() and not sibling.is_symlink():
                private_file(sibling)
    try:
        # A server restarted under a long-running `cxbot run` leaves dead pooled
        # connections: each is checked before use instead of failing the next job.
        engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    except ImportError as error:
        raise InputError(_missing_driver(url, error)) from None
    except ArgumentError as error:
        raise InputError(
            f"CXBOT_DATABASE_URL is not a database address cxbot can use ({error}); "
            "e.g. sqlite:///.cxbot/cxbot.db or postgresql+psycopg://user:password@host:5432/"
            "cxbot (PostgreSQL needs pip install -e '.[postgres]')"
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        if migrate_schema:
            migrate(engine)
        else:
            with engine.connect():
                pass
    except (OperationalError, InterfaceError) as error:
        engine.dispose()
        where = engine.url.render_as_string(hide_password=True)
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise InputError(
            f"cannot open the store at {where}: {reason}. Check CXBOT_DATABASE_URL (host, "
            "port, database, user, password) and that the server is running"
        ) from None
    return SqlStore(engine)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


class SqlLaunches(SqlBase):
    """Launches and their items; `apply` appends their changes in the same transaction."""

    def get_launch(self, key: str) -> Launch | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(launches).where(launches.c.key == key)).first()
        return _launch(row) if row else None

    def list_launches(self) -> list[Launch]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(launches).order_by(launches.c.open_date, launches.c.key))
            return [_launch(row) for row in rows]

    def items_of(self, launch_key: str) -> list[ChecklistItem]:
        query = (
            select(checklist_items)
            .where(checklist_items.c.launch_key == launch_key)
            .order_by(checklist_items.c.due, checklist_items.c.key)
        )
        with self.engine.connect() as conn:
            return [_item(row) for row in conn.execute(query)]

    def items_of_launches(self, launch_keys: Iterable[str]) -> dict[str, list[ChecklistItem]]:
        wanted = list(dict.fromkeys(launch_keys))
        found: dict[str, list[ChecklistItem]] = {key: [] for key in wanted}
        column = checklist_items.c.launch_key
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):
                query = (
                    select(checklist_items)
                    .where(column.in_(wanted[start : start + 500]))
                    .order_by(checklist_items.c.due, checklist_items.c.key)
                )
                for row in conn.execute(query):
                    found[row.launch_key].append(_item(row))
        return found

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
        removed: Sequence[str] = (),
    ) -> None:
        with self.engine.begin() as conn:
            if launch is not None:
                self._upsert(conn, launches, "key", [_launch_row(launch)])
            if items:
                self._upsert(conn, checklist_items, "key", [_item_row(item) for item in items])
            if removed:
                conn.execute(delete(checklist_items).where(checklist_items.c.key.in_(removed)))
            if changes:
                self._append_changes(conn, changes)

    def change_status(
        self,
        key: str,
        *,
        expected: ItemStatus,
        status: ItemStatus,
        changes: Sequence[Change],
        at: datetime,
    ) -> bool:
        items = checklist_items.c
        return self._compare_and_set(
            update(checklist_items)
            .where(items.key == key, items.status == expected.value)
            .values(status=status.value, board_behind_since=at, board_error=None, board_attempts=0),
            changes,
        )

    def take_board_copy(
        self, item: ChecklistItem, *, expected: ChecklistItem, changes: Sequence[Change]
    ) -> bool:
        items = checklist_items.c
        return self._compare_and_set(
            update(checklist_items)
            .where(
                items.key == item.key,
                items.board_behind_since.is_(None),
                items.title == expected.title,
                items.status == expected.status.value,
                items.due == expected.due,
                items.scenario == expected.scenario,
            )
            .values(
                title=item.title,
                status=item.status.value,
                due=item.due,
                scenario=item.scenario,
                remote_id=item.remote_id,
            ),
            changes,
        )

    def _compare_and_set(self, statement: Update, changes: Sequence[Change]) -> bool:
        """Runs an UPDATE that names one row and its expected values; appends the changes
        in the same transaction only when it matched."""
        with self.engine.begin() as conn:
            if conn.execute(statement).rowcount != 1:
                return False
            if changes:
                self._append_changes(conn, changes)
        return True

    def mark_board_behind(self, keys: Sequence[str], at: datetime) -> None:
        items = checklist_items.c
        with self.engine.begin() as conn:
            conn.execute(
                update(checklist_items)
                .where(items.key.in_(list(keys)), items.board_behind_since.is_(None))
                .values(board_behind_since=at)
            )

    def board_behind(self) -> list[ChecklistItem]:
        query = (
            select(checklist_items)
            .where(checklist_items.c.board_behind_since.is_not(None))
            .order_by(checklist_items.c.board_behind_since, checklist_items.c.key)
        )
        with self.engine.connect() as conn:
            return [_item(row) for row in conn.execute(query)]

    def board_caught_up(self, key: str, *, status: ItemStatus, remote_id: str) -> bool:
        items = checklist_items.c
        with self.engine.begin() as conn:
            conn.execute(
                update(checklist_items).where(items.key == key).values(remote_id=remote_id)
            )
            cleared = conn.execute(
                update(checklist_items)
                .where(items.key == key, items.status == status.value)
                .values(board_behind_since=None, board_error=None, board_attempts=0)
            ).rowcount
        return bool(cleared)

    def board_push_failed(self, key: str, error: str) -> int:
        items = checklist_items.c
        with self.engine.begin() as conn:
            conn.execute(
                update(checklist_items)
                .where(items.key == key)
                .values(board_error=error[:2000], board_attempts=items.board_attempts + 1)
            )
            attempts = conn.execute(select(items.board_attempts).where(items.key == key)).scalar()
        return int(attempts or 0)


class SqlChangeHistory(SqlBase):
    """The hash-chained change history, read back."""

    def changes(
        self,
        *,
        entity_id_prefix: str | None = None,
        limit: int | None = None,
        entity: str | None = None,
        since: datetime | None = None,
        entity_ids: Collection[str] | None = None,
    ) -> list[Change]:
        query = select(changes_table).order_by(changes_table.c.id)
        if entity_ids is not None:  # an IN list uses the (entity, entity_id) index
            query = query.where(changes_table.c.entity_id.in_(sorted(entity_ids)))
        if entity_id_prefix is not None:
            query = query.where(
                changes_table.c.entity_id.startswith(entity_id_prefix, autoescape=True)
            )
        if entity is not None:
            query = query.where(changes_table.c.entity == entity)
        if since is not None:
            query = query.where(changes_table.c.at >= since)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [change_from_row(row) for row in conn.execute(query)]

    def last_changed(self, entity: str, fields: Collection[str]) -> dict[str, datetime]:
        c = changes_table.c
        query = (
            select(c.entity_id, func.max(c.at))
            .where(c.entity == entity, c.field.in_(sorted(fields)))
            .group_by(c.entity_id)
        )
        with self.engine.connect() as conn:
            return {entity_id: at for entity_id, at in conn.execute(query)}

    def chain(self) -> Iterator[ChainedEntry]:
        with self.engine.connect() as conn:
            for row in conn.execute(select(changes_table).order_by(changes_table.c.id)):
                yield ChainedEntry(
                    id=row.id,
                    change=change_from_row(row),
                    prev_hash=row.prev_hash or "",
                    hash=row.hash or "",
                )


class SqlCursors(SqlBase):
    def get_cursor(self, name: str) -> str | None:
        with self.engine.connect() as conn:
            value = conn.execute(select(cursors.c.value).where(cursors.c.name == name)).scalar()
        return None if value is None else str(value)

    def set_cursor(self, name: str, value: str) -> None:
        with self.engine.begin() as conn:
            self._upsert(conn, cursors, "name", [{"name": name, "value": value}])


class SqlStore:
    """Every repository, over one engine: SQLite by default, PostgreSQL by URL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.launches = SqlLaunches(engine)
        self.history = SqlChangeHistory(engine)
        self.cursors = SqlCursors(engine)
        self.ledger = SqlLedger(engine)
        self.slack_directory = SqlSlackDirectory(engine)
        self.slack_messages = SqlSlackItemMessages(engine)
        self.webhook_events = SqlWebhookEvents(engine)
        self.promotions = SqlPromotions(engine)
        self.job_runs = SqlJobRuns(engine)
        self.decisions = SqlDecisions(engine)
        self.briefs = SqlBriefs(engine)

    @property
    def label(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def check(self) -> list[Finding]:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as error:  # any driver error is a finding, not a crash
            return [bad("store", "store_unreachable", error=str(error))]
        return [ok("store", "store_ok", url=self.label)]

    def anchor_with(self, record: Callable[[int, str, int], None]) -> None:
        """After every transaction that extends the history, `record` gets its new head
        (written before the commit returns: a crash in between reads as "entries missing",
        never as intact)."""

        def on_commit(conn: Any) -> None:
            head = conn.info.pop("cxbot_chain_head", None)
            if head is not None:
                record(*head)

        def on_rollback(conn: Any) -> None:
            conn.info.pop("cxbot_chain_head", None)

        event.listen(self.engine, "commit", on_commit)
        event.listen(self.engine, "rollback", on_rollback)

    def close(self) -> None:
        self.engine.dispose()


def _launch(row: Row[Any]) -> Launch:
    return Launch(
        key=row.key,
        name=row.name,
        template_key=row.template_key,
        open_date=row.open_date,
        planner_name=row.planner_name,
        planner_email=row.planner_email,
        tailoring=Tailoring.model_validate_json(row.tailoring) if row.tailoring else Tailoring(),
    )


def _launch_row(launch: Launch) -> dict[str, Any]:
    return {
        "key": launch.key,
        "name": launch.name,
        "template_key": launch.template_key,
        "open_date": launch.open_date,
        "planner_name": launch.planner_name,
        "planner_email": launch.planner_email,
        "tailoring": launch.tailoring.as_text(),
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
        board_behind_since=row.board_behind_since,
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
