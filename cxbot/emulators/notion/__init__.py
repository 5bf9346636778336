"""A loopback emulator of the Notion API, version 2025-09-03 (data sources)."""

from cxbot.emulators.notion.server import NotionEmulator
from cxbot.emulators.notion.workspace import NotionApiError, Workspace

__all__ = ["NotionApiError", "NotionEmulator", "Workspace"]
