"""Runs one benchmark by name: `python -m bench checklist`."""

from __future__ import annotations

import argparse
import json
import sys

from bench import (
    calendar_sync,
    centre_brief,
    kickoff,
    notion_checklist,
    notion_status_sync,
    notion_webhooks,
    reminders,
    slack_actions,
    startup,
    weekly_report,
)

BENCHMARKS = {
    "checklist": notion_checklist.run,
    "status-sync": notion_status_sync.run,
    "reminders": reminders.run,
    "calendar-sync": calendar_sync.run,
    "startup": startup.run,
    "slack-actions": slack_actions.run,
    "notion-webhooks": notion_webhooks.run,
    "weekly-report": weekly_report.run,
    "brief": centre_brief.run,
    "kickoff": kickoff.run,
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("name", choices=sorted(BENCHMARKS))
    parser.add_argument(
        "--scale",
        type=int,
        default=10,
        help="reminders: also plan with this many times the launches (default 10)",
    )
    args = parser.parse_args()
    figures = reminders.run(args.scale) if args.name == "reminders" else BENCHMARKS[args.name]()
    sys.stdout.write(json.dumps(figures, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
