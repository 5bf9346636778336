"""Where the emulators differed from Notion's and Google's recorded answers: one test each.

Each case is what real traffic shows (the VCR cassettes of notion-sdk-py and gspread, which
record real responses): the emulator must answer the same, through the real SDK clients.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import gspread
import httpx
import pytest
from notion_client import APIResponseError, Client

from cxbot.emulators.notion import NotionEmulator
from cxbot.emulators.sheets import SheetsEmulator, routed_client
from cxbot.emulators.slack.server import SlackEmulator
from tests.conftest import NotionJson

NOTION_HEADERS = {"Authorization": "Bearer secret_test", "Notion-Version": "2025-09-03"}
SA = "cxbot@cx-project.iam.gserviceaccount.com"


@pytest.fixture
def api(notion: NotionEmulator) -> NotionJson:
    return Client(auth="secret_test", base_url=notion.base_url, retry=False)


@pytest.fixture
def parent(notion: NotionEmulator) -> str:
    return notion.workspace.add_page("CX 운영")


@pytest.fixture
def sheets() -> Any:
    with SheetsEmulator(tokens={"ya29.test": SA}, rate_limit=False) as emulator:
        yield emulator


@pytest.fixture
def gc(sheets: SheetsEmulator) -> gspread.Client:
    return routed_client(sheets.base_url, "ya29.test")


# Notion ----------------------------------------------------------------------------------
def test_a_page_under_a_page_takes_the_short_title_form(api: NotionJson, parent: str) -> None:
    # Recorded: POST /v1/pages {"parent": {"page_id"}, "properties": {"title": [...]}} → 200.
    # The emulator's handler crashed on it (the connection was dropped).
    short = api.pages.create(
        parent={"page_id": parent}, properties={"title": [{"text": {"content": "Test Page"}}]}
    )
    long = api.pages.create(
        parent={"page_id": parent},
        properties={"title": {"title": [{"text": {"content": "Long form"}}]}},
    )
    assert short["properties"]["title"]["title"][0]["plain_text"] == "Test Page"
    assert long["properties"]["title"]["title"][0]["plain_text"] == "Long form"
    assert short["parent"] == {"type": "page_id", "page_id": parent}


def test_objects_carry_archived_beside_in_trash_and_a_request_id(
    api: NotionJson, parent: str
) -> None:
    page = api.pages.create(
        parent={"page_id": parent}, properties={"title": [{"text": {"content": "p"}}]}
    )
    database = api.databases.create(
        parent={"type": "page_id", "page_id": parent},
        title=[{"type": "text", "text": {"content": "db"}}],
    )
    users = api.users.list()
    for answer in (page, database, users):
        assert uuid.UUID(answer["request_id"]).version == 4
    assert page["archived"] is False and page["in_trash"] is False
    assert page["is_archived"] is False and page["is_locked"] is False
    assert database["archived"] is False and database["in_trash"] is False
    assert page["request_id"] != database["request_id"]


def test_errors_carry_a_real_request_id_and_404s_name_the_integration(
    notion: NotionEmulator,
) -> None:
    ids = set()
    for _ in range(2):
        answer = httpx.get(
            f"{notion.base_url}/v1/pages/{uuid.uuid4()}", headers=NOTION_HEADERS
        ).json()
        assert answer["object"] == "error" and answer["code"] == "object_not_found"
        assert answer["additional_data"] == {"integration_id": notion.workspace.bot_id}
        assert 'shared with your integration "cxbot"' in answer["message"]
        ids.add(answer["request_id"])
    assert len(ids) == 2 and "00000000-0000-4000-8000-000000000000" not in ids


def test_data_source_properties_have_a_description_and_bots_a_workspace_id(
    api: NotionJson, parent: str
) -> None:
    database = api.databases.create(
        parent={"type": "page_id", "page_id": parent},
        title=[{"type": "text", "text": {"content": "db"}}],
        initial_data_source={
            "properties": {
                "이름": {"type": "title", "title": {}},
                "메모": {"rich_text": {}, "description": "자유롭게"},
            }
        },
    )
    source = api.data_sources.retrieve(database["data_sources"][0]["id"])
    assert source["properties"]["이름"]["description"] is None
    assert source["properties"]["메모"]["description"] == "자유롭게"
    me = api.users.me()
    assert uuid.UUID(me["bot"]["workspace_id"])
    assert me["bot"]["workspace_limits"]["max_file_upload_size_in_bytes"] > 0


def test_archived_on_a_data_source_is_applied(api: NotionJson, parent: str) -> None:
    database = api.databases.create(
        parent={"type": "page_id", "page_id": parent},
        title=[{"type": "text", "text": {"content": "db"}}],
    )
    source_id = database["data_sources"][0]["id"]
    answer = api.request(path=f"data_sources/{source_id}", method="PATCH", body={"archived": True})
    assert answer["archived"] is True and answer["in_trash"] is True
    assert api.data_sources.retrieve(source_id)["in_trash"] is True
    back = api.data_sources.update(source_id, in_trash=False)
    assert back["in_trash"] is False and back["archived"] is False


def test_icons_are_kept(api: NotionJson, parent: str) -> None:
    icon = {"type": "emoji", "emoji": "📣"}
    page = api.pages.create(
        parent={"page_id": parent}, properties={"title": [{"text": {"content": "p"}}]}, icon=icon
    )
    database = api.databases.create(
        parent={"type": "page_id", "page_id": parent},
        title=[{"type": "text", "text": {"content": "db"}}],
        icon=icon,
    )
    assert page["icon"] == icon and api.pages.retrieve(page["id"])["icon"] == icon
    assert database["icon"] == icon
    changed = api.pages.update(page["id"], icon={"type": "emoji", "emoji": "✅"})
    assert changed["icon"]["emoji"] == "✅"
    with pytest.raises(APIResponseError, match="icon"):
        api.pages.update(page["id"], icon={"type": "sticker"})


def test_database_times_keep_milliseconds(
    api: NotionJson, parent: str, notion: NotionEmulator
) -> None:
    notion.workspace.clock = lambda: datetime(2026, 7, 4, 9, 9, 12, 949000, tzinfo=UTC)
    database = api.databases.create(
        parent={"type": "page_id", "page_id": parent},
        title=[{"type": "text", "text": {"content": "db"}}],
    )
    # Recorded: "created_time":"2026-07-04T09:09:12.949+00:00" (pages: rounded to the minute)
    assert database["created_time"] == "2026-07-04T09:09:12.949+00:00"
    page = api.pages.create(
        parent={"page_id": parent}, properties={"title": [{"text": {"content": "p"}}]}
    )
    assert page["created_time"] == "2026-07-04T09:09:00.000Z"


def test_a_database_created_with_a_title_only_gets_a_name_column(
    api: NotionJson, parent: str
) -> None:
    database = api.databases.create(
        parent={"type": "page_id", "page_id": parent},
        title=[{"type": "text", "text": {"content": "db"}}],
    )
    source = api.data_sources.retrieve(database["data_sources"][0]["id"])
    assert [(n, p["type"]) for n, p in source["properties"].items()] == [("Name", "title")]


def test_deleting_a_page_block_trashes_it(api: NotionJson, parent: str) -> None:
    page = api.pages.create(
        parent={"page_id": parent}, properties={"title": [{"text": {"content": "p"}}]}
    )
    block = api.blocks.delete(page["id"])
    assert block["type"] == "child_page" and block["in_trash"] is True
    assert api.pages.retrieve(page["id"])["in_trash"] is True


# Sheets and Drive ---------------------------------------------------------------------------
ROWS = [["이름", "시작", "종료", "비고"], ["a", "1", "2", "x"], ["b", "3", "4", "y"]]


def test_values_get_keeps_to_the_a1_range(sheets: SheetsEmulator, gc: gspread.Client) -> None:
    sheet_id = sheets.add_spreadsheet("s", {"Sheet1": [list(r) for r in ROWS]})
    client = gc.http_client
    # Recorded: 'Sheet1'!A1:C → "range": "Sheet1!A1:C1000"
    answer = client.values_get(sheet_id, "'Sheet1'!A1:C")
    assert answer["range"] == "Sheet1!A1:C1000"
    assert answer["values"] == [r[:3] for r in ROWS]
    assert client.values_get(sheet_id, "'Sheet1'!B2:C3")["values"] == [["1", "2"], ["3", "4"]]
    assert client.values_get(sheet_id, "'Sheet1'!D3")["values"] == [["y"]]
    assert client.values_get(sheet_id, "Sheet1!A:A")["values"] == [["이름"], ["a"], ["b"]]
    # the whole tab: the grid's range (a new sheet is 1000 rows × 26 columns)
    assert client.values_get(sheet_id, "'Sheet1'")["range"] == "Sheet1!A1:Z1000"
    columns = client.values_get(sheet_id, "'Sheet1'!A1:B3", params={"majorDimension": "COLUMNS"})
    assert columns["majorDimension"] == "COLUMNS"
    assert columns["values"] == [["이름", "a", "b"], ["시작", "1", "3"]]
    # A reversed range is read as Google reads it: C1:A1 is A1:C1, D3:B2 is B2:D3.
    reversed_ = client.values_get(sheet_id, "'Sheet1'!C1:A1")
    assert reversed_["range"] == "Sheet1!A1:C1" and reversed_["values"] == [ROWS[0][:3]]
    assert client.values_get(sheet_id, "'Sheet1'!D3:B2")["values"] == [
        ["1", "2", "x"],
        ["3", "4", "y"],
    ]
    with pytest.raises(gspread.exceptions.APIError):
        client.values_get(sheet_id, "'Sheet1'!A1:B2:C3")


def test_a_sheet_of_any_size_and_named_ranges(sheets: SheetsEmulator, gc: gspread.Client) -> None:
    """A tab made (or resized) to 4 × 4 answers its own size, not a new sheet's 1000 × 26;
    a named range stands for its cells."""
    sheet_id = sheets.add_spreadsheet(
        "s", {"Sheet1": [list(r) for r in ROWS]}, sizes={"Sheet1": (4, 4)},
        named={"프로모션목록": "Sheet1!A2:B3"},
    )  # fmt: skip
    client = gc.http_client
    assert client.values_get(sheet_id, "'Sheet1'")["range"] == "Sheet1!A1:D4"
    assert client.values_get(sheet_id, "'Sheet1'!A1:Z1000")["range"] == "Sheet1!A1:D4"
    named = client.values_get(sheet_id, "프로모션목록")
    assert named["range"] == "Sheet1!A2:B3" and named["values"] == [["a", "1"], ["b", "3"]]
    meta = gc.open_by_key(sheet_id).fetch_sheet_metadata()
    (entry,) = meta["namedRanges"]
    assert entry["name"] == "프로모션목록"
    assert entry["range"] == {"startRowIndex": 1, "endRowIndex": 3, "endColumnIndex": 2}


def test_spreadsheets_get_keeps_to_its_field_mask_and_shows_the_sheets_layout(
    sheets: SheetsEmulator, gc: gspread.Client
) -> None:
    """Without a mask: the theme, merges (a title over the header), frozen rows, the basic
    filter, protected ranges. With one: only what it names, and no startRow/startColumn
    where they are 0."""
    sheet_id = sheets.add_spreadsheet(
        "s",
        {"프로모션": [["2027 프로모션 캘린더"], list(ROWS[0]), *[list(r) for r in ROWS[1:]]]},
        merges={"프로모션": ["A1:D1"]},
        frozen={"프로모션": (2, 0)},
        filters={"프로모션": "A2:D4"},
        protected={"프로모션": ["A1:D2"]},
    )
    client = gc.http_client
    url = gspread.urls.SPREADSHEET_URL % sheet_id
    full = client.request("get", url).json()
    assert full["properties"]["spreadsheetTheme"]["primaryFontFamily"] == "Arial"
    (tab,) = full["sheets"]
    assert tab["merges"] == [{"endRowIndex": 1, "endColumnIndex": 4}]  # zeros left out
    assert tab["properties"]["gridProperties"]["frozenRowCount"] == 2
    assert tab["basicFilter"]["range"] == {
        "startRowIndex": 1,
        "endRowIndex": 4,
        "endColumnIndex": 4,
    }
    assert tab["protectedRanges"][0]["range"] == {"endRowIndex": 2, "endColumnIndex": 4}
    titles = client.request(
        "get", url, params={"fields": "sheets.properties(title,gridProperties.frozenRowCount)"}
    ).json()
    assert titles == {
        "sheets": [{"properties": {"title": "프로모션", "gridProperties": {"frozenRowCount": 2}}}]
    }
    cells = client.request(
        "get",
        url,
        params={
            "ranges": "'프로모션'!A2:B3",
            "fields": "sheets.data.rowData.values.formattedValue",
        },
    ).json()
    (grid,) = cells["sheets"][0]["data"]
    assert "startRow" not in grid and "startColumn" not in grid  # not asked for
    assert grid["rowData"][0]["values"][0] == {"formattedValue": "이름"}
    with pytest.raises(gspread.exceptions.APIError):
        client.request("get", url, params={"fields": "sheets(properties"})


def test_an_empty_range_has_no_values_and_keeps_its_range(
    sheets: SheetsEmulator, gc: gspread.Client
) -> None:
    sheet_id = sheets.add_spreadsheet("s", {"Sheet1": [], "프로모션": [["a"]]})
    empty = gc.http_client.values_get(sheet_id, "'Sheet1'")
    assert "values" not in empty and empty["range"] == "Sheet1!A1:Z1000"
    beyond = gc.http_client.values_get(sheet_id, "'프로모션'!D4")
    assert beyond == {"range": "'프로모션'!D4", "majorDimension": "ROWS"}


def test_spreadsheet_metadata_has_auto_recalc_and_hidden_tabs(
    sheets: SheetsEmulator, gc: gspread.Client
) -> None:
    sheet_id = sheets.add_spreadsheet("s", {"Sheet1": [["a"]], "보관": [["b"]]}, hidden={"보관"})
    spreadsheet = gc.open_by_key(sheet_id)
    meta = spreadsheet.fetch_sheet_metadata()
    assert meta["properties"]["autoRecalc"] == "ON_CHANGE"
    tabs = {s["properties"]["title"]: s["properties"] for s in meta["sheets"]}
    assert "hidden" not in tabs["Sheet1"] and tabs["보관"]["hidden"] is True
    assert [w.title for w in spreadsheet.worksheets(exclude_hidden=True)] == ["Sheet1"]
    assert [w.title for w in spreadsheet.worksheets()] == ["Sheet1", "보관"]


def test_drive_files_get_answers_the_fields_asked(
    sheets: SheetsEmulator, gc: gspread.Client
) -> None:
    sheet_id = sheets.add_spreadsheet("s", {"Sheet1": [["a"]]})
    spreadsheet = gc.open_by_key(sheet_id)  # gspread asks for id,name,createdTime,modifiedTime
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", spreadsheet.creationTime)
    assert spreadsheet.get_lastUpdateTime()


# every emulator: a failure inside is a 500 in the service's own shape ----------------------
def test_a_failure_inside_an_emulator_is_a_500_in_the_apis_shape(
    notion: NotionEmulator,
    sheets: SheetsEmulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("a bug in the emulator")

    monkeypatch.setattr(notion.workspace, "search", broken)
    monkeypatch.setattr(sheets, "_sheet", broken)
    slack = SlackEmulator(tokens={"xoxb-test"}).start()
    monkeypatch.setattr(slack, "_authenticate", broken)
    with caplog.at_level(logging.ERROR):
        answer = httpx.post(f"{notion.base_url}/v1/search", headers=NOTION_HEADERS, json={})
        assert answer.status_code == 500
        body = answer.json()
        assert body["object"] == "error" and body["code"] == "internal_server_error"
        assert uuid.UUID(body["request_id"])
        google = httpx.get(
            f"{sheets.base_url}/v4/spreadsheets/x/values/A1",
            headers={"Authorization": "Bearer ya29.test"},
        )
        assert google.status_code == 500
        assert google.json()["error"]["status"] == "INTERNAL"
        chat = httpx.post(f"{slack.base_url}/api/auth.test", data={"token": "xoxb-test"})
        assert chat.status_code == 500 and chat.json() == {"ok": False, "error": "internal_error"}
    slack.stop()
    assert caplog.text.count("failed inside; answering 500") == 3


def _notion_requests(base: str) -> list[tuple[str, str, Any]]:
    some = str(uuid.uuid4())
    paths = [
        "/v1/pages",
        f"/v1/pages/{some}",
        "/v1/databases",
        f"/v1/databases/{some}",
        "/v1/data_sources",
        f"/v1/data_sources/{some}",
        f"/v1/data_sources/{some}/query",
        "/v1/search",
        "/v1/users",
        f"/v1/blocks/{some}",
        "/v1/nowhere",
    ]
    bodies: list[Any] = [
        None,
        [],
        "text",
        7,
        {"parent": None},
        {"parent": {"page_id": "nope"}, "properties": {"title": 5}},
        {"parent": {"page_id": some}, "properties": []},
        {"properties": {"x": None}, "in_trash": "yes", "icon": 3, "title": {}},
        {"filter": [], "sorts": {}, "page_size": "ten", "start_cursor": 4},
        {"initial_data_source": {"properties": {"a": {"title": {}, "select": {}}}}},
    ]
    return [
        (method, path, body)
        for (method, path), body in itertools.product(
            [(m, p) for p in paths for m in ("GET", "POST", "PATCH", "DELETE")], bodies
        )
    ]


def test_no_request_drops_the_connection(
    notion: NotionEmulator, sheets: SheetsEmulator, parent: str
) -> None:
    """Malformed bodies and wrong methods on every route: always an answer, never a 500."""
    with httpx.Client(timeout=5) as client:
        for method, path, body in _notion_requests(notion.base_url):
            content = None if body is None else json.dumps(body).encode()
            answer = client.request(
                method, notion.base_url + path, headers=NOTION_HEADERS, content=content
            )
            assert answer.status_code < 500, (method, path, body, answer.text)
            if answer.status_code >= 400:
                assert answer.json()["object"] == "error", (method, path, body)
        sheet_id = sheets.add_spreadsheet("s", {"Sheet1": [["a"]]})
        for path in (
            f"/v4/spreadsheets/{sheet_id}/values/'Sheet1'!A1:B!C",
            f"/v4/spreadsheets/{sheet_id}/values/Sheet1!:",
            f"/v4/spreadsheets/{sheet_id}/values/Nope!A1",
            f"/v4/spreadsheets/{sheet_id}?ranges=Nope",
            f"/v4/spreadsheets/{sheet_id}/values:batchGet?ranges=Sheet1!ZZZ0",
            "/drive/v3/files/unknown?fields=id",
        ):
            answer = client.get(
                sheets.base_url + path, headers={"Authorization": "Bearer ya29.test"}
            )
            assert 400 <= answer.status_code < 500, (path, answer.text)
            assert set(answer.json()["error"]) >= {"code", "message", "status"}
