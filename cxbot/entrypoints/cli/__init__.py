"""The `cxbot` command line: one module per group of commands."""

from __future__ import annotations

from cxbot.entrypoints.cli import (  # noqa: F401 - importing registers the commands
    admin,
    briefs,
    calendar,
    decisions,
    launches,
    reminders,
    reports,
    service,
    serving,
)
from cxbot.entrypoints.cli.app import cli

__all__ = ["cli", "main"]


def main() -> None:
    cli(obj={})
