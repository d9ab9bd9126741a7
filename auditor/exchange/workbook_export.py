"""The NC report workbook (DESIGN section 6): what goes to the auditee for follow-up.

`export_workbook(store, audit_id, path)` writes Summary, Findings, Checklist, Evidence and
the very hidden `_auditor` sheet the follow-up import reads. The workbook is streamed
(openpyxl write-only mode), so a large audit costs little memory.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from auditor.domain.derived import effective_results
from auditor.domain.edition_map import EditionMap
from auditor.domain.followup import AWAITING_ACTION
from auditor.domain.models import Audit, Finding
from auditor.domain.summary import count_audit
from auditor.domain.vocab import AUDITEE_STATUSES, FindingStatus

from . import workbook_layout as layout
from .comparison_sheet import SHEET as COMPARISON_SHEET
from .comparison_sheet import previous_comparison, write_comparison
from .workbook_sheets import (
    OVERDUE_FILL,
    Rows,
    Styles,
    check_xlsx_target,
    discard_workbook,
    header_lines,
    header_row,
    print_area,
    print_setup,
    protect,
    save_workbook,
    set_widths,
    value_cell,
    write_checklist,
    write_evidence,
)
from .workbook_summary import findings_by_clause, write_summary
from .xlsx_text import read_text, text_cell, text_hash, xml_text

Progress = Callable[[float, str], None]
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def default_filename(audit: Audit) -> str:
    """`<title>-<date>.xlsx` in safe characters: letters, digits, dot, dash, underscore."""
    title = unicodedata.normalize("NFKD", audit.title).encode("ascii", "ignore").decode()
    slug = _UNSAFE.sub("-", title).strip("-._")[:80].rstrip("-._") or f"audit-{audit.id}"
    day = audit.actual_start or audit.planned_start or audit.created_at.date()
    return f"{slug}-{day.isoformat()}.xlsx"


def free_path(folder: Path, name: str) -> Path:
    """`folder/name`, or `name-2`, `name-3`, ... when taken: the default name never
    overwrites a workbook the auditee sent back under the same name."""
    target = folder / name
    number = 2
    while target.exists():
        target = folder / f"{Path(name).stem}-{number}{Path(name).suffix}"
        number += 1
    return target


def export_workbook(store, audit_id: int, path: Path | None = None, *,
                    folder: Path | None = None, progress: Progress | None = None,
                    mappings: Iterable[EditionMap] = ()) -> Path:
    """Write the audit's NC report; returns the file written. Without `path`, a free
    default file name in `folder` (the current folder when not given). `mappings` let
    the Comparison sheet compare with a previous audit on an earlier edition."""
    report = progress or (lambda fraction, stage: None)
    audit = store.audit(audit_id)
    target = Path(path) if path is not None else free_path(
        Path(folder) if folder is not None else Path.cwd(), default_filename(audit))
    check_xlsx_target(target)
    report(0.0, "reading the audit")
    checklist = store.checklist_for(audit.snapshot_id)
    findings = store.findings(audit_id)
    results = store.results(audit_id)
    # The one rule (domain/derived.py), on the rows just read rather than reading again.
    shown = effective_results(((r.ref, r.result) for r in results.values()),
                              ((f.ref, f.grade, f.status) for f in findings))
    evidence = store.evidence(audit_id)
    exported_at = store.now().isoformat()
    # Everything is read before the workbook exists: a read that fails (a row edited
    # outside auditor) then leaves no half-written sheet, whose temporary file would be
    # closed under it at exit ("Exception ignored ... closed file", five times).
    comparison = previous_comparison(store, audit, mappings)
    fingerprint = layout.audit_fingerprint(store, audit_id)

    wb = Workbook(write_only=True)
    try:
        wb.properties.creator = "auditor"
        wb.properties.title = xml_text(f"Nonconformity report: {audit.title}")
        summary = wb.create_sheet("Summary")
        styles = Styles(summary)
        sheet = wb.create_sheet(layout.FINDINGS_SHEET)
        report(0.1, "findings")
        hashes = _write_findings(sheet, styles, findings, checklist, report)
        report(0.8, "summary")
        write_summary(summary, styles, audit, checklist, count_audit(checklist, shown, findings),
                      findings_by_clause(findings, checklist), exported_at)
        report(0.85, "checklist")
        write_checklist(wb.create_sheet("Checklist"), styles, checklist, results, shown)
        write_evidence(wb.create_sheet("Evidence"), styles, evidence,
                       {f.id: f.code for f in findings})
        if comparison is not None:  # an audit that follows another: what changed since
            write_comparison(wb.create_sheet(COMPARISON_SHEET), comparison, styles)
        _write_state(wb.create_sheet(layout.STATE_SHEET), styles, audit,
                     fingerprint, exported_at, hashes)
        wb.active = 1
        report(0.9, "saving")
        save_workbook(wb, target)
    except BaseException:
        discard_workbook(wb)  # no sheet left streaming into a temporary file
        raise
    report(1.0, "done")
    return target


def _write_findings(ws, styles: Styles, findings: list[Finding], checklist,
                    report: Progress) -> list[list[str]]:
    """The Findings sheet; returns each row's cell hashes for the `_auditor` sheet."""
    looks = [_look(styles, c) for c in layout.COLUMNS]
    # The auditee's columns are open below and beside what is written, too.
    set_widths(ws, [c.width for c in layout.COLUMNS],
               {i: look for i, (c, look) in enumerate(zip(layout.COLUMNS, looks), start=1)
                if c.field})
    ws.freeze_panes = "A2"
    print_setup(ws)
    # Each row as high as its longest wrapped text needs (capped at 409 points).
    rows = Rows(ws, [None if c.header in layout.UNWRAPPED else c.width
                     for c in layout.COLUMNS])
    rows.append(header_row(ws, styles, layout.HEADERS), wrap=False,
                lines=header_lines(layout.HEADERS, layout.WIDTHS))
    due = layout.HEADERS.index(layout.DUE_HEADER)
    hashes: list[list[str]] = []
    by_status: dict[str, list[int]] = {}
    for number, f in enumerate(findings, start=2):
        values = layout.finding_values(f, checklist)
        row = [text_cell(ws, v, look) for v, look in zip(values, looks)]
        if values[due] is not None:
            row[due] = value_cell(ws, values[due], looks[due])
        rows.append(row)
        # Hash what the cell holds, as the import will read it back.
        hashes.append([f.code] + [text_hash(_shown(cell)) for cell in row[1:]])
        by_status.setdefault(f.status, []).append(number)
        if number % 500 == 0:
            report(0.1 + 0.7 * number / max(len(findings), 1), "findings")
    last = len(findings) + 1
    end = get_column_letter(len(layout.HEADERS))
    ws.auto_filter.ref = f"A1:{end}{last}"
    print_area(ws, len(layout.HEADERS), last)
    _status_choices(ws, by_status)
    _overdue_rule(ws, last)
    protect(ws)
    return hashes


def _shown(cell) -> str:
    if cell is None:
        return ""
    value = cell._value
    return value.isoformat() if isinstance(value, date) else read_text(value)


def _look(styles: Styles, column: layout.Column):
    if column.header == layout.DUE_HEADER:
        return styles.open_date
    wraps = column.header not in layout.UNWRAPPED
    if column.field is None:
        return styles.text if wraps else styles.plain
    return styles.open_text if wraps else styles.open_plain


def _status_choices(ws, by_status: dict[str, list[int]]) -> None:
    """A drop-down per current status: the auditee's statuses plus the one shown, so the
    exported value stays valid. The import checks the status again whatever the cell."""
    column = get_column_letter(layout.HEADERS.index(layout.STATUS_HEADER) + 1)
    auditee = [s.value for s in FindingStatus if s in AUDITEE_STATUSES]
    for status, rows in sorted(by_status.items()):
        choices = [status] + [s for s in auditee if s != status]
        dv = DataValidation(
            type="list", formula1='"' + ",".join(choices) + '"', allow_blank=False,
            showErrorMessage=True, errorTitle="Status",
            error="Choose responded (root cause and corrective action given) or "
                  "implemented (actions done); the auditor sets the other statuses.",
            showInputMessage=True, promptTitle="Status",
            prompt="responded: root cause and corrective action given; "
                   "implemented: actions done",
        )
        dv.sqref = " ".join(_runs(column, rows))
        ws.data_validations.append(dv)


def _runs(column: str, rows: list[int]) -> list[str]:
    """Consecutive rows as ranges: L2:L9 L12 L14:L15."""
    runs, start, prev = [], rows[0], rows[0]
    for r in rows[1:] + [None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        runs.append(f"{column}{start}" if start == prev else f"{column}{start}:{column}{prev}")
        if r is not None:
            start = prev = r
    return runs


def _overdue_rule(ws, last: int) -> None:
    if last < 2:
        return
    due = get_column_letter(layout.HEADERS.index(layout.DUE_HEADER) + 1)
    status = get_column_letter(layout.HEADERS.index(layout.STATUS_HEADER) + 1)
    end = get_column_letter(len(layout.HEADERS))
    # Overdue as the domain calls it (auditor.domain.followup): past due and still
    # awaiting the auditee's action. TODAY() makes the highlight current when opened.
    waiting = ",".join(f'${status}2="{s.value}"' for s in FindingStatus
                       if s in AWAITING_ACTION)
    formula = f"AND(ISNUMBER(${due}2),${due}2<TODAY(),OR({waiting}))"
    ws.conditional_formatting.add(f"A2:{end}{last}",
                                  FormulaRule(formula=[formula], fill=OVERDUE_FILL))


def _write_state(ws, styles: Styles, audit: Audit, fingerprint: str, exported_at: str,
                 hashes: list[list[str]]) -> None:
    """What the import needs: which audit, and each exported cell's hash."""
    ws.sheet_state = "veryHidden"
    values = (layout.FORMAT, str(audit.id), fingerprint, exported_at, str(len(hashes)))
    for key, value in zip(layout.STATE_KEYS, values):
        ws.append([text_cell(ws, key), text_cell(ws, value)])
    ws.append([])
    ws.append([text_cell(ws, layout.ID_HEADER),
               text_cell(ws, layout.HASH_SEP.join(layout.HEADERS[1:]))])
    for row in hashes:
        ws.append([text_cell(ws, row[0]), text_cell(ws, layout.HASH_SEP.join(row[1:]))])
    protect(ws)
