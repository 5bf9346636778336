"""Table definitions. Changes to them go through a migration in migrations/versions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: cxbot stores aware datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


metadata = MetaData()

launches = Table(
    "launches",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("template_key", String(80), nullable=False),
    Column("open_date", Date, nullable=False),
    Column("planner_name", String(200)),
    Column("planner_email", String(320)),
    Column("tailoring", Text, nullable=False, server_default=""),  # Tailoring as JSON
)

checklist_items = Table(
    "checklist_items",
    metadata,
    Column("key", String(160), primary_key=True),
    Column("launch_key", String(80), ForeignKey("launches.key"), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("department", String(80), nullable=False),
    Column("department_name", String(200), nullable=False),
    Column("owner_name", String(200)),
    Column("owner_email", String(320)),
    Column("due", Date, nullable=False),
    Column("label", String(16), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("scenario", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("moved_because", String(200)),
    Column("remote_id", String(64)),
    Column("owner_slack_id", String(32)),
    Column("reminder_policy", Text),
    # Set when cxbot changed the item (a Slack click) and the board has not got it yet;
    # only the outbox methods write these three.
    Column("board_behind_since", UtcDateTime, index=True),
    Column("board_error", Text),
    Column("board_attempts", Integer, nullable=False, default=0, server_default="0"),
)

slack_item_messages = Table(
    "slack_item_messages",
    metadata,
    Column("item_key", String(160), primary_key=True),
    Column("channel", String(40), primary_key=True),
    Column("ts", String(40), primary_key=True),
    Column("set_by", String(32), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
)

changes = Table(
    "changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entity", String(40), nullable=False),
    Column("entity_id", String(200), nullable=False),
    Column("field", String(80), nullable=False),
    Column("old", Text),
    Column("new", Text),
    Column("actor", String(320), nullable=False),
    Column("source", String(20), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("note", Text),
    Column("prev_hash", String(64)),
    Column("hash", String(64)),
    Index("ix_changes_entity", "entity", "entity_id"),
)

cursors = Table(
    "cursors",
    metadata,
    Column("name", String(120), primary_key=True),
    Column("value", Text, nullable=False),
)

reminder_log = Table(
    "reminder_log",
    metadata,
    Column("reminder_key", String(400), primary_key=True),
    Column("message_key", String(200), nullable=False, index=True),
    Column("recipient_key", String(320), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("launch_key", String(80), nullable=False),
    Column("item_key", String(160)),
    Column("state", String(12), nullable=False, index=True),
    Column("channel", String(40)),
    Column("ts", String(40)),
    Column("late", Boolean, nullable=False, default=False),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("error", Text),
)

slack_users = Table(
    "slack_users",
    metadata,
    Column("email", String(320), primary_key=True),
    Column("user_id", String(32)),
    Column("dm_channel", String(40)),
    Column("checked_at", UtcDateTime, nullable=False),
)

promotions = Table(
    "promotions",
    metadata,
    Column("key", String(300), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("start_date", Date),  # none while undecided
    Column("end_date", Date),
    Column("department", String(200), nullable=False),
    Column("owner", String(200), nullable=False),
    Column("channel", String(200), nullable=False),
    Column("benefit", Text, nullable=False),
    Column("send_date", Date),
    Column("notes", Text, nullable=False),
    Column("cancelled", Boolean, nullable=False),
    Column("row_number", Integer, nullable=False),
    Column("remote_id", String(64)),
    Column("undecided", Text, nullable=False, server_default="[]"),  # [[field, wording], …]
    Column("guidance", Text, nullable=False, server_default=""),
)

pending_alerts = Table(
    "pending_alerts",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("message", Text, nullable=False),
    Column("delivered_at", UtcDateTime),
)

job_runs = Table(
    "job_runs",
    metadata,
    Column("job", String(80), primary_key=True),
    Column("tick", UtcDateTime, primary_key=True),
    Column("worker", String(120), nullable=False),
    Column("outcome", String(12), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    Column("summary", Text),
    Column("error", Text),
    Index("ix_job_runs_outcome", "job", "outcome"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("project", String(200), nullable=False, index=True),
    Column("title", String(300), nullable=False),
    Column("decision", Text, nullable=False),
    Column("context", Text, nullable=False),
    Column("decided_by", String(300), nullable=False),
    Column("decided_on", Date),
    Column("participants", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("links", Text, nullable=False),
    Column("supersedes", String(200)),
    Column("superseded_by", String(200)),
    Column("source", String(20), nullable=False),
    Column("recorded_at", UtcDateTime),
    Column("remote_id", String(64)),
)

notion_events = Table(
    "notion_events",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("kind", String(60), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("event_at", UtcDateTime, nullable=False),
    Column("received_at", UtcDateTime, nullable=False, index=True),
    Column("outcome", String(200), nullable=False, index=True),
    Column("authors", Text, nullable=False, server_default="[]"),
)

notion_page_marks = Table(
    "notion_page_marks",
    metadata,
    Column("page_id", String(64), primary_key=True),
    Column("event_at", UtcDateTime, nullable=False),
)

centre_briefs = Table(
    "centre_briefs",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("centre", String(80), nullable=False, index=True),
    Column("business_date", Date, nullable=False),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False, index=True),
    Column("facts", Text, nullable=False),  # {subject: {field: told}}
    Column("told", Text, nullable=False),  # [[entity key, line], …]
    Column("message", Text, nullable=False),  # {text, blocks, preview}: exactly what is sent
    Column("page", Text),  # {subject, text, html, page} for a centre briefed by e-mail
    Column("composed_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    Column("sent_to", Text, nullable=False, server_default=""),
    Column("escalated_at", UtcDateTime),
)

brief_acks = Table(
    "brief_acks",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("person", String(320), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("at", UtcDateTime, nullable=False),
)
