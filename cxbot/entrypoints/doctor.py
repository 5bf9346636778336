"""`cxbot doctor`: checks configuration and says exactly what to fix."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import text

from cxbot.adapters.calendar_sources import (
    GoogleSheetSource,
    LocalFileSource,
    check_calendar_source,
    service_account_client,
)
from cxbot.adapters.notion.board import NotionChecklistBoard
from cxbot.adapters.notion.decisions import DECISIONS
from cxbot.adapters.notion.promotions import PROMOTIONS
from cxbot.adapters.notion.schema import CHECKLIST
from cxbot.adapters.slack.notifier import check_slack, web_clients
from cxbot.adapters.yaml_files import load_reminder_settings, load_template
from cxbot.bootstrap import App
from cxbot.service.errors import CxbotError

OK, BAD, INFO = "✓", "✗", "·"


def doctor_report(app: App) -> tuple[bool, list[str]]:
    """(all good, lines to print). Secrets are never printed, only whether they are set."""
    lines: list[str] = []
    ok = True
    settings = app.settings
    try:
        with app.store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        lines.append(f"{OK} store: {app.store.engine.url.render_as_string(hide_password=True)}")
    except Exception as error:  # any driver error is a finding, not a crash
        ok = False
        lines.append(f"{BAD} store: cannot connect ({error}); check CXBOT_DATABASE_URL")
    templates = sorted(settings.cxbot_checklists_dir.glob("*.y*ml"))
    for path in templates:
        try:
            template = load_template(path)
            lines.append(f"{OK} template {template.key}: {len(template.items)} items")
        except CxbotError as error:
            ok = False
            lines.append(f"{BAD} template {path.name}: {error}")
    if not templates:
        ok = False
        lines.append(
            f"{BAD} no templates in {settings.cxbot_checklists_dir}; set CXBOT_CHECKLISTS_DIR"
        )
    for section in (_notion, _slack, _calendar):
        section_ok, section_lines = section(app)
        ok = ok and section_ok
        lines.extend(section_lines)
    return ok, lines


def _notion(app: App) -> tuple[bool, list[str]]:
    settings = app.settings
    lines: list[str] = []
    ok = True
    if not isinstance(app.board, NotionChecklistBoard):
        lines.append(
            f"{INFO} Notion: not configured (NOTION_TOKEN unset) — running on the "
            "embedded default; see README 'Connecting to Notion'"
        )
        return ok, lines
    board = app.board
    try:
        me = cast(dict[str, Any], board.client.users.me())
        lines.append(f"{OK} Notion token: valid (bot {me.get('name')!r})")
    except Exception as error:
        lines.append(
            f"{BAD} Notion token: {_short(error)} — create an internal integration "
            "secret and set NOTION_TOKEN"
        )
        return False, lines
    if settings.notion_parent_page_id:
        try:
            board.client.pages.retrieve(settings.notion_parent_page_id)
            lines.append(f"{OK} parent page {settings.notion_parent_page_id}: reachable")
        except Exception as error:
            ok = False
            lines.append(
                f"{BAD} parent page {settings.notion_parent_page_id}: {_short(error)} — "
                "share it with the integration ('…' → Connections)"
            )
    elif not settings.notion_checklist_data_source_id:
        ok = False
        lines.append(
            f"{BAD} NOTION_PARENT_PAGE_ID is not set: cxbot needs a page to create its "
            "checklist database under"
        )
    try:
        emails = [u for u in board.users().values() if (u.get("person") or {}).get("email")]
        if emails:
            lines.append(f"{OK} users: {len(board.users())} visible, with email addresses")
        else:
            lines.append(
                f"{BAD} users: no email addresses visible — give the integration the "
                "'Read user information including email addresses' capability"
            )
            ok = False
    except CxbotError as error:
        ok = False
        lines.append(f"{BAD} users: {error}")
    try:
        problems = board.check()
        source = settings.notion_checklist_data_source_id or app.store.get_cursor(CHECKLIST.cursor)
        if source is None:
            lines.append(
                f"{INFO} checklist data source: not created yet (the first "
                "`cxbot launch create` creates it)"
            )
        elif problems:
            ok = False
            lines.append(
                f"{BAD} checklist data source {source}: "
                + "; ".join(problems)
                + " (the next `cxbot launch create` adds missing properties)"
            )
        else:
            lines.append(f"{OK} checklist data source {source}: schema as expected")
    except CxbotError as error:
        ok = False
        lines.append(f"{BAD} checklist data source: {error}")
    if app.notion_api is not None:
        others = [
            (PROMOTIONS, settings.notion_promotions_data_source_id, "cxbot calendar sync"),
            (DECISIONS, settings.notion_decisions_data_source_id, "cxbot decision add"),
        ]
        for spec, configured, first_use in others:
            try:
                source, problems = app.notion_api.check(spec, configured)
            except CxbotError as error:
                ok = False
                lines.append(f"{BAD} {spec.label} data source: {error}")
                continue
            if source is None:
                lines.append(
                    f"{INFO} {spec.label} data source: not created yet (the first "
                    f"`{first_use}` creates it)"
                )
            elif problems:
                ok = False
                lines.append(f"{BAD} {spec.label} data source {source}: " + "; ".join(problems))
            else:
                lines.append(f"{OK} {spec.label} data source {source}: schema as expected")
    return ok, lines


def _slack(app: App) -> tuple[bool, list[str]]:
    settings = app.settings
    try:
        reminder_settings = load_reminder_settings(settings.cxbot_reminders_file)
    except CxbotError as error:
        return False, [f"{BAD} reminders file: {error}"]
    lines = [f"{OK} reminders file: {settings.cxbot_reminders_file}"]
    routing = reminder_settings.routing
    if not settings.slack_enabled:
        lines.append(
            f"{INFO} Slack: not configured (SLACK_BOT_TOKEN unset) — reminders go to "
            f"{settings.cxbot_outbox}; see README 'Connecting to Slack'"
        )
        return True, lines
    assert settings.slack_bot_token is not None
    reader, _poster = web_clients(
        settings.slack_bot_token.get_secret_value(), settings.slack_base_url
    )
    channels = {f"dept:{k}": v for k, v in routing.department_channels.items()}
    ok = True
    if routing.cx_channel:
        channels = {"cx": routing.cx_channel, **channels}
    else:
        ok = False
        lines.append(
            f"{BAD} no CX channel (channels.cx in {settings.cxbot_reminders_file}): "
            "reminders for people not found in Slack would have nowhere to go"
        )
    slack_ok, slack_lines = check_slack(reader, channels)
    return ok and slack_ok, lines + slack_lines


def _short(error: Exception) -> str:
    return f"{type(error).__name__}: {error}".splitlines()[0][:300]


def _calendar(app: App) -> tuple[bool, list[str]]:
    settings = app.settings
    if not settings.sheets_enabled:
        note = (
            f"{INFO} Google Sheets: not configured (CXBOT_CALENDAR_SHEET and "
            "GOOGLE_SERVICE_ACCOUNT_FILE) — the calendar is read from "
            f"{settings.cxbot_calendar_file}"
        )
        ok, lines = check_calendar_source(LocalFileSource(settings.cxbot_calendar_file))
        return ok, [note, *lines]
    assert settings.google_service_account_file is not None and settings.sheet_id
    try:
        client, email = service_account_client(settings.google_service_account_file)
    except CxbotError as error:
        return False, [f"{BAD} service account: {error}"]
    source = GoogleSheetSource(
        client, settings.sheet_id, settings.cxbot_calendar_worksheet, attempts=2
    )
    return check_calendar_source(source, email)
