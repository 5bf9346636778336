"""The relational store: SQLite by default, PostgreSQL by URL."""

from cxbot.adapters.store.sql_store import SqlStore, open_store

__all__ = ["SqlStore", "open_store"]
