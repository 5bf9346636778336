"""Notion: the checklist board on a data source (Notion-Version 2025-09-03)."""
