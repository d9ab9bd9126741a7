"""The workbook-level parts of an xlsx: the workbook, its relations, the styles and the
shared strings, each as the `Part` handlers that collect what the reader needs of it.

The workbook gives the sheets' relation ids and the calendar, the relations give each
sheet's part and the styles' and shared strings' parts, the styles tell which cell
formats show a date, and the shared strings are the table string cells point into.
"""

from __future__ import annotations

import posixpath

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

from . import xlsx_limits as limits
from .xlsx_stream import Budget, Part, attr_int, local_name, with_commas

WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"


# -- the workbook and its relations -----------------------------------------------------


class WorkbookPart(Part):
    def __init__(self, name: str, budget: Budget) -> None:
        super().__init__(name, budget)
        self.sheets: dict[str, str] = {}  # sheet name -> relation id
        self.date1904 = False

    def open(self, local: str, attrs: dict[str, str]) -> None:
        if local == "sheet" and self.parent == "sheets":
            rid = next((v for k, v in attrs.items() if local_name(k) == "id"), "")
            self.sheets.setdefault(attrs.get("name", ""), rid)
        elif local == "workbookPr":
            self.date1904 = attrs.get("date1904", "").strip().lower() in ("1", "true")


class RelsPart(Part):
    def __init__(self, name: str, budget: Budget) -> None:
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


class StylesPart(Part):
    def __init__(self, name: str, budget: Budget) -> None:
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
            raise self.refuse(f"holds more than {with_commas(most)} {what} ({parent}); an NC "
                              f"report has at most {with_commas(most)}")
        if parent == "numFmts" and local == "numFmt":
            self.keep(len(attrs.get("formatCode", "")))
            self.formats[attr_int(attrs.get("numFmtId"))] = attrs.get("formatCode", "")
        elif parent == "cellXfs":
            self.cell_formats.append(attr_int(attrs.get("numFmtId")))

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


# -- shared strings ---------------------------------------------------------------------


class StringsPart(Part):
    def __init__(self, name: str, budget: Budget) -> None:
        super().__init__(name, budget)
        self.strings: list[str] = []
        self.pieces: list[str] | None = None
        self.length = 0
        self.collecting = False

    def open(self, local: str, attrs: dict[str, str]) -> None:
        if local == "si" and self.parent == "sst":
            if len(self.strings) >= limits.MAX_SHARED_STRINGS:
                raise self.refuse(f"holds more than {with_commas(limits.MAX_SHARED_STRINGS)} "
                                  "shared strings; an NC report has at most "
                                  f"{with_commas(limits.MAX_SHARED_STRINGS)}")
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
                              f"{with_commas(limits.MAX_CELL_CHARS)} characters; no spreadsheet "
                              f"cell holds more than {with_commas(limits.MAX_CELL_CHARS)}")
        self.keep(len(text))
        self.pieces.append(text)

    def close(self, local: str) -> None:
        if local == "t":
            self.collecting = False
        elif local == "si" and self.pieces is not None:
            # openpyxl drops the `x005F_` of an escaped underscore in shared strings
            self.strings.append("".join(self.pieces).replace("x005F_", ""))
            self.pieces = None

