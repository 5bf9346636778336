"""The checklist board on a Notion data source, through the official SDK."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from notion_client import Client

from cxbot.adapters.notion import schema as S
from cxbot.adapters.notion.api import NotionApi, status_of, transient
from cxbot.adapters.notion.pacing import Pacer
from cxbot.domain.checklist import ChecklistItem, Launch, launch_of
from cxbot.ports.checklists import HandAddedRow, PullResult, RemoteItemState
from cxbot.ports.common import Progress, PublishResult
from cxbot.ports.errors import RemoteError


class NotionChecklistBoard:
    name = "notion"

    def __init__(self, api: NotionApi, *, data_source_id: str | None = None) -> None:
        self.api = api
        self.configured_source = data_source_id

    @property
    def client(self) -> Client:
        return self.api.client

    @property
    def pacer(self) -> Pacer:
        return self.api.pacer

    def data_source_id(self) -> str:
        return self.api.data_source(S.CHECKLIST, self.configured_source)

    def ready(self) -> None:
        """The token works and the checklist data source is there (found, or created under
        the parent page): the one lookup `publish` needs anyway, made before recording."""
        try:
            self.data_source_id()
        except RemoteError as error:
            if transient(error.__cause__):
                return  # Notion is busy, not wrong: record, and the outbox writes later
            raise

    def check(self) -> list[str]:
        """What is wrong with the checklist data source (for `cxbot doctor`)."""
        return self.api.check(S.CHECKLIST, self.configured_source)[1]

    def users(self) -> dict[str, dict[str, Any]]:
        return self.api.users()

    # publishing ------------------------------------------------------------
    def publish(
        self,
        launch: Launch,
        items: Sequence[ChecklistItem],
        progress: Progress,
        *,
        maybe_exist: bool,
    ) -> PublishResult:
        before = self.pacer.requests
        source_id = self.data_source_id()
        existing = self._pages_of_launch(source_id, launch) if maybe_exist else {}
        ids: dict[str, str] = {}
        problems: list[str] = []
        later: list[str] = []
        uncertain_before = self.api.uncertain
        unresolved: set[str] = set()
        for done, item in enumerate(items, start=1):
            owner_id = self.api.user_id_for(item.owner_email)
            if item.owner_email and owner_id is None and item.owner_email not in unresolved:
                unresolved.add(item.owner_email)
                problems.append(
                    f"owner {item.owner_email} is not a member of the Notion workspace: "
                    f"written as text in {S.OWNER_TEXT!r}"
                )
            properties = S.page_properties(launch, item, owner_id)
            page_id = item.remote_id or existing.get(item.key)
            try:
                if page_id:
                    ids[item.key] = self.api.update_page(
                        S.CHECKLIST, source_id, item.key, page_id, properties
                    )
                else:
                    ids[item.key] = self.api.create_page(
                        S.CHECKLIST, source_id, item.key, properties
                    )
            except RemoteError as error:
                if status_of(error.__cause__) == 401:
                    raise
                if transient(error.__cause__):
                    later.append(item.key)
                    continue
                problems.append(f"item {item.key} ({item.title}): {error}")
            progress(done, len(items), item.title)
        if later:
            problems.append(
                f"{len(later)} item(s) not written: Notion is rate-limiting or unavailable"
            )
        return PublishResult(
            ids=ids,
            problems=problems,
            requests=self.pacer.requests - before,
            later=later,
            uncertain=self.api.uncertain - uncertain_before,
        )

    def trash(self, items: Sequence[ChecklistItem]) -> list[str]:
        problems: list[str] = []
        for item in items:
            if not item.remote_id:
                continue
            try:
                self.api.call(
                    functools.partial(self.client.pages.update, item.remote_id, in_trash=True),
                    f"move the page of {item.key} to the trash",
                )
            except RemoteError as error:
                if status_of(error.__cause__) != 404:  # gone already: nothing to move
                    problems.append(f"item {item.key}: its page stays ({error})")
        return problems

    def sweep(self, launch: Launch, keep: Mapping[str, str]) -> list[str]:
        source_id = self.data_source_id()
        filt = {"property": S.LAUNCH, "select": {"equals": S.select_name(launch.name)}}
        pages: dict[str, list[dict[str, Any]]] = {}
        for page in self.api.query_all(source_id, filt, "look for duplicate pages", [S.KEY]):
            key = S.item_key_of(page)
            if launch_of(key) == launch.key:
                pages.setdefault(key, []).append(page)
        moved: list[str] = []
        for key, found in pages.items():
            if len(found) < 2:
                continue
            wanted = keep.get(key, "").replace("-", "")
            found.sort(key=lambda p: (str(p["id"]).replace("-", "") != wanted, p["created_time"]))
            for extra in found[1:]:
                self.api.call(
                    functools.partial(self.client.pages.update, extra["id"], in_trash=True),
                    f"move the duplicate page of {key} to the trash",
                )
                moved.append(f"item {key}: a duplicate page {extra['id']} was moved to the trash")
        return moved

    def _pages_of_launch(self, source_id: str, launch: Launch) -> dict[str, str]:
        found: dict[str, str] = {}
        filt = {"property": S.LAUNCH, "select": {"equals": S.select_name(launch.name)}}
        what = "query the checklist data source"
        for page in self.api.query_all(source_id, filt, what, [S.KEY]):
            key = S.item_key_of(page)
            if launch_of(key) == launch.key:
                found.setdefault(key, str(page["id"]))
        return found

    # reading back ------------------------------------------------------------
    def _page(self, remote_id: str) -> dict[str, Any] | None:
        """A page as it is now; None when it is gone."""
        try:
            page: dict[str, Any] = self.api.call(
                lambda: self.client.pages.retrieve(remote_id), f"read the page {remote_id}"
            )
        except RemoteError as error:
            if status_of(error.__cause__) == 404:
                return None
            raise
        return page

    def read(
        self, remote_id: str, *, authors: Sequence[str] = (), include_trashed: bool = False
    ) -> RemoteItemState | None:
        page = self._page(remote_id)
        if page is None:
            return None
        key = S.item_key_of(page)
        trashed = bool(page.get("in_trash") or page.get("archived"))
        if not key or (trashed and not include_trashed):
            return None
        editors = list(authors) or [page["last_edited_by"]["id"]]
        return RemoteItemState(
            key=key,
            remote_id=str(page["id"]),
            fields=S.read_fields(page),
            edited_by=", ".join(self.api.describe_user(user) for user in editors),
            edited_at=S.parse_time(page["last_edited_time"]),
        )

    def pull(self, cursor: str | None, *, settled_before: datetime) -> PullResult:
        before = self.pacer.requests
        source_id = self.data_source_id()
        filt = None
        if cursor:
            # Edit times are rounded down to the minute: on_or_after the last one seen
            # re-reads that minute, and the caller drops what it already has.
            filt = {"timestamp": "last_edited_time", "last_edited_time": {"on_or_after": cursor}}
        states: list[RemoteItemState] = []
        unknown: list[str] = []
        unkeyed: list[str] = []
        newest = cursor
        what = "query the checklist data source"
        for page in self.api.query_all(source_id, filt, what, S.READ_BACK):
            edited = page["last_edited_time"]
            if newest is None or S.parse_time(edited) > S.parse_time(newest):
                newest = edited
            key = S.item_key_of(page)
            if not key:
                unkeyed.append(str(page["id"]))
                continue
            states.append(
                RemoteItemState(
                    key=key,
                    remote_id=str(page["id"]),
                    fields=S.read_fields(page),
                    edited_by=self.api.describe_user(page["last_edited_by"]["id"]),
                    edited_at=S.parse_time(edited),
                )
            )
        # Every edit before `settled_before` has been read: the next query may start at
        # its minute even if nothing was edited since, so quiet pages are not re-read.
        settled = S.format_time(settled_before.astimezone(UTC).replace(second=0, microsecond=0))
        if newest is None or S.parse_time(settled) > S.parse_time(newest):
            newest = settled
        return PullResult(
            items=states, cursor=newest, unknown=unknown, requests=self.pacer.requests - before,
            unkeyed=unkeyed,
        )  # fmt: skip

    def hand_added(self, remote_id: str) -> HandAddedRow | None:
        page = self._page(remote_id)
        if page is None or S.item_key_of(page) or page.get("in_trash") or page.get("archived"):
            return None
        props = page.get("properties", {})
        fields = S.read_fields(page)
        due = fields.get("due")
        return HandAddedRow(
            remote_id=str(page["id"]),
            title=fields.get("title", "").strip(),
            launch_name=S.select_name_of(props.get(S.LAUNCH)),
            department_name=S.select_name_of(props.get(S.DEPARTMENT)),
            due=date.fromisoformat(due) if due else None,
            status=fields.get("status", ""),
            scenario=fields.get("scenario", "").strip(),
            added_by=self.api.describe_user(page["created_by"]["id"]),
            added_at=S.parse_time(page["created_time"]),
        )
