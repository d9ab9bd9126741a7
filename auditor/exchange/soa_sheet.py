"""`write_soa(store, audit_id, target)`: the Statement of Applicability as a workbook, one
sheet "SoA": a row per Annex A control, a frozen and filtered header, wrapped text, the
flagged rows highlighted, landscape and one page wide when printed.

Written row by row (openpyxl write-only mode) with the NC report's helpers
(`workbook_sheets`); every user text through `xlsx_text.text_cell`, so a justification
`=1+1` is text, never a formula. The target is checked before any work and a file already
there is refused; the workbook is written beside it and moved into place.
"""

from __future__ import annotations

import os
from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import PatternFill

from auditor.domain.errors import AuditorError
from auditor.domain.soa import FLAG_TEXT, SoaRow
from auditor.domain.vocab import IMPLEMENTATION_LABELS, RESULT_LABELS, ImplementationStatus

from .workbook_sheets import (
    Rows,
    Styles,
    check_xlsx_target,
    discard_workbook,
    header_lines,
    header_row,
    print_area,
    print_setup,
    save_workbook,
    set_widths,
)
from .xlsx_text import text_cell, xml_text

SHEET = "SoA"
HEADERS = ("Ref", "Control", "Applicable", "Justification", "Implementation status",
           "Auditee's references", "Audit result", "Findings", "To query")
WIDTHS = (9, 40, 12, 48, 18, 28, 16, 18, 34)
FLAG_FILL = PatternFill("solid", fgColor="FFE699")


def check_soa_target(target: Path) -> None:
    check_xlsx_target(target)
    if os.path.lexists(target):
        raise AuditorError(f"{target}: a file of that name is there already; choose "
                           "another name (a document handed out is never overwritten)")


def _applicable(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def _status(value: str) -> str:
    return IMPLEMENTATION_LABELS[ImplementationStatus(value)] if value else ""


def write_soa(store, audit_id: int, target: Path, *, title: str = "") -> list[SoaRow]:
    """Write the audit's SoA to `target` (.xlsx); returns the rows written."""
    target = Path(target)
    check_soa_target(target)
    rows = store.soa(audit_id)  # read (and refused) before the workbook exists
    wb = Workbook(write_only=True)
    try:
        wb.properties.creator = "auditor"
        wb.properties.title = xml_text(f"Statement of Applicability: {title}")
        ws = wb.create_sheet(SHEET)
        styles = Styles(ws)
        flagged_text = copy_with_fill(styles.text)
        flagged_plain = copy_with_fill(styles.plain)
        set_widths(ws, WIDTHS)
        ws.freeze_panes = "A2"
        print_setup(ws)
        out = Rows(ws, WIDTHS)
        out.append(header_row(ws, styles, HEADERS), wrap=False,
                   lines=header_lines(HEADERS, WIDTHS))
        for row in rows:
            text, plain = (flagged_text, flagged_plain) if row.flags else (styles.text,
                                                                           styles.plain)
            out.append([
                text_cell(ws, row.ref, plain),
                text_cell(ws, row.title, text),
                text_cell(ws, _applicable(row.applicable), plain),
                text_cell(ws, row.justification, text),
                text_cell(ws, _status(row.status), text),
                text_cell(ws, row.references, text),
                text_cell(ws, RESULT_LABELS[row.result], plain),
                text_cell(ws, ", ".join(row.findings), text),
                text_cell(ws, "; ".join(FLAG_TEXT[f] for f in row.flags), text),
            ])
        last = len(rows) + 1
        ws.auto_filter.ref = f"A1:I{last}"
        print_area(ws, len(HEADERS), last)
        if os.path.lexists(target):  # made while the rows were written
            raise AuditorError(f"{target}: a file of that name appeared meanwhile; choose "
                               "another name")
        save_workbook(wb, target)
    except BaseException:
        discard_workbook(wb)
        raise
    return rows


def copy_with_fill(template):
    """A template cell like `template`, on the flag colour."""
    cell = WriteOnlyCell(template.parent)
    cell.font = copy(template.font)
    cell.alignment = copy(template.alignment)
    cell.fill = FLAG_FILL
    return cell
