"""The NC report's reading sheets: Summary (with its chart), Checklist and Evidence.

Sheets are written row by row (openpyxl write-only mode): layout that lives in the sheet
header (column widths, frozen panes) is set before the first row, the rest after.
Every text a user typed goes through `xlsx_text.text_cell`.
"""

from __future__ import annotations

from collections import Counter
from copy import copy
from datetime import date
from pathlib import Path

from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

from auditor.domain.checklist import Checklist
from auditor.domain.errors import AuditorError
from auditor.domain.files import replacing, way_out
from auditor.domain.models import Audit, Evidence, Finding, ItemResult
from auditor.domain.summary import AuditCounts
from auditor.domain.vocab import GRADE_LABELS, RESULT_LABELS, FindingStatus, Result

from .xlsx_text import text_cell

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
OVERDUE_FILL = PatternFill("solid", fgColor="F8CBAD")
TOP = Alignment(vertical="top")
TOP_WRAP = Alignment(vertical="top", wrap_text=True)
UNLOCKED = Protection(locked=False)
DATE_FORMAT = "yyyy-mm-dd"
MAX_INDENT = 8


class Styles:
    """Template cells, one per look; cells share a template's style array."""

    def __init__(self, ws) -> None:
        def make(**attrs):
            cell = WriteOnlyCell(ws)
            for name, value in attrs.items():
                setattr(cell, name, value)
            return cell

        self.header = make(font=Font(bold=True, color="FFFFFF"), fill=HEADER_FILL,
                           alignment=Alignment(vertical="center", wrap_text=True))
        self.title = make(font=Font(bold=True, size=14))
        self.label = make(font=Font(bold=True), alignment=TOP)
        self.text = make(alignment=TOP_WRAP)
        self.plain = make(alignment=TOP)
        self.open_text = make(alignment=TOP_WRAP, protection=UNLOCKED)
        self.open_plain = make(alignment=TOP, protection=UNLOCKED)
        self.open_date = make(alignment=TOP, protection=UNLOCKED, number_format=DATE_FORMAT)
        self.indent = [make(alignment=Alignment(vertical="top", wrap_text=True, indent=i))
                       for i in range(MAX_INDENT + 1)]


def value_cell(ws, value, style):
    """A number or date cell (never user text) in a template's style."""
    cell = WriteOnlyCell(ws, value)
    # openpyxl's private style record, shared, as in text_cell: written once, never restyled
    cell._style = style._style  # type: ignore[attr-defined]
    return cell


def header_row(ws, styles: Styles, headers) -> list:
    return [text_cell(ws, h, styles.header) for h in headers]


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


def print_setup(ws) -> None:
    """Landscape, one page wide, header row on every page. Call before the first row:
    a write-only sheet writes its properties with the first row."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True


# -- Summary ---------------------------------------------------------------------------


def findings_by_clause(findings: list[Finding], checklist: Checklist) -> list[tuple[str, int]]:
    """Standing (not cancelled) findings per top-level clause, in checklist order."""
    root_of: dict[str, str] = {}
    for item, _depth, parent in checklist.walk():
        root_of[item.ref] = root_of.get(parent.ref, parent.ref) if parent else item.ref
    counts = Counter(root_of.get(f.ref, f.ref) for f in findings
                     if f.status != FindingStatus.CANCELLED)
    return [(f"{i.ref} {i.title}"[:60], counts[i.ref]) for i in checklist.items
            if counts.get(i.ref)]


def _period(start: date | None, end: date | None) -> str:
    if start and end and start != end:
        return f"{start.isoformat()} to {end.isoformat()}"
    day = start or end
    return day.isoformat() if day else ""


def write_summary(ws, styles: Styles, audit: Audit, checklist: Checklist, counts: AuditCounts,
                  by_clause: list[tuple[str, int]], exported_at: str) -> None:
    set_widths(ws, (26, 70, 4))
    ws.append([text_cell(ws, "Nonconformity report", styles.title)])
    ws.append([])
    facts = [
        ("Audit", str(audit.id)),
        ("Title", audit.title),
        ("Auditee", audit.auditee),
        ("Type", audit.type),
        ("Status", audit.status),
        ("Checklist", f"{checklist.title} ({checklist.id} {checklist.version})"),
        ("Standard", checklist.standard),
        ("Scope", audit.scope),
        ("Site", audit.site),
        ("Lead auditor", audit.lead_auditor),
        ("Team", audit.team),
        ("Planned", _period(audit.planned_start, audit.planned_end)),
        ("Conducted", _period(audit.actual_start, audit.actual_end)),
        ("Previous audit", str(audit.previous_id) if audit.previous_id else ""),
        ("Progress", f"{counts.assessed} of {counts.items} items assessed"),
        ("Findings", f"{counts.findings} ({counts.nonconformities} nonconformities), "
                     f"{counts.open_findings} open"),
        ("Exported", exported_at),
        ("Conclusion", audit.conclusion),
    ]
    for label, value in facts:
        ws.append([text_cell(ws, label, styles.label), text_cell(ws, value, styles.text)])
    row = 2 + len(facts)

    def table(title: str, rows: list[tuple[str, int]]) -> tuple[int, int]:
        nonlocal row
        ws.append([])
        ws.append(header_row(ws, styles, (title, "Findings")))
        row += 2
        first = row + 1
        for label, number in rows:
            ws.append([text_cell(ws, label, styles.plain), value_cell(ws, number, styles.plain)])
            row += 1
        return first, row

    table("By grade (cancelled left out)",
          [(GRADE_LABELS[g], n) for g, n in counts.by_grade.items()])
    table("By status", [(s.value, n) for s, n in counts.by_status.items()])
    first, last = table("By clause (cancelled left out)", by_clause)
    if by_clause:
        _clause_chart(ws, first, last)
    protect(ws)


def _clause_chart(ws, first: int, last: int) -> None:
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = "Findings by clause"
    chart.legend = None
    chart.y_axis.title = "Findings"
    chart.y_axis.majorUnit = 1
    chart.add_data(Reference(ws, min_col=2, min_row=first, max_row=last), titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.height = max(6.0, 1.0 + 0.7 * (last - first + 1))
    chart.width = 18.0  # type: ignore[assignment]  # the stubs say int; openpyxl takes cm
    ws.add_chart(chart, "D3")


# -- Checklist and Evidence --------------------------------------------------------------

CHECKLIST_HEADERS = ("Ref", "Title", "Result", "Notes", "Interviewees", "Documents")
EVIDENCE_HEADERS = ("Ref", "Finding", "Kind", "Name", "Description", "Reference",
                    "Size (bytes)", "SHA-256")


def write_checklist(ws, styles: Styles, checklist: Checklist, results: dict[str, ItemResult],
                    shown: dict[str, Result]) -> None:
    set_widths(ws, (10, 50, 14, 60, 28, 36))
    ws.freeze_panes = "A2"
    print_setup(ws)
    ws.append(header_row(ws, styles, CHECKLIST_HEADERS))
    count = 0
    for item, depth, _parent in checklist.walk():
        row = results.get(item.ref)
        result = RESULT_LABELS[shown.get(item.ref, Result.NOT_ASSESSED)] if item.assessable \
            else ""
        ws.append([
            text_cell(ws, item.ref, styles.plain),
            text_cell(ws, item.title, styles.indent[min(depth, MAX_INDENT)]),
            text_cell(ws, result, styles.plain),
            text_cell(ws, row.notes if row else "", styles.text),
            text_cell(ws, row.interviewees if row else "", styles.text),
            text_cell(ws, row.documents if row else "", styles.text),
        ])
        count += 1
    ws.auto_filter.ref = f"A1:F{count + 1}"
    protect(ws)


def write_evidence(ws, styles: Styles, evidence: list[Evidence], codes: dict[int, str]) -> None:
    set_widths(ws, (10, 15, 12, 30, 40, 24, 12, 66))
    ws.freeze_panes = "A2"
    print_setup(ws)
    ws.append(header_row(ws, styles, EVIDENCE_HEADERS))
    for e in evidence:
        ws.append([
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
