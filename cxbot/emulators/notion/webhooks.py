"""Notion's integration webhooks, as Notion sends them: a one-time verification request,
then signed events (X-Notion-Signature: sha256=HMAC of the body keyed with the
verification token) for page and data-source changes; aggregated, delayed, sometimes
duplicated or out of order, retried on non-2xx (8 attempts), and droppable."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import random
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any
from urllib.parse import urlsplit

from cxbot.emulators.notion.workspace import Change, Workspace

MAX_ATTEMPTS = 8
API_VERSION = "2025-09-03"
AGGREGATED = {"page.properties_updated", "page.content_updated"}


@dataclass
class Pending:
    body: dict[str, Any]
    due: float
    attempt: int = 1


@dataclass
class Subscription:
    url: str
    token: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    verified: bool = False


class WebhookSender:
    """`emulator.webhooks`: subscribe a URL, confirm the token, then changes are sent.

    Knobs: `delay` (seconds before an event is sent), `aggregate` (seconds within which
    a page's property updates merge into one event), `duplicates` and `reorder`
    (probabilities), `retry_base` (seconds; attempt n waits retry_base × 2^(n-1)),
    `drop_next` (events to lose). `flush()` sends everything due now and waits.
    """

    def __init__(self, workspace: Workspace, *, seed: int = 7) -> None:
        self.workspace = workspace
        self.subscription: Subscription | None = None
        self.delay = 0.0
        self.aggregate = 0.0
        self.duplicates = 0.0
        self.reorder = 0.0
        self.retry_base = 0.05
        self.drop_next = 0
        self.rng = random.Random(seed)
        self.queue: list[Pending] = []
        self.delivered: list[tuple[dict[str, Any], int | None]] = []
        self.lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        workspace.listeners.append(self._changed)

    # the integration's settings page ------------------------------------------------
    def subscribe(self, url: str) -> int | None:
        """Adds the endpoint; Notion POSTs the verification token to it (unsigned)."""
        self.subscription = Subscription(url=url, token=f"secret_{secrets.token_hex(20)}")
        status, _ = _post(url, json.dumps({"verification_token": self.subscription.token}), {})
        return status

    def verify(self, token: str) -> bool:
        """The admin pastes the token back into Notion; events flow from now on."""
        if self.subscription is None or not hmac.compare_digest(token, self.subscription.token):
            return False
        self.subscription.verified = True
        self._start()
        return True

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(5)

    # changes become events -----------------------------------------------------------
    def _changed(self, change: Change) -> None:
        subscription = self.subscription
        if subscription is None or not subscription.verified:
            return
        body = self._event(subscription, change)
        now = time.monotonic()
        with self.lock:
            if change.kind in AGGREGATED and self.aggregate > 0:
                for pending in self.queue:
                    same = pending.body["entity"]["id"] == change.entity_id
                    if same and pending.body["type"] == change.kind and pending.attempt == 1:
                        _merge(pending.body, body)
                        self._wake.set()
                        return
            copies = 2 if self.rng.random() < self.duplicates else 1
            for _ in range(copies):
                self.queue.append(
                    Pending(body=dict(body), due=now + max(self.delay, self.aggregate))
                )
        self._wake.set()

    def _event(self, subscription: Subscription, change: Change) -> dict[str, Any]:
        parent: dict[str, Any] = {}
        if change.source_id:
            database_id = self.workspace.data_sources[change.source_id].database_id
            parent = {"id": database_id, "type": "database", "data_source_id": change.source_id}
        data: dict[str, Any] = {"parent": parent} if parent else {}
        if change.kind == "page.properties_updated":
            data["updated_properties"] = list(change.updated_properties)
        return {
            "id": str(uuid.uuid4()),
            "timestamp": change.at.astimezone(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "workspace_id": "00000000-0000-4000-8000-000000000001",
            "workspace_name": "CX",
            "subscription_id": subscription.id,
            "integration_id": "00000000-0000-4000-8000-000000000002",
            "authors": [{"id": change.author, "type": change.author_type}],
            "attempt_number": 1,
            "api_version": API_VERSION,
            "type": change.kind,
            "entity": {"id": change.entity_id, "type": change.entity_type},
            "data": data,
        }

    # delivery ----------------------------------------------------------------------
    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._deliver_due()
            with self.lock:
                next_due = min((p.due for p in self.queue), default=None)
            timeout = 0.5 if next_due is None else max(0.0, next_due - time.monotonic())
            self._wake.wait(timeout)
            self._wake.clear()

    def flush(self, timeout: float = 10.0) -> None:
        """Makes every queued event due now and waits until the queue is empty (retries
        that are still due later stay)."""
        with self.lock:
            for pending in self.queue:
                if pending.attempt == 1:
                    pending.due = 0.0
        deadline = time.monotonic() + timeout
        self._wake.set()
        while time.monotonic() < deadline:
            with self.lock:
                if not any(p.due <= time.monotonic() for p in self.queue) and not self._busy:
                    return
            time.sleep(0.02)

    _busy = False

    def _deliver_due(self) -> None:
        now = time.monotonic()
        with self.lock:
            due = [p for p in self.queue if p.due <= now]
            self.queue = [p for p in self.queue if p.due > now]
            if len(due) > 1 and self.reorder > 0 and self.rng.random() < self.reorder:
                self.rng.shuffle(due)
            self._busy = bool(due)
        subscription = self.subscription
        for pending in due:
            if subscription is None:
                break
            if self.drop_next > 0:
                self.drop_next -= 1
                continue
            pending.body["attempt_number"] = pending.attempt
            raw = json.dumps(pending.body, ensure_ascii=False)
            signature = hmac.new(subscription.token.encode(), raw.encode(), hashlib.sha256)
            status, _ = _post(
                subscription.url, raw, {"X-Notion-Signature": f"sha256={signature.hexdigest()}"}
            )
            self.delivered.append((dict(pending.body), status))
            if (status is None or not 200 <= status < 300) and pending.attempt < MAX_ATTEMPTS:
                pending.attempt += 1
                pending.due = time.monotonic() + self.retry_base * 2 ** (pending.attempt - 2)
                with self.lock:
                    self.queue.append(pending)
        with self.lock:
            self._busy = False


def _merge(into: dict[str, Any], newer: dict[str, Any]) -> None:
    """An aggregated event: the latest timestamp, every property, every author."""
    into["timestamp"] = max(into["timestamp"], newer["timestamp"])
    props = into["data"].setdefault("updated_properties", [])
    for prop in newer["data"].get("updated_properties", []):
        if prop not in props:
            props.append(prop)
    for author in newer["authors"]:
        if author not in into["authors"]:
            into["authors"].append(author)


def _post(url: str, body: str, headers: dict[str, str]) -> tuple[int | None, str]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=15)
    try:
        connection.request(
            "POST",
            parts.path or "/",
            body=body.encode(),
            headers={"Content-Type": "application/json", "User-Agent": "Notion", **headers},
        )
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    except OSError:
        return None, ""
    finally:
        connection.close()
