"""The NC report's Summary sheet: the audit's facts, counts by grade and status side by
side, and the findings by clause beside a bar chart naming every clause; it prints on one
A4 portrait page (the scope and the conclusion wrap across merged cells, a conclusion
too long for one row goes on in the rows below, split between paragraphs or words).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from datetime import date

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.utils import get_column_letter

from auditor.domain.checklist import Checklist
from auditor.domain.models import Audit, Finding
from auditor.domain.summary import AuditCounts
from auditor.domain.vocab import GRADE_LABELS, FindingStatus

from .workbook_sheets import (
    LINE_POINTS,
    MAX_ROW_LINES,
    Rows,
    Styles,
    header_lines,
    header_row,
    line_width,
    print_area,
    print_setup,
    protect,
    set_widths,
    text_lines,
    value_cell,
)
from .xlsx_text import text_cell, workbook_text


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


# Summary columns: facts' labels | values, merged B:F; below, two count tables side by
# side (A:B and D:E), then the clause table (A:B) with its chart beside it (D:F).
SUMMARY_WIDTHS = (28, 11, 3, 28, 11, 24)
TITLE_POINTS = 22.0
CM_PER_WIDTH_UNIT = 0.18  # a width unit is 7 pixels (0.185 cm) at 96 dpi; a little less


def text_pieces(text: str, chars: int, max_lines: int = MAX_ROW_LINES) -> list[str]:
    """`text` in pieces that each fit a row (at most `max_lines` lines of `chars`), cut
    between paragraphs, or between words inside a paragraph longer than a row."""
    if text_lines(text, chars) <= max_lines:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    used = 0

    def flush() -> None:
        nonlocal current, used
        if current:
            pieces.append("\n".join(current))
        current, used = [], 0

    for paragraph in text.split("\n"):
        while text_lines(paragraph, chars) > max_lines:
            room = chars * max_lines
            cut = paragraph.rfind(" ", 0, room)
            cut = cut if cut > 0 else room
            flush()
            pieces.append(paragraph[:cut])
            paragraph = paragraph[cut:].lstrip(" ")
        lines = text_lines(paragraph, chars)
        if used + lines > max_lines:
            flush()
        if current or paragraph:  # no blank line at the top of a piece
            current.append(paragraph)
            used += lines
    flush()
    return pieces


def write_summary(ws, styles: Styles, audit: Audit, checklist: Checklist, counts: AuditCounts,
                  by_clause: list[tuple[str, int]], exported_at: str) -> None:
    widths = SUMMARY_WIDTHS
    set_widths(ws, widths)
    # One portrait page: the auditee's first page, and nothing of it on a second one.
    print_setup(ws, orientation="portrait", tall=1, title_rows=None, grid=False)
    rows = Rows(ws)
    end = get_column_letter(len(widths))
    rows.append([text_cell(ws, "Nonconformity report", styles.title)], points=TITLE_POINTS)
    rows.append([])
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
        ("Seal", audit.seal or ""),
        ("Conclusion", audit.conclusion),
    ]
    value_chars = line_width(sum(widths[1:]))
    for label, value in facts:
        # A value wraps across B:F; one longer than a row can be high (a long
        # conclusion) goes on in the rows below it.
        for piece in text_pieces(workbook_text(value), value_chars):
            number = rows.append([text_cell(ws, label, styles.label),
                                  text_cell(ws, piece, styles.text)],
                                 lines=text_lines(piece, value_chars), wrap=False)
            ws.merged_cells.add(f"B{number}:{end}{number}")
            label = ""

    def table_rows(left: Sequence[tuple[str, int]],
                   right: Sequence[tuple[str, int]] = ()) -> None:
        """Label and count pairs in A:B, and beside them in D:E."""
        chars = line_width(widths[0])
        for index in range(max(len(left), len(right))):
            cells: list = [None] * 5
            lines = 1
            for offset, pairs in ((0, left), (3, right)):
                if index < len(pairs):
                    label, number = pairs[index]
                    cells[offset] = text_cell(ws, label, styles.text)
                    cells[offset + 1] = value_cell(ws, number, styles.number)
                    lines = max(lines, text_lines(label, chars))
            rows.append(cells, lines=lines, wrap=False)

    def table_header(*titles: str) -> int:
        cells: list = []
        for title in titles:
            cells += [*header_row(ws, styles, (title, "Findings")), None]
        return rows.append(cells, wrap=False, lines=header_lines(
            [t for title in titles for t in (title, "Findings")], widths[:2] * len(titles)))

    rows.append([])
    table_header("By grade (cancelled left out)", "By status")
    table_rows([(GRADE_LABELS[g], n) for g, n in counts.by_grade.items()],
               [(s.value, n) for s, n in counts.by_status.items()])
    rows.append([])
    header = table_header("By clause (cancelled left out)")
    first = header + 1
    table_rows(by_clause)
    last = rows.count
    bottom = last
    if by_clause:
        chart_rows = _clause_chart(ws, first, last, header, sum(widths[3:]))
        bottom = max(last, header + chart_rows)
    print_area(ws, len(widths), bottom)
    protect(ws)


def _axis_text(points: float) -> RichText:
    size = CharacterProperties(sz=int(points * 100))
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=size), endParaRPr=size)])


def _clause_chart(ws, first: int, last: int, row: int, width_units: float) -> int:
    """A horizontal bar per clause, beside the clause table (from `row`, `width_units`
    wide), every clause labelled, top to bottom in checklist order. Returns the rows the
    chart covers at the default row height, for the print area."""
    clauses = last - first + 1
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = "Findings by clause"
    chart.legend = None
    chart.add_data(Reference(ws, min_col=2, min_row=first, max_row=last), titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    categories, values = chart.x_axis, chart.y_axis
    categories.delete = False
    categories.tickLblSkip = 1  # every clause named, however many
    categories.tickMarkSkip = 1
    categories.scaling.orientation = "maxMin"  # the first clause on top, as in the table
    categories.txPr = _axis_text(9)
    values.delete = False
    values.title = "Findings"
    values.majorUnit = 1
    values.crosses = "max"  # the value axis below the bars, the categories reversed
    values.txPr = _axis_text(9)
    chart.dataLabels = DataLabelList(showVal=True, showCatName=False, showSerName=False,
                                     showLegendKey=False, showPercent=False)
    chart.height = max(6.0, 3.0 + 0.7 * clauses)
    chart.width = width_units * CM_PER_WIDTH_UNIT  # type: ignore[assignment]  # cm
    ws.add_chart(chart, f"D{row}")
    return math.ceil(chart.height / 2.54 * 72 / LINE_POINTS)


# -- Checklist and Evidence --------------------------------------------------------------

