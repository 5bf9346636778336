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
}


@dataclass(frozen=True)
class Notice:
    code: str
    values: tuple[tuple[str, Value], ...] = ()

    def __str__(self) -> str:
        return ENGLISH[self.code].format(**{k: str(v) for k, v in self.values})


def notice(code: str, **values: Value) -> Notice:
    if code not in ENGLISH:
        raise KeyError(f"no notice {code!r}")
    return Notice(code, tuple(values.items()))


def joined(notices: list[Notice | None]) -> tuple[Notice, ...]:
    return tuple(n for n in notices if n is not None)
