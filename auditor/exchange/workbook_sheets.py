"""The NC report's reading sheets (Checklist, Evidence) and what every sheet shares: styles,
row heights, print setup, saving (the Summary is in workbook_summary.py).

Sheets are written row by row (openpyxl write-only mode): layout that lives in the sheet
header (column widths, frozen panes) is set before the first row, the rest after.
Every text a user typed goes through `xlsx_text.text_cell`.

Printing: a spreadsheet application does not grow a row for wrapped text that openpyxl
wrote (the text then overprints the rows below, or is cut), so every row holding wrapped
text gets an explicit height, estimated from its texts' lengths and line breaks and the
column widths (`text_lines`; cheap: a length and a split per cell). Each printed sheet has
a print area and fits the page width; the Summary fits one portrait page.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from pathlib import Path

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.page import PageMargins

from auditor.domain.checklist import Checklist
from auditor.domain.errors import AuditorError
from auditor.domain.files import replacing, way_out
from auditor.domain.models import Evidence, ItemResult
from auditor.domain.vocab import RESULT_LABELS, Result

from .xlsx_text import text_cell

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
OVERDUE_FILL = PatternFill("solid", fgColor="F8CBAD")
TOP = Alignment(vertical="top")
TOP_WRAP = Alignment(vertical="top", wrap_text=True)
UNLOCKED = Protection(locked=False)
DATE_FORMAT = "yyyy-mm-dd"
MAX_INDENT = 8
PAPER_A4 = 9  # the page setup's paper size code
# Named on every style: a font without a name is drawn in the application's default
# (a serif in LibreOffice), beside Calibri cells.
FONT = "Calibri"

# Row heights. Excel draws an 11-point Calibri line in 15 points and holds a row of at
# most 409 points; a text longer than that is cut in print (on screen the cell holds all).
LINE_POINTS = 15.0
MAX_ROW_POINTS = 409.0
MAX_ROW_LINES = int(MAX_ROW_POINTS // LINE_POINTS)
# Characters of running text per unit of column width, on the safe side: a width unit is
# one digit of the default font, the text is proportional (and may be drawn in a wider
# substitute font where Calibri is missing), and wrapping breaks between words.
CHARS_PER_UNIT = 1.1
WRAP_SLACK = 2
BOLD_FACTOR = 0.88  # bold text is wider


def line_width(width: float, *, bold: bool = False) -> int:
    """Characters of running text that surely fit on one line of a column `width` wide."""
    return max(1, int(width * CHARS_PER_UNIT * (BOLD_FACTOR if bold else 1.0)) - WRAP_SLACK)


def text_lines(text: str, chars: int) -> int:
    """Lines a wrapped text takes at `chars` characters a line (see `line_width`),
    counting its own line breaks: a length and a split, cheap enough for every cell."""
    if len(text) <= chars and "\n" not in text:
        return 1
    return sum(-(-len(part) // chars) or 1 for part in text.split("\n"))


def row_points(lines: int) -> float:
    return min(MAX_ROW_POINTS, LINE_POINTS * max(1, lines))


class Rows:
    """Appends rows to a write-only sheet, numbering them and giving a row that holds
    wrapped text the height its text needs. The height is held only while its row is
    written, so a sheet of any length keeps no per-row state."""

    def __init__(self, ws, widths: Sequence[float | None] = ()) -> None:
        self.ws = ws
        self.count = 0
        # characters per line of each column that wraps, by column index (0-based)
        self.chars = [None if w is None else line_width(w) for w in widths]
        self.heights: dict[float, RowDimension] = {}

    def append(self, cells: Sequence, *, lines: int = 1, wrap: bool = True,
               points: float | None = None) -> int:
        """Write `cells` as the next row; returns its number. `lines`: at least this many
        lines high; `wrap`: estimate the lines of the row's wrapping columns; `points`:
        this height, whatever the text."""
        if wrap:
            for cell, chars in zip(cells, self.chars):
                if chars is not None and cell is not None and isinstance(cell._value, str):
                    lines = max(lines, text_lines(cell._value, chars))
        self.count += 1
        if lines <= 1 and points is None:
            self.ws.append(cells)
            return self.count
        height = points if points is not None else row_points(lines)
        dimension = self.heights.get(height)
        if dimension is None:  # one per height, shared: the writer reads only its height
            dimension = self.heights[height] = RowDimension(self.ws, ht=height)
        dimensions = self.ws.row_dimensions
        dimensions[self.count] = dimension
        try:
            self.ws.append(cells)  # the row is written now, with its height
        finally:
            del dimensions[self.count]
        return self.count


class Styles:
    """Template cells, one per look; cells share a template's style array."""

    def __init__(self, ws) -> None:
        def make(**attrs):
            cell = WriteOnlyCell(ws)
            for name, value in attrs.items():
                setattr(cell, name, value)
            return cell

        body = Font(name=FONT, size=11)
        bold = Font(name=FONT, size=11, bold=True)
        self.header = make(font=Font(name=FONT, size=11, bold=True, color="FFFFFF"),
                           fill=HEADER_FILL,
                           alignment=Alignment(vertical="center", wrap_text=True))
        self.title = make(font=Font(name=FONT, size=14, bold=True))
        self.label = make(font=bold, alignment=TOP)
        self.text = make(font=body, alignment=TOP_WRAP)
        self.plain = make(font=body, alignment=TOP)
        self.number = make(font=body, alignment=Alignment(vertical="top", horizontal="center"))
        self.open_text = make(font=body, alignment=TOP_WRAP, protection=UNLOCKED)
        self.open_plain = make(font=body, alignment=TOP, protection=UNLOCKED)
        self.open_date = make(font=body, alignment=TOP, protection=UNLOCKED,
                              number_format=DATE_FORMAT)
        self.indent = [make(font=body,
                            alignment=Alignment(vertical="top", wrap_text=True, indent=i))
                       for i in range(MAX_INDENT + 1)]


def value_cell(ws, value, style):
    """A number or date cell (never user text) in a template's style."""
    cell = WriteOnlyCell(ws, value)
    # openpyxl's private style record, shared, as in text_cell: written once, never restyled
    cell._style = style._style  # type: ignore[attr-defined]
    return cell


def header_row(ws, styles: Styles, headers) -> list:
    return [text_cell(ws, h, styles.header) for h in headers]


def header_lines(headers: Sequence[str], widths: Sequence[float]) -> int:
    """Lines of the tallest (bold, wrapped) header: short words, so no slack for wrapping."""
    return max((text_lines(h, line_width(w, bold=True) + WRAP_SLACK)
                for h, w in zip(headers, widths)), default=1)


def protect(ws) -> None:
    """Locked cells stay as exported; filtering, resizing and formatting stay allowed.
    No password: the protection guards against slips, and the import checks anyway."""
    p = ws.protection
    p.sheet = True
    p.autoFilter = False
    p.sort = False
    p.formatColumns = False
    p.formatRows = False
    p.formatCells = False


def set_widths(ws, widths, styles: dict[int, object] | None = None) -> None:
    """Column widths, and for the columns in `styles` the look of their empty cells (no
    cell is written for an empty text, so the column's style is what the user gets)."""
    for index, width in enumerate(widths, start=1):
        dimension = ws.column_dimensions[get_column_letter(index)]
        dimension.width = width
        if styles and index in styles:
            dimension._style = copy(styles[index]._style)  # type: ignore[attr-defined]


def print_setup(ws, *, orientation: str = "landscape", tall: int = 0,
                title_rows: str | None = "1:1", grid: bool = True) -> None:
    """A4, one page wide and `tall` pages high (0: as many as it takes), header row on
    every page. Call before the first row: a write-only sheet writes its properties with
    the first row. The print area is set once the last row is known (`print_area`)."""
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.orientation = orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = tall
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5,
                                  header=0.3, footer=0.3)
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_options.gridLines = grid


def print_area(ws, columns: int, rows: int) -> None:
    """What prints: the written rows of the sheet's columns (not the open cells beside
    and below them, styled for the auditee)."""
    ws.print_area = f"A1:{get_column_letter(columns)}{max(rows, 1)}"


# -- Summary ---------------------------------------------------------------------------


CHECKLIST_HEADERS = ("Ref", "Title", "Result", "Notes", "Interviewees", "Documents")
EVIDENCE_HEADERS = ("Ref", "Finding", "Kind", "Name", "Description", "Reference",
                    "Size (bytes)", "SHA-256")


CHECKLIST_WIDTHS = (10, 50, 14, 60, 28, 36)
EVIDENCE_WIDTHS = (10, 15, 12, 30, 40, 24, 12, 66)


def write_checklist(ws, styles: Styles, checklist: Checklist, results: dict[str, ItemResult],
                    shown: dict[str, Result]) -> None:
    set_widths(ws, CHECKLIST_WIDTHS)
    ws.freeze_panes = "A2"
    print_setup(ws)
    rows = Rows(ws, (None, *CHECKLIST_WIDTHS[1:2], None, *CHECKLIST_WIDTHS[3:]))
    rows.append(header_row(ws, styles, CHECKLIST_HEADERS), wrap=False,
                lines=header_lines(CHECKLIST_HEADERS, CHECKLIST_WIDTHS))
    count = 0
    for item, depth, _parent in checklist.walk():
        row = results.get(item.ref)
        result = RESULT_LABELS[shown.get(item.ref, Result.NOT_ASSESSED)] if item.assessable \
            else ""
        rows.append([
            text_cell(ws, item.ref, styles.plain),
            text_cell(ws, item.title, styles.indent[min(depth, MAX_INDENT)]),
            text_cell(ws, result, styles.plain),
            text_cell(ws, row.notes if row else "", styles.text),
            text_cell(ws, row.interviewees if row else "", styles.text),
            text_cell(ws, row.documents if row else "", styles.text),
        ], lines=text_lines(item.title, line_width(max(8, CHECKLIST_WIDTHS[1] - 3 * depth))))
        count += 1
    ws.auto_filter.ref = f"A1:F{count + 1}"
    print_area(ws, len(CHECKLIST_HEADERS), count + 1)
    protect(ws)


def write_evidence(ws, styles: Styles, evidence: list[Evidence], codes: dict[int, str]) -> None:
    set_widths(ws, EVIDENCE_WIDTHS)
    ws.freeze_panes = "A2"
    print_setup(ws)
    rows = Rows(ws, (None, None, None, *EVIDENCE_WIDTHS[3:6]))
    rows.append(header_row(ws, styles, EVIDENCE_HEADERS), wrap=False,
                lines=header_lines(EVIDENCE_HEADERS, EVIDENCE_WIDTHS))
    for e in evidence:
        rows.append([
            text_cell(ws, e.ref or "", styles.plain),
            text_cell(ws, codes.get(e.finding_id, "") if e.finding_id else "", styles.plain),
            text_cell(ws, e.kind, styles.plain),
            text_cell(ws, e.original_name, styles.text),
            text_cell(ws, e.description, styles.text),
            text_cell(ws, e.reference, styles.text),
            value_cell(ws, e.size, styles.plain),
            text_cell(ws, e.sha256 or "", styles.plain),
        ])
    ws.auto_filter.ref = f"A1:H{len(evidence) + 1}"
    print_area(ws, len(EVIDENCE_HEADERS), len(evidence) + 1)
    protect(ws)


def check_xlsx_target(target: Path) -> None:
    """Refuse, before any work, a target that cannot become the workbook."""
    if target.suffix.lower() != ".xlsx":
        raise AuditorError(f"{target}: the workbook's name must end in .xlsx")
    if target.is_dir():
        raise AuditorError(f"{target}: is a folder; give a file name ending in .xlsx")
    if not target.parent.is_dir():
        raise AuditorError(f"{target.parent}: no such folder; create it or choose another name")


def save_workbook(wb, target: Path) -> None:
    """Write beside the target and move into place: a failed write leaves no half file."""
    try:
        with replacing(target, prefix=".auditor-") as part:
            wb.save(part.path)
    except BaseException as exc:
        discard_workbook(wb)
        if not isinstance(exc, OSError):
            raise
        raise AuditorError(
            f"{target}: cannot write the workbook ({exc.strerror}); {way_out(exc)}") from None


def discard_workbook(wb) -> None:
    """Finish and remove the sheets of a write-only workbook that will not be saved.

    Each sheet streams into its own temporary file through a generator; left to the
    garbage collector, the generator is closed after its file, and Python prints an
    "Exception ignored ... I/O operation on closed file" traceback for each sheet."""
    for ws in wb.worksheets:
        if getattr(ws, "closed", True):
            continue
        try:
            ws.close()
        except Exception:  # its file already failed (a full disk): only removal is left
            pass
        writer = getattr(ws, "_writer", None)
        if writer is not None and isinstance(writer.out, str):
            try:
                writer.cleanup()
            except (OSError, ValueError):  # gone already
                pass
