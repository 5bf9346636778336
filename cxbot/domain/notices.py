"""What cxbot tells a person about their data, as a code and its values — the words are
the locale's (templates/<locale>/labels.yaml, `notices:`); the English here is the
default and what logs show.

    notice("not_a_date", cell="다음주 월요일")  →  '다음주 월요일' is not a date; write …
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Union

Value = Union[str, int, "Notice"]

ENGLISH: Mapping[str, str] = {
    "not_a_date": "{cell!r} is not a date; write 2026-12-01, 12/1, 12월 1일(화), a range "
    "12/1~12/3, or 미정",
    "not_a_value_date": "{cell} is not a date",
    "not_decided": "{cell!r} is not decided yet",
    "a_range": "{cell!r} is a range, not one day",
    "not_part_of_a_date": "{cell!r}: {rest!r} is not part of a date — put notes in the "
    "notes column",
    "ends_before_start": "{cell!r} ends before it starts",
    "not_a_real_date": "{cell!r} is not a real date",
    "no_year": "{cell!r} has no year and could be either: {past} ({months_ago} months ago) "
    "or {upcoming} (in {months_ahead} months) — write the year",
    "weekday_typo": "{day} is a {actual}요일 but the cell says {written}요일 — a likely typo "
    "in the date or the weekday",
    "kept_flagged": "{why} — kept, this field flagged",
    "no_name": "no promotion name",
    "no_start": "no start date (write 미정 if it is not decided yet)",
    "end_is_a_range": "the end column holds a range; write one day",
    "end_disagrees": "the {column} column says it ends {said}, this column {this}",
    "end_before_start": "ends before it starts ({start})",
    "same_row": "the same promotion as row {row}; ignored",
    "same_identity": "another row ({row}) has the same identity; this one is ignored — give "
    "them distinct names or ids",
    "no_channel_for": "no Slack channel configured for {department}",
    "no_owner_assigned": "no owner assigned for {department}",
    "owner_not_in_slack": "owner not found in Slack: {email}",
    "no_slack_channel": "no Slack channel for {name}",
    "not_reachable": "{recipient}: {why}",
    "nowhere": "nowhere to send it ({why}): set channels.cx in the reminders file",
    "delivery_problem": "{why}",
    "not_a_business_day": "{day} is not a business day ({why}): no reminders",
    "quiet_hours": "quiet hours ({start}–{end})",
    "before_send_at": "reminders go out from {at}",
    # the kick-off modal (Slack)
    "kickoff_not_a_planner": "only the CX planners (CXBOT_PLANNERS) can kick off a launch",
    "kickoff_no_template": "choose a template",
    "kickoff_no_name": "give the launch a name",
    "kickoff_duplicate": "a launch named {name} already exists ({key}); choose another name "
    "or re-plan that one",
    "kickoff_no_date": "choose the opening day",
    "kickoff_past": "{day} has passed; choose a day from today on",
    "kickoff_weekend": "{day} is a weekend; choose a business day",
    "kickoff_holiday": "{day} is a holiday ({name}); choose a business day",
    "kickoff_no_channel": "pick the channel to announce the launch in, or name a new one",
    "kickoff_bad_channel_name": "{name!r} cannot be a Slack channel name: use lowercase "
    "letters, digits, - and _ (80 at most)",
    "kickoff_no_owner": "choose an owner for {department}",
    "kickoff_nothing_left": "every item is removed; keep at least one or add one",
    "kickoff_added_incomplete": "an added item needs a title, a department and a due day",
    "kickoff_bad_due": "{due!r} is not a due day; write D-5, D-day or D+3 (D-30 … D+14)",
    "kickoff_written_later": "{count} item(s) could not be written yet; cxbot writes them on "
    "its next status sync",
    "desk_no_reason": "say why the item is excluded: it is on record",
    "desk_no_change": "pick a new owner or write a due day (D-5, D-day, D+3)",
    "desk_owner_no_email": "this person has no e-mail in Slack: cxbot names owners by it",
    "desk_no_item": "pick an item",
    "desk_no_launch": "this launch is gone (deleted or renamed); open it again from /cxbot status",
    # what `cxbot doctor` says
    "as_written": "{text}",
    "check_failed": "{check}: check failed ({error})",
    "reminders_file": "reminders file",
    "company_calendar": "company calendar",
    "job_schedule": "job schedule",
    "owners_file": "owners file",
    "centres_file": "centres file",
    "file_ok": "{label}: {path}",
    "no_such_file": "{label} {path}: no such file ({setting})",
    "mail_needed": "centre(s) {centres} are briefed by e-mail, but CXBOT_SMTP_HOST is not "
    "set; see README 'The contact centre's brief'",
    "notion_off": "Notion: not configured (NOTION_TOKEN unset) — running on the embedded "
    "default; see README 'Connecting to Notion'",
    "slack_off": "Slack: not configured (SLACK_BOT_TOKEN unset) — reminders go to {outbox}; "
    "see README 'Connecting to Slack'",
    "sheet_without_account": "CXBOT_CALENDAR_SHEET is set but GOOGLE_SERVICE_ACCOUNT_FILE is "
    "not: create a service-account key (JSON) in Google Cloud, set GOOGLE_SERVICE_ACCOUNT_FILE "
    "to its path and share the sheet with the service account's e-mail (Viewer); `cxbot "
    "doctor` shows that e-mail. Nothing was synced.",
    "account_without_sheet": "GOOGLE_SERVICE_ACCOUNT_FILE is set but CXBOT_CALENDAR_SHEET is "
    "not: set it to the promotion sheet's URL and share the sheet with the service account's "
    "e-mail (Viewer); `cxbot doctor` shows that e-mail. Nothing was synced.",
    "no_calendar": "no promotion calendar configured: set CXBOT_CALENDAR_SHEET and "
    "GOOGLE_SERVICE_ACCOUNT_FILE (a Google Sheet) or CXBOT_CALENDAR_FILE (a CSV/XLSX file); "
    "`cxbot demo` syncs a sample calendar",
    "calendar_file": "calendar: read from the file {path} (CXBOT_CALENDAR_FILE)",
    "service_account": "service account: {email} — share the sheet with this email (Viewer)",
    "service_account_bad": "service account: {error}",
    "sheet_not_found": "sheet {sheet}: not found, or not shared with {email}",
    "sheet_not_shared": "sheet {sheet}: not shared with {email}",
    "no_worksheet": "worksheet '{worksheet}' not in the sheet (it has: {tabs}) — set "
    "CXBOT_CALENDAR_WORKSHEET",
    "sheet_ok": "sheet '{title}': shared; worksheet '{worksheet}' found",
    "calendar_unreadable": "calendar: {error}",
    "calendar_header": "calendar header: {error}",
    "calendar_ok": "calendar {name}: header on row {row}, {promotions} promotion(s), identity "
    "by {identity}",
    "calendar_ok_unreadable": "calendar {name}: header on row {row}, {promotions} "
    "promotion(s), identity by {identity}, {unreadable} row(s) unreadable",
    "notion_token_ok": "Notion token: valid (bot '{bot}')",
    "notion_token_refused": "Notion token: refused (401 unauthorized) — create an internal "
    "integration secret and set NOTION_TOKEN",
    "notion_answered": "Notion answered {status} ({code}) to the token check: {error}",
    "notion_unreachable": "Notion unreachable ({error}): check the network, a proxy, or "
    "NOTION_BASE_URL — the token was not checked",
    "notion_token_failed": "Notion token check failed: {error}",
    "parent_ok": "parent page {page}: reachable",
    "parent_bad": "parent page {page}: {error} — share it with the integration ('…' → Connections)",
    "no_parent": "NOTION_PARENT_PAGE_ID is not set: cxbot needs a page shared with the "
    "integration to create its {databases} database(s) under",
    "users_ok": "users: {count} visible, with email addresses",
    "users_no_email": "users: no email addresses visible — give the integration the 'Read "
    "user information including email addresses' capability",
    "users_bad": "users: {error}",
    "checklist_db": "checklist",
    "promotions_db": "promotions",
    "decisions_db": "decisions",
    "source_not_created": "{database} data source: not created yet (the first `{command}` "
    "creates it)",
    "source_problems": "{database} data source {source}: {problems}",
    "checklist_problems": "{database} data source {source}: {problems} (the next `cxbot "
    "launch create` adds missing properties)",
    "source_ok": "{database} data source {source}: schema as expected",
    "source_bad": "{database} data source: {error}",
    "no_cx_channel": "no CX channel (channels.cx in {file}): reminders for people not found "
    "in Slack would have nowhere to go",
    "slack_token_bad": "Slack token: {code} — reinstall the app from slack-app-manifest.yaml "
    "and set SLACK_BOT_TOKEN (xoxb-…)",
    "slack_unreachable": "Slack: cannot reach the API ({error})",
    "slack_token_ok": "Slack token: valid (team {team}, bot user {user})",
    "scopes_missing": "Slack scopes missing: {scopes} — add them in the app's OAuth settings "
    "(or reinstall from the manifest)",
    "scope_for": "{scope} (to {purpose})",
    "scopes_ok": "Slack scopes: all {count} granted",
    "channel_bad": "channel {name} ({channel}): {error} — use the channel ID (C…), not its name",
    "channel_ok": "channel {name} ({channel}): the bot is a member",
    "planner_group_ok": "planners' user group {group}: {count} people",
    "planner_group_missing": "planners' user group {group}: Slack has no such group — use "
    "its id (S…) or handle (@name) in CXBOT_PLANNERS",
    "planner_group_unread": "planners' user group {group}: cannot be read ({error}) — the "
    "app needs usergroups:read (reinstall from the manifest)",
    "channel_not_member": "channel {name} ({channel}): the bot is not a member — /invite "
    "@cxbot in #{channel_name}",
    "smtp_login_refused": "{host}:{port} refused the login for '{user}' ({code}); check "
    "CXBOT_SMTP_USER and CXBOT_SMTP_PASSWORD",
    "smtp_unreachable": "cannot reach {host}:{port} ({error}); check CXBOT_SMTP_HOST, "
    "CXBOT_SMTP_PORT and CXBOT_SMTP_STARTTLS",
    "smtp_ok": "mail server {host}:{port}",
    "smtp_ok_tls": "mail server {host}:{port} with STARTTLS",
    "store_memory": "store: in memory (nothing is kept)",
    "store_unreachable": "store: cannot connect ({error}); check CXBOT_DATABASE_URL",
    "store_ok": "store: {url}",
    "no_templates": "no templates in {folder}; set CXBOT_CHECKLISTS_DIR",
    "template_ok": "template {key}: {count} items",
    "template_bad": "template {file}: {error}",
}


@dataclass(frozen=True)
class Notice:
    code: str
    values: tuple[tuple[str, Value], ...] = ()

    def __str__(self) -> str:
        return ENGLISH[self.code].format(**{k: str(v) for k, v in self.values})


def notice(code: str, /, **values: Value) -> Notice:
    if code not in ENGLISH:
        raise KeyError(f"no notice {code!r}")
    return Notice(code, tuple(values.items()))


def joined(notices: list[Notice | None]) -> tuple[Notice, ...]:
    return tuple(n for n in notices if n is not None)
