"""The planner's desk on a live launch in Slack: the buttons under its announcement, the
일정 변경 modal and its preview, 항목 추가 and 항목 제외, and the reply in the
announcement's thread that names whose dates moved (templates/<locale>/slack/kickoff.j2)."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from markupsafe import Markup
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from cxbot.adapters.rendering import Renderer
from cxbot.adapters.slack.modal_blocks import (
    MAX_OPTIONS,
    OPTION_TEXT,
    SECTION_TEXT,
    VALUE,
    added_item,
    as_day,
    cut,
    input_block,
    option,
    plain,
    section,
    state_value,
)
from cxbot.domain.checklist import ChecklistItem, ChecklistTemplate, Launch, TemplateItem
from cxbot.domain.owners import Person
from cxbot.ports.kickoff import (
    ADD_DEPARTMENT,
    ADD_DUE,
    ADD_ITEM,
    ADD_SCENARIO,
    ADD_TITLE,
    ADD_VIEW,
    CHANGE_ITEM,
    CHANGE_VIEW,
    EXCLUDE,
    EXCLUDE_VIEW,
    EXCLUDED_ITEM,
    NEW_DUE,
    NEW_OWNER,
    OPEN_DATE,
    REASON,
    REPLAN,
    REPLAN_CONFIRM_VIEW,
    REPLAN_VIEW,
    RESTORE,
    RESTORE_VIEW,
    DeskForm,
    Move,
)

log = logging.getLogger(__name__)
DESK_BLOCK = "cxbot_desk"


class SlackDesk:
    def __init__(self, client: WebClient, renderer: Renderer, kickoff: Any) -> None:
        self.client = client
        self.m: Any = renderer.slack("slack/kickoff.j2")
        self.kickoff = kickoff  # SlackKickoff: refusals, people, errors — said one way

    # 일정 변경 ------------------------------------------------------------------------------
    def open_replan(self, trigger_id: str, launch: Launch) -> None:
        blocks = [
            section(str(self.m.replan_intro(launch))),
            input_block(OPEN_DATE, str(self.m.replan_date()),
                        {"type": "datepicker", "action_id": VALUE,
                         "initial_date": launch.open_date.isoformat()}),
        ]  # fmt: skip
        view = self._modal(REPLAN_VIEW, self.m.replan_title(), self.m.next(), blocks, launch.key)
        self.client.views_open(trigger_id=trigger_id, view=view)

    def replan_preview(
        self, launch: Launch, open_date: date, moves: Sequence[Move]
    ) -> dict[str, Any]:
        lines = [str(self.m.preview_line(m)) for m in moves] or [str(self.m.no_moves())]
        blocks = [section(str(self.m.preview_head(launch, open_date, len(moves))))]
        chunk = ""
        for line in lines:
            if len(chunk) + len(line) + 1 > SECTION_TEXT:
                blocks.append(section(chunk))
                chunk = ""
            chunk = f"{chunk}\n{line}" if chunk else line
        blocks.append(section(chunk))
        metadata = json.dumps({"l": launch.key, "d": open_date.isoformat()})
        return self._modal(
            REPLAN_CONFIRM_VIEW, self.m.replan_title(), self.m.confirm(), blocks[:100], metadata
        )

    def tell_moves(
        self,
        where: tuple[str, str] | None,
        user_id: str,
        launch: Launch,
        was: date,
        moves: Sequence[Move],
        mentions: Mapping[str, str],
    ) -> None:
        owners: list[Any] = []
        for move in moves:
            uid = mentions.get(move.item.owner_email or "")
            who = self.m.mention(uid) if uid else move.item.owner_name
            if who and who not in owners:
                owners.append(who)
        text = str(self.m.moved(launch, was, len(moves), Markup(", ").join(owners)))
        try:
            if where is not None:
                self.client.chat_postMessage(channel=where[0], thread_ts=where[1], text=text)
            else:
                channel = self.client.conversations_open(users=user_id)["channel"]["id"]
                self.client.chat_postMessage(channel=channel, text=text)
        except (SlackApiError, SlackClientError) as error:
            log.warning("could not tell whose dates %s moved: %s", launch.key, error)

    # 항목 추가 / 항목 제외 ---------------------------------------------------------------------
    def open_add(self, trigger_id: str, launch: Launch, template: ChecklistTemplate) -> None:
        departments = [
            option(name[:OPTION_TEXT], key) for key, name in template.departments.items()
        ][:MAX_OPTIONS]
        blocks = [
            section(str(self.m.add_intro(launch))),
            input_block(ADD_TITLE, str(self.m.add_title()),
                        {"type": "plain_text_input", "action_id": VALUE, "max_length": 200}),
            input_block(ADD_DEPARTMENT, str(self.m.add_department()),
                        {"type": "static_select", "action_id": VALUE, "options": departments}),
            input_block(ADD_DUE, str(self.m.add_due()),
                        {"type": "plain_text_input", "action_id": VALUE, "max_length": 10,
                         "placeholder": plain(str(self.m.add_due_hint()))}),
            input_block(ADD_SCENARIO, str(self.m.add_scenario()),
                        {"type": "plain_text_input", "action_id": VALUE, "multiline": True,
                         "max_length": 2000}, optional=True),
        ]  # fmt: skip
        view = self._modal(
            ADD_VIEW, self.m.add_title_view(), self.m.add_submit(), blocks, launch.key
        )
        self.client.views_open(trigger_id=trigger_id, view=view)

    def open_exclude(self, trigger_id: str, launch: Launch, items: Sequence[ChecklistItem]) -> None:
        options = _item_options(items)
        blocks = [
            section(str(self.m.exclude_intro(launch))),
            input_block(EXCLUDED_ITEM, str(self.m.exclude_item()),
                        {"type": "static_select", "action_id": VALUE, "options": options}),
            input_block(REASON, str(self.m.exclude_reason()),
                        {"type": "plain_text_input", "action_id": VALUE, "multiline": True,
                         "max_length": 2000}),
        ]  # fmt: skip
        view = self._modal(
            EXCLUDE_VIEW, self.m.exclude_title(), self.m.exclude_submit(), blocks, launch.key
        )
        self.client.views_open(trigger_id=trigger_id, view=view)

    # 항목 수정 / 항목 복원 ---------------------------------------------------------------------
    def open_change(self, trigger_id: str, launch: Launch, items: Sequence[ChecklistItem]) -> None:
        blocks = [
            section(str(self.m.change_intro(launch))),
            input_block(EXCLUDED_ITEM, str(self.m.change_item()),
                        {"type": "static_select", "action_id": VALUE,
                         "options": _item_options(items)}),
            input_block(NEW_OWNER, str(self.m.change_owner()),
                        {"type": "users_select", "action_id": VALUE}, optional=True),
            input_block(NEW_DUE, str(self.m.add_due()),
                        {"type": "plain_text_input", "action_id": VALUE, "max_length": 10,
                         "placeholder": plain(str(self.m.add_due_hint()))}, optional=True),
        ]  # fmt: skip
        view = self._modal(
            CHANGE_VIEW, self.m.change_title(), self.m.change_submit(), blocks, launch.key
        )
        self.client.views_open(trigger_id=trigger_id, view=view)

    def open_restore(
        self, trigger_id: str, launch: Launch, excluded: Sequence[TemplateItem]
    ) -> None:
        options = [
            option(cut(f"{i.due} · {i.title}", OPTION_TEXT), f"{launch.key}/{i.key}")
            for i in excluded
        ][:MAX_OPTIONS]
        blocks = [section(str(self.m.restore_intro(launch, len(options))))]
        if options:
            blocks.append(
                input_block(EXCLUDED_ITEM, str(self.m.restore_item()),
                            {"type": "static_select", "action_id": VALUE, "options": options})
            )  # fmt: skip
        view = self._modal(
            RESTORE_VIEW, self.m.restore_title(), self.m.restore_submit(), blocks, launch.key
        )
        if not options:  # nothing to restore: a modal to read and close
            view.pop("submit")
        self.client.views_open(trigger_id=trigger_id, view=view)

    # reading ------------------------------------------------------------------------------------
    def read_desk(self, view: Mapping[str, Any]) -> DeskForm:
        values = (view.get("state") or {}).get("values") or {}
        metadata = str(view.get("private_metadata") or "")
        try:
            meta = json.loads(metadata) if metadata.startswith("{") else {"l": metadata}
        except ValueError:
            meta = {}
        callback = view.get("callback_id")
        if callback == ADD_VIEW:
            added, problems = added_item(values)
            return DeskForm(launch_key=str(meta.get("l", "")), added=added, problems=problems)
        if callback in (EXCLUDE_VIEW, CHANGE_VIEW, RESTORE_VIEW):
            return DeskForm(
                launch_key=str(meta.get("l", "")),
                item_key=str(state_value(values, EXCLUDED_ITEM) or ""),
                reason=str(state_value(values, REASON) or ""),
                owner=str(state_value(values, NEW_OWNER) or ""),
                due=str(state_value(values, NEW_DUE) or "").strip(),
            )
        day = as_day(meta.get("d")) if callback == REPLAN_CONFIRM_VIEW else None
        return DeskForm(
            launch_key=str(meta.get("l", "")),
            open_date=day or as_day(state_value(values, OPEN_DATE)),
        )

    def errors(self, problems: Mapping[str, str]) -> dict[str, Any]:
        return dict(self.kickoff.errors(problems))

    def refuse(self, user_id: str, channel: str) -> None:
        self.kickoff.refuse(user_id, channel)

    def person(self, user_id: str) -> Person | None:
        found: Person | None = self.kickoff.person(user_id)
        return found

    def user_id_of(self, email: str) -> str | None:
        found: str | None = self.kickoff.user_id_of(email)
        return found

    def _modal(
        self, callback_id: str, title: Any, submit: Any, blocks: list[dict[str, Any]], meta: str
    ) -> dict[str, Any]:
        if meta and not meta.startswith("{"):
            meta = json.dumps({"l": meta})
        return {
            "type": "modal", "callback_id": callback_id, "title": plain(str(title)[:24]),
            "submit": plain(str(submit)[:24]), "close": plain(str(self.m.cancel())),
            "blocks": blocks, "private_metadata": meta,
        }  # fmt: skip


def desk_buttons(m: Any, launch: Launch) -> dict[str, Any]:
    """The announcement's row of buttons: 일정 변경 · 항목 추가 · 항목 제외 · 항목 수정 ·
    항목 복원 (`m`: the kick-off template's macros)."""
    return {
        "type": "actions",
        "block_id": DESK_BLOCK,
        "elements": [
            _button(str(m.replan_button()), REPLAN, launch.key),
            _button(str(m.add_button()), ADD_ITEM, launch.key),
            _button(str(m.exclude_button()), EXCLUDE, launch.key),
            _button(str(m.change_button()), CHANGE_ITEM, launch.key),
            _button(str(m.restore_button()), RESTORE, launch.key),
        ],
    }


def _item_options(items: Sequence[ChecklistItem]) -> list[dict[str, Any]]:
    """A launch's items to pick one of, by due date: "D-20 · 도급사 · 제목"."""
    return [
        option(cut(f"{i.label} · {i.department_name} · {i.title}", OPTION_TEXT), i.key)
        for i in sorted(items, key=lambda i: (i.due, i.key))
    ][:MAX_OPTIONS]


def _button(text: str, action_id: str, value: str) -> dict[str, Any]:
    return {"type": "button", "text": plain(text), "action_id": action_id, "value": value}
