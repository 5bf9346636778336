"""The Sheets emulator against real recorded Google Sheets traffic (gspread's cassettes),
when given.

Point `CXBOT_RECORDED_SHEETS` at a folder of gspread's `tests/cassettes` (JSON); without
it the test is skipped (recorded third-party traffic is not kept in this repository). Each
cassette's writes are applied to an emulated spreadsheet the way the recording made them
(the spreadsheet created, cells written RAW, tabs added, resized or cleared); then every
recorded read — values.get and spreadsheets.get — is asked of the emulator, and the fields
cxbot reads must be what Google answered: a range's `range`, `majorDimension` and
`values`; a tab's title, grid size and hidden flag. A spreadsheet the recording changed in
a way not modelled here (formulas, USER_ENTERED parsing, other batchUpdate requests) is not
compared from then on, and the test says how many reads it compared.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from cxbot.emulators.sheets import SheetsEmulator
from cxbot.emulators.sheets.server import ApiError, _bounds, _tab_of, routed_session

FOLDER = os.environ.get("CXBOT_RECORDED_SHEETS", "")
SA = "replay@cx-project.iam.gserviceaccount.com"
_SHEET_PATH = re.compile(r"^/v4/spreadsheets/([^/:]+)(.*)$")


def _cassettes() -> list[Path]:
    if not FOLDER or not Path(FOLDER).is_dir():
        return []
    return sorted(Path(FOLDER).glob("*.json"))


class _Replay:
    def __init__(self, emulator: SheetsEmulator) -> None:
        self.emulator = emulator
        self.session = routed_session(emulator.base_url, "ya29.replay")
        self.ids: dict[str, str] = {}  # recorded spreadsheet id → the emulator's
        self.untrusted: set[str] = set()
        self.compared = 0
        self.differences: list[str] = []

    def step(self, request: dict[str, Any], response: dict[str, Any]) -> None:
        parts = urlsplit(request["uri"])
        body = _json(request.get("body"))
        answer = _json((response.get("body") or {}).get("string"))
        method = request["method"]
        if parts.path == "/drive/v3/files" and method == "POST" and isinstance(answer, dict):
            title = str((body or {}).get("name", "s"))
            self.ids[str(answer["id"])] = self.emulator.add_spreadsheet(title, {"Sheet1": []})
            return
        match = _SHEET_PATH.match(parts.path)
        if not match or match[1] not in self.ids:
            if method != "GET":  # another way of writing it (a Drive upload): not modelled
                self.untrusted.update(i for i in self.ids if i in request["uri"])
            return
        recorded, rest = match[1], unquote(match[2])
        sheet = self.emulator.spreadsheets[self.ids[recorded]]
        query = parse_qs(parts.query)
        if method == "POST" and rest == ":batchUpdate":
            self._batch_update(recorded, sheet, body or {})
        elif method == "PUT" and rest.startswith("/values/"):
            raw = query.get("valueInputOption", ["RAW"])[0] == "RAW"
            self._write(recorded, sheet, rest.removeprefix("/values/"), body or {}, raw)
        elif method == "POST" and rest.startswith("/values/") and rest.endswith(":clear"):
            self._clear(sheet, rest.removeprefix("/values/").removesuffix(":clear"))
        elif method == "GET" and recorded not in self.untrusted:
            if response["status"]["code"] == 200:
                self._compare(recorded, rest, parts.query, answer)
        elif method not in ("GET",):
            self.untrusted.add(recorded)

    def _batch_update(self, recorded: str, sheet: Any, body: dict[str, Any]) -> None:
        by_id = {v: k for k, v in sheet.sheet_ids.items()}
        for change in body.get("requests", []):
            if "updateSheetProperties" in change:
                props = change["updateSheetProperties"]["properties"]
                tab = by_id.get(props.get("sheetId", 0))
                grid = props.get("gridProperties") or {}
                if tab is None or set(props) - {"sheetId", "gridProperties", "title"}:
                    self.untrusted.add(recorded)
                    continue
                if "title" in props and props["title"] != tab:
                    new = props["title"]
                    sheet.tabs[new] = sheet.tabs.pop(tab)
                    sheet.sheet_ids[new] = sheet.sheet_ids.pop(tab)
                    if tab in sheet.sizes:
                        sheet.sizes[new] = sheet.sizes.pop(tab)
                    tab = new
                rows, columns = sheet.sizes.get(tab, (1000, 26))
                sheet.sizes[tab] = (grid.get("rowCount", rows), grid.get("columnCount", columns))
            elif "addSheet" in change:
                props = change["addSheet"].get("properties") or {}
                title = props.get("title", f"Sheet{len(sheet.tabs) + 1}")
                sheet.tabs[title] = []
                sheet.sheet_ids[title] = int(props.get("sheetId", 1_000_000 + len(sheet.tabs)))
                grid = props.get("gridProperties") or {}
                sheet.sizes[title] = (grid.get("rowCount", 1000), grid.get("columnCount", 26))
            else:
                self.untrusted.add(recorded)

    def _write(
        self, recorded: str, sheet: Any, range_: str, body: dict[str, Any], raw: bool
    ) -> None:
        values = body.get("values") or []
        if not raw and any(isinstance(v, str) and v[:1] in "=+'" for r in values for v in r):
            self.untrusted.add(recorded)  # a formula or a typed apostrophe: not modelled
            return
        tab = _tab_of(range_)
        if tab not in sheet.tabs:
            self.untrusted.add(recorded)
            return
        try:
            top, left, _, _ = _bounds(range_, sheet.grid(tab))
        except ApiError:  # a range Google took that the emulator cannot read: not modelled
            self.untrusted.add(recorded)
            return
        cells = sheet.tabs[tab]
        for r, row in enumerate(values):
            while len(cells) <= top + r:
                cells.append([])
            target = cells[top + r]
            for c, value in enumerate(row):
                if value is None:
                    continue  # null leaves the cell as it is
                while len(target) <= left + c:
                    target.append("")
                target[left + c] = value if raw else _user_entered(value)

    def _clear(self, sheet: Any, range_: str) -> None:
        tab = _tab_of(range_)
        if tab in sheet.tabs:
            sheet.tabs[tab] = []

    def _compare(self, recorded: str, rest: str, query: str, real: Any) -> None:
        url = f"https://sheets.googleapis.com/v4/spreadsheets/{self.ids[recorded]}{rest}"
        ours = self.session.get(url + (f"?{query}" if query else ""))
        if ours.status_code != 200:
            self.differences.append(f"{rest}: the emulator answered {ours.status_code}")
            return
        got = ours.json()
        self.compared += 1
        if rest.startswith("/values/"):
            for name in ("range", "majorDimension", "values"):
                if got.get(name) != real.get(name):
                    said = real.get(name)
                    self.differences.append(f"values {rest}: {name} {got.get(name)!r} ≠ {said!r}")
        elif rest == "":
            for shown, want in zip(got.get("sheets", []), real.get("sheets", []), strict=False):
                for name in ("title", "gridProperties", "hidden"):
                    ours_value = _tab_field(shown, name)
                    real_value = _tab_field(want, name)
                    if ours_value != real_value:
                        self.differences.append(
                            f"spreadsheets.get: {name} {ours_value!r} ≠ {real_value!r}"
                        )


def _user_entered(value: Any) -> Any:
    """What Sheets makes of text typed by a person (USER_ENTERED): `0042` is the number 42."""
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d*\.\d+", value.strip()):
        return float(value)
    return value


def _tab_field(sheet: dict[str, Any], name: str) -> Any:
    props = sheet.get("properties") or {}
    if name == "gridProperties":
        grid = props.get("gridProperties") or {}
        return grid.get("rowCount"), grid.get("columnCount")
    return props.get(name)


def _json(text: Any) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


@pytest.mark.skipif(
    not _cassettes(), reason="set CXBOT_RECORDED_SHEETS to a folder of gspread's tests/cassettes"
)
def test_recorded_sheets_reads_are_answered_as_google_answered_them() -> None:
    emulator = SheetsEmulator(tokens={"ya29.replay": SA}, rate_limit=False).start()
    differences: dict[str, list[str]] = {}
    compared = 0
    try:
        for path in _cassettes():
            replay = _Replay(emulator)
            for interaction in json.loads(path.read_text(encoding="utf-8"))["interactions"]:
                replay.step(interaction["request"], interaction["response"])
            compared += replay.compared
            if replay.differences:
                differences[path.name] = replay.differences
    finally:
        emulator.stop()
    assert compared > 0
    assert not differences, json.dumps(differences, ensure_ascii=False, indent=1)[:4000]
