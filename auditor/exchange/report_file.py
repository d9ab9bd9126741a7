"""`write_report(store, audit_id, path)`: the audit report in the format its name asks for
(`.md`, `.docx` or `.pdf`), from one content model (`auditor.domain.report`).

The target is checked before any work: a wrong suffix, a folder, a missing folder or a
file already there (a report handed out is never overwritten) is refused with one line.
The file is written beside the target and moved into place in one step
(`auditor.domain.files.replacing`), owner-only like the NC workbook. The renderers are
imported only for the format asked for.
"""

from __future__ import annotations

from pathlib import Path

from auditor.domain.errors import AuditorError
from auditor.domain.report import AuditReport, build_report

from .document_file import check_document_target, write_document

FORMATS = {".md": "Markdown", ".docx": "Word", ".pdf": "PDF"}


def check_report_target(target: Path) -> None:
    """Refuse, before any work, a target that cannot become the report."""
    check_document_target(target, "report", FORMATS)


def render(report: AuditReport, suffix: str) -> bytes:
    """The report's bytes in the format of a file name's suffix."""
    kind = suffix.lower()
    if kind == ".md":
        from .report_md import render_markdown

        return render_markdown(report).encode("utf-8")
    if kind == ".docx":
        from .report_docx import render_docx

        return render_docx(report)
    if kind == ".pdf":
        from .report_pdf import render_pdf

        return render_pdf(report)
    raise AuditorError(f"{suffix}: not a report format (.md, .docx or .pdf)")


def write_report(store, audit_id: int, target: Path) -> AuditReport:
    """Write the audit's report to `target`; returns the content written."""
    target = Path(target)
    check_report_target(target)
    report = build_report(store, audit_id)
    write_document(target, render(report, target.suffix), "report")
    return report
