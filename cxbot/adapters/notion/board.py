"""The checklist board on a Notion data source, through the official SDK."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx
from notion_client import Client
from notion_client.errors import HTTPResponseError, RequestTimeoutError

from cxbot.adapters.notion import schema as S
from cxbot.adapters.notion.pacing import Pacer
from cxbot.domain.checklist import ChecklistItem, Launch
from cxbot.service.errors import RemoteError
from cxbot.service.ports import Progress, PublishResult, PullResult, RemoteItemState

log = logging.getLogger(__name__)

DATA_SOURCE_CURSOR = "notion.checklist.data_source_id"
_TRANSIENT_STATUS = {409, 500, 502, 503, 504, 529}


class Cursors(Protocol):
    def get_cursor(self, name: str) -> str | None: ...

    def set_cursor(self, name: str, value: str) -> None: ...


class LostWrite(Exception):
    """A write whose outcome is unknown (timeout, dropped connection, 5xx)."""


class NotionChecklistBoard:
    name = "notion"

    def __init__(
        self,
        client: Client,
        *,
        pacer: Pacer,
        parent_page_id: str | None,
        cursors: Cursors,
        data_source_id: str | None = None,
        attempts: int = 5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client, self.pacer, self.cursors = client, pacer, cursors
        self.parent_page_id = parent_page_id
        self.configured_source = data_source_id
        self.attempts, self.sleep = attempts, sleep
        self._source_id: str | None = None
        self._users: dict[str, dict[str, Any]] | None = None

    # the data source -----------------------------------------------------------
    def data_source_id(self) -> str:
        """The checklist data source: configured, remembered, found, or created once."""
        if self._source_id is not None:
            return self._source_id
        candidate = self.configured_source or self.cursors.get_cursor(DATA_SOURCE_CURSOR)
        if candidate:
            source = self._call(
                lambda: self.client.data_sources.retrieve(candidate),
                "read the checklist data source",
            )
            self._ensure_schema(source)
            self._source_id = str(source["id"])
        else:
            self._source_id = self._create_data_source()
        self.cursors.set_cursor(DATA_SOURCE_CURSOR, self._source_id)
        return self._source_id

    def _create_data_source(self) -> str:
        if not self.parent_page_id:
            raise RemoteError(
                "NOTION_PARENT_PAGE_ID is not set: cxbot needs a page shared with the "
                "integration to create its checklist database under (see README, "
                "'Connecting to Notion')"
            )
        database = self._call(
            lambda: self.client.databases.create(
                parent={"type": "page_id", "page_id": self.parent_page_id},
                title=S.rich(S.DATA_SOURCE_TITLE),
                initial_data_source={"properties": S.schema_properties()},
            ),
            "create the checklist database",
        )
        source_id = str(database["data_sources"][0]["id"])
        log.info("created the checklist database %s (data source %s)", database["id"], source_id)
        return source_id

    def _ensure_schema(self, source: dict[str, Any]) -> None:
        problems = S.schema_problems(source.get("properties", {}))
        wrong_type = [p for p in problems if "expected" in p]
        if wrong_type:
            raise RemoteError(
                f"the checklist data source {source['id']} has properties of the wrong type: "
                + "; ".join(wrong_type)
                + ". Rename or fix them in Notion, or point "
                "NOTION_CHECKLIST_DATA_SOURCE_ID elsewhere."
            )
        if problems:
            wanted = S.schema_properties()
            missing = {n: wanted[n] for n in S.EXPECTED_TYPES if n not in source["properties"]}
            self._call(
                lambda: self.client.data_sources.update(source["id"], properties=missing),
                "add missing properties to the checklist data source",
            )
            log.info("added %s to the checklist data source", ", ".join(missing))

    def check(self) -> list[str]:
        """What is wrong with the configured data source (for `cxbot doctor`)."""
        candidate = self.configured_source or self.cursors.get_cursor(DATA_SOURCE_CURSOR)
        if not candidate:
            return []
        source = self._call(
            lambda: self.client.data_sources.retrieve(candidate), "read the checklist data source"
        )
        return S.schema_problems(source.get("properties", {}))

    # users -----------------------------------------------------------------
    def users(self) -> dict[str, dict[str, Any]]:
        """All workspace users by id (the API has no lookup by email)."""
        if self._users is None:
            users: dict[str, dict[str, Any]] = {}
            cursor: str | None = None
            while True:
                kwargs: dict[str, Any] = {"page_size": 100}
                if cursor:
                    kwargs["start_cursor"] = cursor
                page = self._call(functools.partial(self.client.users.list, **kwargs), "list users")
                users.update((user["id"], user) for user in page["results"])
                cursor = page.get("next_cursor")
                if not page.get("has_more"):
                    break
            self._users = users
        return self._users

    def user_id_for(self, email: str | None) -> str | None:
        if not email:
            return None
        wanted = email.lower()
        for user in self.users().values():
            if (user.get("person") or {}).get("email", "").lower() == wanted:
                return str(user["id"])
        return None

    def describe_user(self, user_id: str) -> str:
        user = self.users().get(user_id)
        if user is None:
            return f"notion:{user_id}"
        email = (user.get("person") or {}).get("email")
        return (
            f"{user.get('name')} <{email}>" if email else f"{user.get('name')} ({user.get('type')})"
        )

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
        unresolved: set[str] = set()
        for done, item in enumerate(items, start=1):
            owner_id = self.user_id_for(item.owner_email)
            if item.owner_email and owner_id is None and item.owner_email not in unresolved:
                unresolved.add(item.owner_email)
                problems.append(
                    f"owner {item.owner_email} is not a member of the Notion workspace: "
                    f"written as text in {S.OWNER_TEXT!r}"
                )
            properties = S.page_properties(launch, item, owner_id)
            remote_id = item.remote_id or existing.get(item.key)
            try:
                if remote_id:
                    ids[item.key] = self._update(remote_id, properties, source_id, item)
                else:
                    ids[item.key] = self._create(source_id, properties, item)
            except RemoteError as error:
                if error.__cause__ is not None and _status(error.__cause__) == 401:
                    raise
                problems.append(f"item {item.key} ({item.title}): {error}")
            progress(done, len(items), item.title)
        return PublishResult(ids=ids, problems=problems, requests=self.pacer.requests - before)

    def _create(self, source_id: str, properties: dict[str, Any], item: ChecklistItem) -> str:
        def create() -> Any:
            return self.client.pages.create(
                parent={"type": "data_source_id", "data_source_id": source_id},
                properties=properties,
            )

        def find() -> Any:
            return self._find_by_key(source_id, item.key)

        page = self._call(create, f"create the page for {item.key}", recover=find)
        return str(page["id"])

    def _update(
        self, page_id: str, properties: dict[str, Any], source_id: str, item: ChecklistItem
    ) -> str:
        try:
            page = self._call(
                lambda: self.client.pages.update(page_id, properties=properties),
                f"update the page for {item.key}",
            )
        except RemoteError as error:
            if error.__cause__ is not None and _status(error.__cause__) == 404:
                log.warning("page %s of %s is gone; creating it again", page_id, item.key)
                return self._create(source_id, properties, item)
            raise
        return str(page["id"])

    def _find_by_key(self, source_id: str, key: str) -> dict[str, Any] | None:
        result = self._call(
            lambda: self.client.data_sources.query(
                source_id, filter={"property": S.KEY, "rich_text": {"equals": key}}, page_size=10
            ),
            f"look up the page of {key}",
        )
        pages = result.get("results", [])
        return pages[0] if pages else None

    def _pages_of_launch(self, source_id: str, launch: Launch) -> dict[str, str]:
        found: dict[str, str] = {}
        filt = {"property": S.LAUNCH, "select": {"equals": S.select_name(launch.name)}}
        for page in self._query_all(source_id, filt):
            key = S.item_key_of(page)
            if key.startswith(f"{launch.key}/"):
                found.setdefault(key, str(page["id"]))
        return found

    def _query_all(self, source_id: str, filt: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
        cursor: str | None = None
        while True:
            kwargs: dict[str, Any] = {"page_size": 100}
            if filt is not None:
                kwargs["filter"] = filt
            if cursor:
                kwargs["start_cursor"] = cursor
            result = self._call(
                functools.partial(self.client.data_sources.query, source_id, **kwargs),
                "query the checklist data source",
            )
            yield from result.get("results", [])
            cursor = result.get("next_cursor")
            if not result.get("has_more") or not cursor:
                return

    # reading back ------------------------------------------------------------
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
        newest = cursor
        for page in self._query_all(source_id, filt):
            edited = page["last_edited_time"]
            if newest is None or S.parse_time(edited) > S.parse_time(newest):
                newest = edited
            key = S.item_key_of(page)
            if not key:
                title = S.plain_text(page["properties"].get(S.TITLE))
                unknown.append(f"page {page['id']} ({title}) has no {S.KEY!r}")
                continue
            states.append(
                RemoteItemState(
                    key=key,
                    remote_id=str(page["id"]),
                    fields=S.read_fields(page),
                    edited_by=self.describe_user(page["last_edited_by"]["id"]),
                    edited_at=S.parse_time(edited),
                )
            )
        # Every edit before `settled_before` has been read: the next query may start at
        # its minute even if nothing was edited since, so quiet pages are not re-read.
        settled = S.format_time(settled_before.astimezone(UTC).replace(second=0, microsecond=0))
        if newest is None or S.parse_time(settled) > S.parse_time(newest):
            newest = settled
        return PullResult(
            items=states, cursor=newest, unknown=unknown, requests=self.pacer.requests - before
        )

    # calling the API -----------------------------------------------------------
    def _call(
        self,
        operation: Callable[[], Any],
        what: str,
        *,
        recover: Callable[[], Any] | None = None,
    ) -> Any:
        """Runs one API call; retries what is safe to retry; names what failed.

        The SDK already retries 429 (honouring Retry-After) and 5xx on reads. Writes
        that time out, lose their connection or get a 5xx/529 are retried here; a
        create is first looked up through `recover` so a page whose response was lost
        is never created twice. Validation errors are never retried.
        """
        for attempt in range(1, self.attempts + 1):
            try:
                return operation()
            except (RequestTimeoutError, httpx.TransportError) as error:
                failure: Exception = error
            except HTTPResponseError as error:
                if error.status not in _TRANSIENT_STATUS:
                    raise RemoteError(_explain(error, what)) from error
                failure = error
            log.warning(
                "could not %s (attempt %d): %s", what, attempt, failure or type(failure).__name__
            )
            if attempt == self.attempts:
                raise RemoteError(
                    f"could not {what} after {attempt} attempts: {failure}"
                ) from failure
            self.sleep(min(30.0, 0.5 * 2 ** (attempt - 1)))
            if recover is not None:
                found = recover()
                if found is not None:
                    log.info("the earlier attempt to %s had succeeded; using its result", what)
                    return found
        raise AssertionError("unreachable")


def _status(error: BaseException) -> int | None:
    return error.status if isinstance(error, HTTPResponseError) else None


def _explain(error: HTTPResponseError, what: str) -> str:
    hints = {
        401: "the Notion token is invalid or revoked: create a new internal integration "
        "secret and set NOTION_TOKEN",
        403: "the integration lacks a capability (it needs read, insert and update content, "
        "and read user information including email)",
        404: "not found, or not shared with the integration: open the page in Notion, "
        "'…' → Connections → add the integration",
    }
    hint = hints.get(error.status, "")
    code = getattr(error.code, "value", error.code)
    return f"could not {what}: Notion said {error.status} {code}: {error}" + (
        f" — {hint}" if hint else ""
    )
