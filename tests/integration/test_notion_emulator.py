"""The Notion emulator behaves as Notion documents: error shapes, limits, pagination, timing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from notion_client import APIResponseError, Client
from notion_client.errors import UnknownHTTPResponseError

from cxbot.emulators.http import Fault, TokenBucket
from cxbot.emulators.notion import NotionEmulator
from tests.conftest import NotionJson

VERSION = {"Notion-Version": "2025-09-03"}


@pytest.fixture
def api(notion: NotionEmulator) -> NotionJson:
    return Client(auth="secret_test", base_url=notion.base_url, retry=False)


@pytest.fixture
def source(notion: NotionEmulator, api: NotionJson) -> str:
    parent = notion.workspace.add_page("CX 운영")
    database = api.databases.create(
        parent={"type": "page_id", "page_id": parent},
        title=[{"type": "text", "text": {"content": "체크리스트"}}],
        initial_data_source={
            "properties": {
                "이름": {"title": {}},
                "메모": {"rich_text": {}},
                "상태": {"select": {"options": []}},
                "마감": {"date": {}},
                "사람": {"people": {}},
            }
        },
    )
    return str(database["data_sources"][0]["id"])


def _raw(notion: NotionEmulator, method: str, path: str, **kw: Any) -> httpx.Response:
    headers = {"Authorization": "Bearer secret_test", **VERSION, **kw.pop("headers", {})}
    return httpx.request(method, notion.base_url + path, headers=headers, **kw)


def _page(api: NotionJson, source: str, **props: Any) -> dict[str, Any]:
    properties = {"이름": {"title": [{"text": {"content": "항목"}}]}, **props}
    return dict(
        api.pages.create(
            parent={"type": "data_source_id", "data_source_id": source}, properties=properties
        )
    )


def test_errors_have_notions_shape(notion: NotionEmulator) -> None:
    missing = _raw(notion, "GET", "/v1/pages/5c6a2821-6bb1-4a7e-b6e1-c50111515c3d")
    assert missing.status_code == 404
    body = missing.json()
    assert (
        body["object"] == "error" and body["status"] == 404 and body["code"] == "object_not_found"
    )
    assert "shared with your integration" in body["message"]
    bad_id = _raw(notion, "GET", "/v1/pages/not-a-uuid")
    assert bad_id.status_code == 400 and bad_id.json()["code"] == "validation_error"
    assert "path.page_id should be a valid uuid" in bad_id.json()["message"]
    unauth = _raw(notion, "GET", "/v1/users/me", headers={"Authorization": "Bearer nope"})
    assert (unauth.status_code, unauth.json()["code"]) == (401, "unauthorized")
    no_version = httpx.get(
        notion.base_url + "/v1/users/me", headers={"Authorization": "Bearer secret_test"}
    )
    assert (no_version.status_code, no_version.json()["code"]) == (400, "missing_version")
    unknown = _raw(notion, "GET", "/v1/nothing")
    assert unknown.json()["code"] == "invalid_request_url"
    broken = _raw(
        notion,
        "POST",
        "/v1/search",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert broken.json()["code"] == "invalid_json"


def test_property_values_are_validated_against_the_schema(api: NotionJson, source: str) -> None:
    with pytest.raises(APIResponseError, match="없는 is not a property that exists"):
        _page(api, source, 없는={"rich_text": []})
    with pytest.raises(APIResponseError, match="expected to be rich_text"):
        _page(api, source, 메모={"select": {"name": "x"}})
    with pytest.raises(APIResponseError, match=r"length should be ≤ `2000`, instead was `2001`"):
        _page(api, source, 메모={"rich_text": [{"text": {"content": "가" * 2001}}]})
    with pytest.raises(APIResponseError, match="cannot contain commas"):
        _page(api, source, 상태={"select": {"name": "a,b"}})
    with pytest.raises(APIResponseError, match="ISO 8601"):
        _page(api, source, 마감={"date": {"start": "2027/02/15"}})
    with pytest.raises(APIResponseError, match="is not a user"):
        _page(api, source, 사람={"people": [{"id": "5c6a2821-6bb1-4a7e-b6e1-c50111515c3d"}]})
    ok = _page(
        api,
        source,
        메모={"rich_text": [{"text": {"content": "가" * 2000}}]},
        상태={"select": {"name": "새 옵션"}},
    )
    assert ok["properties"]["상태"]["select"]["name"] == "새 옵션"  # unknown options are added


def test_status_properties_cannot_be_created(api: NotionJson, notion: NotionEmulator) -> None:
    parent = notion.workspace.add_page("p")
    with pytest.raises(APIResponseError, match="status properties cannot be created"):
        api.databases.create(
            parent={"type": "page_id", "page_id": parent},
            initial_data_source={"properties": {"n": {"title": {}}, "s": {"status": {}}}},
        )


def test_trash_is_in_trash_and_archived_is_still_accepted_beside_it(
    api: NotionJson, source: str
) -> None:
    # Notion still takes the older `archived` (a page PATCH with `archived: false` is fine)
    # and answers both fields.
    page = _page(api, source)
    kept = api.request(path=f"pages/{page['id']}", method="PATCH", body={"archived": False})
    assert kept["in_trash"] is False and kept["archived"] is False
    archived = api.request(path=f"pages/{page['id']}", method="PATCH", body={"archived": True})
    assert archived["in_trash"] is True and archived["archived"] is True
    assert api.data_sources.query(source)["results"] == []
    restored = api.pages.update(page["id"], in_trash=False)
    assert restored["in_trash"] is False
    trashed = api.pages.update(page["id"], in_trash=True)
    assert trashed["in_trash"] is True and trashed["archived"] is True
    assert api.data_sources.query(source)["results"] == []
    assert len(api.data_sources.query(source, in_trash=True)["results"]) == 1
    with pytest.raises(APIResponseError, match="should be a boolean"):
        api.request(path=f"pages/{page['id']}", method="PATCH", body={"archived": "yes"})


def test_edit_times_are_rounded_down_to_the_minute(
    api: NotionJson, source: str, clock: Any
) -> None:
    clock.advance(seconds=42)
    page = _page(api, source)
    assert page["last_edited_time"].endswith(":00.000Z")
    assert page["last_edited_time"] == clock().strftime("%Y-%m-%dT%H:%M:00.000Z")


def test_timestamp_filter_sorts_and_pagination(api: NotionJson, source: str, clock: Any) -> None:
    for _ in range(5):
        _page(api, source)
    clock.advance(minutes=5)
    cutoff = clock().strftime("%Y-%m-%dT%H:%M:%S.000Z")
    late = [_page(api, source)["id"] for _ in range(3)]
    flt = {"timestamp": "last_edited_time", "last_edited_time": {"on_or_after": cutoff}}
    first = api.data_sources.query(
        source,
        filter=flt,
        page_size=2,
        sorts=[{"timestamp": "last_edited_time", "direction": "ascending"}],
    )
    assert first["has_more"] and first["next_cursor"] and len(first["results"]) == 2
    second = api.data_sources.query(
        source,
        filter=flt,
        page_size=2,
        start_cursor=first["next_cursor"],
        sorts=[{"timestamp": "last_edited_time", "direction": "ascending"}],
    )
    assert not second["has_more"] and second["next_cursor"] is None
    assert [p["id"] for p in first["results"] + second["results"]] == late
    with pytest.raises(APIResponseError, match="page_size"):
        api.data_sources.query(source, page_size=101)
    with pytest.raises(APIResponseError, match="start_cursor"):
        api.data_sources.query(source, start_cursor="garbage")
    with pytest.raises(APIResponseError, match="direction"):
        api.data_sources.query(source, sorts=[{"property": "이름", "direction": "up"}])
    with pytest.raises(APIResponseError, match="Could not find property"):
        api.data_sources.query(source, filter={"property": "없음", "rich_text": {"equals": "x"}})


def test_users_list_paginates_and_carries_emails(api: NotionJson, notion: NotionEmulator) -> None:
    for n in range(3):
        notion.workspace.add_person(f"사람{n}", f"p{n}@example.com")
    page = api.users.list(page_size=2)
    assert page["has_more"] and len(page["results"]) == 2
    rest = api.users.list(page_size=100, start_cursor=page["next_cursor"])
    emails = {u.get("person", {}).get("email") for u in page["results"] + rest["results"]}
    assert {"p0@example.com", "p1@example.com", "p2@example.com"} <= emails


def test_search_filters_by_object_value(api: NotionJson, source: str) -> None:
    found = api.search(query="체크", filter={"property": "object", "value": "data_source"})
    assert [r["id"] for r in found["results"]] == [source]
    with pytest.raises(APIResponseError, match="data_source"):
        api.search(filter={"property": "object", "value": "database"})


def test_rate_limit_answers_429_with_retry_after(clock: Any) -> None:
    emulator = NotionEmulator(tokens={"t"}, rate=3.0, burst=3.0, clock=clock).start()
    # Time stands still for the bucket: on a loaded machine six requests can take long
    # enough to earn a token back, and the seventh would pass.
    emulator.bucket = TokenBucket(3.0, 3.0, clock=lambda: 0.0)
    try:
        statuses = [_raw_with(emulator, "t").status_code for _ in range(6)]
        assert statuses[:3] == [200, 200, 200] and 429 in statuses[3:]
        limited = _raw_with(emulator, "t")
        assert limited.status_code == 429
        assert limited.json()["code"] == "rate_limited" and int(limited.headers["Retry-After"]) >= 1
    finally:
        emulator.stop()


def _raw_with(emulator: NotionEmulator, token: str) -> httpx.Response:
    return httpx.get(
        emulator.base_url + "/v1/users/me", headers={"Authorization": f"Bearer {token}", **VERSION}
    )


def test_payload_limit(notion: NotionEmulator) -> None:
    big = {"query": "x" * (500 * 1024 + 1)}
    response = _raw(notion, "POST", "/v1/search", json=big)
    assert response.status_code == 400 and "too large" in response.json()["message"]


def test_injected_faults(api: NotionJson, notion: NotionEmulator, source: str) -> None:
    notion.inject(Fault("status", "GET", r"/v1/users/me", status=529))
    with pytest.raises(UnknownHTTPResponseError) as caught:
        api.users.me()
    assert caught.value.status == 529 and "service_overload" in caught.value.body
    notion.inject(Fault("rate_limit", "GET", r"/v1/users/me", retry_after=7))
    with pytest.raises(APIResponseError) as limited:
        api.users.me()
    assert limited.value.headers["retry-after"] == "7"
    notion.inject(Fault("drop_after_commit", "POST", r"^/v1/pages$"))
    with pytest.raises(httpx.TransportError):
        _page(api, source)
    assert len(api.data_sources.query(source)["results"]) == 1  # the write happened
    assert notion.requests("POST", r"^/v1/pages$")[-1].status is None


def test_each_version_answers_as_notion_documents_it(
    notion: NotionEmulator, api: NotionJson, source: str
) -> None:
    """2026-12-01: lists give the title alone unless `filter_properties` names more, and a
    person's name may be null; 2026-03-11 and later: no `archived`, refused in a request;
    2025-09-03: every property, `archived` beside `in_trash`, names as they were."""
    page = _page(api, source, 메모={"rich_text": [{"text": {"content": "메모"}}]})
    memo_id = api.data_sources.retrieve(source)["properties"]["메모"]["id"]
    new, old = {"Notion-Version": "2026-12-01"}, {"Notion-Version": "2025-09-03"}

    def query(headers: dict[str, str], params: Any = None) -> dict[str, Any]:
        answer = _raw(
            notion, "POST", f"/v1/data_sources/{source}/query", json={}, headers=headers,
            params=params,
        )  # fmt: skip
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()["results"][0]
        return result

    assert set(query(new)["properties"]) == {"이름"}
    assert set(query(old)["properties"]) == {"이름", "메모", "상태", "마감", "사람"}
    wanted = [("filter_properties", "title"), ("filter_properties", memo_id)]
    assert set(query(new, wanted)["properties"]) == {"이름", "메모"}
    assert set(query(old, wanted)["properties"]) == {"이름", "메모"}
    assert "archived" not in query(new) and query(old)["archived"] is False
    one = _raw(notion, "GET", f"/v1/pages/{page['id']}", headers=new).json()
    assert set(one["properties"]) == {"이름", "메모", "상태", "마감", "사람"}  # not a list
    trash = {"archived": True}
    refused = _raw(notion, "PATCH", f"/v1/pages/{page['id']}", json=trash, headers=new)
    assert refused.status_code == 400 and refused.json()["code"] == "validation_error"
    assert "in_trash" in refused.json()["message"]
    assert _raw(notion, "PATCH", f"/v1/pages/{page['id']}", json=trash, headers=old).is_success
    notion.workspace.add_person(None, "guest@example.com")
    names = {
        version: [u["name"] for u in _raw(notion, "GET", "/v1/users", headers=h).json()["results"]]
        for version, h in (("new", new), ("old", old))
    }
    assert None in names["new"] and None not in names["old"] and "" in names["old"]
