"""Reading the cells of an untrusted xlsx workbook, bounded in memory and time.

The follow-up import needs the values of two sheets. openpyxl would build every style
object, every shared string and every row up to the sheet's declared dimension before
anyone could count them (a 69 KB workbook claiming `A1:XFD1048576` took gigabytes). So
the parts the import needs (the workbook, its relations, the styles, the shared strings
and the two sheets) are read here with expat, streamed from the zip in chunks, counting
elements, styles, strings, rows, columns, cells and characters as they come, and
stopping at the first limit passed (`xlsx_limits`). No other part is ever unpacked.

Values are read as openpyxl reads them with `data_only=True` (numbers, shared and
inline strings, booleans, dates by the cell's number format, the workbook's 1900 or
1904 calendar), so the hashes the export took still match. A date serial no calendar
holds reads as `BadDate` instead of a warning. The XML is refused, as defusedxml does,
as soon as it declares a DTD or an entity.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

from . import xlsx_limits as limits

WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
CHUNK = 64 * 1024


class Refused(Exception):
    """The workbook is not read: one line naming the part (or, with `cell`, the sheet
    and cell), and why."""

    def __init__(self, message: str, *, cell: bool = False) -> None:
        super().__init__(message)
        self.cell = cell


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


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _count(number: int) -> str:
    return f"{number:,}"


class _Budget:
    """What all the parts read so far have cost, against the workbook-wide limits."""

    def __init__(self) -> None:
        self.elements = 0
        self.chars = 0


class _Part:
    """Expat handlers for one part: the element stack and the generic limits."""

    def __init__(self, name: str, budget: _Budget) -> None:
        self.name = name
        self.budget = budget
        self.stack: list[str] = []

    def refuse(self, why: str) -> Refused:
        return Refused(f"{self.name} {why}")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        budget = self.budget
        budget.elements += 1
        if budget.elements > limits.MAX_ELEMENTS:
            raise self.refuse(f"takes the workbook past {_count(limits.MAX_ELEMENTS)} XML "
                              "elements; an NC report has far fewer")
        local = _local(name)
        if len(self.stack) >= limits.MAX_DEPTH:
            raise self.refuse(f"nests XML more than {limits.MAX_DEPTH} deep; an NC "
                              "report's is at most about 10 deep")
        self.open(local, attrs)
        self.stack.append(local)

    def end(self, name: str) -> None:
        local = self.stack.pop()
        self.close(local)

    def keep(self, count: int) -> None:
        self.budget.chars += count
        if self.budget.chars > limits.MAX_TEXT_CHARS:
            raise self.refuse(f"takes the workbook's text past "
                              f"{_count(limits.MAX_TEXT_CHARS)} characters; an NC report's "
                              "is far shorter")

    def open(self, local: str, attrs: dict[str, str]) -> None:
        pass

    def close(self, local: str) -> None:
        pass

    def data(self, text: str) -> None:
        pass

    @property
    def parent(self) -> str:
        return self.stack[-1] if self.stack else ""


def _refuse_dtd(*_args: Any) -> None:
    raise Refused("its XML declares entities or a DTD, refused as unsafe")


def _refuse_external(*_args: Any) -> int:
    raise Refused("its XML declares entities or a DTD, refused as unsafe")


def _parse(archive: zipfile.ZipFile, part: _Part) -> None:
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = CHUNK
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.UnparsedEntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_external
    parser.StartElementHandler = part.start
    parser.EndElementHandler = part.end
    parser.CharacterDataHandler = part.data
    fed = 0
    try:
        with archive.open(part.name) as source:
            while chunk := source.read(CHUNK):
                parser.Parse(chunk, False)
                fed += len(chunk)
                if fed - parser.CurrentByteIndex > limits.MAX_TOKEN_BYTES:
                    raise part.refuse(
                        f"holds a tag, comment or instruction longer than "
                        f"{limits.MAX_TOKEN_BYTES // 1024 // 1024} MB; an NC report's are "
                        "at most a few KB")
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise part.refuse(f"is not well-formed XML ({exc})") from None
    except Refused as exc:
        if str(exc).startswith("its XML declares"):
            raise Refused(f"cannot be read as a workbook ({exc}: {part.name})") from None
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise part.refuse(f"cannot be unpacked ({exc})") from None


# -- the workbook and its relations -----------------------------------------------------


class _WorkbookPart(_Part):
    def __init__(self, name: str, budget: _Budget) -> None:
        super().__init__(name, budget)
        self.sheets: dict[str, str] = {}  # sheet name -> relation id
        self.date1904 = False

    def open(self, local: str, attrs: dict[str, str]) -> None:
        if local == "sheet" and self.parent == "sheets":
            rid = next((v for k, v in attrs.items() if _local(k) == "id"), "")
            self.sheets.setdefault(attrs.get("name", ""), rid)
        elif local == "workbookPr":
            self.date1904 = attrs.get("date1904", "").strip().lower() in ("1", "true")


class _RelsPart(_Part):
    def __init__(self, name: str, budget: _Budget) -> None:
        super().__init__(name, budget)
        self.targets: dict[str, str] = {}  # relation id -> part name
        self.by_type: dict[str, str] = {}  # last segment of the type -> part name

    def open(self, local: str, attrs: dict[str, str]) -> None:
        if local != "Relationship" or attrs.get("TargetMode") == "External":
            return
        target = attrs.get("Target", "")
        if target.startswith("/"):
            path = target[1:]
        else:
            path = posixpath.normpath(posixpath.join(posixpath.dirname(WORKBOOK_PART),
                                                     target))
        self.targets[attrs.get("Id", "")] = path
        self.by_type.setdefault(attrs.get("Type", "").rpartition("/")[2], path)


# -- styles: which cell formats are dates ------------------------------------------------


class _StylesPart(_Part):
    def __init__(self, name: str, budget: _Budget) -> None:
        super().__init__(name, budget)
        self.counts = dict.fromkeys(limits.MAX_STYLES, 0)
        self.formats: dict[int, str] = {}
        self.cell_formats: list[int] = []

    def open(self, local: str, attrs: dict[str, str]) -> None:
        parent = self.parent
        if parent not in self.counts or len(self.stack) != 2:
            return
        self.counts[parent] += 1
        most, what = limits.MAX_STYLES[parent]
        if self.counts[parent] > most:
            raise self.refuse(f"holds more than {_count(most)} {what} ({parent}); an NC "
                              f"report has at most {_count(most)}")
        if parent == "numFmts" and local == "numFmt":
            self.keep(len(attrs.get("formatCode", "")))
            self.formats[_int(attrs.get("numFmtId"))] = attrs.get("formatCode", "")
        elif parent == "cellXfs":
            self.cell_formats.append(_int(attrs.get("numFmtId")))

    def date_styles(self) -> tuple[set[int], set[int]]:
        """The cell styles (indexes into cellXfs) showing a date, and a duration."""
        dates, durations = set(), set()
        for index, number in enumerate(self.cell_formats):
            code = self.formats.get(number) or BUILTIN_FORMATS.get(number) or "General"
            if is_date_format(code):
                dates.add(index)
            if is_timedelta_format(code):
                durations.add(index)
        return dates, durations


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return -1


# -- shared strings ---------------------------------------------------------------------


class _StringsPart(_Part):
    def __init__(self, name: str, budget: _Budget) -> None:
        super().__init__(name, budget)
        self.strings: list[str] = []
        self.pieces: list[str] | None = None
        self.length = 0
        self.collecting = False

    def open(self, local: str, attrs: dict[str, str]) -> None:
        if local == "si" and self.parent == "sst":
            if len(self.strings) >= limits.MAX_SHARED_STRINGS:
                raise self.refuse(f"holds more than {_count(limits.MAX_SHARED_STRINGS)} "
                                  "shared strings; an NC report has at most "
                                  f"{_count(limits.MAX_SHARED_STRINGS)}")
            self.pieces, self.length = [], 0
        elif local == "t" and self.pieces is not None:
            # the text, or a run's text; not the phonetic runs (rPh), as openpyxl
            self.collecting = self.parent == "si" or (
                self.parent == "r" and len(self.stack) >= 2 and self.stack[-2] == "si")

    def data(self, text: str) -> None:
        if not self.collecting or self.pieces is None:
            return
        self.length += len(text)
        if self.length > limits.MAX_CELL_CHARS:
            raise self.refuse(f"shared string {len(self.strings)} has more than "
                              f"{_count(limits.MAX_CELL_CHARS)} characters; no spreadsheet "
                              f"cell holds more than {_count(limits.MAX_CELL_CHARS)}")
        self.keep(len(text))
        self.pieces.append(text)

    def close(self, local: str) -> None:
        if local == "t":
            self.collecting = False
        elif local == "si" and self.pieces is not None:
            # openpyxl drops the `x005F_` of an escaped underscore in shared strings
            self.strings.append("".join(self.pieces).replace("x005F_", ""))
            self.pieces = None


# -- a worksheet --------------------------------------------------------------------------


class _SheetPart(_Part):
    def __init__(self, name: str, budget: _Budget, sheet: str, reader: WorkbookReader) -> None:
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
                              f"{_count(limits.MAX_CELLS)} cells; an NC report has at most "
                              f"{_count(limits.MAX_CELLS)}")
            ref = attrs.get("r")
            row, column = _reference(ref) if ref else (self.row, self.column + 1)
            self.column = column
            self.cell = (row, column, attrs.get("t", "n"), _int(attrs.get("s")))
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
                          f"{_count(limits.MAX_CELL_CHARS)} characters; no spreadsheet "
                          f"cell holds more than {_count(limits.MAX_CELL_CHARS)}", cell=True)
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
                              f"report uses at most {_count(limits.MAX_ROWS)} rows and "
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
        self.budget = _Budget()
        names = set(archive.namelist())
        workbook = _WorkbookPart(WORKBOOK_PART, self.budget)
        _parse(archive, workbook)
        rels = _RelsPart(WORKBOOK_RELS, self.budget)
        if WORKBOOK_RELS in names:
            _parse(archive, rels)
        self.parts = {name: rels.targets.get(rid, "") for name, rid in workbook.sheets.items()
                      if rels.targets.get(rid, "") in names}
        self.epoch = CALENDAR_MAC_1904 if workbook.date1904 else CALENDAR_WINDOWS_1900
        self.dates: set[int] = set()
        self.durations: set[int] = set()
        styles = rels.by_type.get("styles")
        if styles in names:
            part = _StylesPart(styles, self.budget)
            _parse(archive, part)
            self.dates, self.durations = part.date_styles()
        self.strings: list[str] = []
        strings = rels.by_type.get("sharedStrings")
        if strings in names:
            table = _StringsPart(strings, self.budget)
            _parse(archive, table)
            self.strings = table.strings

    @property
    def sheetnames(self) -> list[str]:
        return list(self.parts)

    def rows(self, sheet: str) -> list[tuple]:
        part = _SheetPart(self.parts[sheet], self.budget, sheet, self)
        _parse(self.archive, part)
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
            index = _int(raw)
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
