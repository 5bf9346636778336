"""What every cxbot data source in Notion shares: retrying calls, finding or creating the
data source, the user list, and pages found by cxbot's stable key."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from notion_client import Client
from notion_client.errors import HTTPResponseError, RequestTimeoutError

from cxbot.adapters.notion.pacing import Pacer
from cxbot.ports.common import Cursors
from cxbot.ports.errors import RemoteError

log = logging.getLogger(__name__)

_TRANSIENT_STATUS = {409, 500, 502, 503, 504, 529}


@dataclass(frozen=True, kw_only=True)
class SourceSpec:
    """One of cxbot's data sources: its title, schema, and where its id is remembered."""

    label: str
    title: str
    cursor: str
    setting: str  # the environment variable that points at an existing one
    expected: dict[str, str]  # property name → type
    properties: Callable[[], dict[str, Any]]  # the schema to create
    key_property: str


class NotionApi:
    def __init__(
        self,
        client: Client,
        *,
        pacer: Pacer,
        parent_page_id: str | None,
        cursors: Cursors,
        attempts: int = 5,
        sleep: Callable[[float], None] = time.sleep,
        settle: float = 3.0,
    ) -> None:
        self.client, self.pacer, self.cursors = client, pacer, cursors
        self.parent_page_id = parent_page_id
        self.attempts, self.sleep, self.settle = attempts, sleep, settle
        self._sources: dict[str, str] = {}
        self._property_ids: dict[str, dict[str, str]] = {}
        self._users: dict[str, dict[str, Any]] | None = None
        self._unknown_users: set[str] = set()
        self.uncertain = 0
        """Creates whose answer was lost (timeouts, dropped connections), so far."""

    # data sources --------------------------------------------------------------
    def data_source(self, spec: SourceSpec, configured: str | None) -> str:
        """The data source: configured, remembered, or created once under the parent page."""
        if spec.cursor in self._sources:
            return self._sources[spec.cursor]
        candidate = configured or self.cursors.get_cursor(spec.cursor)
        if candidate:
            source = self.call(
                lambda: self.client.data_sources.retrieve(candidate),
                f"read the {spec.label} data source",
            )
            self._ensure_schema(spec, source)
            source_id = str(source["id"])
            self._remember_ids(source)
        else:
            source_id = self._create(spec)
        self.cursors.set_cursor(spec.cursor, source_id)
        self._sources[spec.cursor] = source_id
        return source_id

    def _create(self, spec: SourceSpec) -> str:
        if not self.parent_page_id:
            raise RemoteError(
                f"NOTION_PARENT_PAGE_ID is not set: cxbot needs a page shared with the "
                f"integration to create its {spec.label} database under (see README, "
                "'Connecting to Notion')"
            )
        found = self._find_source(spec)
        if found is not None:
            log.info("found the %s data source %s under the parent page", spec.label, found)
            return found

        def recover() -> dict[str, Any] | None:
            source = self._find_source(spec)
            return None if source is None else {"id": "", "data_sources": [{"id": source}]}

        database = self.call(
            lambda: self.client.databases.create(
                parent={"type": "page_id", "page_id": self.parent_page_id},
                title=rich(spec.title),
                initial_data_source={"properties": spec.properties()},
            ),
            f"create the {spec.label} database",
            recover=recover,  # a create whose answer was lost is found, not repeated
        )
        source_id = str(database["data_sources"][0]["id"])
        self.property_ids(source_id, ())  # the new properties' ids, for every list from now
        log.info(
            "created the %s database %s (data source %s)", spec.label, database["id"], source_id
        )
        return source_id

    def _find_source(self, spec: SourceSpec) -> str | None:
        """cxbot's data source of this kind under the parent page, by its title."""
        result = self.call(
            lambda: self.client.search(
                query=spec.title, filter={"property": "object", "value": "data_source"}
            ),
            f"look for the {spec.label} data source",
        )
        for source in result.get("results", []):
            title = "".join(t.get("plain_text", "") for t in source.get("title") or [])
            parent = (source.get("database_parent") or {}).get("page_id", "")
            same_parent = parent.replace("-", "") == str(self.parent_page_id).replace("-", "")
            if title == spec.title and same_parent and not source.get("in_trash"):
                return str(source["id"])
        return None

    def _ensure_schema(self, spec: SourceSpec, source: dict[str, Any]) -> None:
        problems = schema_problems(spec, source.get("properties", {}))
        wrong_type = [p for p in problems if "expected" in p]
        if wrong_type:
            raise RemoteError(
                f"the {spec.label} data source {source['id']} has properties of the wrong "
                f"type: {'; '.join(wrong_type)}. Rename or fix them in Notion, or point "
                f"{spec.setting} elsewhere."
            )
        if problems:
            wanted = spec.properties()
            missing = {n: wanted[n] for n in spec.expected if n not in source["properties"]}
            self.call(
                lambda: self.client.data_sources.update(source["id"], properties=missing),
                f"add missing properties to the {spec.label} data source",
            )
            log.info("added %s to the %s data source", ", ".join(missing), spec.label)

    def check(self, spec: SourceSpec, configured: str | None) -> tuple[str | None, list[str]]:
        """(data source id, what is wrong with it) for `cxbot doctor`."""
        candidate = configured or self.cursors.get_cursor(spec.cursor)
        if not candidate:
            return None, []
        source = self.call(
            lambda: self.client.data_sources.retrieve(candidate),
            f"read the {spec.label} data source",
        )
        return candidate, schema_problems(spec, source.get("properties", {}))

    def property_ids(self, source_id: str, names: Sequence[str]) -> list[str]:
        """The ids of these properties (what `filter_properties` takes), read once per
        data source; the title's id is always `title`."""
        if source_id not in self._property_ids:
            source = self.call(
                lambda: self.client.data_sources.retrieve(source_id), "read the data source"
            )
            self._remember_ids(source)
        known = self._property_ids[source_id]
        ids = ["title", *(known[name] for name in names if name in known)]
        return list(dict.fromkeys(ids))

    def _remember_ids(self, source: dict[str, Any]) -> None:
        properties = source.get("properties") or {}
        self._property_ids[str(source["id"])] = {
            name: str(prop["id"]) for name, prop in properties.items() if "id" in prop
        }

    def query_all(
        self, source_id: str, filt: dict[str, Any] | None, what: str, reads: Sequence[str]
    ) -> Iterator[dict[str, Any]]:
        """Every page the filter matches, with the title and the properties in `reads`
        only: Notion computes no more than cxbot reads (and from 2026-12-01 returns only
        the title without them)."""
        cursor: str | None = None
        fields = self.property_ids(source_id, reads)
        while True:
            kwargs: dict[str, Any] = {"page_size": 100, "filter_properties": fields}
            if filt is not None:
                kwargs["filter"] = filt
            if cursor:
                kwargs["start_cursor"] = cursor
            result = self.call(
                functools.partial(self.client.data_sources.query, source_id, **kwargs), what
            )
            yield from result.get("results", [])
            cursor = result.get("next_cursor")
            if not result.get("has_more") or not cursor:
                return

    # pages by cxbot's key ------------------------------------------------------------
    def find_by_key(self, spec: SourceSpec, source_id: str, key: str) -> dict[str, Any] | None:
        fields = self.property_ids(source_id, [spec.key_property])
        result = self.call(
            lambda: self.client.data_sources.query(
                source_id,
                filter={"property": spec.key_property, "rich_text": {"equals": key}},
                page_size=10,
                filter_properties=fields,
            ),
            f"look up the page of {key}",
        )
        pages = result.get("results", [])
        return pages[0] if pages else None

    def create_page(
        self, spec: SourceSpec, source_id: str, key: str, properties: dict[str, Any]
    ) -> str:
        """Creates a page; when the answer is lost, finds it by key instead of duplicating."""
        page = self.call(
            lambda: self.client.pages.create(
                parent={"type": "data_source_id", "data_source_id": source_id},
                properties=properties,
            ),
            f"create the page for {key}",
            recover=lambda: self.find_by_key(spec, source_id, key),
        )
        return str(page["id"])

    def update_page(
        self, spec: SourceSpec, source_id: str, key: str, page_id: str, properties: dict[str, Any]
    ) -> str:
        """Updates a page in place; one deleted in Notion is created again."""
        try:
            page = self.call(
                lambda: self.client.pages.update(page_id, properties=properties),
                f"update the page for {key}",
            )
        except RemoteError as error:
            if status_of(error.__cause__) == 404:
                log.warning("page %s of %s is gone; creating it again", page_id, key)
                return self.create_page(spec, source_id, key, properties)
            raise
        return str(page["id"])

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
                page = self.call(functools.partial(self.client.users.list, **kwargs), "list users")
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
        """Who edited, for the change history: `name <email>`; a person Notion has no
        name for (null from 2026-12-01) is their e-mail, then their id — never "None"."""
        user = self.users().get(user_id)
        if user is None and user_id not in self._unknown_users:
            # Someone who joined the workspace since the list was read: read it again, once.
            self._unknown_users.add(user_id)
            self._users = None
            user = self.users().get(user_id)
        if user is None:
            return f"notion:{user_id}"
        name = str(user.get("name") or "").strip()
        email = (user.get("person") or {}).get("email")
        if email:
            return f"{name} <{email}>" if name else str(email)
        return f"{name} ({user.get('type')})" if name else f"notion:{user_id}"

    # calling the API -----------------------------------------------------------
    def call(
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
                if recover is not None:
                    self.uncertain += 1
            except HTTPResponseError as error:
                if error.status not in _TRANSIENT_STATUS:
                    raise RemoteError(_explain(error, what)) from error
                failure = error
            log.warning(
                "could not %s (attempt %d): %s", what, attempt, failure or type(failure).__name__
            )
            if attempt == self.attempts:
                raise RemoteError(f"could not {what} after {attempt} attempts: {failure}") from (
                    failure
                )
            backoff = min(30.0, 0.5 * 2 ** (attempt - 1))
            if recover is not None and isinstance(
                failure, RequestTimeoutError | httpx.TransportError
            ):
                # The write may still commit: give it time before looking it up, or the
                # lookup misses it and the write is made twice.
                backoff = max(backoff, self.settle)
            self.sleep(backoff)
            if recover is not None:
                found = recover()
                if found is not None:
                    log.info("the earlier attempt to %s had succeeded; using its result", what)
                    return found
        raise AssertionError("unreachable")


def schema_problems(spec: SourceSpec, properties: dict[str, Any]) -> list[str]:
    """What a data source lacks, or has with the wrong type, compared with the spec."""
    problems = []
    for name, kind in spec.expected.items():
        found = properties.get(name)
        if found is None:
            problems.append(f"property {name!r} ({kind}) is missing")
        elif found.get("type") != kind:
            problems.append(f"property {name!r} is {found.get('type')}, expected {kind}")
    return problems


def rich(text: str) -> list[dict[str, Any]]:
    """Rich text in runs of at most 2000 characters (Notion's per-run limit)."""
    return [
        {"type": "text", "text": {"content": text[i : i + 2000]}} for i in range(0, len(text), 2000)
    ][:100]


def plain_text(value: dict[str, Any] | None) -> str:
    if not value:
        return ""
    kind = value.get("type", "")
    runs = value.get(kind) or []
    if kind in ("title", "rich_text"):
        return "".join(
            run.get("plain_text", run.get("text", {}).get("content", "")) for run in runs
        )
    return ""


def select_name(text: str) -> str:
    """Select option names may not contain commas and are at most 100 characters."""
    return text.replace(",", "·").strip()[:100] or "-"


def parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def status_of(error: BaseException | None) -> int | None:
    return error.status if isinstance(error, HTTPResponseError) else None


def transient(error: BaseException | None) -> bool:
    """A failure that may pass: rate limits, 5xx/529, timeouts, lost connections."""
    if isinstance(error, RequestTimeoutError | httpx.TransportError):
        return True
    status = status_of(error)
    return status is not None and (status == 429 or status in _TRANSIENT_STATUS)


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
