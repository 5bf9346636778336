"""A calendar file past the documented limits is refused with what to do, and read no
further than the limit: a zip bomb is never unpacked, a million rows are never all read."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import pytest

from cxbot.adapters.calendar_sources import MAX_FILE_BYTES, MAX_ROWS, LocalFileSource
from cxbot.ports.errors import InputError

OOXML = "http://schemas.openxmlformats.org"
DOC = f"{OOXML}/officeDocument/2006/relationships"
MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    f'<Types xmlns="{OOXML}/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{MAIN}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{MAIN}.worksheet+xml"/>'
    "</Types>"
)
RELS = (
    f'<Relationships xmlns="{OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<workbook xmlns="{OOXML}/spreadsheetml/2006/main" xmlns:r="{DOC}">'
    '<sheets><sheet name="프로모션" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<Relationships xmlns="{OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def _workbook(path: Path, rows: int) -> Path:
    """An .xlsx of `rows` rows, streamed into the archive (no workbook library)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
                b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            chunk = []
            for n in range(1, rows + 1):
                chunk.append(
                    f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>세일 {n}</t></is></c>'
                    f'<c r="B{n}" t="inlineStr"><is><t>2027-01-{n % 28 + 1:02d}</t></is></c></row>'
                )
                if len(chunk) == 10_000:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            sheet.write(("".join(chunk) + "</sheetData></worksheet>").encode())
    return path


def test_a_small_hand_made_workbook_is_read(tmp_path: Path) -> None:
    read = LocalFileSource(_workbook(tmp_path / "small.xlsx", 3)).read()
    assert read.rows == [
        ["세일 1", "2027-01-02"],
        ["세일 2", "2027-01-03"],
        ["세일 3", "2027-01-04"],
    ]


def test_a_million_row_workbook_is_refused_unread(tmp_path: Path) -> None:
    big = _workbook(tmp_path / "million.xlsx", 1_000_000)
    with pytest.raises(InputError, match="too large for a promotion calendar"):
        LocalFileSource(big).read()


def test_rows_past_the_limit_are_refused_after_reading_no_more(tmp_path: Path) -> None:
    many = _workbook(tmp_path / "many.xlsx", MAX_ROWS * 3)
    assert many.stat().st_size < MAX_FILE_BYTES  # it passes the size check: rows stop it
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match=f"more than {MAX_ROWS:,} rows"):
            LocalFileSource(many).read()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (20 * 1024 * 1024))
    assert bomb.stat().st_size < 100 * 1024
    with pytest.raises(InputError, match="unpacks to"):
        LocalFileSource(bomb).read()


def test_a_huge_csv_is_refused_unread(tmp_path: Path) -> None:
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as out:
        out.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(InputError, match="too large for a promotion calendar"):
        LocalFileSource(huge).read()


def test_a_csv_with_too_many_rows_is_refused(tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("프로모션명,시작일\n" + "세일,2027-01-04\n" * (MAX_ROWS + 1), encoding="utf-8")
    with pytest.raises(InputError, match="rows"):
        LocalFileSource(rows).read()
