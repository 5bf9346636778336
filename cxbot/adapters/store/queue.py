"""procrastinate's queue tables on cxbot's PostgreSQL, for `cxbot worker`."""

from __future__ import annotations

import logging

import psycopg
from procrastinate.schema import SchemaManager

from cxbot.ports.errors import InputError

log = logging.getLogger(__name__)


def conninfo(database_url: str) -> str:
    if not database_url.startswith(("postgresql", "postgres")):
        raise InputError(
            "cxbot worker needs PostgreSQL: set CXBOT_DATABASE_URL=postgresql+psycopg://…"
            " (SQLite users run `cxbot run`)"
        )
    return database_url.replace("postgresql+psycopg://", "postgresql://", 1)


def ensure_queue_schema(dsn: str) -> None:
    """procrastinate's tables, created once (applying the schema twice fails)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(4242001)")
        try:
            found = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
            if found is None or found[0] is None:
                conn.execute(SchemaManager.get_schema())
                log.info("created procrastinate's tables")
        finally:
            conn.execute("SELECT pg_advisory_unlock(4242001)")


def reachable(dsn: str) -> bool:
    """Whether the worker's PostgreSQL answers now (3 seconds at most)."""
    import psycopg

    try:
        with psycopg.connect(dsn, connect_timeout=3):
            return True
    except psycopg.Error:
        return False
