"""Sheets v4 (metadata, values.get, values.batchGet) and Drive v3 (files.get) over HTTP."""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import unquote

import gspread
import requests
from requests.adapters import HTTPAdapter

from cxbot.emulators.http import EmulatorServer, Fault, Request, Response, TokenBucket
from cxbot.emulators.sheets.masks import MaskProblem, apply_mask, parse_mask

READS_PER_MINUTE = 60  # Sheets API: read requests per minute per user
SHEETS_EPOCH = date(1899, 12, 30)
GOOGLE_HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")
_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


@dataclass(frozen=True)
class SheetDate:
    """A date cell: shown as `shown` (its number format), stored as a serial number."""

    day: date
    shown: str | None = None

    @property
    def serial(self) -> int:
        return (self.day - SHEETS_EPOCH).days

    @property
    def formatted(self) -> str:
        return self.shown or f"{self.day.year}. {self.day.month}. {self.day.day}"


@dataclass(frozen=True)
class Struck:
    """A cell drawn with strike-through (how planners often mark a cancelled promotion)."""

    value: Any


@dataclass
class Spreadsheet:
    id: str
    title: str
    tabs: dict[str, list[list[Any]]] = field(default_factory=dict)
    shared_with: set[str] = field(default_factory=set)
    version: int = 1
    modified: datetime = field(default_factory=lambda: datetime(2026, 11, 1, tzinfo=UTC))
    created: datetime = field(default_factory=lambda: datetime(2026, 11, 1, tzinfo=UTC))
    hidden: set[str] = field(default_factory=set)
    sheet_ids: dict[str, int] = field(default_factory=dict)
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)
    """(rows, columns) a tab was made or resized to; 1000 × 26 (a new sheet) otherwise."""
    named: dict[str, str] = field(default_factory=dict)
    """Named ranges: name → `Tab!A1:B2`."""
    merges: dict[str, list[str]] = field(default_factory=dict)  # tab → merged A1 ranges
    frozen: dict[str, tuple[int, int]] = field(default_factory=dict)  # tab → (rows, columns)
    filters: dict[str, str] = field(default_factory=dict)  # tab → its basic filter's range
    protected: dict[str, list[str]] = field(default_factory=dict)  # tab → protected ranges

    def grid(self, tab: str) -> tuple[int, int]:
        """(rows, columns) of a tab's grid, grown to fit its data."""
        rows = self.tabs[tab]
        height, width = self.sizes.get(tab, (1000, 26))
        return max(height, len(rows)), max(width, max((len(r) for r in rows), default=0))


class ApiError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class SheetsEmulator(EmulatorServer):
    """`SheetsEmulator(tokens={"ya29.test": "cxbot@project.iam.gserviceaccount.com"})`."""

    def __init__(
        self,
        *,
        tokens: dict[str, str] | None = None,
        rate_limit: bool = True,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__()
        self.tokens = (
            tokens
            if tokens is not None
            else {"ya29.emulator": "cxbot@cx-project.iam.gserviceaccount.com"}
        )
        self.rate_limit = rate_limit
        self.clock = clock
        self.lock = threading.RLock()
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self._ids = itertools.count(1)
        self._buckets: dict[str, TokenBucket] = {}
        self.rate_limited = 0

    # seeding (what sales/marketing do in the sheet) -----------------------------------
    def add_spreadsheet(
        self,
        title: str,
        tabs: dict[str, list[list[Any]]],
        shared_with: set[str] | None = None,
        *,
        hidden: set[str] | None = None,
        sizes: dict[str, tuple[int, int]] | None = None,
        named: dict[str, str] | None = None,
        merges: dict[str, list[str]] | None = None,
        frozen: dict[str, tuple[int, int]] | None = None,
        filters: dict[str, str] | None = None,
        protected: dict[str, list[str]] | None = None,
    ) -> str:
        """A spreadsheet as planners make them: tabs of cells; optionally tabs of any size,
        named ranges, merged cells (a title over the header), frozen rows, a basic filter,
        protected ranges."""
        sheet_id = f"1{next(self._ids):04d}SheetEmulatorId" + "x" * 20
        everyone = set(self.tokens.values()) if shared_with is None else shared_with
        now = self.clock()
        self.spreadsheets[sheet_id] = Spreadsheet(
            id=sheet_id,
            title=title,
            tabs=tabs,
            shared_with=everyone,
            modified=now,
            created=now,
            hidden=set(hidden or ()),
            sheet_ids={tab: 0 if i == 0 else 1_000_000 + i * 7919 for i, tab in enumerate(tabs)},
            sizes=dict(sizes or {}),
            named=dict(named or {}),
            merges=dict(merges or {}),
            frozen=dict(frozen or {}),
            filters=dict(filters or {}),
            protected=dict(protected or {}),
        )
        return sheet_id

    def lay_out(
        self,
        sheet_id: str,
        tab: str,
        *,
        merges: list[str] | None = None,
        frozen: tuple[int, int] | None = None,
        basic_filter: str | None = None,
        protected: list[str] | None = None,
    ) -> None:
        """A planner formats a tab: merges cells, freezes rows, adds a filter, protects."""
        with self.lock:
            sheet = self.spreadsheets[sheet_id]
            if merges is not None:
                sheet.merges[tab] = merges
            if frozen is not None:
                sheet.frozen[tab] = frozen
            if basic_filter is not None:
                sheet.filters[tab] = basic_filter
            if protected is not None:
                sheet.protected[tab] = protected
            sheet.version += 1
            sheet.modified = self.clock()

    def edit(self, sheet_id: str, tab: str, rows: list[list[Any]]) -> None:
        """Replaces a tab's cells; bumps the Drive version and modifiedTime like an edit."""
        with self.lock:
            sheet = self.spreadsheets[sheet_id]
            sheet.tabs[tab] = rows
            sheet.version += 1
            sheet.modified = self.clock()

    # serving -------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        try:
            user = self._user(request)
            path = request.path
            if match := re.fullmatch(r"/drive/v3/files/([^/]+)", path):
                return Response(200, self._drive_file(user, match[1], request))
            if match := re.fullmatch(r"/v4/spreadsheets/([^/]+)/values:batchGet", path):
                self._throttle(user)
                return Response(200, self._batch_get(user, match[1], request))
            if match := re.fullmatch(r"/v4/spreadsheets/([^/]+)/values/(.+)", path):
                self._throttle(user)
                sheet = self._sheet(user, match[1])
                return Response(200, self._values(sheet, unquote(match[2]), request))
            if match := re.fullmatch(r"/v4/spreadsheets/([^/:]+)", path):
                self._throttle(user)
                return Response(200, self._spreadsheet(self._sheet(user, match[1]), request))
            raise ApiError(404, "Not Found")
        except ApiError as error:
            return _error(error.code, error.message)

    def internal_error(self, request: Request) -> Response:
        return _error(500, "Internal error encountered.")

    def fault_response(self, fault: Fault) -> Response:
        if fault.kind == "rate_limit":
            return _error(429, _QUOTA)
        return _error(fault.status, "The service is currently unavailable.")

    def _user(self, request: Request) -> str:
        auth = request.headers.get("authorization", "")
        user = self.tokens.get(auth.removeprefix("Bearer ")) if auth.startswith("Bearer ") else None
        if user is None:
            raise ApiError(
                401,
                "Request had invalid authentication credentials. Expected OAuth 2 "
                "access token, login cookie or other valid authentication "
                "credential.",
            )
        return user

    def _throttle(self, user: str) -> None:
        if not self.rate_limit:
            return
        with self.lock:
            bucket = self._buckets.setdefault(
                user, TokenBucket(READS_PER_MINUTE / 60.0, float(READS_PER_MINUTE))
            )
        if bucket.take() > 0:
            self.rate_limited += 1
            raise ApiError(429, _QUOTA)

    def _sheet(self, user: str, sheet_id: str) -> Spreadsheet:
        sheet = self.spreadsheets.get(sheet_id)
        if sheet is None:
            raise ApiError(404, "Requested entity was not found.")
        if user not in sheet.shared_with:
            raise ApiError(403, "The caller does not have permission")
        return sheet

    def _drive_file(self, user: str, file_id: str, request: Request) -> dict[str, Any]:
        sheet = self.spreadsheets.get(file_id)
        if sheet is None or user not in sheet.shared_with:
            raise ApiError(404, f"File not found: {file_id}.")
        full = {
            "kind": "drive#file",
            "id": sheet.id,
            "name": sheet.title,
            "mimeType": "application/vnd.google-apps.spreadsheet",
            "createdTime": _rfc3339(sheet.created),
            "modifiedTime": _rfc3339(sheet.modified),
            "version": str(sheet.version),
        }
        fields = (request.query.get("fields") or [""])[0]
        if not fields:
            return {k: full[k] for k in ("kind", "id", "name", "mimeType")}
        return {k: full[k] for k in (f.strip() for f in fields.split(",")) if k in full}

    def _spreadsheet(self, sheet: Spreadsheet, request: Request) -> dict[str, Any]:
        """spreadsheets.get: properties (with the theme), named ranges and tabs (with merges,
        frozen rows, a basic filter, protected ranges where the tab has them); with
        `ranges` and grid data asked for (includeGridData=true, or a `fields` mask naming
        sheets.data), the cells. A `fields` mask keeps only what it names."""
        fields = (request.query.get("fields") or [""])[0]
        try:
            mask = parse_mask(fields) if fields else None
        except MaskProblem as problem:
            raise ApiError(400, f"Request contains an invalid argument. {problem}") from None
        with_grid = (request.query.get("includeGridData") or ["false"])[0].lower() == "true"
        with_grid = with_grid or "data" in fields
        ranges = [sheet.named.get(r, r) for r in request.query.get("ranges") or []]
        answer: dict[str, Any] = {
            "spreadsheetId": sheet.id,
            "properties": {
                "title": sheet.title,
                "locale": "ko_KR",
                "autoRecalc": "ON_CHANGE",
                "timeZone": "Asia/Seoul",
                "defaultFormat": _DEFAULT_FORMAT,
                "spreadsheetTheme": _THEME,
            },
            "sheets": [],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{sheet.id}/edit",
        }
        if sheet.named:
            answer["namedRanges"] = [
                {"namedRangeId": f"nr{n}", "name": name, "range": self._grid_range(sheet, a1)}
                for n, (name, a1) in enumerate(sorted(sheet.named.items()))
            ]
        wanted = {_tab_of(r): r for r in ranges}
        for index, title in enumerate(sheet.tabs):
            if ranges and title not in wanted:
                continue
            entry = self._tab(sheet, title, index)
            if with_grid:
                entry["data"] = [self._grid_data(sheet, title, wanted.get(title, title), fields)]
            answer["sheets"].append(entry)
        for title in wanted:
            if title not in sheet.tabs:
                raise ApiError(400, f"Unable to parse range: {wanted[title]}")
        return apply_mask(answer, mask) if mask is not None else answer

    def _tab(self, sheet: Spreadsheet, title: str, index: int) -> dict[str, Any]:
        rows, columns = sheet.grid(title)
        grid: dict[str, Any] = {"rowCount": rows, "columnCount": columns}
        frozen_rows, frozen_columns = sheet.frozen.get(title, (0, 0))
        if frozen_rows:
            grid["frozenRowCount"] = frozen_rows
        if frozen_columns:
            grid["frozenColumnCount"] = frozen_columns
        properties: dict[str, Any] = {
            "sheetId": sheet.sheet_ids.get(title, index),
            "title": title,
            "index": index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }
        if title in sheet.hidden:
            properties["hidden"] = True
        entry: dict[str, Any] = {"properties": properties}
        if sheet.merges.get(title):
            entry["merges"] = [
                self._grid_range(sheet, f"{title}!{a1}") for a1 in sheet.merges[title]
            ]
        if title in sheet.filters:
            entry["basicFilter"] = {
                "range": self._grid_range(sheet, f"{title}!{sheet.filters[title]}")
            }
        if sheet.protected.get(title):
            entry["protectedRanges"] = [
                {
                    "protectedRangeId": 1000 + n,
                    "range": self._grid_range(sheet, f"{title}!{a1}"),
                    "warningOnly": False,
                    "requestingUserCanEdit": False,
                }
                for n, a1 in enumerate(sheet.protected[title])
            ]
        return entry

    def _grid_range(self, sheet: Spreadsheet, a1: str) -> dict[str, Any]:
        """A GridRange as Google writes it: zero indexes (and sheet 0) left out."""
        tab = _tab_of(a1)
        top, left, bottom, right = _bounds(a1, sheet.grid(tab))
        fields = {
            "sheetId": sheet.sheet_ids.get(tab, 0),
            "startRowIndex": top,
            "endRowIndex": bottom,
            "startColumnIndex": left,
            "endColumnIndex": right,
        }
        return {name: value for name, value in fields.items() if value}

    def _grid_data(
        self, sheet: Spreadsheet, tab: str, range_: str, fields: str = ""
    ) -> dict[str, Any]:
        """GridData as Google gives it: per cell only what the `fields` mask names (the
        values with effectiveValue / formattedValue, the format with userEnteredFormat);
        without a mask, all of it."""
        top, left, bottom, right = _bounds(range_, sheet.grid(tab))
        every = not fields or ("rowData(" not in fields and "values(" not in fields)
        wants = {
            name: every or name in fields
            for name in ("effectiveValue", "formattedValue", "userEnteredFormat")
        }
        row_data: list[dict[str, Any]] = []
        for r in range(top, min(bottom, len(sheet.tabs[tab]))):
            row = sheet.tabs[tab][r]
            values: list[dict[str, Any]] = []
            for c in range(left, min(right, len(row))):
                values.append(_cell_data(row[c], wants))
            while values and not values[-1]:
                values.pop()
            row_data.append({"values": values} if values else {})
        while row_data and not row_data[-1]:
            row_data.pop()
        data: dict[str, Any] = {}
        if top:
            data["startRow"] = top
        if left:
            data["startColumn"] = left
        if row_data:
            data["rowData"] = row_data
        return data

    def _batch_get(self, user: str, sheet_id: str, request: Request) -> dict[str, Any]:
        sheet = self._sheet(user, sheet_id)
        ranges = request.query.get("ranges") or []
        return {
            "spreadsheetId": sheet.id,
            "valueRanges": [self._values(sheet, r, request) for r in ranges],
        }

    def _values(self, sheet: Spreadsheet, range_: str, request: Request) -> dict[str, Any]:
        """values.get: the cells inside the A1 range, trailing blanks trimmed; `range` is the
        asked range clipped to the grid; no `values` at all when the range holds nothing. A
        named range stands for its cells."""
        range_ = sheet.named.get(range_, range_)
        tab = _tab_of(range_)
        if tab not in sheet.tabs:
            raise ApiError(400, f"Unable to parse range: {range_}")
        top, left, bottom, right = _bounds(range_, sheet.grid(tab))
        render = (request.query.get("valueRenderOption") or ["FORMATTED_VALUE"])[0]
        dates = (request.query.get("dateTimeRenderOption") or ["SERIAL_NUMBER"])[0]
        rows = [
            _trim([_render(cell, render, dates) for cell in row[left:right]])
            for row in sheet.tabs[tab][top:bottom]
        ]
        while rows and not rows[-1]:
            rows.pop()
        dimension = (request.query.get("majorDimension") or ["ROWS"])[0]
        if dimension not in ("ROWS", "COLUMNS"):
            raise ApiError(
                400,
                f"Invalid value at 'major_dimension' (type.googleapis.com/"
                f'google.apps.sheets.v4.Dimension), "{dimension}"',
            )
        if dimension == "COLUMNS" and rows:
            width = max(len(r) for r in rows)
            columns = [[r[c] if c < len(r) else "" for r in rows] for c in range(width)]
            rows = [_trim(column) for column in columns]
        answer: dict[str, Any] = {
            "range": f"{_quoted(tab)}!{_a1(top, left, bottom, right)}",
            "majorDimension": dimension,
        }
        if rows:
            answer["values"] = rows
        return answer


_THEME = {
    "primaryFontFamily": "Arial",
    "themeColors": [
        {"colorType": kind, "color": {"rgbColor": rgb}}
        for kind, rgb in (
            ("TEXT", {}),
            ("BACKGROUND", {"red": 1, "green": 1, "blue": 1}),
            ("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
            ("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
            ("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
            ("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
            ("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
            ("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
            ("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}),
        )
    ],
}

_DEFAULT_FORMAT = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}


def _rfc3339(moment: datetime) -> str:
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


_CELL = re.compile(r"^([A-Za-z]*)(\d*)$")


def _bounds(range_: str, grid: tuple[int, int]) -> tuple[int, int, int, int]:
    """(top, left, bottom, right), 0-based and end-exclusive, of an A1 range on a grid:
    `Tab` (all of it), `Tab!A1:C`, `Tab!B2:D5`, `Tab!A:C`, `Tab!2:5`, `Tab!D4`."""
    rows, columns = grid
    cells = _cells_of(range_)
    if cells is None:
        return 0, 0, rows, columns
    if not re.fullmatch(r"[A-Za-z]*\d*(?::[A-Za-z]*\d*)?", cells):
        raise ApiError(400, f"Unable to parse range: {range_}")
    first, _, last = cells.partition(":")
    start, end = _CELL.match(first.strip()), _CELL.match((last or first).strip())
    if start is None or end is None or not (first.strip()):
        raise ApiError(400, f"Unable to parse range: {range_}")
    left = _column(start[1]) if start[1] else 0
    top = int(start[2]) - 1 if start[2] else 0
    right = _column(end[1]) + 1 if end[1] else columns
    bottom = int(end[2]) if end[2] else rows
    if start[1] and end[1] and right <= left:  # D4:A1 is A1:D4, as Google reads it
        left, right = right - 1, left + 1
    if start[2] and end[2] and bottom <= top:
        top, bottom = bottom - 1, top + 1
    if top < 0 or left < 0 or bottom <= top or right <= left:
        raise ApiError(400, f"Unable to parse range: {range_}")
    return top, left, min(bottom, rows), min(right, columns)


def _column(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number - 1


def _a1(top: int, left: int, bottom: int, right: int) -> str:
    first = f"{_letter(left + 1)}{top + 1}"
    last = f"{_letter(right)}{bottom}"
    return first if first == last else f"{first}:{last}"


def _quoted(tab: str) -> str:
    """Google quotes a tab name unless it is a plain word that is not a cell reference."""
    plain = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", tab) and not re.fullmatch(
        r"[A-Za-z]{1,3}\d+", tab
    )
    return tab if plain else "'" + tab.replace("'", "''") + "'"


_QUOTA = (
    "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per "
    "minute per user' of service 'sheets.googleapis.com'."
)


def _error(code: int, message: str) -> Response:
    return Response(
        code, {"error": {"code": code, "message": message, "status": _STATUS.get(code, "UNKNOWN")}}
    )


def _split_range(range_: str) -> tuple[str, str | None]:
    """The tab name and the cells of an A1 range; a quoted name may hold `!` and `''`."""
    if range_.startswith("'"):
        match = re.match(r"'((?:[^']|'')*)'(?:!(.*))?$", range_, re.DOTALL)
        if match is None:
            raise ApiError(400, f"Unable to parse range: {range_}")
        return match[1].replace("''", "'"), match[2]
    name, bang, cells = range_.partition("!")
    return name, cells if bang else None


def _tab_of(range_: str) -> str:
    return _split_range(range_)[0]


def _cells_of(range_: str) -> str | None:
    return _split_range(range_)[1]


def _cell_data(cell: Any, wants: dict[str, bool]) -> dict[str, Any]:
    """One CellData: its effective value, shown text and (strike-through) format."""
    data: dict[str, Any] = {}
    raw = cell.value if isinstance(cell, Struck) else cell
    if raw is not None and raw != "":
        if wants["effectiveValue"]:
            if isinstance(raw, SheetDate):
                data["effectiveValue"] = {"numberValue": raw.serial}
            elif isinstance(raw, bool):
                data["effectiveValue"] = {"boolValue": raw}
            elif isinstance(raw, int | float):
                data["effectiveValue"] = {"numberValue": raw}
            else:
                data["effectiveValue"] = {"stringValue": str(raw)}
        if wants["formattedValue"]:
            data["formattedValue"] = _render(raw, "FORMATTED_VALUE", "FORMATTED_STRING")
    if isinstance(cell, Struck) and wants["userEnteredFormat"]:
        data["userEnteredFormat"] = {"textFormat": {"strikethrough": True}}
    return data


def _render(cell: Any, render: str, dates: str) -> Any:
    if isinstance(cell, Struck):
        cell = cell.value
    if cell is None:
        return ""
    if isinstance(cell, SheetDate):
        if render == "FORMATTED_VALUE" or dates == "FORMATTED_STRING":
            return cell.formatted
        return cell.serial
    if render == "FORMATTED_VALUE":
        if isinstance(cell, bool):
            return "TRUE" if cell else "FALSE"
        if isinstance(cell, float) and cell.is_integer():
            return str(int(cell))
        return str(cell)
    return cell


def _trim(row: list[Any]) -> list[Any]:
    while row and row[-1] == "":
        row = row[:-1]
    return row


def _letter(width: int) -> str:
    letters = ""
    while width:
        width, rest = divmod(width - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


class _RouteToEmulator(HTTPAdapter):
    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        for host in GOOGLE_HOSTS:
            if request.url and request.url.startswith(host):
                request.url = self.base_url + request.url[len(host) :]
        return super().send(request, *args, **kwargs)


def routed_session(base_url: str, token: str) -> requests.Session:
    """A requests session that sends Google API calls to the emulator with a bearer token."""
    session = requests.Session()
    session.mount("https://", _RouteToEmulator(base_url))
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def routed_client(base_url: str, token: str) -> gspread.Client:
    """A gspread client whose requests go to the emulator (its session carries the token,
    so gspread gets no credentials of its own)."""
    return gspread.Client(auth=None, session=routed_session(base_url, token))  # type: ignore[arg-type]
