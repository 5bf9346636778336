"""The root `cxbot` command group."""

from __future__ import annotations

import logging
from typing import Any

import click

from cxbot.entrypoints import logs


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="cxbot", prog_name="cxbot", message="%(prog)s %(version)s")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("--log-json", is_flag=True, help="Log JSON lines (for log collectors).")
@click.pass_context
def cli(ctx: click.Context, verbose: int, log_json: bool) -> None:
    """cxbot runs the operations side of CX launches.

    It turns a checklist template into dated items for every department (D-days on
    Korean business days), writes them to Notion and reads back what departments tick,
    reminds owners in Slack exactly once, syncs the promotion calendar from Google
    Sheets with late-notice alerts, and keeps a tamper-evident decision log. Without
    credentials it runs on the embedded default: a local SQLite store, reminders to
    the console.

    \b
    Start with:
      cxbot demo                      a full demo on the embedded default
      cxbot launch create --help      plan a real launch
      cxbot doctor                    check what is configured
      cxbot run                       run every job on its schedule
    """
    level = logging.WARNING - 10 * verbose
    logs.configure(max(level, logging.DEBUG), json_lines=log_json)

    ctx.ensure_object(dict)
    ctx.obj.setdefault("factory", _build)
    ctx.obj.setdefault("diagnose", _diagnose)


def _diagnose() -> Any:
    """`cxbot doctor`'s findings: every file and adapter checked, a bad one reported."""
    from cxbot.bootstrap import diagnose

    return diagnose()


def _build(**options: Any) -> Any:
    """The composition root, imported only when a command runs (`--help` stays instant)."""
    from cxbot.bootstrap import build

    return build(**options)
