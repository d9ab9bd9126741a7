"""Reading the cells of an untrusted xlsx workbook, bounded in memory and time.

The follow-up import needs the values of two sheets. openpyxl would build every style
object, every shared string and every row up to the sheet's declared dimension before
anyone could count them (a 69 KB workbook claiming `A1:XFD1048576` took gigabytes). So
the parts the import needs (the workbook, its relations, the styles, the shared strings
and the two sheets) are read here with expat, streamed from the zip in chunks, counting
elements, styles, strings, rows, columns, cells and characters as they come, and
stopping at the first limit passed (`xlsx_limits`). No other part is ever unpacked.
The streaming and counting is `xlsx_stream`'s, the workbook, relations, styles and
shared strings parts are `xlsx_parts`'; the sheets and their cells' values are here.

Values are read as openpyxl reads them with `data_only=True` (numbers, shared and
inline strings, booleans, dates by the cell's number format, the workbook's 1900 or
1904 calendar), so the hashes the export took still match. A date serial no calendar
holds reads as `BadDate` instead of a warning. The XML is refused, as defusedxml does,
as soon as it declares a DTD or an entity (`xlsx_stream`).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

from . import xlsx_limits as limits
from .xlsx_parts import (
    WORKBOOK_PART,
    WORKBOOK_RELS,
    RelsPart,
    StringsPart,
    StylesPart,
    WorkbookPart,
)
from .xlsx_stream import Budget, Part, Refused, attr_int, parse_part, with_commas

# `Refused` is what every read here raises, so callers take it from here with the rest.
__all__ = ["BadDate", "Refused", "WorkbookReader", "cell_name", "open_workbook"]


class BadDate(str):
    """A cell formatted as a date whose serial no calendar holds; reads as #VALUE!, as in
    openpyxl, and keeps the serial so the import can name it."""

    serial: Any

    def __new__(cls, serial: Any) -> BadDate:
        made = super().__new__(cls, "#VALUE!")
        made.serial = serial
        return made


def cell_name(row: int, column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


# -- a worksheet --------------------------------------------------------------------------


class _SheetPart(Part):
    def __init__(self, name: str, budget: Budget, sheet: str, reader: WorkbookReader) -> None:
        super().__init__(name, budget)
        self.sheet = sheet
        self.reader = reader
        self.cells: dict[int, dict[int, Any]] = {}
        self.count = 0
        self.row = 0
        self.column = 0
        self.cell: tuple[int, int, str, int] | None = None
        self.value: list[str] | None = None
        self.text: list[str] | None = None
        self.length = 0
        self.target: list[str] | None = None

    def where(self, row: int, column: int) -> str:
        return f"{self.sheet}!{cell_name(row, column)}"

    def open(self, local: str, attrs: dict[str, str]) -> None:
        parent = self.parent
        if local == "row" and parent == "sheetData":
            number = attrs.get("r")
            self.row = _position(number) if number else self.row + 1
            self.column = 0
        elif local == "c" and parent == "row":
            self.count += 1
            if self.count > limits.MAX_CELLS:
                raise Refused(f"{self.name} (sheet {self.sheet}) holds more than "
                              f"{with_commas(limits.MAX_CELLS)} cells; an NC report has at most "
                              f"{with_commas(limits.MAX_CELLS)}")
            ref = attrs.get("r")
            row, column = _reference(ref) if ref else (self.row, self.column + 1)
            self.column = column
            self.cell = (row, column, attrs.get("t", "n"), attr_int(attrs.get("s")))
            self.value, self.text, self.length = None, None, 0
        elif self.cell is None:
            return
        elif local == "v" and parent == "c" and self.value is None:
            self.value = []
            self.target = self.value
        elif local == "is" and parent == "c":
            self.text = []
        elif local == "t" and self.text is not None and (
                parent == "is" or (parent == "r" and self.stack[-2] == "is")):
            self.target = self.text

    def data(self, text: str) -> None:
        if self.target is None or self.cell is None:
            return
        self.length += len(text)
        if self.length > limits.MAX_CELL_CHARS:
            raise Refused(f"{self.where(*self.cell[:2])}: more than "
                          f"{with_commas(limits.MAX_CELL_CHARS)} characters; no spreadsheet "
                          f"cell holds more than {with_commas(limits.MAX_CELL_CHARS)}", cell=True)
        self.keep(len(text))
        self.target.append(text)

    def close(self, local: str) -> None:
        if local in ("v", "t"):
            self.target = None
        elif local == "c" and self.cell is not None:
            row, column, kind, style = self.cell
            value = self.reader.value(kind, style, self.value, self.text,
                                      lambda: self.where(row, column))
            self.cell = None
            if value is None or value == "":
                return
            if column > limits.MAX_COLUMNS or row > limits.MAX_ROWS:
                raise Refused(f"{self.where(row, column)}: a value beyond "
                              f"{cell_name(limits.MAX_ROWS, limits.MAX_COLUMNS)}; an NC "
                              f"report uses at most {with_commas(limits.MAX_ROWS)} rows and "
                              f"{limits.MAX_COLUMNS} columns", cell=True)
            self.cells.setdefault(row, {})[column] = value

    def rows(self) -> list[tuple]:
        """The sheet's rows from row 1 to the last with a value, each up to its last value
        (the declared dimension is not trusted, nor needed)."""
        if not self.cells:
            return []
        rows: list[tuple] = []
        for number in range(1, max(self.cells) + 1):
            cells = self.cells.get(number)
            if not cells:
                rows.append(())
                continue
            rows.append(tuple(cells.get(c) for c in range(1, max(cells) + 1)))
        return rows


def _position(text: str) -> int:
    """A row number; past the limit (or nonsense) reads as one past it."""
    if len(text) > 7 or not text.isdigit():
        try:
            number = float(text)
        except ValueError:
            return limits.MAX_ROWS + 1
        return int(number) if number.is_integer() and 0 < number < 1e7 else limits.MAX_ROWS + 1
    return int(text)


def _reference(ref: str) -> tuple[int, int]:
    """A cell reference such as `AB12` as (row, column); anything out of bounds reads as
    one past the limits, and is refused if the cell holds a value."""
    letters = ref.rstrip("0123456789$")
    digits = ref[len(letters):].lstrip("$")
    letters = letters.lstrip("$").upper()
    if not digits or not letters or len(letters) > 3 or not letters.isalpha() \
            or not letters.isascii():
        return limits.MAX_ROWS + 1, limits.MAX_COLUMNS + 1
    column = 0
    for ch in letters:
        column = column * 26 + ord(ch) - 64
    return _position(digits), column


# -- the reader ---------------------------------------------------------------------------


class WorkbookReader:
    """The cells of a workbook's sheets, read on demand; `Refused` for any limit passed.
    Raises `Refused` from the constructor when the workbook part is unreadable."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.budget = Budget()
        names = set(archive.namelist())
        workbook = WorkbookPart(WORKBOOK_PART, self.budget)
        parse_part(archive, workbook)
        rels = RelsPart(WORKBOOK_RELS, self.budget)
        if WORKBOOK_RELS in names:
            parse_part(archive, rels)
        self.parts = {name: rels.targets.get(rid, "") for name, rid in workbook.sheets.items()
                      if rels.targets.get(rid, "") in names}
        self.epoch = CALENDAR_MAC_1904 if workbook.date1904 else CALENDAR_WINDOWS_1900
        self.dates: set[int] = set()
        self.durations: set[int] = set()
        styles = rels.by_type.get("styles")
        if styles in names:
            part = StylesPart(styles, self.budget)
            parse_part(archive, part)
            self.dates, self.durations = part.date_styles()
        self.strings: list[str] = []
        strings = rels.by_type.get("sharedStrings")
        if strings in names:
            table = StringsPart(strings, self.budget)
            parse_part(archive, table)
            self.strings = table.strings

    @property
    def sheetnames(self) -> list[str]:
        return list(self.parts)

    def rows(self, sheet: str) -> list[tuple]:
        part = _SheetPart(self.parts[sheet], self.budget, sheet, self)
        parse_part(self.archive, part)
        return part.rows()

    def value(self, kind: str, style: int, value: list[str] | None, text: list[str] | None,
              where: Callable[[], str]) -> Any:
        """A cell's value as openpyxl reads it with data_only=True."""
        if kind == "inlineStr":
            return None if text is None else "".join(text)
        raw = "".join(value) if value is not None else ""
        if not raw:
            return None
        if kind == "n":
            try:
                number: Any = float(raw) if any(c in raw for c in ".Ee") else int(raw)
            except ValueError:
                return raw
            if style in self.dates:
                try:
                    return from_excel(number, self.epoch, timedelta=style in self.durations)
                except (OverflowError, ValueError, TypeError):
                    return BadDate(number)
            return number
        if kind == "s":
            index = attr_int(raw)
            if not 0 <= index < len(self.strings):
                raise Refused(f"{where()}: refers to shared string {raw[:20]}, but the "
                              f"workbook has {len(self.strings)}", cell=True)
            return self.strings[index]
        if kind == "b":
            return raw.strip() not in ("0", "")
        if kind == "d":
            try:
                parsed: datetime = from_ISO8601(raw)
            except (ValueError, TypeError, OverflowError):
                return BadDate(raw[:40])
            return parsed
        return raw  # str (a formula's text), e (an error such as #N/A)


def open_workbook(path: Path) -> tuple[zipfile.ZipFile, WorkbookReader]:
    """The zip and a reader on it; the caller closes the zip."""
    archive = zipfile.ZipFile(path)
    try:
        return archive, WorkbookReader(archive)
    except BaseException:
        archive.close()
        raise
