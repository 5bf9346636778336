"""Notion's integration webhooks: ticks in Notion seen within a minute, polling kept as
the safety net.

Notion's contract: one unsigned verification request carrying `verification_token`
(kept, shown once to the admin, who pastes it back into Notion); then every event is
signed with `X-Notion-Signature: sha256=<HMAC-SHA256 of the raw body, keyed with that
token>`. Events name what changed, not the new values; they may be aggregated, delivered
out of order, and retried up to 8 times. So: dedupe by event id, fetch the page and diff
it against the store, skip an event older than the newest one applied to its page, and
never undo a change cxbot made that Notion has not got yet.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from cxbot.domain.changes import ChangeSource, diff_fields
from cxbot.ports.checklists import ChecklistBoard, LaunchRepository, RecordedEvent, WebhookEvents
from cxbot.ports.common import Clock, Cursors, SecretKeeper
from cxbot.ports.messages import Message
from cxbot.service.alerts import CxAlerts
from cxbot.service.board_rows import BoardRows
from cxbot.service.group_commit import GroupCommit
from cxbot.service.item_ticks import ItemTicks

log = logging.getLogger(__name__)

TOKEN = "notion_webhook.verification_token"
"""Where earlier versions kept the token, in the store in clear: moved to the secret on
first use, and blanked."""
CAUGHT_BY_POLLING = "notion_webhook.caught_by_polling"
PAGE_EVENTS = {"page.created", "page.properties_updated", "page.undeleted", "page.moved"}
SCHEMA_EVENTS = {"data_source.schema_updated", "database.schema_updated"}
MAX_BODY = 1 << 20


@dataclass(frozen=True)
class WebhookAnswer:
    status: int
    body: dict[str, object]


@dataclass(frozen=True, kw_only=True)
class ProcessReport:
    handled: int
    failed: int
    handlings: int  # how many times a page (or schema) was handled: the Notion reads
    more: bool  # a full batch: more may be waiting


@dataclass(frozen=True, kw_only=True)
class WebhookStatus:
    last_received: datetime | None
    pending: int
    caught_by_polling: int
    verified: bool


@dataclass(frozen=True, kw_only=True)
class NotionWebhooks:
    store: LaunchRepository
    events: WebhookEvents
    cursors: Cursors
    board: ChecklistBoard
    token: SecretKeeper
    """The verification token, kept outside the store: with read access to the database
    alone nobody can sign a Notion event."""
    ticks: ItemTicks
    alerts: CxAlerts | None
    compose_schema_alert: Callable[[Sequence[str]], Message]
    clock: Clock
    announce: Callable[[str], None] = print
    """Shows the verification token to the admin, once (never logged)."""
    rows: BoardRows | None = None
    """Rows people add or trash by hand: adopted as items, or taken out of the launch."""
    recorded: threading.Event = field(default_factory=threading.Event)
    """Set when an event is recorded: wakes the background processor."""
    _recorder: GroupCommit[RecordedEvent, bool] = field(init=False)
    _stamp_lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _last_stamp: list[datetime] = field(
        default_factory=lambda: [datetime.min.replace(tzinfo=UTC)], init=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_recorder", GroupCommit(self._record))

    def _record(self, events: Sequence[RecordedEvent]) -> list[bool]:
        """One transaction for every request that arrived meanwhile; True per new event."""
        events = [replace(e, received_at=self._received_at()) for e in events]
        recorded = self.events.record_events(events, self.clock())
        seen: set[str] = set()
        fresh = []
        for event in events:  # the same id twice in one batch: the second is a duplicate
            fresh.append(event.event_id in recorded and event.event_id not in seen)
            seen.add(event.event_id)
        return fresh

    accept_new_token: bool = False
    """Replace a kept token when Notion verifies a new subscription (an admin's choice:
    otherwise anyone could post a token of their own and then sign events with it)."""

    def receive(self, body: bytes, headers: Mapping[str, str]) -> WebhookAnswer:
        """One POST from Notion; the HTTP answer (non-2xx makes Notion retry)."""
        if len(body) > MAX_BODY:
            return WebhookAnswer(413, {"error": "body too large"})
        try:
            payload = json.loads(body)
        except ValueError:
            return WebhookAnswer(400, {"error": "not JSON"})
        if not isinstance(payload, dict):
            return WebhookAnswer(400, {"error": "not an object"})
        if "verification_token" in payload and "type" not in payload:
            return self._verification(str(payload["verification_token"]))
        token = self._token()
        if not token:
            log.warning("a Notion event arrived before the subscription was verified; refused")
            return WebhookAnswer(401, {"error": "not verified yet"})
        lowered = {k.lower(): v for k, v in headers.items()}
        if not _signed(body, token, lowered.get("x-notion-signature", "")):
            log.warning("refused a Notion event with a missing or wrong X-Notion-Signature")
            return WebhookAnswer(401, {"error": "invalid signature"})
        try:
            event_id, kind, entity_id, event_at, authors = _event_fields(payload)
        except (KeyError, TypeError, ValueError) as error:
            return WebhookAnswer(400, {"error": f"not a Notion event: {error}"})
        # Recorded durably, answered at once: reading the page waits for Notion's rate
        # budget, and a burst of events must not keep Notion waiting past its timeout.
        event = RecordedEvent(
            event_id=event_id,
            kind=kind,
            entity_id=entity_id,
            event_at=event_at,
            authors=tuple(authors),
        )
        if not self._recorder.submit(event):
            return WebhookAnswer(200, {"outcome": "duplicate"})
        self.recorded.set()
        return WebhookAnswer(200, {"outcome": "recorded"})

    def _received_at(self) -> datetime:
        """Now, strictly after the last event recorded here: arrival order survives even
        when two events come in the same microsecond (or a test's clock stands still)."""
        with self._stamp_lock:
            now = max(self.clock(), self._last_stamp[0] + timedelta(microseconds=1))
            self._last_stamp[0] = now
            return now

    def process_pending(self, limit: int = 500) -> ProcessReport:
        """Handles recorded events in the background, oldest first: one page read for a run
        of edits to the same page, however many events it got. An event whose handling
        fails stays pending and is tried again (Notion was answered already)."""
        self.recorded.clear()
        pending = self.events.pending_events(limit)
        by_page: dict[str, list[RecordedEvent]] = {}
        for event in pending:
            by_page.setdefault(event.entity_id, []).append(event)
        handled = failed = reads = 0
        for entity_id, events in by_page.items():
            for run in _runs(events):
                newest = run[-1]
                authors = list(dict.fromkeys(a for e in run for a in e.authors))
                try:
                    outcome = self._handle(newest.kind, entity_id, newest.event_at, authors)
                except Exception:
                    log.exception(
                        "could not handle Notion event %s (%s); trying again shortly",
                        newest.event_id,
                        newest.kind,
                    )
                    failed += len(run)
                    break  # later events of this page wait for this one
                reads += 1
                for event in run:
                    told = outcome if event is newest else f"with {newest.event_id}: {outcome}"
                    self.events.settle_event(event.event_id, told)
                handled += len(run)
                log.info("Notion %s on %s: %s", newest.kind, entity_id, outcome)
        return ProcessReport(
            handled=handled, failed=failed, handlings=reads, more=len(pending) == limit
        )

    def _verification(self, token: str) -> WebhookAnswer:
        kept = self._token()
        if kept == token:
            # Notion resends the verification request until the token is pasted back:
            # the token was shown once already; it is not printed again.
            log.info("Notion resent its verification request; the token was shown already")
            return WebhookAnswer(200, {})
        if kept and kept != token and not self.accept_new_token:
            log.warning(
                "Notion sent a new verification token, but one is kept already; to subscribe "
                "anew, restart with --accept-notion-verification"
            )
            return WebhookAnswer(409, {"error": "already verified"})
        self.token.set(token)
        self.announce(
            "Notion webhook verification token (paste it in Notion → your integration → "
            f"Webhooks → Verify; it is not shown again):\n{token}"
        )
        log.info("Notion's webhook verification token was kept and shown on the console once")
        return WebhookAnswer(200, {})

    def _token(self) -> str | None:
        kept = self.token.get()
        if kept is None:
            legacy = self.cursors.get_cursor(TOKEN)
            if legacy:
                self.token.set(legacy)
                self.cursors.set_cursor(TOKEN, "")
                log.info("moved Notion's webhook verification token out of the store")
                kept = legacy
        return kept

    def _handle(self, kind: str, entity_id: str, event_at: datetime, authors: list[str]) -> str:
        if kind in SCHEMA_EVENTS:
            return self._schema_changed(event_at)
        if kind.startswith("database."):
            return "ignored (a database event; data source events carry what cxbot needs)"
        if kind in ("page.deleted",):
            return self._trashed(entity_id, event_at, authors, trashed=True)
        if kind not in PAGE_EVENTS:
            return "ignored"
        mark = self.events.page_mark(entity_id)
        if mark is not None and event_at < mark:
            return "older than the newest event applied to this page"
        if kind == "page.undeleted":
            self._trashed(entity_id, event_at, authors, trashed=False)
        state = self.board.read(entity_id, authors=authors)
        if state is None:
            row = self.board.hand_added(entity_id) if self.rows is not None else None
            if row is not None and self.rows is not None:
                return self.rows.adopt(row)  # a row someone added by hand
            return "not a cxbot checklist item"
        item = self.store.get_item(state.key)
        if item is None:
            return f"item {state.key} is unknown here"
        if item.board_behind_since is not None:
            return "cxbot has a newer change for this item on its way to Notion"
        taken = self.ticks.take_from_board(item, state, at=event_at)
        if taken is None:
            # Changed in cxbot between the read and now: cxbot's change wins, and it is on
            # its way to Notion; the next poll reads the page again.
            return "cxbot changed this item meanwhile; its change is on its way to Notion"
        self.events.set_page_mark(entity_id, event_at)
        return f"{len(taken.changes)} change(s) recorded" if taken.changes else "no change"

    def _trashed(self, page_id: str, at: datetime, authors: list[str], *, trashed: bool) -> str:
        state = self.board.read(page_id, authors=authors, include_trashed=True)
        item = self.store.get_item(state.key) if state is not None else None
        if state is not None and item is None and not trashed and self.rows is not None:
            return self.rows.restored(state.key, page_id, state.edited_by)  # back from the trash
        if item is None or state is None:
            return "not a cxbot checklist item"
        changes = diff_fields(
            entity="checklist_item",
            entity_id=item.key,
            old={"notion_page": "present" if trashed else "in trash"},
            new={"notion_page": "in trash" if trashed else "present"},
            actor=state.edited_by,
            source=ChangeSource.NOTION,
            at=at,
        )
        self.store.apply(changes=changes)
        if trashed:
            log.warning(
                "the Notion page of %s was moved to the trash by %s", item.key, state.edited_by
            )
            if self.rows is not None:
                return self.rows.trashed(item.key, state.edited_by)
        return "page in trash" if trashed else "page restored"

    def _schema_changed(self, at: datetime) -> str:
        problems = self.board.check()
        if not problems:
            return "schema still as cxbot needs it"
        if self.alerts is not None:
            key = "notion-schema|" + hashlib.sha256("\n".join(problems).encode()).hexdigest()[:12]
            self.alerts.queue(key, self.compose_schema_alert(problems), at)
            self.alerts.deliver(self.clock())
        log.error("the Notion checklist's columns changed: %s", "; ".join(problems))
        return f"schema broken: {'; '.join(problems)}"

    def status(self) -> WebhookStatus:
        return WebhookStatus(
            last_received=self.events.last_received(),
            pending=len(self.events.pending_events(10_000)),
            caught_by_polling=int(self.cursors.get_cursor(CAUGHT_BY_POLLING) or 0),
            verified=bool(self._token()),
        )


TRASH_EVENTS = {"page.deleted", "page.undeleted"}


def _runs(events: list[RecordedEvent]) -> list[list[RecordedEvent]]:
    """A page's events in time order, consecutive edits folded into one run (one read of
    the page shows them all); a move to or from the trash is its own run (its own entry in
    the history)."""
    runs: list[list[RecordedEvent]] = []
    for event in sorted(events, key=lambda e: e.event_at):  # stable: arrival order on ties
        foldable = event.kind not in TRASH_EVENTS
        if runs and foldable and runs[-1][-1].kind not in TRASH_EVENTS:
            runs[-1].append(event)
        else:
            runs.append([event])
    return runs


def _event_fields(payload: dict[str, Any]) -> tuple[str, str, str, datetime, list[str]]:
    """(id, type, entity id, timestamp, author ids) of a signed event, its shape checked:
    a signed body can still be malformed, and must get a 400, never a crash."""
    event_id, kind, entity = payload["id"], payload["type"], payload["entity"]
    if not isinstance(event_id, str) or not isinstance(kind, str) or not isinstance(entity, dict):
        raise TypeError("id and type must be strings and entity an object")
    entity_id = entity["id"]
    if not isinstance(entity_id, str):
        raise TypeError("entity.id must be a string")
    event_at = datetime.fromisoformat(str(payload["timestamp"]).replace("Z", "+00:00"))
    if event_at.tzinfo is None:
        raise ValueError("timestamp has no time zone")
    authors = payload.get("authors") or []
    if not isinstance(authors, list) or not all(isinstance(a, dict) for a in authors):
        raise TypeError("authors must be a list of objects")
    return event_id, kind, entity_id, event_at, [str(a["id"]) for a in authors if a.get("id")]


def count_polling_catch(cursors: Cursors, token: SecretKeeper, changed_items: int) -> None:
    """Status sync found changes no webhook had brought (when webhooks are on)."""
    if changed_items and (token.get() or cursors.get_cursor(TOKEN)):
        total = int(cursors.get_cursor(CAUGHT_BY_POLLING) or 0) + changed_items
        cursors.set_cursor(CAUGHT_BY_POLLING, str(total))
        log.warning("status sync caught %d change(s) no webhook brought", changed_items)


def _signed(body: bytes, token: str, signature: str) -> bool:
    expected = "sha256=" + hmac.new(token.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature.encode(), expected.encode())
