"""Reminders to Slack through slack-sdk's WebClient: DMs by email, channels, exactly once."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from cxbot.domain.reminders import Recipient
from cxbot.ports.errors import RemoteError
from cxbot.ports.messages import (
    Attachment,
    DeliveryFailed,
    DeliveryUnknown,
    Destination,
    HistoryUnreadable,
    Message,
    attachment_name,
)
from cxbot.ports.slack import SlackDirectoryCache, SlackUser

log = logging.getLogger(__name__)

EVENT_TYPE = "cxbot_reminder"
REQUIRED_SCOPES = {
    "chat:write": "post reminders (chat.postMessage)",
    "im:write": "open a DM with an owner (conversations.open)",
    "users:read": "look owners up (users.lookupByEmail)",
    "users:read.email": "look owners up by email (users.lookupByEmail)",
    "channels:read": "check the bot is in the configured public channels (conversations.info)",
    "groups:read": "check the bot is in the configured private channels (conversations.info)",
    "channels:history": "find a reminder already posted when an answer was lost",
    "groups:history": "the same in private channels",
    "im:history": "the same in DMs; read a thread made into a decision (conversations.replies)",
    "commands": "the 'record as decision' message shortcut and the /cxbot-decision command",
    "files:write": "post the weekly report's chart (files.getUploadURLExternal)",
    "pins:write": "pin a launch's announcement in its channel (pins.add)",
    "channels:manage": "create a launch's channel and invite its owners (conversations.create)",
    "usergroups:read": "know who the planners are when CXBOT_PLANNERS names a user group "
    "(usergroups.users.list)",
}
FATAL = {
    "invalid_auth",
    "not_authed",
    "token_revoked",
    "token_expired",
    "account_inactive",
    "missing_scope",
    "not_allowed_token_type",
}


def _check_fatal(error: SlackApiError, method: str) -> None:
    """Errors no retry or fallback can fix stop the run with what to do."""
    code = str(error.response.get("error"))
    if code in FATAL:
        hint = (
            "reinstall the app from slack-app-manifest.yaml and set SLACK_BOT_TOKEN"
            if code != "missing_scope"
            else f"the app lacks the scope {error.response.get('needed')}: add it to the manifest "
            "and reinstall"
        )
        raise RemoteError(f"Slack refused {method}: {code} — {hint}") from error


NOT_FOUND_TTL = timedelta(days=1)
HISTORY_PAGES = 5


def web_clients(token: str, base_url: str, *, timeout: int = 15) -> tuple[WebClient, WebClient]:
    """(reader, poster). Both retry 429s after Retry-After; only the reader retries
    connection errors, because re-sending a post whose answer was lost could post twice."""
    reader = WebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=5),
            ConnectionErrorRetryHandler(max_retry_count=2),
        ],
    )
    poster = WebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=5)],
    )
    return reader, poster


class ChannelPacer:
    """At most one post per second per channel (Slack's chat.postMessage limit)."""

    def __init__(
        self,
        interval: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, channel: str) -> None:
        with self._lock:
            now = self.clock()
            start = max(now, self._last.get(channel, -1e9) + self.interval)
            self._last[channel] = start
        if start > now:
            self.sleep(start - now)


class SlackNotifier:
    name = "slack"

    def __init__(
        self,
        reader: WebClient,
        poster: WebClient,
        cache: SlackDirectoryCache,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        pacer: ChannelPacer | None = None,
    ) -> None:
        self.reader, self.poster, self.cache, self.clock = reader, poster, cache, clock
        self.pacer = pacer or ChannelPacer()
        self.requests = 0

    # where ---------------------------------------------------------------------
    def resolve(self, recipient: Recipient) -> Destination | None:
        if not recipient.is_person:
            if not recipient.channel:
                return None
            return Destination(
                channel=recipient.channel, label=f"#{recipient.name} ({recipient.channel})"
            )
        user_id = recipient.slack_id or self._user_id(recipient.email or "")
        if user_id is None:
            return None
        channel = self._dm(recipient.email or "", user_id)
        return Destination(channel=channel, label=f"DM {user_id}")

    def _user_id(self, email: str) -> str | None:
        cached = self.cache.cached_user(email)
        if cached is not None and (
            cached.user_id or self.clock() - cached.checked_at < NOT_FOUND_TTL
        ):
            return cached.user_id
        try:
            self.requests += 1
            user = self.reader.users_lookupByEmail(email=email)["user"]
            user_id: str | None = str(user["id"])
        except SlackApiError as error:
            _check_fatal(error, "users.lookupByEmail")
            if error.response.get("error") != "users_not_found":
                raise DeliveryFailed(
                    f"users.lookupByEmail: {error.response.get('error')}"
                ) from error
            user_id = None
        self.cache.cache_user(
            SlackUser(email=email, user_id=user_id, dm_channel=None, checked_at=self.clock())
        )
        return user_id

    def _dm(self, email: str, user_id: str) -> str:
        cached = self.cache.cached_user(email) if email else None
        if cached is not None and cached.user_id == user_id and cached.dm_channel:
            return cached.dm_channel
        try:
            self.requests += 1
            channel = str(self.reader.conversations_open(users=user_id)["channel"]["id"])
        except SlackApiError as error:
            _check_fatal(error, "conversations.open")
            raise DeliveryFailed(f"conversations.open: {error.response.get('error')}") from error
        if email:
            self.cache.cache_user(
                SlackUser(email=email, user_id=user_id, dm_channel=channel, checked_at=self.clock())
            )
        return channel

    # posting -------------------------------------------------------------------
    def post(self, destination: Destination, message: Message) -> str:
        if message.attachment is not None:
            return self._post_file(destination, message, message.attachment)
        self.pacer.wait(destination.channel)
        try:
            self.requests += 1
            response = self.poster.chat_postMessage(
                channel=destination.channel,
                text=message.text,
                blocks=message.blocks,
                metadata={"event_type": EVENT_TYPE, "event_payload": {"message_key": message.key}},
                unfurl_links=False,
            )
        except SlackApiError as error:
            _check_fatal(error, "chat.postMessage")
            code = error.response.get("error")
            if error.response.status_code >= 500:
                raise DeliveryUnknown(
                    f"chat.postMessage: HTTP {error.response.status_code}"
                ) from error
            raise DeliveryFailed(f"chat.postMessage to {destination.label}: {code}") from error
        except (SlackClientError, OSError) as error:  # timeouts, dropped connections
            raise DeliveryUnknown(f"chat.postMessage: {type(error).__name__}: {error}") from error
        return str(response["ts"])

    def _post_file(self, destination: Destination, message: Message, file: Attachment) -> str:
        """Slack's external upload: an upload URL, the bytes, then completing it into the
        channel with the message text. Until the last step nothing is visible, so only its
        lost answer leaves the outcome unknown; the file's name finds it again."""
        try:
            self.requests += 1
            ticket = self.poster.files_getUploadURLExternal(
                filename=file.filename, length=len(file.content), alt_txt=file.alt_text or None
            )
            upload = httpx.post(
                str(ticket["upload_url"]),
                content=file.content,
                headers={"Content-Type": "application/octet-stream"},
                timeout=60,
            )
        except SlackApiError as error:
            _check_fatal(error, "files.getUploadURLExternal")
            raise DeliveryFailed(
                f"files.getUploadURLExternal: {error.response.get('error')}"
            ) from error
        except (SlackClientError, httpx.HTTPError, OSError) as error:
            raise DeliveryFailed(f"uploading {file.filename}: {error}") from error
        if upload.status_code != 200:
            raise DeliveryFailed(
                f"uploading {file.filename}: HTTP {upload.status_code} {upload.text[:200]}"
            )
        self.pacer.wait(destination.channel)
        try:
            self.requests += 1
            done = self.poster.files_completeUploadExternal(
                files=[{"id": ticket["file_id"], "title": file.title}],
                channel_id=destination.channel,
                initial_comment=message.text,
            )
        except SlackApiError as error:
            _check_fatal(error, "files.completeUploadExternal")
            if error.response.status_code >= 500:
                raise DeliveryUnknown(
                    f"files.completeUploadExternal: HTTP {error.response.status_code}"
                ) from error
            raise DeliveryFailed(
                f"files.completeUploadExternal to {destination.label}: "
                f"{error.response.get('error')}"
            ) from error
        except (SlackClientError, OSError) as error:
            raise DeliveryUnknown(
                f"files.completeUploadExternal: {type(error).__name__}: {error}"
            ) from error
        shared = (done.get("files") or [{}])[0]
        return f"file:{shared.get('id', ticket['file_id'])}"

    def find(self, channel: str, message_key: str, since: datetime) -> str | None:
        """Looks for our message by its metadata in the channel's recent history, or by the
        name its attachment was posted under (a file share carries no metadata)."""
        stem = attachment_name(message_key, "").rstrip(".")
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            kwargs: dict[str, Any] = {
                "channel": channel,
                "include_all_metadata": True,
                "limit": 100,
                "oldest": f"{since.timestamp():.6f}",
            }
            if cursor:
                kwargs["cursor"] = cursor
            try:
                self.requests += 1
                page = self.reader.conversations_history(**kwargs)
            except (SlackApiError, SlackClientError, OSError) as error:
                if isinstance(error, SlackApiError):
                    _check_fatal(error, "conversations.history")
                raise HistoryUnreadable(
                    f"conversations.history in {channel}: {type(error).__name__}: {error}"
                ) from error
            messages: list[dict[str, Any]] = page.get("messages") or []
            for message in messages:
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if (
                    metadata.get("event_type") == EVENT_TYPE
                    and payload.get("message_key") == message_key
                ):
                    return str(message["ts"])
                for shared in message.get("files") or []:
                    if str(shared.get("name", "")).rsplit(".", 1)[0] == stem:
                        return f"file:{shared.get('id')}"
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        return None
