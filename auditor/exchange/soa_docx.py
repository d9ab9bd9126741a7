"""`write_soa_docx(store, audit_id, target)`: the Statement of Applicability as a Word
document, from the blocks in `docx_blocks`: landscape A4, one table row per Annex A
control (its header repeated on every page), the flagged rows on the flag colour with
what to query in the last column, and a count of the flags above the table. Checked,
written and never overwritten as every document is (`document_file`)."""

from __future__ import annotations

from pathlib import Path

from auditor.domain.document_text import report_text
from auditor.domain.soa import FLAG_TEXT, SoaRow
from auditor.domain.vocab import IMPLEMENTATION_LABELS, RESULT_LABELS, ImplementationStatus

from .document_file import check_document_target, write_document
from .docx_blocks import docx_bytes, heading, new_document, para, table

HEADERS = ("Ref", "Control", "Applicable", "Justification", "Implementation status",
           "Auditee's references", "Audit result", "Findings", "To query")
WIDTHS = (1.5, 4.6, 2.1, 5.0, 2.8, 3.0, 2.1, 2.2, 3.4)  # cm: landscape A4 less margins
WHAT = "Statement of Applicability"


def check_soa_docx_target(target: Path) -> None:
    check_document_target(target, WHAT, (".docx",))


def _cells(row: SoaRow) -> list[str]:
    applicable = "" if row.applicable is None else ("Yes" if row.applicable else "No")
    status = IMPLEMENTATION_LABELS[ImplementationStatus(row.status)] if row.status else ""
    return [report_text(row.ref), report_text(row.title), applicable,
            report_text(row.justification), status, report_text(row.references),
            RESULT_LABELS[row.result], ", ".join(row.findings),
            "; ".join(FLAG_TEXT[f] for f in row.flags)]


def render_soa_docx(rows: list[SoaRow], *, title: str, auditee: str, standard: str) -> bytes:
    name = f"{WHAT}: {report_text(title)}"
    doc = new_document(name, footer=f"{name} ({report_text(auditee)})", landscape=True)
    heading(doc, name, 0)
    para(doc, f"{report_text(auditee)}; {report_text(standard)}, Annex A, as stated by the "
              "auditee and recorded by the audit team, beside the audit's result and "
              "findings for each control.")
    flagged = sum(1 for r in rows if r.flags)
    para(doc, f"{len(rows)} controls; {flagged} flagged to query (shaded): applicability "
              "not stated, an exclusion without a justification, an applicable control "
              "without an implementation status, or an excluded control stated as "
              "implemented, partly implemented or planned.", italic=True)
    heading(doc, "Controls", 1)
    table(doc, HEADERS, [_cells(r) for r in rows], widths=WIDTHS, size=8,
          flagged=[bool(r.flags) for r in rows])
    return docx_bytes(doc)


def write_soa_docx(store, audit_id: int, target: Path) -> list[SoaRow]:
    """Write the audit's SoA to `target` (.docx); returns the rows written."""
    target = Path(target)
    check_soa_docx_target(target)
    rows = store.soa(audit_id)
    audit = store.audit(audit_id)
    checklist = store.checklist_for(audit.snapshot_id)
    write_document(target, render_soa_docx(rows, title=audit.title, auditee=audit.auditee,
                                           standard=checklist.standard), WHAT)
    return rows
