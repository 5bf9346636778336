"""The relational store: SQLite by default, PostgreSQL by URL; and its in-memory twin."""
