"""A loopback emulator of the Google Sheets v4 values API and the Drive v3 files metadata call."""

from cxbot.emulators.sheets.server import (
    SheetDate,
    SheetsEmulator,
    routed_client,
    routed_session,
)

__all__ = ["SheetDate", "SheetsEmulator", "routed_client", "routed_session"]
