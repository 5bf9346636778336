"""Turning a Slack message or thread into a decision: a draft first, recorded on confirmation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cxbot.domain.changes import ChangeSource
from cxbot.domain.decisions import DecisionStatus, Position
from cxbot.ports.common import Clock
from cxbot.ports.decisions import CONFIRM, DISCARD, SHORTCUT, SlackReader
from cxbot.service.decision_log import DecisionDraft, DecisionLog


@dataclass(frozen=True, kw_only=True)
class DecisionCapture:
    log: DecisionLog
    slack: SlackReader
    clock: Clock
    default_project: str = "Slack"

    def handle(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        """One interactivity payload (already signature-checked); the HTTP response body."""
        kind = payload.get("type")
        if kind == "message_action" and payload.get("callback_id") == SHORTCUT:
            return self._from_message(payload)
        if kind == "block_actions":
            return self._confirm(payload)
        return None

    def slash_command(self, form: dict[str, str]) -> dict[str, Any]:
        """`/cxbot-decision [project] | what was decided` — a draft from the text."""
        text = form.get("text", "").strip()
        project, _, decided = text.partition("|") if "|" in text else ("", "", text)
        if not decided.strip():
            return {
                "response_type": "ephemeral",
                "text": "사용법: /cxbot-decision 프로젝트 | 결정 내용",
            }
        user = form.get("user_id", "")
        draft = DecisionDraft(
            project=project.strip() or self._project(form.get("channel_id", "")),
            title=_title(decided),
            decision=decided.strip(),
            decided_by=self.slack.user_name(user),
            participants=(Position(who=self.slack.user_name(user)),),
            status=DecisionStatus.PROPOSED,
        )
        decision = self.log.add(
            draft, actor=f"slack:{user}", source=ChangeSource.SLACK, now=self.clock()
        )
        self.slack.ask_to_confirm(user, decision)
        return {
            "response_type": "ephemeral",
            "text": f"결정 초안 {decision.key}을(를) 만들었습니다. DM에서 확인해 주세요.",
        }

    def _project(self, channel: str) -> str:
        return self.slack.channel_name(channel) if channel else self.default_project

    def _from_message(self, payload: dict[str, Any]) -> dict[str, Any]:
        message = payload.get("message") or {}
        channel = (payload.get("channel") or {}).get("id", "")
        user = (payload.get("user") or {}).get("id", "")
        root = message.get("thread_ts") or message.get("ts", "")
        thread = self.slack.thread(channel, root) if root else [message]
        speakers: list[str] = []
        for entry in thread:
            if entry.get("user") and entry["user"] not in speakers:
                speakers.append(entry["user"])
        draft = DecisionDraft(
            project=self._project(channel),
            title=_title(message.get("text", "")),
            decision=message.get("text", "").strip() or "(빈 메시지)",
            context="\n".join(
                f"{self.slack.user_name(e.get('user', ''))}: {e.get('text', '')}"
                for e in thread
                if e.get("ts") != message.get("ts")
            )[:2000],
            decided_by=self.slack.user_name(user),
            participants=tuple(Position(who=self.slack.user_name(u)) for u in speakers),
            links=(self.slack.permalink(channel, message.get("ts", "")),),
            status=DecisionStatus.PROPOSED,
        )
        decision = self.log.add(
            draft, actor=f"slack:{user}", source=ChangeSource.SLACK, now=self.clock()
        )
        self.slack.ask_to_confirm(user, decision)
        self.slack.acknowledge(
            payload.get("response_url"),
            f"결정 초안 {decision.key}을(를) 만들었습니다. DM에서 확인해 주세요.",
        )
        return {}

    def _confirm(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        user = (payload.get("user") or {}).get("id", "")
        for action in payload.get("actions") or []:
            outcome = _BUTTONS.get(action.get("action_id", ""))
            if outcome is None:
                continue
            status, note, reply = outcome
            key = action.get("value", "")
            self.log.set_status(
                key,
                status,
                actor=f"slack:{user}",
                source=ChangeSource.SLACK,
                now=self.clock(),
                note=note,
            )
            self.slack.acknowledge(payload.get("response_url"), reply.format(key=key))
            return {}
        return None


_BUTTONS = {  # action id → (new status, history note, reply to the person)
    CONFIRM: (DecisionStatus.DECIDED, "confirmed in Slack", "{key}을(를) 기록했습니다."),
    DISCARD: (DecisionStatus.REVERTED, "draft discarded in Slack", "{key} 초안을 버렸습니다."),
}


def _title(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "Slack 결정")
    return first if len(first) <= 80 else first[:79] + "…"
