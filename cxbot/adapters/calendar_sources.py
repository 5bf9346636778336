"""Where the promotion calendar is read from: a Google Sheet (gspread), or a local file."""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import time
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

import gspread
from gspread.exceptions import APIError

from cxbot.adapters.findings import bad, info, ok
from cxbot.domain.notices import Notice
from cxbot.ports.common import Finding
from cxbot.ports.errors import CxbotError, InputError, NotConfigured, NotFound, RemoteError
from cxbot.ports.promotions import SourceRead

log = logging.getLogger(__name__)
NAME = "calendar"

MAX_FILE_BYTES = 10 * 1024 * 1024
"""A calendar file larger than this is refused unread (a year's promotions are kilobytes)."""
MAX_ROWS = 10_000
MAX_COLUMNS = 200
"""Rows and columns read from a calendar; a sheet with more is refused, not truncated."""
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
"""An .xlsx member that unpacks to more than this many times its packed size (over 1 MB)
is a zip bomb, refused before anything is unpacked."""

READ_ONLY_SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets.readonly",
    "https://www.googleapis.com/auth/drive.metadata.readonly",
)
GRID_FIELDS = (  # values as values.get's UNFORMATTED_VALUE/SERIAL_NUMBER, and strike-through
    "sheets.data(startRow,startColumn,rowData.values(effectiveValue,"
    "userEnteredFormat.textFormat.strikethrough,textFormatRuns.format.strikethrough))"
)


def struck_cells(answer: dict[str, Any]) -> frozenset[tuple[int, int]]:
    """(row, column) of cells struck through, whole or every run, from spreadsheets.get."""
    out: set[tuple[int, int]] = set()
    for sheet in answer.get("sheets", []):
        for grid in sheet.get("data", []):
            top, left = grid.get("startRow", 0), grid.get("startColumn", 0)
            for r, row in enumerate(grid.get("rowData", [])):
                for c, value in enumerate(row.get("values", [])):
                    text_format = value.get("userEnteredFormat", {}).get("textFormat", {})
                    runs = value.get("textFormatRuns") or []
                    whole = text_format.get("strikethrough") is True
                    every_run = bool(runs) and all(
                        run.get("format", {}).get("strikethrough") for run in runs
                    )
                    if whole or every_run:
                        out.add((top + r, left + c))
    return frozenset(out)


def grid_rows(answer: dict[str, Any]) -> list[list[object]]:
    """Rows of raw values from spreadsheets.get's grid data: numbers (date serials too),
    text and booleans as values.get gives them unformatted; an empty cell is ''."""
    rows: list[list[object]] = []
    for sheet in answer.get("sheets", []):
        for grid in sheet.get("data", []):
            top, left = grid.get("startRow", 0), grid.get("startColumn", 0)
            rows.extend([] for _ in range(top - len(rows)))
            for row in grid.get("rowData", []):
                cells: list[object] = [""] * left
                cells += [
                    _effective(value.get("effectiveValue")) for value in row.get("values", [])
                ]
                while cells and cells[-1] == "":
                    cells.pop()
                rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _effective(value: dict[str, Any] | None) -> object:
    if not value:
        return ""
    for kind in ("numberValue", "stringValue", "boolValue"):
        if kind in value:
            return value[kind]
    if "errorValue" in value:  # #REF!, #N/A: shown as the sheet shows it
        return str(value["errorValue"].get("type", "#ERROR"))
    return ""


class GoogleSheetSource:
    """One worksheet of a Google Sheet, read raw in one request; Drive says if it changed."""

    def __init__(
        self,
        client: gspread.Client | Callable[[], gspread.Client],
        spreadsheet_id: str,
        worksheet: str,
        *,
        attempts: int = 6,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`client` may be a function that makes it: it is then made on first use, once
        (a broken key file fails the calendar, not every command)."""
        self._client = client
        self.spreadsheet_id, self.worksheet = spreadsheet_id, worksheet
        self.attempts, self.sleep = attempts, sleep
        self.name = f"Google Sheet {spreadsheet_id} / {worksheet}"
        self.requests = 0
        self._revision = ""

    @property
    def client(self) -> gspread.Client:
        if not isinstance(self._client, gspread.Client):
            self._client = self._client()
        return self._client

    def fingerprint(self) -> str | None:
        url = f"{gspread.urls.DRIVE_FILES_API_V3_URL}/{self.spreadsheet_id}"
        answer = self._call(
            lambda: self.client.http_client.request(
                "get", url, params={"fields": "modifiedTime,version", "supportsAllDrives": "true"}
            ).json(),
            "read the sheet's Drive metadata",
        )
        self._revision = f"v{answer.get('version')} {answer.get('modifiedTime')}"
        return self._revision

    def read(self) -> SourceRead:
        """The worksheet's values and strike-through in one spreadsheets.get: a field mask
        asks for each cell's effective value (a date as its serial number, as values.get's
        UNFORMATTED_VALUE gives it) and the one format field that marks a cancel."""
        quoted = "'" + self.worksheet.replace("'", "''") + "'"
        url = gspread.urls.SPREADSHEET_URL % self.spreadsheet_id
        params: dict[str, str | int | bool | float | list[str] | None] = {
            "ranges": quoted,
            "fields": GRID_FIELDS,
        }
        answer = self._call(
            lambda: self.client.http_client.request("get", url, params=params).json(),
            f"read worksheet {self.worksheet!r}",
        )
        return SourceRead(
            rows=grid_rows(answer),
            revision=self._revision or "unknown",
            struck=struck_cells(answer),
        )

    def _call(self, operation: Callable[[], Any], what: str) -> Any:
        """Retries 429 (Sheets' 60 reads a minute per user) and 5xx with back-off."""
        for attempt in range(1, self.attempts + 1):
            try:
                self.requests += 1
                return operation()
            except APIError as error:
                code = error.response.status_code
                if (code == 429 or code >= 500) and attempt < self.attempts:
                    delay = min(60.0, 2.0**attempt)
                    log.warning("could not %s (%s); retrying in %.0f s", what, code, delay)
                    self.sleep(delay)
                    continue
                raise RemoteError(explain(error, what, self.spreadsheet_id)) from error
        raise AssertionError("unreachable")


def explain(error: APIError, what: str, spreadsheet_id: str) -> str:
    code = error.response.status_code
    hints = {
        401: "the service account's key is invalid or expired: create a new key and point "
        "GOOGLE_SERVICE_ACCOUNT_FILE at it",
        403: "the sheet is not shared with the service account: share it (Viewer is enough) "
        "with the email `cxbot doctor` prints",
        404: f"no spreadsheet {spreadsheet_id}, or it is not shared with the service account",
        400: "the worksheet name is wrong: check CXBOT_CALENDAR_WORKSHEET",
    }
    message = error.args[0].get("message") if error.args and isinstance(error.args[0], dict) else ""
    return f"could not {what}: Google said {code} {message or error}" + (
        f" — {hints[code]}" if code in hints else ""
    )


def service_account_client(path: Path) -> tuple[gspread.Client, str]:
    """A gspread client from a service-account key file, read-only; and its email."""
    from google.oauth2.service_account import Credentials

    if not path.exists():
        raise NotFound(f"{path}: no such service-account key file (GOOGLE_SERVICE_ACCOUNT_FILE)")
    try:
        credentials = Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
            str(path), scopes=READ_ONLY_SCOPES
        )
    except (ValueError, KeyError) as error:
        raise InputError(f"{path}: not a service-account key file ({error})") from None
    return gspread.Client(auth=credentials), str(credentials.service_account_email)


class MissingSource:
    """A calendar that cannot be read as configured: every read says what is missing.

    Never a stand-in sample: a half-configured Google Sheet must not sync other data."""

    def __init__(self, said: Notice, *, configured: bool) -> None:
        self.said, self.configured = said, configured
        self.reason = str(said)
        self.name = (
            "promotion calendar (not configured)" if not configured else "promotion calendar"
        )

    def _refuse(self) -> NoReturn:
        raise (InputError if self.configured else NotConfigured)(self.reason)

    def fingerprint(self) -> str | None:
        self._refuse()

    def read(self) -> SourceRead:
        self._refuse()


class LocalFileSource:
    """The embedded default: the calendar as a CSV or XLSX file on disk."""

    def __init__(self, path: Path, *, worksheet: str | None = None) -> None:
        self.path, self.worksheet = path, worksheet
        self.name = str(path)

    def fingerprint(self) -> str | None:
        if not self.path.exists():
            raise NotFound(f"{self.path}: no such calendar file (CXBOT_CALENDAR_FILE)")
        size = self.path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"{self.path}: {size / 1024 / 1024:.0f} MB is too large for a promotion "
                f"calendar (cxbot reads files up to {MAX_FILE_BYTES // 1024 // 1024} MB and "
                f"{MAX_ROWS:,} rows) — keep only the calendar's rows in the file"
            )
        return hashlib.sha256(self.path.read_bytes()).hexdigest()[:16]

    def read(self) -> SourceRead:
        revision = self.fingerprint() or ""
        if self.path.suffix.lower() in (".xlsx", ".xlsm"):
            cells, struck = self._xlsx()
            return SourceRead(rows=cells, revision=revision, struck=struck)
        text = decode_csv(self.path.read_bytes(), self.path)
        first = next((line for line in text.splitlines() if line.strip()), "")
        # Excel's "Unicode text" (UTF-16) is tab-separated, whatever the file is named.
        delimiter = "\t" if "\t" in first and "," not in first else ","
        rows: list[list[object]] = []
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            rows.append(list(row[:MAX_COLUMNS]))
            if len(rows) > MAX_ROWS:
                self._too_many_rows()
        return SourceRead(rows=rows, revision=revision)

    def _too_many_rows(self) -> NoReturn:
        raise InputError(
            f"{self.path}: more than {MAX_ROWS:,} rows — not read (a promotion calendar has "
            "far fewer; remove the blank or old rows, or export only the calendar's tab)"
        )

    def _xlsx(self) -> tuple[list[list[object]], frozenset[tuple[int, int]]]:
        from openpyxl import load_workbook  # type: ignore[import-untyped]

        if not zipfile.is_zipfile(self.path):
            raise InputError(
                f"{self.path}: not an Excel workbook (an .xlsx file is a zip archive; this one "
                "is not — save it again from Excel as .xlsx, or export CSV)"
            )
        _refuse_zip_bomb(self.path)
        try:
            book = load_workbook(self.path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise InputError(
                f"{self.path}: cannot be read as an .xlsx workbook ({error})"
            ) from None
        try:
            sheet = book[self.worksheet] if self.worksheet else book.worksheets[0]
        except KeyError:
            raise InputError(
                f"{self.path}: no worksheet {self.worksheet!r} "
                f"(it has {', '.join(book.sheetnames)})"
            ) from None
        rows: list[list[object]] = []
        struck: set[tuple[int, int]] = set()
        # Rows are padded to the sheet's declared width: cap it (Excel declares XFD, 16,384
        # columns, for a sheet with a whole row formatted).
        width = sheet.max_column if (sheet.max_column or 0) <= MAX_COLUMNS else MAX_COLUMNS
        for r, row in enumerate(sheet.iter_rows(max_col=width)):
            if r >= MAX_ROWS:
                book.close()
                self._too_many_rows()
            rows.append([_cell(getattr(cell, "value", None)) for cell in row])
            for c, cell in enumerate(row):
                font = getattr(cell, "font", None)
                if font is not None and font.strike and getattr(cell, "value", None) is not None:
                    struck.add((r, c))
        book.close()
        return rows, frozenset(struck)


def _refuse_zip_bomb(path: Path) -> None:
    """What the archive says it holds, checked before anything is unpacked."""
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
    total = sum(m.file_size for m in members)
    bomb = next(
        (
            m
            for m in members
            if m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1)
        ),
        None,
    )
    if total > MAX_UNPACKED_BYTES or bomb is not None:
        what = (
            f"{bomb.filename} unpacks to {bomb.file_size / bomb.compress_size:,.0f}× its size"
            if bomb is not None
            else f"it unpacks to {total / 1024 / 1024:,.0f} MB"
        )
        raise InputError(
            f"{path}: refused, {what} — not a workbook Excel writes for a calendar (cxbot "
            f"unpacks at most {MAX_UNPACKED_BYTES // 1024 // 1024} MB, {MAX_RATIO}:1)"
        )


def decode_csv(data: bytes, path: Path) -> str:
    """CSV bytes as Excel and Sheets save them: UTF-8 (with or without BOM), UTF-16 (Excel's
    "Unicode text"), or CP949/EUC-KR (Excel on Korean Windows). Anything else is refused."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            f"{path}: not a text CSV file (it holds binary data) — export the sheet as CSV "
            "(UTF-8) or use the .xlsx file itself"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding != "utf-8-sig":
            log.info("%s: read as %s (Excel on Korean Windows)", path, encoding.upper())
        return text
    raise InputError(
        f"{path}: neither UTF-8 nor CP949/EUC-KR text — save it again as 'CSV UTF-8' "
        "from Excel, or export CSV from Google Sheets"
    )


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def check_calendar_source(
    source: GoogleSheetSource | LocalFileSource, email: str | None = None
) -> list[Finding]:
    """For `cxbot doctor`: reachable, shared, the worksheet there, the header row found."""
    from cxbot.domain.promotions import SheetLayoutError, read_sheet

    found: list[Finding] = []
    if isinstance(source, GoogleSheetSource):
        found.append(info(NAME, "service_account", email=str(email)))
        try:
            spreadsheet = source.client.open_by_key(source.spreadsheet_id)
        except gspread.exceptions.SpreadsheetNotFound:
            return [
                *found,
                bad(NAME, "sheet_not_found", sheet=source.spreadsheet_id, email=str(email)),
            ]
        except (PermissionError, APIError):
            return [
                *found,
                bad(NAME, "sheet_not_shared", sheet=source.spreadsheet_id, email=str(email)),
            ]
        tabs = [w.title for w in spreadsheet.worksheets()]
        if source.worksheet not in tabs:
            return [
                *found,
                bad(NAME, "no_worksheet", worksheet=source.worksheet, tabs=", ".join(tabs)),
            ]
        found.append(ok(NAME, "sheet_ok", title=spreadsheet.title, worksheet=source.worksheet))
    try:
        rows = source.read().rows
    except (RemoteError, NotFound, InputError) as error:
        return [*found, bad(NAME, "calendar_unreadable", error=str(error))]
    try:
        sheet = read_sheet(rows, today=date.today())
    except SheetLayoutError as error:
        return [*found, bad(NAME, "calendar_header", error=str(error))]
    values: dict[str, str | int] = dict(
        name=source.name, row=sheet.header_row, promotions=len(sheet.promotions),
        identity=sheet.identity,
    )  # fmt: skip
    if sheet.problems:
        found.append(ok(NAME, "calendar_ok_unreadable", unreadable=len(sheet.problems), **values))
    else:
        found.append(ok(NAME, "calendar_ok", **values))
    return found


class CalendarSourceCheck:
    """`cxbot doctor`'s calendar section, for the configured source."""

    def __init__(
        self,
        source: GoogleSheetSource | LocalFileSource | MissingSource,
        *,
        note: Finding | None = None,
        email: Callable[[], str] | None = None,
    ) -> None:
        self.source, self.note, self.email = source, note, email

    def check(self) -> list[Finding]:
        found = [self.note] if self.note else []
        if isinstance(self.source, MissingSource):
            said = self.source.said
            state = "bad" if self.source.configured else "info"
            return [*found, Finding(name=NAME, state=state, said=said)]
        try:
            email = self.email() if self.email else None
        except CxbotError as error:
            return [*found, bad(NAME, "service_account_bad", error=str(error))]
        return [*found, *check_calendar_source(self.source, email)]
