"""The `Comparison` sheet: what changed since the previous audit, for the NC report of an
audit that follows another and for `auditor compare -o FILE.xlsx`.

Stacked sections on one sheet: the two audits, the summary, the item changes (filtered,
so a reader can show only the regressions), the previous audit's findings with their
status now and their repeats, and the current repeat findings. Written row by row
(openpyxl write-only mode); every text from the audits goes through `xlsx_text`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook

from auditor.domain.compare import CHANGE_LABELS, AuditSide, Change, Comparison, compare_audits
from auditor.domain.edition_map import EditionMap
from auditor.domain.errors import RuleViolation
from auditor.domain.vocab import RESULT_LABELS, Result

from .workbook_sheets import (
    Styles,
    check_xlsx_target,
    header_row,
    print_setup,
    protect,
    save_workbook,
    set_widths,
    value_cell,
)
from .xlsx_text import text_cell

SHEET = "Comparison"
ITEM_HEADERS = ("Ref", "Item", "Previous", "Current", "Change", "Only in")
FINDING_HEADERS = ("Finding ID", "Clause", "Grade", "Statement", "Status now", "Repeated by")
REPEAT_HEADERS = ("Finding ID", "Clause", "Grade", "Status", "Repeat of")


def _result(value: str | None) -> str:
    return RESULT_LABELS[Result(value)] if value else "(not in checklist)"


def _side(side: AuditSide) -> str:
    day = side.date.isoformat() if side.date else "undated"
    return (f"audit {side.id}: {side.title} ({side.auditee}, {side.type}, {day}, "
            f"{side.checklist_id} {side.checklist_version})")


def write_comparison(ws, comparison: Comparison, styles: Styles | None = None) -> None:
    """Fill a (write-only) worksheet with the comparison."""
    styles = styles or Styles(ws)
    across = comparison.across_editions
    set_widths(ws, (14, 50, 16, 16, 16, 22) + ((22,) if across else ()))
    print_setup(ws)  # before the first row: a write-only sheet writes it with that row
    rows = 0

    def put(cells) -> None:
        nonlocal rows
        ws.append(cells)
        rows += 1

    put([text_cell(ws, "Comparison with the previous audit", styles.title)])
    put([text_cell(ws, "Previous", styles.label),
         text_cell(ws, _side(comparison.previous), styles.text)])
    put([text_cell(ws, "Current", styles.label),
         text_cell(ws, _side(comparison.current), styles.text)])
    if across:
        put([text_cell(ws, "Note", styles.label),
             text_cell(ws, f"Two checklists linked by the requirement mapping "
                           f"“{comparison.mapping}”: each item shows the earlier item(s) it "
                           "maps from (Maps from); items the mapping leaves out are marked "
                           "in the Only in column.", styles.text)])
    elif comparison.versions_differ:
        put([text_cell(ws, "Note", styles.label),
             text_cell(ws, "The checklist versions differ: items are matched by ref; items "
                           "in one version only are marked in the Only in column.",
                       styles.text)])
    put([])
    summary = comparison.summary
    put(header_row(ws, styles, ("Summary", "", "Count")))
    lines = [(CHANGE_LABELS[c].capitalize() + " items", summary[c.value]) for c in Change]
    lines += [
        ("Items in the previous checklist version only", summary["only_in_previous"]),
        ("Items in the current checklist version only", summary["only_in_current"]),
        ("Repeat findings", summary["repeat_findings"]),
        ("Previous findings", summary["previous_findings"]),
        ("Previous findings still open", summary["previous_findings_open"]),
        ("Previous findings closed", summary["previous_findings_closed"]),
    ]
    for label, count in lines:
        put([text_cell(ws, label, styles.label), text_cell(ws, "", styles.plain),
             value_cell(ws, count, styles.plain)])
    put([])

    first = rows + 1
    put(header_row(ws, styles, ITEM_HEADERS + (("Maps from",) if across else ())))
    for item in comparison.items:
        put([text_cell(ws, item.ref, styles.plain),
             text_cell(ws, item.title, styles.text),
             text_cell(ws, _result(item.previous), styles.plain),
             text_cell(ws, _result(item.current), styles.plain),
             text_cell(ws, CHANGE_LABELS[item.change], styles.plain),
             text_cell(ws, item.only_in or "", styles.plain),
             *((text_cell(ws, ", ".join(item.mapped_from), styles.plain),) if across else ())])
    ws.auto_filter.ref = f"A{first}:{'G' if across else 'F'}{rows}"
    put([])

    def listing(title: str, headers, rows) -> None:
        """A titled table; `rows` of (text, wrapped) cells; "none" when it is empty."""
        put([text_cell(ws, title, styles.title)])
        put(header_row(ws, styles, headers))
        for row in rows:
            put([text_cell(ws, text, styles.text if wrapped else styles.plain)
                 for text, wrapped in row])
        if not rows:
            put([text_cell(ws, "none", styles.plain)])

    listing("Findings of the previous audit",
            FINDING_HEADERS + (("Maps to",) if across else ()), [
        [(f.id, False), (f.ref, False), (f.grade, False), (f.statement, True),
         (f.status, False), (", ".join(f.repeated_by), False),
         *(((", ".join(f.maps_to), False),) if across else ())]
        for f in comparison.findings])
    put([])
    listing("Repeat findings in the current audit", REPEAT_HEADERS, [
        [(r.id, False), (r.ref, False), (r.grade, False), (r.status, False),
         (r.repeat_of, False)]
        for r in comparison.repeats])
    protect(ws)


def previous_comparison(store, audit, mappings: Iterable[EditionMap] = ()
                        ) -> Comparison | None:
    """The NC report's comparison: with the audit it follows, when there is one on the
    same checklist or on one that a mapping links (else the audits cannot be compared,
    and the sheet is left out)."""
    if audit.previous_id is None:
        return None
    try:
        return compare_audits(store, audit.previous_id, audit.id, mappings)
    except RuleViolation:
        return None


def save_comparison(comparison: Comparison, target: Path) -> Path:
    """A workbook holding the Comparison sheet only; written beside the target and moved
    into place, so a failure leaves no half file."""
    target = Path(target)
    check_xlsx_target(target)
    wb = Workbook(write_only=True)
    wb.properties.creator = "auditor"
    wb.properties.title = (f"Comparison of audits {comparison.previous.id} and "
                           f"{comparison.current.id}")
    write_comparison(wb.create_sheet(SHEET), comparison)
    save_workbook(wb, target)
    return target
