"""`write_report(store, audit_id, path)`: the audit report in the format its name asks for
(`.md`, `.docx` or `.pdf`), from one content model (`auditor.domain.report`).

The target is checked before any work: a wrong suffix, a folder, a missing folder or a
file already there (a report handed out is never overwritten) is refused with one line.
The file is written beside the target and moved into place in one step
(`auditor.domain.files.replacing`), owner-only like the NC workbook. The renderers are
imported only for the format asked for.
"""

from __future__ import annotations

import os
from pathlib import Path

from auditor.domain.errors import AuditorError
from auditor.domain.files import replacing, way_out
from auditor.domain.report import AuditReport, build_report

FORMATS = {".md": "Markdown", ".docx": "Word", ".pdf": "PDF"}


def check_report_target(target: Path) -> None:
    """Refuse, before any work, a target that cannot become the report."""
    if target.suffix.lower() not in FORMATS:
        raise AuditorError(f"{target}: the report's name must end in .md, .docx or .pdf")
    if target.is_dir():
        raise AuditorError(f"{target}: is a folder; give a file name ending in "
                           f"{target.suffix.lower()}")
    if os.path.lexists(target):
        raise AuditorError(f"{target}: a file of that name is there already; choose "
                           "another name (a report is never overwritten)")
    if not target.parent.is_dir():
        raise AuditorError(f"{target.parent}: no such folder; create it or choose another name")


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
    data = render(report, target.suffix)
    try:
        with replacing(target, prefix=".auditor-") as part:
            part.path.write_bytes(data)
            if os.path.lexists(target):  # made while the report was rendered
                part.target = None
                raise AuditorError(f"{target}: a file of that name appeared meanwhile; "
                                   "choose another name")
    except OSError as exc:
        raise AuditorError(
            f"{target}: cannot write the report ({exc.strerror}); {way_out(exc)}") from None
    return report
