"""Slack's Web API over HTTP: auth, limits per method tier and per channel, Block Kit checks."""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from cxbot.emulators.http import EmulatorServer, Fault, Request, Response, TokenBucket
from cxbot.emulators.slack.files import FileError, FileUploads
from cxbot.emulators.slack.interactivity import Interactivity
from cxbot.emulators.slack.socket_mode import SocketModeServer

# Requests per minute of Slack's documented tiers; "special" is chat.postMessage's
# one message per second per channel.
TIERS = {1: 1, 2: 20, 3: 50, 4: 100}
METHOD_TIERS = {
    "auth.test": 4,
    "chat.postMessage": 4,  # plus the per-channel limit below
    "chat.update": 3,
    "chat.getPermalink": 4,
    "conversations.open": 3,
    "conversations.history": 3,
    "conversations.info": 3,
    "conversations.replies": 3,
    "users.lookupByEmail": 3,
    "users.info": 4,
    "chat.postEphemeral": 4,
    "views.open": 4,
    "views.publish": 4,
    "views.update": 4,
    "views.push": 4,
    "pins.add": 2,
    "conversations.create": 2,
    "conversations.invite": 3,
    "files.getUploadURLExternal": 4,
    "files.completeUploadExternal": 4,
    "apps.connections.open": 1,
    "usergroups.list": 2,
    "usergroups.users.list": 2,
}
METHOD_SCOPES = {  # checked as Slack does: missing_scope, with needed and provided
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "pins.add": "pins:write",
    "conversations.create": "channels:manage",
    "conversations.invite": "channels:manage",
    "usergroups.list": "usergroups:read",
    "usergroups.users.list": "usergroups:read",
}
TEAM_ID, APP_ID, BOT_ID = "T0000001", "A0000001", "B0000001"
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_MESSAGE_TEXT = 40000
MAX_VIEW_BLOCKS = 100
MAX_VIEW_TITLE = 24
MAX_ACTION_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ID = 255
MAX_PRIVATE_METADATA = 3000
MAX_VIEW_STACK = 3  # a modal and two views pushed onto it
BOT_SCOPES = (  # what an install from slack-app-manifest.yaml grants
    "chat:write,im:write,users:read,users:read.email,channels:read,groups:read,"
    "channels:history,groups:history,im:history,commands,files:write,pins:write,channels:manage,"
    "usergroups:read"
)


@dataclass
class Channel:
    id: str
    name: str
    is_im: bool = False
    members: set[str] = field(default_factory=set)
    messages: list[dict[str, Any]] = field(default_factory=list)
    pins: list[str] = field(default_factory=list)  # pinned messages' ts


class SlackError(Exception):
    def __init__(
        self, error: str, status: int = 200, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(error)
        self.error, self.status, self.headers = error, status, headers or {}


class SlackEmulator(EmulatorServer):
    """`SlackEmulator(tokens={"xoxb-test"}).start()`; point WebClient(base_url=...) at `api_url`."""

    def __init__(
        self,
        *,
        tokens: set[str] | None = None,
        scopes: str = BOT_SCOPES,
        rate_limit: bool = True,
        channel_rate: float = 1.0,
        channel_burst: float = 3.0,
        clock: Callable[[], float] = time.time,
        app_tokens: set[str] | None = None,
    ) -> None:
        super().__init__()
        self.tokens = tokens if tokens is not None else {"xoxb-emulator"}
        self.app_tokens = app_tokens if app_tokens is not None else {"xapp-emulator"}
        self._socket_mode: SocketModeServer | None = None
        self.scopes = scopes
        self.rate_limit = rate_limit
        self.clock = clock
        self.lock = threading.RLock()
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, Channel] = {}
        self.bot_user = "UBOT0001"
        self._ids = itertools.count(1)
        self._ts = itertools.count(1)
        self._tiers = {tier: TokenBucket(per / 60.0, float(per)) for tier, per in TIERS.items()}
        self._method_buckets: dict[str, TokenBucket] = {}
        self._channel_buckets: dict[str, TokenBucket] = {}
        self.channel_rate, self.channel_burst = channel_rate, channel_burst
        self.rate_limited = 0
        self.responses: list[dict[str, Any]] = []
        self.ephemerals: list[dict[str, Any]] = []
        self.homes: dict[str, dict[str, Any]] = {}  # user → the published Home view
        self.views: dict[str, dict[str, Any]] = {}  # view id → {"user", "view"} (modals)
        self.user_groups: dict[str, dict[str, Any]] = {}  # id → usergroup object (+ users)
        self.uploads = FileUploads(lambda: next(self._ids))
        self.app = Interactivity(self, clock)
        """Slack calling the app: set `app.request_url` and `app.signing_secret`."""

    # seeding ---------------------------------------------------------------
    def add_user(self, name: str, email: str) -> str:
        user_id = f"U{next(self._ids):07d}"
        self.users[user_id] = {
            "id": user_id,
            "name": name,
            "real_name": name,
            "deleted": False,
            "is_bot": False,
            "profile": {"email": email, "real_name": name, "display_name": name},
        }
        return user_id

    def add_channel(self, name: str, *, bot_member: bool = True) -> str:
        channel_id = f"C{next(self._ids):07d}"
        members = {self.bot_user} if bot_member else set()
        self.channels[channel_id] = Channel(id=channel_id, name=name, members=members)
        return channel_id

    def add_user_group(self, handle: str, users: list[str], *, disabled: bool = False) -> str:
        """A user group (`@handle`); `disabled` as an admin disables one (date_delete set)."""
        group_id = f"S{next(self._ids):07d}"
        self.user_groups[group_id] = {
            "id": group_id,
            "team_id": TEAM_ID,
            "is_usergroup": True,
            "name": handle,
            "description": "",
            "handle": handle,
            "is_external": False,
            "date_create": 1446598059,
            "date_update": 1446598059,
            "date_delete": 1446670362 if disabled else 0,
            "auto_type": None,
            "created_by": "USLACKBOT",
            "prefs": {"channels": [], "groups": []},
            "users": list(users),
        }
        return group_id

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    def posted(self, channel: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [
                message
                for ch in self.channels.values()
                if channel is None or ch.id == channel
                for message in ch.messages
            ]

    # serving -----------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        if request.path.startswith("/response/"):  # a response_url Slack gave an app
            with self.lock:
                self.responses.append(request.body if isinstance(request.body, dict) else {})
            return Response(200, {"ok": True})
        if request.path.startswith("/upload/v1/"):  # an upload URL Slack gave the app
            with self.lock:
                status, text = self.uploads.receive(
                    request.path.removeprefix("/upload/v1/"),
                    request.raw,
                    request.headers.get("content-type", ""),
                )
            return Response(status, text)
        method = request.path.removeprefix("/api/")
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        try:
            args = _arguments(request)
            self._authenticate(request, args)
            if handler is None:
                raise SlackError("unknown_method", 404)
            needed = METHOD_SCOPES.get(method)
            if needed and needed not in self.scopes.split(","):
                return Response(
                    200,
                    {
                        "ok": False,
                        "error": "missing_scope",
                        "needed": needed,
                        "provided": self.scopes,
                    },
                )
            self._throttle(method)
            return Response(200, {"ok": True, **handler(args)}, self._scope_headers(method))
        except FileError as error:
            return Response(200, {"ok": False, "error": error.code})
        except SlackError as error:
            if error.error == "ratelimited":
                self.rate_limited += 1
            body = {"ok": False, "error": error.error}
            return Response(error.status, body, error.headers)

    def internal_error(self, request: Request) -> Response:
        return Response(500, {"ok": False, "error": "internal_error"})

    def fault_response(self, fault: Fault) -> Response:
        if fault.kind == "rate_limit":
            return Response(
                429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(fault.retry_after)}
            )
        return Response(fault.status, {"ok": False, "error": "internal_error"})

    def _scope_headers(self, method: str) -> dict[str, str]:
        return {"x-oauth-scopes": self.scopes} if method == "auth.test" else {}

    def _authenticate(self, request: Request, args: dict[str, Any]) -> None:
        """A bot token for the Web API; the app-level token (xapp-) for
        apps.connections.open only, as Slack separates them."""
        auth = request.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else args.get("token")
        if not token:
            raise SlackError("not_authed")
        app_level = request.path.endswith("/apps.connections.open")
        if app_level and token in self.tokens:
            raise SlackError("not_allowed_token_type")
        if token in self.app_tokens and not app_level:
            raise SlackError("not_allowed_token_type")
        if token not in (self.app_tokens if app_level else self.tokens):
            raise SlackError("invalid_auth")

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.socket_mode.new_url()}

    @property
    def socket_mode(self) -> SocketModeServer:
        """Socket Mode's WebSocket side, started on first use."""
        with self.lock:
            if self._socket_mode is None:
                self._socket_mode = SocketModeServer(APP_ID)
            return self._socket_mode

    def stop(self) -> None:
        if self._socket_mode is not None:
            self._socket_mode.stop()
        super().stop()

    def _throttle(self, method: str) -> None:
        if not self.rate_limit:
            return
        tier = METHOD_TIERS.get(method, 3)
        with self.lock:
            bucket = self._method_buckets.setdefault(
                method, TokenBucket(TIERS[tier] / 60.0, float(TIERS[tier]))
            )
        wait = bucket.take()
        if wait > 0:
            raise SlackError("ratelimited", 429, {"Retry-After": str(max(1, round(wait + 0.5)))})

    def _throttle_channel(self, channel_id: str) -> None:
        if not self.rate_limit:
            return
        with self.lock:
            bucket = self._channel_buckets.setdefault(
                channel_id, TokenBucket(self.channel_rate, self.channel_burst)
            )
        wait = bucket.take()
        if wait > 0:
            raise SlackError("ratelimited", 429, {"Retry-After": str(max(1, round(wait + 0.5)))})

    # methods -------------------------------------------------------------------
    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://cx-emulator.slack.com/",
            "team": "CX",
            "user": "cxbot",
            "team_id": "T0000001",
            "user_id": self.bot_user,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _users_lookupByEmail(self, args: dict[str, Any]) -> dict[str, Any]:
        email = str(args.get("email", "")).lower()
        for user in self.users.values():
            if user["profile"]["email"].lower() == email and not user["deleted"]:
                return {"user": user}
        raise SlackError("users_not_found")

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user")))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": user}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = [u for u in str(args.get("users", "")).split(",") if u]
        if not users or any(u not in self.users for u in users):
            raise SlackError("user_not_found")
        with self.lock:
            for ch in self.channels.values():
                if ch.is_im and ch.members == {self.bot_user, *users}:
                    return {"channel": {"id": ch.id}, "already_open": True}
            im = Channel(
                id=f"D{next(self._ids):07d}", name="", is_im=True, members={self.bot_user, *users}
            )
            self.channels[im.id] = im
        return {"channel": {"id": im.id}}

    def _usergroups_list(self, args: dict[str, Any]) -> dict[str, Any]:
        """Every user group, in no particular order; disabled ones only when asked; users
        and user_count only when asked (include_users, include_count)."""
        disabled, users = _flag(args, "include_disabled"), _flag(args, "include_users")
        count = _flag(args, "include_count")
        with self.lock:
            found = []
            for group in self.user_groups.values():
                if group["date_delete"] and not disabled:
                    continue
                shown = {k: v for k, v in group.items() if k != "users"}
                if users:
                    shown["users"] = list(group["users"])
                if count:
                    shown["user_count"] = len(group["users"])
                found.append(shown)
        return {"usergroups": found}

    def _usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        """The user ids of one user group; a disabled group is not found unless
        include_disabled is set, as Slack answers."""
        group_id = str(args.get("usergroup", ""))
        if not group_id:
            raise SlackError("invalid_arguments")
        with self.lock:
            group = self.user_groups.get(group_id)
            if group is None or (group["date_delete"] and not _flag(args, "include_disabled")):
                raise SlackError("no_such_subteam")
            return {"users": list(group["users"])}

    def _conversations_create(self, args: dict[str, Any]) -> dict[str, Any]:
        """A new public channel the bot is in; Slack's naming rules and `name_taken`."""
        name = str(args.get("name", ""))
        if not name:
            raise SlackError("invalid_name_required")
        if len(name) > 80:
            raise SlackError("invalid_name_maxlength")
        if name != name.lower() or any(c in name for c in " .,#@!?/\\'\"") or name.startswith("-"):
            raise SlackError("invalid_name_specials")
        with self.lock:
            if any(ch.name == name and not ch.is_im for ch in self.channels.values()):
                raise SlackError("name_taken")
        channel_id = self.add_channel(name)
        return {"channel": {"id": channel_id, "name": name, "is_channel": True, "is_member": True}}

    def _conversations_invite(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._member_channel(args.get("channel"))
        users = [u for u in str(args.get("users", "")).split(",") if u]
        if not users:
            raise SlackError("no_user")
        if len(users) > 1000:
            raise SlackError("too_many_users")
        if any(u not in self.users for u in users):
            raise SlackError("user_not_found")
        with self.lock:
            if all(u in channel.members for u in users):
                raise SlackError("already_in_channel")
            channel.members.update(users)
        return {"channel": {"id": channel.id, "name": channel.name}}

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._member_channel(self._channel_of(args.get("channel")))
        text, blocks = args.get("text"), _blocks(args.get("blocks"))
        if not text and not blocks:
            raise SlackError("no_text")
        if text and len(text) > MAX_MESSAGE_TEXT:
            raise SlackError("msg_too_long")
        _validate_blocks(blocks)
        self._name_blocks(blocks)
        metadata = args.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        if metadata is not None and (
            not isinstance(metadata, dict)
            or "event_type" not in metadata
            or not isinstance(metadata.get("event_payload"), dict)
        ):
            raise SlackError("invalid_metadata_format")
        thread_ts = str(args["thread_ts"]) if args.get("thread_ts") else None
        self._throttle_channel(channel.id)
        with self.lock:
            parent = None
            if thread_ts is not None:
                parent = next((m for m in channel.messages if m["ts"] == thread_ts), None)
                if parent is None:
                    raise SlackError("thread_not_found")
            ts = f"{int(self.clock())}.{next(self._ts):06d}"
            message = {
                "user": self.bot_user,
                "type": "message",
                "ts": ts,
                "bot_id": BOT_ID,
                "app_id": APP_ID,
                "text": text or "",
                "team": TEAM_ID,
                "bot_profile": self._bot_profile(),
                # Slack turns a text-only message into one rich_text block of its text.
                "blocks": blocks or _rich_text_of(text or ""),
            }
            if parent is not None:
                assert thread_ts is not None
                message["thread_ts"] = thread_ts
                message["parent_user_id"] = parent.get("user", "")
                if str(args.get("reply_broadcast", "")).lower() in ("1", "true"):
                    message["subtype"] = "thread_broadcast"
                parent["thread_ts"] = thread_ts
                parent["reply_count"] = int(parent.get("reply_count", 0)) + 1
                parent["latest_reply"] = ts
                parent["reply_users"] = sorted({*parent.get("reply_users", []), self.bot_user})
            if metadata is not None:
                message["metadata"] = metadata
            channel.messages.append(message)
        return {"channel": channel.id, "ts": ts, "message": message}

    def _bot_profile(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "app_id": APP_ID,
            "user_id": self.bot_user,
            "name": "cxbot",
            "icons": {f"image_{n}": f"https://a.slack-edge.com/bot_{n}.png" for n in (36, 48, 72)},
            "deleted": False,
            "updated": 1700000000,
            "team_id": TEAM_ID,
        }

    def _channel_of(self, value: Any) -> str:
        """A channel id, `#name` or name (public and private channels), or a user id (the
        app's DM with that person), as chat.postMessage takes them."""
        text = str(value or "")
        if text in self.channels:
            return text
        name = text.removeprefix("#")
        with self.lock:
            for channel in self.channels.values():
                if not channel.is_im and channel.name == name:
                    return channel.id
        if text in self.users:
            return str(self._conversations_open({"users": text})["channel"]["id"])
        raise SlackError("channel_not_found")

    # files -------------------------------------------------------------------
    def _files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            return self.uploads.get_upload_url(args, self.base_url)

    def _files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        comment = str(args.get("initial_comment") or "")
        if len(comment) > MAX_MESSAGE_TEXT:
            raise SlackError("msg_too_long")
        channel_id = args.get("channel_id") or (str(args.get("channels") or "").split(",")[0])
        channel = self._member_channel(channel_id) if channel_id else None
        thread = args.get("thread_ts")
        with self.lock:
            if thread and (channel is None or not any(m["ts"] == thread for m in channel.messages)):
                raise SlackError("invalid_thread_ts")
            files = self.uploads.complete(args)
            if channel is not None:
                ts = f"{int(self.clock())}.{next(self._ts):06d}"
                message: dict[str, Any] = {
                    "type": "message",
                    "user": self.bot_user,
                    "ts": ts,
                    "text": comment,
                    "files": [f.as_shared(self.bot_user, channel.id, ts) for f in files],
                    "upload": True,
                    "display_as_bot": False,
                }
                if thread:
                    message["thread_ts"] = thread
                channel.messages.append(message)
        return {"files": [{"id": f.id, "title": f.title} for f in files]}

    def file_content(self, file_id: str) -> bytes | None:
        """The bytes uploaded for a file (what a person would download)."""
        with self.lock:
            file = self.uploads.files.get(file_id)
            return file.content if file else None

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._member_channel(args.get("channel"))
        blocks = _blocks(args.get("blocks"))
        _validate_blocks(blocks)
        self._name_blocks(blocks)
        with self.lock:
            for message in channel.messages:
                if message["ts"] == args.get("ts"):
                    message["text"] = args.get("text", message["text"])
                    if blocks is not None:
                        message["blocks"] = blocks
                    message["edited"] = {"user": BOT_ID, "ts": f"{int(self.clock())}.000000"}
                    return {
                        "channel": channel.id,
                        "ts": message["ts"],
                        "text": message["text"],
                        "message": dict(message),
                    }
        raise SlackError("message_not_found")

    def _name_blocks(self, blocks: list[dict[str, Any]] | None) -> None:
        """Slack gives every block without a block_id one of its own."""
        for block in blocks or []:
            if "block_id" not in block:
                block["block_id"] = f"b{next(self._ids):05d}"

    def _chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._member_channel(args.get("channel"))
        user = str(args.get("user", ""))
        if user not in self.users:
            raise SlackError("user_not_found")
        if channel.is_im and user not in channel.members:
            raise SlackError("user_not_in_channel")
        text, blocks = args.get("text"), _blocks(args.get("blocks"))
        if not text and not blocks:
            raise SlackError("no_text")
        _validate_blocks(blocks)
        with self.lock:
            ts = f"{int(self.clock())}.{next(self._ts):06d}"
            self.ephemerals.append(
                {"channel": channel.id, "user": user, "text": text or "", "ts": ts}
            )
        return {"message_ts": ts}

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        trigger = str(args.get("trigger_id", ""))
        view = _view(args.get("view"))
        if view.get("type") != "modal":
            raise SlackError("invalid_arguments")
        _validate_view(view)
        if not trigger:
            raise SlackError("invalid_arguments")
        user = self.app.take_trigger(trigger)
        if user is None:
            raise SlackError("expired_trigger_id")
        with self.lock:
            view_id = self._stack_view(user, view, root=None)
        return {"view": self._shown_view(view_id)}

    def _views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        """A view on top of the person's open modal (at most three in a stack); closing or
        submitting it goes back to the one under it."""
        view = _view(args.get("view"))
        _validate_view(view)
        user = self.app.take_trigger(str(args.get("trigger_id", "")))
        if user is None:
            raise SlackError("expired_trigger_id")
        with self.lock:
            top = next(
                (vid for vid, v in reversed(list(self.views.items())) if v["user"] == user), None
            )
            if top is None:
                raise SlackError("not_found")
            view_id = self._stack_view(user, view, root=self.views[top]["root"])
        return {"view": self._shown_view(view_id)}

    def _stack_view(self, user: str, view: dict[str, Any], *, root: str | None) -> str:
        """A new open view (a modal, or pushed onto the stack `root`); its id."""
        stack = [vid for vid, v in self.views.items() if root is not None and v["root"] == root]
        if len(stack) >= MAX_VIEW_STACK:
            raise SlackError("push_limit_reached")
        view_id = f"V{next(self._ids):07d}"
        self.views[view_id] = {
            "user": user, "view": view, "hash": _view_hash(), "root": root or view_id,
            "previous": stack[-1] if stack else None,
        }  # fmt: skip
        return view_id

    def _shown_view(self, view_id: str) -> dict[str, Any]:
        opened = self.views[view_id]
        return {
            **opened["view"], "id": view_id, "hash": opened["hash"],
            "root_view_id": opened["root"], "previous_view_id": opened["previous"],
        }  # fmt: skip

    def answer_view(self, view_id: str, body: str) -> None:
        """What a view_submission's answer does to the open modal."""
        try:
            answer = json.loads(body) if body.strip() else {}
        except ValueError:
            answer = {}
        action = answer.get("response_action") if isinstance(answer, dict) else None
        with self.lock:
            opened = self.views.get(view_id)
        if opened is None:
            return
        if action == "errors":
            inputs = {b.get("block_id") for b in opened["view"].get("blocks", [])}
            errors = answer.get("errors") or {}
            unknown = [block for block in errors if block not in inputs]
            opened.setdefault("errors", []).append(errors)
            if unknown:  # Slack shows no such error: the app named a block the view lacks
                raise ValueError(f"errors for blocks not in the view: {unknown}")
            return
        if action in ("update", "push"):
            view = _view(answer.get("view"))
            _validate_view(view)
            with self.lock:
                if action == "update":
                    self.views[view_id] = {**opened, "view": view}
                else:  # past three views Slack shows nothing: the app's mistake, said here
                    try:
                        self._stack_view(opened["user"], view, root=opened["root"])
                    except SlackError as error:
                        raise ValueError(f"response_action push: {error.error}") from None
            return
        with self.lock:
            if action == "clear":  # every view of the stack closes
                for vid in [v for v, o in self.views.items() if o["root"] == opened["root"]]:
                    self.views.pop(vid)
            else:  # ack(): this view closes, the one under it shows again
                self.views.pop(view_id, None)

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        """Replaces an open modal; a `hash` from an older version of it is a conflict (the
        person changed it meanwhile), as on Slack."""
        view_id = str(args.get("view_id", ""))
        view = _view(args.get("view"))
        _validate_view(view)
        with self.lock:
            opened = self.views.get(view_id)
            if opened is None:
                raise SlackError("not_found")
            if args.get("hash") and args["hash"] != opened.get("hash"):
                raise SlackError("hash_conflict")
            self.views[view_id] = {**opened, "view": view, "hash": _view_hash()}
            return {"view": self._shown_view(view_id)}

    def _pins_add(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._member_channel(args.get("channel"))
        ts = str(args.get("timestamp", ""))
        if not ts:
            raise SlackError("no_item_specified")
        with self.lock:
            if not any(m["ts"] == ts for m in channel.messages):
                raise SlackError("message_not_found")
            if ts in channel.pins:
                raise SlackError("already_pinned")
            if len(channel.pins) >= 100:
                raise SlackError("too_many_pins")
            channel.pins.append(ts)
        return {}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user_id", ""))
        if user not in self.users:
            raise SlackError("user_not_found")
        view = _view(args.get("view"))
        if view.get("type") != "home":
            raise SlackError("invalid_arguments")
        _validate_view(view)
        with self.lock:
            view_id = self.homes.get(user, {}).get("id") or f"V{next(self._ids):07d}"
            self.homes[user] = {**view, "id": view_id}
        return {"view": self.homes[user]}

    def _chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel"))
        ts = str(args.get("message_ts", ""))
        if not any(m["ts"] == ts for m in channel.messages):
            raise SlackError("message_not_found")
        link = f"https://cx-emulator.slack.com/archives/{channel.id}/p{ts.replace('.', '')}"
        return {"channel": channel.id, "permalink": link}

    def _conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._member_channel(args.get("channel"))
        ts = str(args.get("ts", ""))
        with self.lock:
            thread = [m for m in channel.messages if m["ts"] == ts or m.get("thread_ts") == ts]
        if not thread:
            raise SlackError("thread_not_found")
        return {"messages": thread, "has_more": False, "response_metadata": {"next_cursor": ""}}

    def add_message(
        self, channel_id: str, user: str, text: str, thread_ts: str | None = None
    ) -> str:
        """A person posts in a channel (what a shortcut is later used on)."""
        with self.lock:
            ts = f"{int(self.clock())}.{next(self._ts):06d}"
            message = {"type": "message", "user": user, "ts": ts, "text": text}
            if thread_ts:
                message["thread_ts"] = thread_ts
            self.channels[channel_id].messages.append(message)
        return ts

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel"))
        return {
            "channel": {
                "id": channel.id,
                "name": channel.name,
                "is_im": channel.is_im,
                "is_member": self.bot_user in channel.members,
            }
        }

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._member_channel(args.get("channel"))
        limit = int(args.get("limit") or 100)
        if not 1 <= limit <= 999:
            raise SlackError("invalid_limit")
        oldest = float(args.get("oldest") or 0)
        latest = float(args["latest"]) if args.get("latest") else None
        inclusive = str(args.get("inclusive", "")).lower() in ("1", "true")
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")

        def within(ts: float) -> bool:
            if latest is not None and (ts > latest or (ts == latest and not inclusive)):
                return False
            return ts > oldest or (inclusive and ts == oldest)

        with self.lock:
            messages = [
                m
                for m in reversed(channel.messages)
                if within(float(m["ts"])) and not _hidden_reply(m)
            ]
        start = int(args["cursor"].removeprefix("next_ts:")) if args.get("cursor") else 0
        page = messages[start : start + limit]
        shown = []
        for message in page:
            copy = dict(message)
            if not with_metadata:
                copy.pop("metadata", None)
            shown.append(copy)
        more = start + limit < len(messages)
        return {
            "messages": shown,
            "has_more": more,
            "response_metadata": {"next_cursor": f"next_ts:{start + limit}" if more else ""},
        }

    def _channel(self, channel_id: Any) -> Channel:
        channel = self.channels.get(str(channel_id))
        if channel is None:
            raise SlackError("channel_not_found")
        return channel

    def _member_channel(self, channel_id: Any) -> Channel:
        channel = self._channel(channel_id)
        if self.bot_user not in channel.members:
            raise SlackError("not_in_channel")
        return channel


def _flag(args: dict[str, Any], name: str) -> bool:
    """A boolean argument as Slack reads one: true, 1 (form or JSON)."""
    return str(args.get(name, "")).lower() in ("true", "1")


def _hidden_reply(message: dict[str, Any]) -> bool:
    """A thread reply not also sent to the channel: history leaves it out, as Slack does."""
    thread = message.get("thread_ts")
    return bool(thread) and thread != message["ts"] and message.get("subtype") != "thread_broadcast"


def _rich_text_of(text: str) -> list[dict[str, Any]]:
    if not text:
        return []
    return [
        {
            "type": "rich_text",
            "block_id": hashlib.sha1(text.encode()).hexdigest()[:5],
            "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
            ],
        }
    ]


def _arguments(request: Request) -> dict[str, Any]:
    args: dict[str, Any] = {k: v[0] for k, v in request.query.items()}
    if isinstance(request.body, dict):
        args.update(request.body)
    elif request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        args.update({k: v[0] for k, v in parse_qs(request.raw.decode("utf-8")).items()})
    return args


def _blocks(value: Any) -> list[dict[str, Any]] | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise SlackError("invalid_blocks_format") from None
    if not isinstance(value, list):
        raise SlackError("invalid_blocks_format")
    return value


def _validate_blocks(
    blocks: list[dict[str, Any]] | None, *, limit: int = MAX_BLOCKS, allow: tuple[str, ...] = ()
) -> None:
    """Block Kit limits Slack enforces with invalid_blocks."""
    if not blocks:
        return
    if len(blocks) > limit:
        raise SlackError("invalid_blocks")
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    if len(block_ids) != len(set(block_ids)) or any(len(i) > MAX_ID for i in block_ids):
        raise SlackError("invalid_blocks")
    for block in blocks:
        kind = block.get("type")
        if kind == "section":
            text = (block.get("text") or {}).get("text", "")
            fields = block.get("fields") or []
            if not text and not fields:
                raise SlackError("invalid_blocks")
            if len(text) > MAX_SECTION_TEXT or len(fields) > 10:
                raise SlackError("invalid_blocks")
            if any(len(f.get("text", "")) > 2000 for f in fields):
                raise SlackError("invalid_blocks")
        elif kind == "header":
            text = block.get("text") or {}
            if (
                text.get("type") != "plain_text"
                or not 0 < len(text.get("text", "")) <= MAX_HEADER_TEXT
            ):
                raise SlackError("invalid_blocks")
        elif kind == "context":
            elements = block.get("elements") or []
            if not 0 < len(elements) <= 10:
                raise SlackError("invalid_blocks")
        elif kind == "actions":
            _validate_actions(block)
        elif kind == "input" and "input" in allow:
            _validate_input(block)
        elif kind not in ("divider", "image", "rich_text", *allow):
            raise SlackError("invalid_blocks")


INPUT_ELEMENTS = (
    "plain_text_input", "datepicker", "static_select", "multi_static_select",
    "conversations_select", "users_select", "multi_users_select", "channels_select",
    "number_input", "email_text_input",
)  # fmt: skip
MAX_OPTIONS, MAX_OPTION_TEXT, MAX_OPTION_VALUE, MAX_LABEL = 100, 75, 150, 2000


def _validate_input(block: dict[str, Any]) -> None:
    """An input block: its label, one element of a kind Slack knows, a select's options
    (100 at most, text ≤ 75, value ≤ 150) and initial options that are among them."""
    label = block.get("label") or {}
    if label.get("type") != "plain_text" or not 0 < len(label.get("text", "")) <= MAX_LABEL:
        raise SlackError("invalid_blocks")
    element = block.get("element") or {}
    if element.get("type") not in INPUT_ELEMENTS:
        raise SlackError("invalid_blocks")
    options = element.get("options")
    if options is None:
        if element.get("type") in ("static_select", "multi_static_select"):
            raise SlackError("invalid_blocks")  # no option_groups or external source here
        return
    if not 0 < len(options) <= MAX_OPTIONS:
        raise SlackError("invalid_blocks")
    values = []
    for option in options:
        text = (option.get("text") or {}).get("text", "")
        value = str(option.get("value", ""))
        if not 0 < len(text) <= MAX_OPTION_TEXT or not 0 < len(value) <= MAX_OPTION_VALUE:
            raise SlackError("invalid_blocks")
        if len((option.get("description") or {}).get("text", "")) > MAX_OPTION_TEXT:
            raise SlackError("invalid_blocks")
        values.append(value)
    if len(set(values)) != len(values):
        raise SlackError("invalid_blocks")
    initial = element.get("initial_options") or (
        [element["initial_option"]] if element.get("initial_option") else []
    )
    if any(o not in options for o in initial):
        raise SlackError("invalid_blocks")


def _validate_actions(block: dict[str, Any]) -> None:
    elements = block.get("elements") or []
    if not 0 < len(elements) <= MAX_ACTION_ELEMENTS:
        raise SlackError("invalid_blocks")
    action_ids = [e.get("action_id", "") for e in elements]
    if len(set(action_ids)) != len(action_ids):
        raise SlackError("invalid_blocks")
    for element in elements:
        if element.get("type") == "button":
            text = element.get("text") or {}
            if text.get("type") != "plain_text" or not 0 < len(text.get("text", "")) <= (
                MAX_BUTTON_TEXT
            ):
                raise SlackError("invalid_blocks")
            if len(element.get("value", "")) > MAX_BUTTON_VALUE:
                raise SlackError("invalid_blocks")
        if len(element.get("action_id", "")) > MAX_ID:
            raise SlackError("invalid_blocks")


def _view_hash() -> str:
    return f"{time.time():.6f}.{uuid.uuid4().hex[:8]}"


def _view(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise SlackError("invalid_arguments") from None
    if not isinstance(value, dict):
        raise SlackError("invalid_arguments")
    return value


def _validate_view(view: dict[str, Any]) -> None:
    """views.open / views.publish limits: 100 blocks, a modal's title, metadata size."""
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        raise SlackError("invalid_arguments")
    _validate_blocks(blocks, limit=MAX_VIEW_BLOCKS, allow=("input",))
    if len(view.get("private_metadata", "")) > MAX_PRIVATE_METADATA:
        raise SlackError("invalid_arguments")
    if view.get("type") == "modal":
        title = (view.get("title") or {}).get("text", "")
        if not 0 < len(title) <= MAX_VIEW_TITLE:
            raise SlackError("invalid_arguments")
        if any(b.get("type") == "input" for b in blocks) and not view.get("submit"):
            raise SlackError("invalid_arguments")
