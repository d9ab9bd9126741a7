"""The one writing function for user text: always a string cell, never a formula."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from auditor.exchange.xlsx_text import (
    MAX_CELL_UNITS,
    put_text,
    read_text,
    text_cell,
    text_hash,
    workbook_text,
)

HOSTILE = [
    "=1+1",
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "\r\n=2+2",
    "'quoted",
    "x_x0041_y",
    "_x005F_x0041_",
    "_x0041__x0042_",
    "مراجعة الإجراء \u202eأ",  # right-to-left with an override
    "Root cause 👩‍💻🔥 ok",
    "multi\nline\nnote",
]


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_a_string_cell_not_a_formula(text):
    ws = Workbook().active
    cell = put_text(ws.cell(row=1, column=1), text)
    assert cell.data_type == "s"
    assert read_text(cell.value) == workbook_text(text)
    assert str(cell.value).startswith("'") == text.startswith("'")  # no apostrophe added
    assert not cell.quotePrefix


def test_hostile_texts_survive_a_save_and_reload(tmp_path):
    wb = Workbook()
    ws = wb.active
    for row, text in enumerate(HOSTILE, start=1):
        put_text(ws.cell(row=row, column=1), text)
    wb.save(tmp_path / "t.xlsx")
    back = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    for row, text in enumerate(HOSTILE, start=1):
        cell = back.cell(row=row, column=1)
        assert cell.data_type != "f"
        assert read_text(cell.value) == workbook_text(text)


def test_carriage_returns_become_line_feeds():
    assert workbook_text("a\r\nb\rc") == "a\nb\nc"
    assert workbook_text("\r=1+1") == "\n=1+1"


def test_characters_a_workbook_cannot_hold_are_dropped():
    text = "a\x00b\x07c\x0bd\x1fe\ud800f\udfffg\ufffeh\uffffi\tj\nk"
    assert workbook_text(text) == "abcdefghi\tj\nk"
    ws = Workbook().active
    put_text(ws.cell(row=1, column=1), text)  # openpyxl would raise on any of them


def test_a_long_text_is_cut_at_the_cell_limit_with_a_marker():
    text = "x" * 100_000
    shown = workbook_text(text)
    assert _units(shown) <= MAX_CELL_UNITS
    assert shown.startswith("x" * 30_000)
    assert "100,000 characters" in shown.splitlines()[-1]


def test_the_cut_counts_utf16_units_and_never_splits_an_emoji():
    text = "🔥" * 20_000  # 40,000 UTF-16 units
    shown = workbook_text(text)
    assert _units(shown) <= MAX_CELL_UNITS
    assert shown.startswith("🔥" * 16_000)
    shown.encode("utf-8")  # no lone surrogate left by the cut


def test_escape_like_sequences_fit_the_limit_after_escaping():
    text = "_x0041_" * 10_000
    ws = Workbook().active
    cell = put_text(ws.cell(row=1, column=1), text)
    assert len(cell.value) <= MAX_CELL_UNITS
    assert read_text(cell.value).endswith(workbook_text(text).splitlines()[-1])


def test_a_text_that_just_fits_is_kept_whole():
    text = "y" * MAX_CELL_UNITS
    assert workbook_text(text) == text


def test_literal_escape_patterns_are_escaped_for_spreadsheet_applications():
    ws = Workbook().active
    cell = put_text(ws.cell(row=1, column=1), "a_x0041_b")
    assert cell.value == "a_x005F_x0041_b"
    assert read_text(cell.value) == "a_x0041_b"


def test_reading_decodes_what_spreadsheet_applications_write():
    assert read_text("a_x0009_b_x000D_c") == "a\tb\nc"  # Excel's escaped control characters
    assert read_text("a_x005F_x0041_b") == "a_x0041_b"
    assert read_text("a_x0041_b") == "a_x0041_b"  # LibreOffice leaves these as they are


def test_empty_text_is_an_empty_cell():
    ws = Workbook().active
    assert put_text(ws.cell(row=1, column=1), "").value is None
    assert put_text(ws.cell(row=2, column=1), None).value is None


def test_text_cell_takes_the_template_style():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    assert text_cell(ws, "") is None  # no cell: the column's style applies
    template = WriteOnlyCell(ws)
    template.font = Font(bold=True)
    cell = text_cell(ws, "=1+1", template)
    assert cell.data_type == "s" and cell.font.bold


def test_read_text_shows_values_as_a_user_sees_them():
    assert read_text(None) == ""
    assert read_text(3.0) == "3"
    assert read_text(2.5) == "2.5"
    assert read_text(True) == "TRUE"
    assert read_text(datetime(2026, 4, 30)) == "2026-04-30"
    assert read_text(date(2026, 4, 30)) == "2026-04-30"
    assert read_text("a\r\nb") == "a\nb"


def test_text_hash_tells_texts_apart():
    assert text_hash("a") == text_hash("a")
    assert text_hash("a") != text_hash("b")
    assert len(text_hash("")) == 16
