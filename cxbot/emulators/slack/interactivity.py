"""Slack calling the app: signed block_actions, view_submission and Events API requests
POSTed to the app's request URL, as Slack sends them, with retries and lost answers."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

TRIGGER_TTL = 3.0  # seconds a trigger_id may be used to open a modal


@dataclass(frozen=True)
class Delivery:
    """What the app answered to the last attempt (status None: the answer was dropped)."""

    status: int | None
    body: str
    attempts: int
    seconds: float  # how long the app took to answer the first attempt

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class Interactivity:
    """The caller side of the Slack emulator; `SlackEmulator.app` is one of these."""

    def __init__(self, emulator: Any, clock: Callable[[], float] = time.time) -> None:
        self.emulator = emulator
        self.clock = clock
        self.request_url: str | None = None
        self.signing_secret = "emulator-signing-secret"
        self.transport = "http"
        """`http` POSTs signed requests to `request_url`; `socket` sends envelopes over the
        app's Socket Mode connection (`SlackEmulator.socket_mode`)."""
        self.triggers: dict[str, tuple[float, str]] = {}
        self._ids = itertools.count(1)

    # what a person does -------------------------------------------------------------
    def click(
        self,
        user: str,
        channel: str,
        ts: str,
        *,
        block_id: str,
        action_id: str,
        retries: int = 0,
        drop_first: bool = False,
        presses: int = 1,
    ) -> Delivery:
        """A person presses a button in a message; the button must be there.

        `presses` > 1 is a double (triple…) click: separate interactions from the same
        message, sent at once before the app could redraw it; the last answer is returned.
        """
        em = self.emulator
        message = self._message(channel, ts)
        element = _element(message.get("blocks") or [], block_id, action_id)
        payloads = []
        for _ in range(presses):
            payload = self._base("block_actions", user)
            payload.update(
                container={
                    "type": "message",
                    "message_ts": ts,
                    "channel_id": channel,
                    "is_ephemeral": False,
                },
                channel={"id": channel, "name": em.channels[channel].name},
                message=message,
                actions=[_action(element, block_id)],
                state={"values": {}},
            )
            payloads.append(payload)
        if presses == 1:
            return self.deliver_form(payloads[0], retries=retries, drop_first=drop_first)
        answers: list[Delivery] = []
        threads = [
            threading.Thread(target=lambda p=p: answers.append(self.deliver_form(p)))
            for p in payloads
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return answers[-1]

    def shortcut(self, user: str, channel: str, ts: str, *, callback_id: str) -> Delivery:
        """A person uses a message shortcut ("More actions") on a message."""
        em = self.emulator
        message = self._message(channel, ts)
        payload = self._base("message_action", user)
        payload.update(
            callback_id=callback_id,
            message_ts=ts,
            channel={"id": channel, "name": em.channels[channel].name},
            message=message,
        )
        return self.deliver_form(payload)

    def global_shortcut(self, user: str, *, callback_id: str) -> Delivery:
        """A person picks a global shortcut (the ⚡ menu, or the search bar)."""
        payload = self._base("shortcut", user)
        payload["callback_id"] = callback_id
        return self.deliver_form(payload)

    def change_input(
        self, user: str, view_id: str, block_id: str, state: dict[str, Any]
    ) -> Delivery:
        """A person changes an input whose block has `dispatch_action` in an open modal:
        Slack sends block_actions with the view (its id, hash and every input's state)."""
        opened = self.emulator.views.get(view_id)
        if opened is None or opened.get("user") != user:
            raise LookupError(f"{user} has no open view {view_id}")
        view = opened["view"]
        block = next((b for b in view.get("blocks", []) if b.get("block_id") == block_id), None)
        if block is None or not block.get("dispatch_action"):
            raise LookupError(f"{block_id}: no input that dispatches its changes")
        element = block.get("element") or {}
        values = _initial_values(view)
        values[block_id] = {element.get("action_id", ""): state}
        payload = self._base("block_actions", user)
        payload.update(
            container={"type": "view", "view_id": view_id},
            view={**view, "id": view_id, "hash": opened.get("hash"), "state": {"values": values}},
            actions=[{"action_id": element.get("action_id"), "block_id": block_id, **state}],
        )
        return self.deliver_form(payload)

    def open_view(self, user: str) -> tuple[str, dict[str, Any]]:
        """The modal the person has open now (its id and view); LookupError when none."""
        for view_id, opened in reversed(list(self.emulator.views.items())):
            if opened.get("user") == user:
                return view_id, opened["view"]
        raise LookupError(f"{user} has no modal open")

    def command(self, user: str, channel: str, command: str, text: str) -> Delivery:
        """A person types a slash command: a form, not a JSON payload."""
        em = self.emulator
        base = self._base("command", user)
        form = {
            "token": base["token"],
            "team_id": "T0000001",
            "team_domain": "cx-emulator",
            "channel_id": channel,
            "channel_name": em.channels[channel].name if channel in em.channels else "",
            "user_id": user,
            "user_name": base["user"]["name"],
            "command": command,
            "text": text,
            "api_app_id": "A0000001",
            "response_url": base["response_url"],
            "trigger_id": base["trigger_id"],
        }
        return self.deliver(urlencode(form).encode(), "application/x-www-form-urlencoded")

    def click_home(self, user: str, *, block_id: str, action_id: str, retries: int = 0) -> Delivery:
        """A person presses a button on their App Home tab."""
        view = self.emulator.homes.get(user)
        if view is None:
            raise LookupError(f"{user} has no Home tab published")
        element = _element(view.get("blocks") or [], block_id, action_id)
        payload = self._base("block_actions", user)
        payload.update(
            container={"type": "view", "view_id": view["id"]},
            view=view,
            actions=[_action(element, block_id)],
        )
        return self.deliver_form(payload, retries=retries)

    def submit(
        self,
        user: str,
        view_id: str,
        values: dict[str, dict[str, Any]],
        *,
        retries: int = 0,
    ) -> Delivery:
        """A person submits an open modal; values: block_id → action_id → typed text, or
        the element's state as Slack sends it (`{"type": "datepicker", "selected_date":
        …}`). The app's answer acts on the modal as on Slack: `errors` keep it open,
        `update` replaces it (checked against the view limits), anything else closes it."""
        view = self.emulator.views.get(view_id)
        if view is None or view.get("user") != user:
            raise LookupError(f"{user} has no open view {view_id}")
        state = {
            block: {
                action: value
                if isinstance(value, dict)
                else {"type": "plain_text_input", "value": value}
                for action, value in fields.items()
            }
            for block, fields in values.items()
        }
        state = {**_initial_values(view["view"]), **state}  # untouched inputs: as they were
        payload = self._base("view_submission", user)
        payload["view"] = {
            **view["view"], "id": view_id, "state": {"values": state},
            "root_view_id": view.get("root", view_id), "previous_view_id": view.get("previous"),
        }  # fmt: skip
        payload["response_urls"] = []
        delivery = self.deliver_form(payload, retries=retries)
        if delivery.status == 200:
            self.emulator.answer_view(view_id, delivery.body)
        return delivery

    def open_home(self, user: str, *, retries: int = 0) -> Delivery:
        """A person opens the app's Home tab: an app_home_opened event."""
        event_id = f"Ev{next(self._ids):08d}"
        body = {
            "token": "legacy-verification-token",
            "team_id": "T0000001",
            "api_app_id": "A0000001",
            "event": {
                "type": "app_home_opened",
                "user": user,
                "channel": f"D{user[1:]}",
                "tab": "home",
                "event_ts": f"{self.clock():.6f}",
            },
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(self.clock()),
        }
        return self.deliver(
            json.dumps(body).encode(), "application/json", retries=retries, drop_first=False
        )

    # delivering ------------------------------------------------------------------------
    def deliver_form(
        self, payload: dict[str, Any], *, retries: int = 0, drop_first: bool = False
    ) -> Delivery:
        body = urlencode({"payload": json.dumps(payload, ensure_ascii=False)}).encode()
        return self.deliver(
            body, "application/x-www-form-urlencoded", retries=retries, drop_first=drop_first
        )

    def deliver(
        self,
        body: bytes,
        content_type: str,
        *,
        retries: int = 0,
        drop_first: bool = False,
        secret: str | None = None,
        timestamp: float | None = None,
    ) -> Delivery:
        """POSTs signed like Slack; `retries` more times (X-Slack-Retry-Num) after the first,
        and once more when `drop_first` hangs up before the app's answer. Over Socket Mode:
        the same request as an envelope, sent again (`retry_attempt`) as many times."""
        if self.transport == "socket":
            return self._envelope(body, content_type, attempts=1 + retries + int(drop_first))
        if self.request_url is None:
            raise RuntimeError("set emulator.app.request_url to the app's /slack/events URL")
        attempts = 1 + retries + (1 if drop_first else 0)
        first_seconds = 0.0
        status: int | None = None
        answer = ""
        for attempt in range(attempts):
            headers = self.signed_headers(body, secret=secret, timestamp=timestamp)
            headers["Content-Type"] = content_type
            if attempt:
                headers["X-Slack-Retry-Num"] = str(attempt)
                headers["X-Slack-Retry-Reason"] = "http_timeout" if drop_first else "http_error"
            drop = drop_first and attempt == 0
            started = time.perf_counter()
            status, answer = _post(self.request_url, body, headers, drop=drop)
            if attempt == 0:
                first_seconds = time.perf_counter() - started
        return Delivery(status=status, body=answer, attempts=attempts, seconds=first_seconds)

    def _envelope(self, body: bytes, content_type: str, *, attempts: int) -> Delivery:
        """What Slack sends over Socket Mode for a request it would otherwise POST."""
        if content_type.startswith("application/json"):
            kind, payload, respond = "events_api", json.loads(body), False
        else:
            form = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
            if "payload" in form:
                kind, payload, respond = "interactive", json.loads(form["payload"]), True
            else:
                kind, payload, respond = "slash_commands", form, True
        acked, answer, first = False, None, 0.0
        for attempt in range(attempts):
            acked, answer, seconds = self.emulator.socket_mode.send(
                kind, payload, accepts_response_payload=respond, retry_attempt=attempt
            )
            first = first or seconds
        text = json.dumps(answer, ensure_ascii=False) if answer else ""
        return Delivery(status=200 if acked else None, body=text, attempts=attempts, seconds=first)

    def signed_headers(
        self, body: bytes, *, secret: str | None = None, timestamp: float | None = None
    ) -> dict[str, str]:
        stamp = str(int(self.clock() if timestamp is None else timestamp))
        key = (secret or self.signing_secret).encode()
        base = b"v0:" + stamp.encode() + b":" + body
        digest = hmac.new(key, base, hashlib.sha256).hexdigest()
        return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}

    def _message(self, channel: str, ts: str) -> dict[str, Any]:
        """A copy of a message as it is now (what Slack puts in the payload)."""
        with self.emulator.lock:
            found = next(
                (m for m in self.emulator.channels[channel].messages if m["ts"] == ts), None
            )
            if found is None:
                raise LookupError(f"no message {ts} in {channel}")
            return dict(json.loads(json.dumps(found)))

    def issue_trigger(self, user: str) -> str:
        """A trigger_id as an interaction of `user` gives the app (three seconds, one use)."""
        trigger = f"{next(self._ids)}.{int(self.clock())}.trigger"
        self.triggers[trigger] = (self.clock(), user)
        return trigger

    def _base(self, kind: str, user: str) -> dict[str, Any]:
        trigger = self.issue_trigger(user)
        name = (self.emulator.users.get(user) or {}).get("name", user)
        return {
            "type": kind,
            "user": {"id": user, "username": name, "name": name, "team_id": "T0000001"},
            "api_app_id": "A0000001",
            "token": "legacy-verification-token",
            "team": {"id": "T0000001", "domain": "cx-emulator"},
            "trigger_id": trigger,
            "response_url": f"{self.emulator.base_url}/response/{next(self._ids)}",
            "is_enterprise_install": False,
        }

    def take_trigger(self, trigger_id: str) -> str | None:
        """The user whose interaction issued the trigger_id: it opens one modal, within
        three seconds; None for an unknown, used or expired one."""
        issued = self.triggers.pop(trigger_id, None)
        if issued is None or self.clock() - issued[0] > TRIGGER_TTL:
            return None
        return issued[1]


INITIAL_FIELDS = {  # an element's initial value → how its state carries it
    "initial_value": "value",
    "initial_date": "selected_date",
    "initial_option": "selected_option",
    "initial_options": "selected_options",
    "initial_user": "selected_user",
    "initial_users": "selected_users",
    "initial_conversation": "selected_conversation",
    "initial_channel": "selected_channel",
}


def _initial_values(view: dict[str, Any]) -> dict[str, Any]:
    """A view's state before anyone touched it: each input's initial value."""
    values: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") == "input":
            element = block.get("element") or {}
            initial = _initial_state(element)
            if initial is not None:
                values[block["block_id"]] = {element.get("action_id", ""): initial}
    return values


def _initial_state(element: dict[str, Any]) -> dict[str, Any] | None:
    """What Slack puts in a view's state for an input the person left as it was."""
    for initial, selected in INITIAL_FIELDS.items():
        if initial in element:
            return {"type": element.get("type"), selected: element[initial]}
    return None


def _element(blocks: list[dict[str, Any]], block_id: str, action_id: str) -> dict[str, Any]:
    for block in blocks:
        if block.get("block_id") != block_id:
            continue
        for element in block.get("elements") or [block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                return dict(element)
    raise LookupError(f"no element {action_id} in block {block_id}: nothing to press")


def _action(element: dict[str, Any], block_id: str) -> dict[str, Any]:
    return {
        "action_id": element["action_id"],
        "block_id": block_id,
        "text": element.get("text"),
        "value": element.get("value", ""),
        "type": element.get("type", "button"),
        "action_ts": f"{time.time():.6f}",
        **({"style": element["style"]} if "style" in element else {}),
    }


def _post(url: str, body: bytes, headers: dict[str, str], *, drop: bool) -> tuple[int | None, str]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        connection.request("POST", parts.path or "/", body=body, headers=headers)
        if drop:  # Slack gave up waiting: hang up before the answer
            assert connection.sock is not None
            connection.sock.shutdown(socket.SHUT_RDWR)
            return None, ""
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()
