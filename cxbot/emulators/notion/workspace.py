"""The emulated workspace: users, pages, databases and their data sources."""

from __future__ import annotations

import copy
import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cxbot.emulators.notion.query import matches_filter, sort_key
from cxbot.emulators.notion.values import (
    ValueProblem,
    build_schema,
    check_rich_text,
    plain,
    rich_text_response,
    set_value,
    value_response,
)

MAX_PAGE_SIZE = 100


class NotionApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        additional_data: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.additional_data = additional_data


def validation(message: str) -> NotionApiError:
    return NotionApiError(400, "validation_error", message)


INTEGRATION_NAME = "cxbot"


def not_found(kind: str, object_id: str) -> NotionApiError:
    return NotionApiError(
        404,
        "object_not_found",
        f"Could not find {kind} with ID: {object_id}. Make sure the relevant pages and "
        f'databases are shared with your integration "{INTEGRATION_NAME}".',
    )


def normalize_id(raw: str, where: str) -> str:
    try:
        return str(uuid.UUID(raw))
    except (ValueError, AttributeError, TypeError):
        raise validation(
            f'path failed validation: {where} should be a valid uuid, instead was `"{raw}"`.'
        ) from None


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def iso_millis(moment: datetime) -> str:
    """Databases' times, as Notion sends them: milliseconds and `+00:00`."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+00:00"


def minute(moment: datetime) -> datetime:
    """Notion rounds created/last-edited times down to the minute."""
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


@dataclass
class Page:
    id: str
    parent: dict[str, Any]
    properties: dict[str, Any]  # name → stored value
    title: str | None  # for pages under a page (not in a data source)
    created_time: datetime
    last_edited_time: datetime
    created_by: str
    last_edited_by: str
    in_trash: bool = False
    children: list[dict[str, Any]] = field(default_factory=list)
    icon: dict[str, Any] | None = None
    cover: dict[str, Any] | None = None


@dataclass
class DataSource:
    id: str
    database_id: str
    title: list[dict[str, Any]]
    schema: dict[str, dict[str, Any]]
    created_time: datetime
    last_edited_time: datetime
    description: list[dict[str, Any]] = field(default_factory=list)
    in_trash: bool = False
    icon: dict[str, Any] | None = None


@dataclass
class Database:
    id: str
    parent_page_id: str
    title: list[dict[str, Any]]
    data_source_ids: list[str]
    created_time: datetime
    is_inline: bool = False
    description: list[dict[str, Any]] = field(default_factory=list)
    in_trash: bool = False
    icon: dict[str, Any] | None = None
    cover: dict[str, Any] | None = None
    last_edited_time: datetime | None = None


@dataclass(frozen=True)
class Change:
    """One change a webhook event is made of."""

    kind: str  # page.created, page.properties_updated, page.deleted, …
    entity_id: str
    entity_type: str  # page, data_source
    author: str
    author_type: str
    source_id: str | None
    updated_properties: tuple[str, ...]
    at: datetime


class Workspace:
    """All state of one emulated workspace; every method is safe to call from threads."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self.clock = clock or (lambda: datetime.now(UTC))
        self.lock = threading.RLock()
        self.users: dict[str, dict[str, Any]] = {}
        self.pages: dict[str, Page] = {}
        self.databases: dict[str, Database] = {}
        self.data_sources: dict[str, DataSource] = {}
        self.workspace_id = str(uuid.uuid4())
        self.bot_id = self.add_bot(INTEGRATION_NAME)
        self.acting_user = self.bot_id
        self.listeners: list[Callable[[Change], None]] = []
        """Told of every change to pages and data sources (the webhook sender listens)."""

    def _emit(
        self,
        kind: str,
        entity_id: str,
        entity_type: str,
        source_id: str | None,
        updated: tuple[str, ...] = (),
    ) -> None:
        change = Change(
            kind=kind,
            entity_id=entity_id,
            entity_type=entity_type,
            author=self.acting_user,
            author_type=str(self.users.get(self.acting_user, {}).get("type", "person")),
            source_id=source_id,
            updated_properties=updated,
            at=self.clock(),
        )
        for listener in list(self.listeners):
            listener(change)

    # seeding (what a person does in the Notion app) ------------------------
    def add_person(self, name: str | None, email: str) -> str:
        """A person; `name` None is one Notion has no name for (2026-12-01 shows null)."""
        user_id = str(uuid.uuid4())
        self.users[user_id] = {
            "object": "user",
            "id": user_id,
            "type": "person",
            "name": name,
            "avatar_url": None,
            "person": {"email": email},
        }
        return user_id

    def add_bot(self, name: str) -> str:
        user_id = str(uuid.uuid4())
        self.users[user_id] = {
            "object": "user",
            "id": user_id,
            "type": "bot",
            "name": name,
            "avatar_url": None,
            "bot": {
                "owner": {"type": "workspace", "workspace": True},
                "workspace_name": "CX",
                "workspace_id": self.workspace_id,
                "workspace_limits": {"max_file_upload_size_in_bytes": 5242880},
            },
        }
        return user_id

    def add_page(self, title: str, *, page_id: str | None = None) -> str:
        """A top-level page shared with the integration (the parent users pick)."""
        now = self.clock()
        page = Page(
            id=str(uuid.UUID(page_id)) if page_id else str(uuid.uuid4()),
            parent={"type": "workspace", "workspace": True},
            properties={},
            title=title,
            created_time=now,
            last_edited_time=now,
            created_by=self.bot_id,
            last_edited_by=self.bot_id,
        )
        self.pages[page.id] = page
        return page.id

    def edit_as(self, user_id: str, page_id: str, properties: dict[str, Any]) -> dict[str, Any]:
        """A person edits a page in the app (what the status sync must pick up)."""
        with self.lock:
            previous, self.acting_user = self.acting_user, user_id
            try:
                return self.update_page(page_id, {"properties": properties})
            finally:
                self.acting_user = previous

    # databases and data sources -------------------------------------------
    def create_database(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            parent = body.get("parent")
            if not isinstance(parent, dict) or "page_id" not in parent:
                raise validation("body failed validation: body.parent.page_id should be defined.")
            parent_id = normalize_id(parent["page_id"], "body.parent.page_id")
            page = self.pages.get(parent_id)
            if page is None or page.in_trash:
                raise not_found("page", parent_id)
            initial = body.get("initial_data_source") or {}
            schema = build_schema(
                initial.get("properties") or {"Name": {"title": {}}},
                "body.initial_data_source.properties",
            )
            _one_title(schema)
            title = check_rich_text(body.get("title", []), "body.title")
            now = self.clock()
            database = Database(
                id=str(uuid.uuid4()),
                parent_page_id=parent_id,
                title=title,
                data_source_ids=[],
                created_time=now,
                is_inline=bool(body.get("is_inline")),
                description=check_rich_text(body.get("description", []), "body.description"),
                icon=_icon(body.get("icon"), "body.icon"),
                cover=_icon(body.get("cover"), "body.cover"),
            )
            source = DataSource(
                id=str(uuid.uuid4()),
                database_id=database.id,
                title=title,
                schema=schema,
                created_time=now,
                last_edited_time=now,
                icon=database.icon,
            )
            database.data_source_ids.append(source.id)
            self.databases[database.id] = database
            self.data_sources[source.id] = source
            return self.database_response(database)

    def update_database(self, database_id: str, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            database = self.databases.get(database_id)
            if database is None:
                raise not_found("database", database_id)
            _edit_shared(database, body)
            if "cover" in body:
                database.cover = _icon(body["cover"], "body.cover")
            if "is_inline" in body:
                database.is_inline = bool(body["is_inline"])
            database.last_edited_time = self.clock()
            return self.database_response(database)

    def create_data_source(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            parent = body.get("parent")
            if not isinstance(parent, dict) or "database_id" not in parent:
                raise validation(
                    "body failed validation: body.parent.database_id should be defined."
                )
            database_id = normalize_id(parent["database_id"], "body.parent.database_id")
            database = self.databases.get(database_id)
            if database is None:
                raise not_found("database", database_id)
            schema = build_schema(body.get("properties") or {}, "body.properties")
            _one_title(schema)
            now = self.clock()
            source = DataSource(
                id=str(uuid.uuid4()),
                database_id=database.id,
                title=check_rich_text(body.get("title", []), "body.title"),
                schema=schema,
                created_time=now,
                last_edited_time=now,
                icon=_icon(body.get("icon"), "body.icon"),
            )
            database.data_source_ids.append(source.id)
            self.data_sources[source.id] = source
            return self.data_source_response(source)

    def get_database(self, database_id: str) -> dict[str, Any]:
        with self.lock:
            database = self.databases.get(database_id)
            if database is None:
                raise not_found("database", database_id)
            return self.database_response(database)

    def get_data_source(self, source_id: str) -> dict[str, Any]:
        with self.lock:
            return self.data_source_response(self._source(source_id))

    def update_data_source(self, source_id: str, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            source = self._source(source_id)
            changes = body.get("properties") or {}
            if not isinstance(changes, dict):
                raise validation("body failed validation: body.properties should be an object.")
            removed = [name for name, spec in changes.items() if spec is None]
            renamed = {
                name: spec["name"]
                for name, spec in changes.items()
                if isinstance(spec, dict)
                and set(spec) <= {"name", "description"}
                and "name" in spec
                and name in source.schema
            }
            added = build_schema(
                {
                    name: spec
                    for name, spec in changes.items()
                    if spec is not None and name not in renamed
                },
                "body.properties",
            )
            for name in removed:
                if source.schema.get(name, {}).get("type") == "title":
                    raise validation(
                        "body failed validation: the title property cannot be removed."
                    )
                source.schema.pop(name, None)
            for old, new in renamed.items():
                prop = source.schema.pop(old)
                source.schema[new] = {**prop, "name": new}
                for page in self.pages.values():
                    if page.parent.get("data_source_id") == source.id and old in page.properties:
                        page.properties[new] = page.properties.pop(old)
            for name, prop in added.items():
                if name in source.schema and source.schema[name]["type"] != prop["type"]:
                    source.schema[name] = prop
                source.schema.setdefault(name, prop)
            _edit_shared(source, body)
            source.last_edited_time = self.clock()
            if added or removed or renamed:
                self._emit("data_source.schema_updated", source.id, "data_source", source.id)
            return self.data_source_response(source)

    def rename_property_as(self, user_id: str, source_id: str, old: str, new: str | None) -> None:
        """A person renames (or, with `new` None, deletes) a column in the app."""
        with self.lock:
            source = self._source(source_id)
            prop = source.schema.pop(old)
            if new is not None:
                source.schema[new] = {**prop, "name": new}
            for page in self.pages.values():
                if page.parent.get("data_source_id") == source_id and old in page.properties:
                    value = page.properties.pop(old)
                    if new is not None:
                        page.properties[new] = value
            previous, self.acting_user = self.acting_user, user_id
            try:
                self._emit("data_source.schema_updated", source.id, "data_source", source.id)
            finally:
                self.acting_user = previous

    def _source(self, source_id: str) -> DataSource:
        source = self.data_sources.get(source_id)
        if source is None:
            raise not_found("data_source", source_id)
        return source

    # pages -------------------------------------------------------------------
    def create_page(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            parent = body.get("parent")
            if not isinstance(parent, dict):
                raise validation("body failed validation: body.parent should be defined.")
            source = self._parent_source(parent)
            properties = body.get("properties")
            if not isinstance(properties, dict):
                raise validation("body failed validation: body.properties should be an object.")
            now = self.clock()
            if source is None:
                parent_id = normalize_id(parent["page_id"], "body.parent.page_id")
                if parent_id not in self.pages:
                    raise not_found("page", parent_id)
                stored: dict[str, Any] = {}
                page_parent: dict[str, Any] = {"type": "page_id", "page_id": parent_id}
                title = plain({"type": "title"}, _page_title_value(properties))
            else:
                stored = self._validated(source, properties, creating=True)
                page_parent = {
                    "type": "data_source_id",
                    "data_source_id": source.id,
                    "database_id": source.database_id,
                }
                title = None
            page = Page(
                id=str(uuid.uuid4()),
                parent=page_parent,
                properties=stored,
                title=title,
                created_time=now,
                last_edited_time=now,
                created_by=self.acting_user,
                last_edited_by=self.acting_user,
                children=list(body.get("children") or []),
                icon=_icon(body.get("icon"), "body.icon"),
                cover=_icon(body.get("cover"), "body.cover"),
            )
            self.pages[page.id] = page
            if source is not None:
                self._emit("page.created", page.id, "page", source.id)
            return self.page_response(page)

    def _parent_source(self, parent: dict[str, Any]) -> DataSource | None:
        if "data_source_id" in parent:
            source_id = normalize_id(parent["data_source_id"], "body.parent.data_source_id")
            return self._source(source_id)
        if "database_id" in parent:
            database_id = normalize_id(parent["database_id"], "body.parent.database_id")
            database = self.databases.get(database_id)
            if database is None:
                raise not_found("database", database_id)
            if len(database.data_source_ids) != 1:
                raise validation(
                    "Database has multiple data sources; use parent.data_source_id instead."
                )
            return self.data_sources[database.data_source_ids[0]]
        if "page_id" in parent:
            return None
        raise validation(
            "body failed validation: body.parent should have page_id, database_id or "
            "data_source_id."
        )

    def _validated(
        self, source: DataSource, properties: dict[str, Any], *, creating: bool
    ) -> dict[str, Any]:
        stored: dict[str, Any] = {}
        by_id = {prop["id"]: name for name, prop in source.schema.items()}
        for key, value in properties.items():
            name = key if key in source.schema else by_id.get(key)
            if name is None:
                raise validation(f"{key} is not a property that exists.")
            try:
                stored[name] = set_value(
                    source.schema[name], value, f"body.properties.{name}", self.users
                )
            except ValueProblem as problem:
                raise validation(f"body failed validation: {problem}") from None
        return stored

    def get_page(self, page_id: str) -> dict[str, Any]:
        with self.lock:
            page = self.pages.get(page_id)
            if page is None:
                raise not_found("page", page_id)
            return self.page_response(page)

    def update_page(self, page_id: str, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            page = self.pages.get(page_id)
            if page is None:
                raise not_found("page", page_id)
            trashed = _trash_flag(body)
            if page.in_trash and trashed is not False:
                raise validation(
                    "Can't edit block that is archived. "
                    "You must unarchive the block before editing."
                )
            properties = body.get("properties") or {}
            source_id = page.parent.get("data_source_id")
            updated: tuple[str, ...] = ()
            if properties:
                if source_id is None:
                    raise validation("Only pages in a data source have properties to update.")
                validated = self._validated(
                    self.data_sources[source_id], properties, creating=False
                )
                schema = self.data_sources[source_id].schema
                updated = tuple(
                    schema[name]["id"]
                    for name, value in validated.items()
                    if page.properties.get(name) != value
                )
                page.properties.update(validated)
            if "icon" in body:
                page.icon = _icon(body["icon"], "body.icon")
            if "cover" in body:
                page.cover = _icon(body["cover"], "body.cover")
            was_trashed = page.in_trash
            if trashed is not None:
                page.in_trash = trashed
            page.last_edited_time = self.clock()
            page.last_edited_by = self.acting_user
            if page.in_trash != was_trashed:
                kind = "page.deleted" if page.in_trash else "page.undeleted"
                self._emit(kind, page.id, "page", source_id)
            if updated:
                self._emit("page.properties_updated", page.id, "page", source_id, updated)
            return self.page_response(page)

    def delete_block(self, block_id: str) -> dict[str, Any]:
        """DELETE /v1/blocks/{id} on a page or a database: it goes to the trash, and the
        answer is the block that held it (child_page, child_database)."""
        with self.lock:
            page, database = self.pages.get(block_id), self.databases.get(block_id)
            if page is None and database is None:
                raise not_found("block", block_id)
            if (page is not None and page.in_trash) or (database is not None and database.in_trash):
                raise validation(
                    "Can't edit block that is archived. You must unarchive the block before "
                    "editing."
                )
            if page is not None:
                self.update_page(block_id, {"in_trash": True})
                parent, created = dict(page.parent), page.created_time
                by, kind, title = page.created_by, "child_page", self._page_title(page)
                has_children = bool(page.children)
            else:
                assert database is not None
                database.in_trash = True
                database.last_edited_time = self.clock()
                parent = {"type": "page_id", "page_id": database.parent_page_id}
                created, by, kind = database.created_time, self.bot_id, "child_database"
                title, has_children = _text(database.title), False
            return {
                "object": "block",
                "id": block_id,
                "parent": parent,
                "created_time": iso(minute(created)),
                "last_edited_time": iso(minute(self.clock())),
                "created_by": {"object": "user", "id": by},
                "last_edited_by": {"object": "user", "id": self.acting_user},
                "has_children": has_children,
                "in_trash": True,
                "type": kind,
                kind: {"title": title},
                "archived": True,
            }

    # queries -------------------------------------------------------------------
    def query(self, source_id: str, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            source = self._source(source_id)
            page_size = _page_size(body)
            pages = [
                page
                for page in self.pages.values()
                if page.parent.get("data_source_id") == source.id
                and page.in_trash == bool(body.get("in_trash", False))
            ]
            if body.get("filter") is not None:
                pages = [p for p in pages if matches_filter(body["filter"], p, source.schema)]
            sorts = body.get("sorts") or [{"timestamp": "created_time", "direction": "descending"}]
            for index, sort in enumerate(sorts):
                if not isinstance(sort, dict) or sort.get("direction") not in (
                    "ascending",
                    "descending",
                ):
                    raise validation(
                        f"body failed validation: body.sorts[{index}].direction should be "
                        '`"ascending"` or `"descending"`.'
                    )
                if ("property" in sort) == ("timestamp" in sort):
                    raise validation(
                        f"body failed validation: body.sorts[{index}] should have either "
                        "`property` or `timestamp`."
                    )
            for sort in reversed(sorts):
                pages.sort(
                    key=lambda p, s=sort: sort_key(s, p, source.schema),  # type: ignore[misc]
                    reverse=sort.get("direction") == "descending",
                )
            results = [self.page_response(page) for page in pages]
            return paginate(results, body.get("start_cursor"), page_size, "page_or_data_source")

    def list_users(self, start_cursor: str | None, page_size: int) -> dict[str, Any]:
        with self.lock:
            users = [copy.deepcopy(user) for user in self.users.values()]
        return paginate(users, start_cursor, page_size, "user")

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            wanted = body.get("query") or ""
            if not isinstance(wanted, str):
                raise validation("body failed validation: body.query should be a string.")
            wanted = wanted.lower()
            kind = None
            if body.get("filter") is not None:
                filt = body["filter"]
                if not isinstance(filt, dict):
                    raise validation("body failed validation: body.filter should be an object.")
                if filt.get("property") != "object" or filt.get("value") not in (
                    "page",
                    "data_source",
                ):
                    raise validation(
                        'body failed validation: body.filter.value should be `"page"` or '
                        f'`"data_source"`, instead was `"{filt.get("value")}"`.'
                    )
                kind = filt["value"]
            results: list[dict[str, Any]] = []
            if kind in (None, "data_source"):
                for source in self.data_sources.values():
                    if wanted in _text(source.title).lower():
                        results.append(self.data_source_response(source))
            if kind in (None, "page"):
                for page in self.pages.values():
                    if not page.in_trash and wanted in self._page_title(page).lower():
                        results.append(self.page_response(page))
            return paginate(
                results, body.get("start_cursor"), _page_size(body), "page_or_data_source"
            )

    # response shapes -----------------------------------------------------------
    def _page_title(self, page: Page) -> str:
        if page.title is not None:
            return page.title
        source = self.data_sources[page.parent["data_source_id"]]
        for name, prop in source.schema.items():
            if prop["type"] == "title":
                return plain(prop, page.properties.get(name))
        return ""

    def page_response(self, page: Page) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        if page.title is not None:
            properties["title"] = {
                "id": "title",
                "type": "title",
                "title": rich_text_response([{"text": {"content": page.title, "link": None}}]),
            }
        else:
            source = self.data_sources[page.parent["data_source_id"]]
            for name, prop in source.schema.items():
                properties[name] = value_response(prop, page.properties.get(name))
        return {
            "object": "page",
            "id": page.id,
            "created_time": iso(minute(page.created_time)),
            "last_edited_time": iso(minute(page.last_edited_time)),
            "created_by": {"object": "user", "id": page.created_by},
            "last_edited_by": {"object": "user", "id": page.last_edited_by},
            "cover": copy.deepcopy(page.cover),
            "icon": copy.deepcopy(page.icon),
            "parent": dict(page.parent),
            "in_trash": page.in_trash,
            "is_archived": False,
            "is_locked": False,
            "properties": properties,
            "url": f"https://www.notion.so/{page.id.replace('-', '')}",
            "public_url": None,
            "archived": page.in_trash,
        }

    def data_source_response(self, source: DataSource) -> dict[str, Any]:
        database = self.databases[source.database_id]
        return {
            "object": "data_source",
            "id": source.id,
            "created_time": iso(minute(source.created_time)),
            "last_edited_time": iso(minute(source.last_edited_time)),
            "created_by": {"object": "user", "id": self.bot_id},
            "last_edited_by": {"object": "user", "id": self.bot_id},
            "title": rich_text_response(source.title),
            "description": rich_text_response(source.description),
            "properties": {
                name: {"id": prop["id"], "name": name, "description": None, **prop}
                for name, prop in copy.deepcopy(source.schema).items()
            },
            "parent": {"type": "database_id", "database_id": database.id},
            "database_parent": {"type": "page_id", "page_id": database.parent_page_id},
            "is_inline": database.is_inline,
            "archived": source.in_trash,
            "in_trash": source.in_trash,
            "icon": copy.deepcopy(source.icon),
            "cover": None,
            "url": f"https://www.notion.so/{source.id.replace('-', '')}",
            "public_url": None,
        }

    def database_response(self, database: Database) -> dict[str, Any]:
        return {
            "object": "database",
            "id": database.id,
            "title": rich_text_response(database.title),
            "description": rich_text_response(database.description),
            "parent": {"type": "page_id", "page_id": database.parent_page_id},
            "is_inline": database.is_inline,
            "in_trash": database.in_trash,
            "is_locked": False,
            "created_time": iso_millis(database.created_time),
            "last_edited_time": iso_millis(database.last_edited_time or database.created_time),
            "data_sources": [
                {"id": sid, "name": _text(self.data_sources[sid].title)}
                for sid in database.data_source_ids
            ],
            "icon": copy.deepcopy(database.icon),
            "cover": copy.deepcopy(database.cover),
            "url": f"https://www.notion.so/{database.id.replace('-', '')}",
            "public_url": None,
            "archived": database.in_trash,
        }


def _one_title(schema: dict[str, dict[str, Any]]) -> None:
    if len([p for p in schema.values() if p["type"] == "title"]) != 1:
        raise validation("body failed validation: a data source needs exactly one title property.")


def _edit_shared(target: Database | DataSource, body: dict[str, Any]) -> None:
    """What a database and a data source PATCH both take: title, description, icon, trash."""
    if "title" in body:
        target.title = check_rich_text(body["title"], "body.title")
    if "description" in body:
        target.description = check_rich_text(body["description"], "body.description")
    if "icon" in body:
        target.icon = _icon(body["icon"], "body.icon")
    trashed = _trash_flag(body)
    if trashed is not None:
        target.in_trash = trashed


def _trash_flag(body: dict[str, Any]) -> bool | None:
    """`in_trash`, or the older `archived` Notion still accepts beside it."""
    for name in ("in_trash", "archived"):
        if name in body:
            value = body[name]
            if not isinstance(value, bool):
                raise validation(
                    f"body failed validation: body.{name} should be a boolean, instead was "
                    f"`{json.dumps(value)}`."
                )
            return value
    return None


_ICON_TYPES = ("emoji", "external", "file", "file_upload", "custom_emoji", "icon")


def _icon(value: Any, where: str) -> dict[str, Any] | None:
    """An icon or cover as sent (`{"type": "emoji", "emoji": "📣"}`); None clears it."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise validation(f"body failed validation: {where} should be an object or `null`.")
    kind = value.get("type") or next((k for k in value if k in _ICON_TYPES), None)
    if kind not in _ICON_TYPES or kind not in value:
        raise validation(
            f"body failed validation: {where} should have one of "
            f"{', '.join(f'`{t}`' for t in _ICON_TYPES)}."
        )
    return {"type": kind, kind: copy.deepcopy(value[kind])}


def _page_title_value(properties: dict[str, Any]) -> list[dict[str, Any]]:
    """A page under a page has one property, its title, in any of the forms Notion takes:
    `{"title": [...]}`, `{"title": {"title": [...]}}`, or under another name."""
    if not properties:
        return []
    if len(properties) > 1:
        extra = next(name for name in properties if name != "title")
        raise validation(
            f"body failed validation: a page under a page has only a title; {extra} is not "
            "a property that exists."
        )
    value = next(iter(properties.values()))
    if isinstance(value, dict):
        value = value.get("title", [])
    return check_rich_text(value, "body.properties.title")


def _text(rich: list[dict[str, Any]]) -> str:
    return "".join(item["text"]["content"] for item in rich)


def _page_size(body: dict[str, Any]) -> int:
    size = body.get("page_size", MAX_PAGE_SIZE)
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_PAGE_SIZE:
        raise validation(
            f"body failed validation: body.page_size should be a number between 1 and "
            f"{MAX_PAGE_SIZE}, instead was `{size!r}`."
        )
    return size


def paginate(
    results: list[dict[str, Any]], start_cursor: str | None, page_size: int, kind: str
) -> dict[str, Any]:
    start = 0
    if start_cursor is not None:
        ids = [r["id"] for r in results]
        try:
            start = ids.index(str(uuid.UUID(start_cursor)))
        except ValueError:
            raise validation(
                f"body failed validation: body.start_cursor should be a valid cursor, "
                f'instead was `"{start_cursor}"`.'
            ) from None
    chunk = results[start : start + page_size]
    more = start + page_size < len(results)
    return {
        "object": "list",
        "results": chunk,
        "next_cursor": results[start + page_size]["id"] if more else None,
        "has_more": more,
        "type": kind,
        kind: {},
    }
