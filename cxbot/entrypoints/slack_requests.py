"""Slack's requests to cxbot, as listeners on a slack-bolt App: the item buttons, the
blocked-reason modal, the App Home tab, the decision shortcut, /cxbot-decision, the
contact centre's "확인했습니다" and the planner's kick-off ("런칭 시작", `/cxbot launch`).

Every listener acknowledges at once (Slack waits three seconds at most); the work runs in
bolt's lazy listeners, on its thread pool, after the answer has gone.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from cxbot.domain.inbound_text import REASON_LIMIT, clean_text, too_long
from cxbot.ports.briefs import ACK_ACTION
from cxbot.ports.decisions import CONFIRM, DISCARD, SHORTCUT
from cxbot.ports.item_actions import (
    ACTION_IDS,
    REASON_BLOCK,
    REASON_INPUT,
    REASON_VIEW,
    MessageRef,
    action_of,
)
from cxbot.ports.kickoff import (
    ADD_ITEM,
    ADD_VIEW,
    CHANGE_ITEM,
    CHANGE_VIEW,
    EXCLUDE,
    EXCLUDE_VIEW,
    FIRST_VIEW,
    ITEMS_VIEW,
    REDRAW,
    REPLAN,
    REPLAN_CONFIRM_VIEW,
    REPLAN_VIEW,
    RESTORE,
    RESTORE_VIEW,
)
from cxbot.ports.kickoff import SHORTCUT as KICKOFF
from cxbot.service.brief_buttons import BriefButtons
from cxbot.service.decision_capture import DecisionCapture
from cxbot.service.item_actions import ItemActions
from cxbot.service.kickoff import Kickoff
from cxbot.service.launch_desk import LaunchDesk
from cxbot.service.slash_commands import SlashCommands

log = logging.getLogger(__name__)

COMMAND = "/cxbot-decision"
CXBOT_COMMAND = "/cxbot"  # /cxbot status | decision … | launch | help
DESK_ACTIONS = {
    REPLAN: "replan",
    ADD_ITEM: "add",
    EXCLUDE: "exclude",
    CHANGE_ITEM: "change",
    RESTORE: "restore",
}


def register(
    app: Any,
    *,
    actions: ItemActions,
    capture: Callable[[], DecisionCapture],
    reason_missing: str,
    reason_too_long: str = "",
    brief_buttons: Callable[[], BriefButtons] | None = None,
    commands: Callable[[], SlashCommands] | None = None,
    kickoff: Callable[[], Kickoff] | None = None,
    desk: Callable[[], LaunchDesk] | None = None,
) -> Any:
    """Adds cxbot's listeners to a slack-bolt App and returns it."""
    # Writing a checklist takes minutes at Notion's 3 requests/s: on bolt's own pool it
    # would hold the threads every button press and modal needs. Two writers share the rate.
    writers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="cxbot-writer")

    def ack_now(ack: Any) -> None:
        ack()

    def item_pressed(body: dict[str, Any], action: dict[str, Any]) -> None:
        actions.press(
            user_id=body["user"]["id"],
            action=action_of(action.get("action_id", "")),
            value=str(action.get("value", "")),
            message=_message(body),
            trigger_id=str(body.get("trigger_id", "")),
        )

    for action_id in ACTION_IDS.values():
        app.action(action_id)(ack=ack_now, lazy=[item_pressed])

    def reason_problem(view: dict[str, Any]) -> str | None:
        """Checked here, on the server: a hand-made submission skips the modal's limits."""
        reason = _reason(view)
        if not clean_text(reason, limit=len(reason) + 1).strip():
            return reason_missing  # empty, or nothing but control characters
        if too_long(reason, limit=REASON_LIMIT):
            return reason_too_long or reason_missing
        return None

    def reason_checked(ack: Any, view: dict[str, Any]) -> None:
        problem = reason_problem(view)
        if problem is None:
            ack()
        else:
            ack(response_action="errors", errors={REASON_BLOCK: problem})

    def reason_submitted(body: dict[str, Any], view: dict[str, Any]) -> None:
        if reason_problem(view) is not None:
            return  # the modal said why and stays open
        reason = _reason(view).strip()
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
        except ValueError:
            log.warning("a blocked-reason modal came back without cxbot's metadata")
            return
        message = MessageRef(channel=meta["c"], ts=meta["t"]) if meta.get("c") else None
        actions.submit_reason(
            user_id=body["user"]["id"], value=str(meta.get("v", "")), reason=reason, message=message
        )

    app.view(REASON_VIEW)(ack=reason_checked, lazy=[reason_submitted])

    def home_opened(event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home":
            actions.home(event["user"])

    app.event("app_home_opened")(ack=ack_now, lazy=[home_opened])

    def decision_payload(body: dict[str, Any]) -> None:
        capture().handle(body)

    app.shortcut(SHORTCUT)(ack=ack_now, lazy=[decision_payload])
    app.action(CONFIRM)(ack=ack_now, lazy=[decision_payload])
    app.action(DISCARD)(ack=ack_now, lazy=[decision_payload])

    def decision_command(body: dict[str, Any], respond: Any) -> None:
        answer = capture().slash_command({k: str(v) for k, v in body.items()})
        respond(text=answer["text"], response_type="ephemeral")

    app.command(COMMAND)(ack=ack_now, lazy=[decision_command])

    def cxbot_command(body: dict[str, Any], respond: Any) -> None:
        if commands is None:
            return
        answer = commands().handle({k: str(v) for k, v in body.items()})
        if answer is not None:
            respond(text=answer["text"], response_type="ephemeral")

    app.command(CXBOT_COMMAND)(ack=ack_now, lazy=[cxbot_command])

    # the planner's kick-off: step 1 and 2 are checked in the ack (Slack shows the errors,
    # or step 2, only from the answer); the checklist is written after it
    def kickoff_opened(body: dict[str, Any]) -> None:
        if kickoff is not None:
            kickoff().open(
                user_id=body["user"]["id"],
                trigger_id=str(body.get("trigger_id", "")),
                channel=str((body.get("channel") or {}).get("id", "")),
            )

    app.shortcut(KICKOFF)(ack=ack_now, lazy=[kickoff_opened])

    def kickoff_first(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        if kickoff is None:
            ack()
            return
        ack(**kickoff().first_step(user_id=body["user"]["id"], view=view))

    app.view(FIRST_VIEW)(kickoff_first)

    def kickoff_items(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        answer = kickoff().second_step(user_id=body["user"]["id"], view=view) if kickoff else None
        ack(**answer) if answer else ack()

    def kickoff_start(body: dict[str, Any], view: dict[str, Any]) -> None:
        if kickoff is not None:
            writers.submit(_logged, kickoff().start, user_id=body["user"]["id"], view=view)

    app.view(ITEMS_VIEW)(ack=kickoff_items, lazy=[kickoff_start])

    def kickoff_redraw(body: dict[str, Any]) -> None:
        if kickoff is not None and body.get("view"):
            kickoff().redraw(user_id=body["user"]["id"], view=body["view"])

    app.action(REDRAW)(ack=ack_now, lazy=[kickoff_redraw])

    # the planner's desk on a live launch: the announcement's buttons and their modals
    def desk_opened(body: dict[str, Any], action: dict[str, Any]) -> None:
        if desk is not None:
            desk().open(
                action=DESK_ACTIONS[str(action.get("action_id"))],
                user_id=body["user"]["id"],
                trigger_id=str(body.get("trigger_id", "")),
                launch_key=str(action.get("value", "")),
                channel=str((body.get("channel") or {}).get("id", "")),
            )

    for action_id in DESK_ACTIONS:
        app.action(action_id)(ack=ack_now, lazy=[desk_opened])

    def replan_previewed(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        if desk is None:
            ack()
            return
        ack(**desk().replan_preview(user_id=body["user"]["id"], view=view))

    app.view(REPLAN_VIEW)(replan_previewed)

    def checked(check: str) -> Callable[..., None]:
        def ack_or_errors(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
            if desk is None:
                ack()
                return
            answer = getattr(desk(), check)(user_id=body["user"]["id"], view=view)
            ack(**answer) if answer else ack()

        return ack_or_errors

    def done(step: str) -> Callable[..., None]:
        def run(body: dict[str, Any], view: dict[str, Any]) -> None:
            if desk is not None:
                work = getattr(desk(), step)
                writers.submit(_logged, work, user_id=body["user"]["id"], view=view)

        return run

    app.view(REPLAN_CONFIRM_VIEW)(ack=ack_now, lazy=[done("replan")])
    app.view(ADD_VIEW)(ack=checked("add_checked"), lazy=[done("add")])
    app.view(EXCLUDE_VIEW)(ack=checked("exclude_checked"), lazy=[done("exclude")])
    app.view(CHANGE_VIEW)(ack=checked("change_checked"), lazy=[done("change")])
    app.view(RESTORE_VIEW)(ack=checked("restore_checked"), lazy=[done("restore")])

    def brief_confirmed(body: dict[str, Any], action: dict[str, Any]) -> None:
        if brief_buttons is None:
            return
        message = _message(body)
        brief_buttons().press(
            user_id=body["user"]["id"],
            value=str(action.get("value", "")),
            channel=message.channel if message else "",
            ts=message.ts if message else "",
        )

    app.action(ACK_ACTION)(ack=ack_now, lazy=[brief_confirmed])
    return app


def _logged(work: Callable[..., Any], **kwargs: Any) -> None:
    try:
        work(**kwargs)
    except Exception:  # a writer thread has nobody to raise to: log it
        log.exception("the planner's change could not be completed")


def _message(body: dict[str, Any]) -> MessageRef | None:
    """The message a button was pressed in; None for the Home tab (a view)."""
    container = body.get("container") or {}
    if container.get("type") != "message":
        return None
    blocks = (body.get("message") or {}).get("blocks")
    return MessageRef(
        channel=str(container.get("channel_id", "")),
        ts=str(container.get("message_ts", "")),
        blocks=tuple(blocks) if blocks is not None else None,
    )


def _reason(view: dict[str, Any]) -> str:
    values = ((view.get("state") or {}).get("values") or {}).get(REASON_BLOCK) or {}
    return str((values.get(REASON_INPUT) or {}).get("value") or "")
