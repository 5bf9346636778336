"""The kick-off in Slack: the modal's two views and what they hold, the planner's DM while
the checklist is written, the announcement and its pin (templates/<locale>/slack/kickoff.j2).

Step 1 holds few fields; step 2 lists the template's items in one multi-select per
department (Slack allows 100 options per select and 100 blocks per view, so a 40-item
template is a handful of blocks), each item chosen by default and removable."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from markupsafe import Markup
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from cxbot.adapters.rendering import Renderer
from cxbot.adapters.slack.desk_views import desk_buttons
from cxbot.adapters.slack.modal_blocks import (
    MAX_OPTIONS,
    OPTION_TEXT,
    SECTION_TEXT,
    VALUE,
    added_item,
    as_day,
    input_block,
    option,
    plain,
    section,
    short_key,
    state_value,
)
from cxbot.domain.calendar import BusinessCalendar
from cxbot.domain.checklist import ChecklistItem, ChecklistTemplate, Launch
from cxbot.domain.dday import launch_day_label
from cxbot.domain.notices import Notice
from cxbot.domain.owners import Person
from cxbot.domain.planning import Plan
from cxbot.ports.common import Clock
from cxbot.ports.kickoff import (
    ADD_DEPARTMENT,
    ADD_DUE,
    ADD_SCENARIO,
    ADD_TITLE,
    CHANNEL,
    DEPARTMENT,
    FIRST_VIEW,
    ITEMS_VIEW,
    NAME,
    NEW_CHANNEL,
    OPEN_DATE,
    OWNER,
    PLANNER,
    REDRAW,
    TEMPLATE,
    KickoffForm,
)
from cxbot.ports.slack import SlackDirectoryCache, SlackUser

log = logging.getLogger(__name__)


class SlackKickoff:
    def __init__(
        self,
        client: WebClient,
        renderer: Renderer,
        *,
        calendar: BusinessCalendar,
        clock: Clock,
        directory: SlackDirectoryCache | None = None,
    ) -> None:
        self.client, self.calendar, self.clock = client, calendar, clock
        self.directory = directory
        self.m: Any = renderer.slack("slack/kickoff.j2")
        self._dms: dict[tuple[str, str], tuple[str, str]] = {}  # (user, launch) → (channel, ts)
        self._latest: dict[tuple[str, str], str] = {}  # the newest text not posted yet
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cxbot-kickoff-dm")

    # the modal ---------------------------------------------------------------------------
    def open_form(
        self, trigger_id: str, templates: Sequence[ChecklistTemplate], *, opener: str
    ) -> None:
        options = [
            option(str(self.m.template_option(t)), t.key, description=t.description)
            for t in templates[:MAX_OPTIONS]
        ]
        blocks = [
            input_block(TEMPLATE, str(self.m.template_label()),
                   {"type": "static_select", "action_id": VALUE, "options": options}),
            input_block(NAME, str(self.m.name_label()),
                   {"type": "plain_text_input", "action_id": VALUE, "max_length": 100,
                    "placeholder": plain(str(self.m.name_hint()))}),
            input_block(OPEN_DATE, str(self.m.date_label()),
                   {"type": "datepicker", "action_id": VALUE}),
            input_block(PLANNER, str(self.m.planner_label()),
                   {"type": "users_select", "action_id": VALUE, "initial_user": opener},
                   hint=str(self.m.planner_hint())),
            input_block(CHANNEL, str(self.m.channel_label()),
                   {"type": "conversations_select", "action_id": VALUE,
                    "default_to_current_conversation": True,
                    "filter": {"include": ["public", "private"], "exclude_bot_users": True}},
                   optional=True, hint=str(self.m.channel_hint())),
            input_block(NEW_CHANNEL, str(self.m.new_channel_label()),
                        {"type": "plain_text_input", "action_id": VALUE, "max_length": 80,
                         "placeholder": plain("launch-11st")},
                        optional=True, hint=str(self.m.new_channel_hint())),
        ]  # fmt: skip
        view = self._modal(FIRST_VIEW, str(self.m.next()), blocks, metadata="")
        self.client.views_open(trigger_id=trigger_id, view=view)

    def items_view(
        self,
        form: KickoffForm,
        template: ChecklistTemplate,
        plan: Plan,
        *,
        catalog: Sequence[ChecklistTemplate] = (),
        note: str = "",
    ) -> dict[str, Any]:
        assert form.open_date is not None
        kept = {k for keys in form.kept.values() for k in keys} if form.kept is not None else None
        by_department: dict[str, list[ChecklistItem]] = {}
        for item in plan.items:
            by_department.setdefault(item.department, []).append(item)
        owners = {i.department: i.owner_name for i in plan.items if i.owner_name}
        emails = {i.department: i.owner_email for i in plan.items if i.owner_email}
        owner_ids = self._owner_ids(emails)
        blocks: list[dict[str, Any]] = [
            section(str(self.m.heading(form.name, form.open_date, len(template.items))))
        ]
        if note:
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
        # the opening day and the template stay changeable here: a change redraws the dates
        templates = [option(str(self.m.template_option(t)), t.key) for t in catalog][:MAX_OPTIONS]
        chosen = next((o for o in templates if o["value"] == template.key), None)
        if chosen is not None:
            blocks.append(
                input_block(TEMPLATE, str(self.m.template_label()),
                            {"type": "static_select", "action_id": REDRAW,
                             "options": templates, "initial_option": chosen},
                            dispatch=True)
            )  # fmt: skip
        blocks.append(
            input_block(OPEN_DATE, str(self.m.date_label()),
                        {"type": "datepicker", "action_id": REDRAW,
                         "initial_date": form.open_date.isoformat()},
                        dispatch=True, hint=str(self.m.redraw_hint()))
        )  # fmt: skip
        drawn = f"@{template.key}/{form.open_date.isoformat()}"  # a redraw is a new block
        for department, name in template.departments.items():
            items = by_department.get(department, [])
            if not items:
                continue
            options = [option(str(self.m.item_option(i)), short_key(i.key)) for i in items]
            initial = [o for o in options if kept is None or o["value"] in kept][:MAX_OPTIONS]
            element = {
                "type": "multi_static_select", "action_id": VALUE,
                "options": options[:MAX_OPTIONS],
            }  # fmt: skip
            if initial:
                element["initial_options"] = initial
            owner = {"type": "users_select", "action_id": VALUE}
            uid = owner_ids.get(department)
            if uid:
                owner["initial_user"] = uid  # the owners file's, found in Slack by e-mail
            blocks.append(
                input_block(OWNER + department, str(self.m.owner_label(name)), owner,
                            optional=True)
            )  # fmt: skip
            label = str(self.m.department_label(name, owners.get(department)))
            blocks.append(
                input_block(DEPARTMENT + department + drawn, label, element, optional=True)
            )
        missing = [
            template.departments[w.department]
            for w in plan.warnings
            if w.kind == "no_owner" and w.department in template.departments
        ]
        if missing:
            notes = [{"type": "mrkdwn", "text": str(self.m.no_owner(d))} for d in missing[:10]]
            blocks.append({"type": "context", "elements": notes})
        departments = [
            option(name[:OPTION_TEXT], key) for key, name in template.departments.items()
        ][:MAX_OPTIONS]
        blocks += [
            {"type": "divider"},
            section(str(self.m.add_header())),
            input_block(ADD_TITLE, str(self.m.add_title()),
                   {"type": "plain_text_input", "action_id": VALUE, "max_length": 200},
                   optional=True),
            input_block(ADD_DEPARTMENT, str(self.m.add_department()),
                   {"type": "static_select", "action_id": VALUE, "options": departments},
                   optional=True),
            input_block(ADD_DUE, str(self.m.add_due()),
                   {"type": "plain_text_input", "action_id": VALUE, "max_length": 10,
                    "placeholder": plain(str(self.m.add_due_hint()))}, optional=True),
            input_block(ADD_SCENARIO, str(self.m.add_scenario()),
                   {"type": "plain_text_input", "action_id": VALUE, "multiline": True,
                    "max_length": 2000}, optional=True),
        ]  # fmt: skip
        metadata = json.dumps(
            {
                "t": template.key,
                "n": form.name,
                "d": form.open_date.isoformat(),
                "c": form.channel,
                "nc": form.new_channel,
                "p": form.planner,
            },
            ensure_ascii=False,
        )
        return self._modal(ITEMS_VIEW, str(self.m.create()), blocks, metadata=metadata)

    def read(self, view: Mapping[str, Any]) -> KickoffForm:
        values = (view.get("state") or {}).get("values") or {}
        if view.get("callback_id") == ITEMS_VIEW:
            return self._read_items(view, values)
        picked = state_value(values, TEMPLATE)
        problems: dict[str, Notice] = {}
        day = as_day(state_value(values, OPEN_DATE))
        return KickoffForm(
            template=str(picked or ""),
            name=str(state_value(values, NAME) or "").strip(),
            open_date=day,
            channel=str(state_value(values, CHANNEL) or ""),
            new_channel=str(state_value(values, NEW_CHANNEL) or "").strip().lstrip("#"),
            planner=str(state_value(values, PLANNER) or ""),
            problems=problems,
        )

    def _read_items(self, view: Mapping[str, Any], values: Mapping[str, Any]) -> KickoffForm:
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
        except ValueError:
            meta = {}
        kept = {
            block.removeprefix(DEPARTMENT).partition("@")[0]: tuple(
                str(v) for v in (state_value(values, block) or [])
            )
            for block in values
            if block.startswith(DEPARTMENT)
        }
        added, problems = added_item(values)
        owners = {
            block.removeprefix(OWNER): str(state_value(values, block))
            for block in values
            if block.startswith(OWNER) and state_value(values, block)
        }
        return KickoffForm(
            owners=owners,
            template=str(state_value(values, TEMPLATE) or meta.get("t", "")),
            name=str(meta.get("n", "")),
            open_date=as_day(state_value(values, OPEN_DATE)) or as_day(meta.get("d")),
            channel=str(meta.get("c", "")),
            new_channel=str(meta.get("nc", "")),
            planner=str(meta.get("p", "")),
            kept=kept,
            added=added,
            problems=problems,
        )

    def errors(self, problems: Mapping[str, str]) -> dict[str, Any]:
        return {"response_action": "errors", "errors": {k: v[:2000] for k, v in problems.items()}}

    def _modal(
        self, callback_id: str, submit: str, blocks: list[dict[str, Any]], *, metadata: str
    ) -> dict[str, Any]:
        return {
            "type": "modal", "callback_id": callback_id, "title": plain(str(self.m.title())),
            "submit": plain(submit), "close": plain(str(self.m.cancel())),
            "blocks": blocks, "private_metadata": metadata,
        }  # fmt: skip

    # the planner's DM --------------------------------------------------------------------
    def refuse(self, user_id: str, channel: str) -> None:
        text = str(self.m.refused())
        try:
            if channel:
                self.client.chat_postEphemeral(channel=channel, user=user_id, text=text)
            else:
                self._dm(user_id, text)
        except (SlackApiError, SlackClientError) as error:
            log.warning("could not tell %s they may not kick off launches: %s", user_id, error)

    def progress(self, user_id: str, launch: Launch, done: int, total: int) -> None:
        self._say(user_id, launch, str(self.m.progress(launch, done, total)))

    def finished(
        self, user_id: str, launch: Launch, written: int, total: int, problems: Sequence[str]
    ) -> None:
        self._say(user_id, launch, str(self.m.finished(launch, written, total, problems)))

    def _say(self, user_id: str, launch: Launch, text: str) -> None:
        """One DM per planner and launch, posted once, then updated in place — by one
        worker thread, so a rate-limited Slack never holds up the checklist being written;
        updates queued meanwhile are folded into the newest."""
        key = (user_id, launch.key)
        with self._lock:
            queued = key in self._latest
            self._latest[key] = text[:SECTION_TEXT]
        if not queued:
            self._worker.submit(self._flush, key)

    def _flush(self, key: tuple[str, str]) -> None:
        with self._lock:
            text = self._latest.pop(key, None)
            posted = self._dms.get(key)
        if text is None:
            return
        try:
            if posted is not None:
                self.client.chat_update(channel=posted[0], ts=posted[1], text=text)
                return
            channel, ts = self._dm(key[0], text)
            with self._lock:
                self._dms[key] = (channel, ts)
        except (SlackApiError, SlackClientError) as error:
            log.warning("could not tell %s how %s is going: %s", key[0], key[1], error)

    def _dm(self, user_id: str, text: str) -> tuple[str, str]:
        channel = str(self.client.conversations_open(users=user_id)["channel"]["id"])
        answer = self.client.chat_postMessage(channel=channel, text=text)
        return channel, str(answer["ts"])

    # the announcement --------------------------------------------------------------------
    def announcement(
        self, launch: Launch, items: Sequence[ChecklistItem], mentions: Mapping[str, str]
    ) -> tuple[str, list[dict[str, Any]]]:
        today = self.clock().date()
        dlabel = launch_day_label(today, launch.open_date, calendar=self.calendar)
        by_department: dict[str, list[ChecklistItem]] = {}
        for item in sorted(items, key=lambda i: (i.due, i.key)):
            by_department.setdefault(item.department_name, []).append(item)
        planner_id = mentions.get(launch.planner_email or "")
        planner = (
            self.m.mention(planner_id)
            if planner_id
            else (launch.planner_name or str(self.m.nobody()))
        )
        intro = self.m.announcement_intro(launch, dlabel, len(items), len(by_department), planner)
        blocks: list[dict[str, Any]] = [
            {"type": "header", "text": plain(str(self.m.announcement_header(launch))[:150])},
            section(str(intro)),
            {"type": "divider"},
        ]
        for department, listed in by_department.items():
            owners: list[Any] = []  # a mention (Slack markup) or a name (escaped)
            for item in listed:
                uid = mentions.get(item.owner_email or "")
                who = self.m.mention(uid) if uid else (item.owner_name or str(self.m.nobody()))
                if who not in owners:
                    owners.append(who)
            head = str(self.m.announcement_department(department, Markup(", ").join(owners)))
            lines = "\n".join(str(self.m.announcement_item(i)) for i in listed)
            blocks.append(section(f"{head}\n{lines}"[:SECTION_TEXT]))
        return str(self.m.announcement_text(launch, len(items))), [
            *blocks[:49],
            desk_buttons(self.m, launch),
        ]

    def pin(self, channel: str, ts: str) -> None:
        try:
            self.client.pins_add(channel=channel, timestamp=ts)
        except SlackApiError as error:
            if error.response.get("error") != "already_pinned":
                log.warning("could not pin the announcement in %s: %s", channel, error)
        except SlackClientError as error:
            log.warning("could not pin the announcement in %s: %s", channel, error)

    def redraw(self, view: Mapping[str, Any], drawn: dict[str, Any]) -> None:
        try:
            self.client.views_update(view_id=str(view.get("id")), hash=view.get("hash"), view=drawn)
        except SlackApiError as error:
            if error.response.get("error") != "hash_conflict":  # changed again: that redraws
                log.warning("could not redraw the kick-off: %s", error)
        except SlackClientError as error:
            log.warning("could not redraw the kick-off: %s", error)

    def create_channel(self, name: str) -> str | None:
        try:
            return str(self.client.conversations_create(name=name)["channel"]["id"])
        except (SlackApiError, SlackClientError) as error:
            log.warning("could not create the channel #%s: %s", name, error)
            return None

    def invite(self, channel: str, user_ids: Sequence[str]) -> None:
        if not user_ids:
            return
        try:
            self.client.conversations_invite(channel=channel, users=",".join(user_ids))
        except SlackApiError as error:
            if error.response.get("error") != "already_in_channel":
                log.warning("could not invite the owners to %s: %s", channel, error)
        except SlackClientError as error:
            log.warning("could not invite the owners to %s: %s", channel, error)

    def person(self, user_id: str) -> Person | None:
        try:
            user = self.client.users_info(user=user_id)["user"]
        except (SlackApiError, SlackClientError):
            return None
        profile = user.get("profile") or {}
        name = profile.get("real_name") or user.get("real_name") or user.get("name") or user_id
        return Person(name=str(name), email=profile.get("email") or None, slack_id=user_id)

    def user_id_of(self, email: str) -> str | None:
        return self._lookup(email, self.client)

    def warm(self, emails: Sequence[str]) -> None:
        """On the DM worker, one at a time: twenty modals opened at once make each lookup
        once (the cache answers the rest), and no request waits out a rate limit."""

        def look_up() -> None:
            for email in emails:
                self._lookup(email, self.client)

        self._worker.submit(look_up)

    def _lookup(self, email: str, client: WebClient) -> str | None:
        cached = self.directory.cached_user(email) if self.directory else None
        if cached is not None and cached.user_id:
            return cached.user_id
        try:
            user_id = str(client.users_lookupByEmail(email=email)["user"]["id"])
        except (SlackApiError, SlackClientError, OSError):
            return None
        if self.directory is not None:  # the reminders' lookups and ours share one cache
            self.directory.cache_user(
                SlackUser(email=email, user_id=user_id, dm_channel=None, checked_at=self.clock())
            )
        return user_id

    def _owner_ids(self, emails: Mapping[str, str]) -> dict[str, str]:
        """Departments' owners as Slack users, for step 2 — inside Slack's 3 seconds: from
        the cache (filled when the modal opened), else one quick lookup each, never waiting
        out a rate limit, for at most a second in all."""
        quick = WebClient(token=self.client.token, base_url=self.client.base_url, timeout=1)
        deadline = time.monotonic() + 1.0
        found = {}
        for department, email in emails.items():
            cached = self.directory.cached_user(email) if self.directory else None
            if cached is not None and cached.user_id:
                found[department] = cached.user_id
            elif time.monotonic() < deadline and (uid := self._lookup(email, quick)):
                found[department] = uid
        return found
