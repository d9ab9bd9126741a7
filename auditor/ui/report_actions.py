"""The audit report from the audit screen (`R`): asks where it goes (prefilled: a free
name in the exports folder; the name's end picks the format, .pdf, .docx or .md), writes
it in a thread worker and says where it went. Before the audit is closed the report is a
draft, marked DRAFT on every page (the content model decides it from the audit); after
the close it is final.

The renderers are imported only when a report is written: the audit screen must open
fast."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding

from auditor.domain.files import private_folder
from auditor.domain.vocab import AuditStatus
from auditor.ui.background import deliver
from auditor.ui.screens.ask_path import AskPathScreen

SUFFIXES = (".pdf", ".docx", ".md")


def report_binding(screen: str) -> Binding:
    return Binding("R", "write_report", "Write audit report", key_display="R", show=False,
                   id=f"{screen}.write_report")


def suggested_path(folder: Path, audit, draft: bool) -> Path:
    """`<title>-<date>-report[-DRAFT].pdf` in the folder, numbered when taken."""
    from auditor.exchange.workbook_export import default_filename, free_path

    stem = Path(default_filename(audit)).stem
    return free_path(folder, f"{stem}-report{'-DRAFT' if draft else ''}.pdf")


def write_report_file(app, store, audit_id: int) -> None:
    """Ask for the report's path, then write it in a worker; a refusal (the name, the
    folder, the disk) is said and nothing is left behind."""
    audit = store.audit(audit_id)
    draft = audit.status != AuditStatus.CLOSED
    settings = getattr(app, "settings", None)
    folder = settings.exports_dir if settings is not None else Path.cwd()
    try:
        private_folder(folder)
    except OSError as exc:
        app.notify(f"{folder}: the exports folder cannot be made ({exc.strerror}); "
                   "type another folder", severity="warning")
    kind = "a DRAFT (the audit is not closed yet)" if draft else "final (the audit is closed)"

    def chosen(path: Path | None) -> None:
        if path is not None:
            start_report(app, store, audit_id, path)

    app.push_screen(AskPathScreen(
        f"Write the audit report of audit {audit_id}", what="the report to write",
        ok_label="Write", initial=str(suggested_path(folder, audit, draft)),
        new_suffix=SUFFIXES,
        hint=f"The name's end picks the format: .pdf, .docx (Word) or .md. It will be "
             f"{kind}."), chosen)


def start_report(app, store, audit_id: int, path: Path) -> None:
    from auditor.exchange.report_file import FORMATS, write_report

    app.notify(f"Writing the audit report to {path}…", timeout=4)

    def written(report) -> None:
        state = "DRAFT" if report.draft else "final"
        app.notify(f"{FORMATS[path.suffix.lower()]} report ({state}) written to {path}",
                   title="Report written", timeout=10)

    def refused(message: str) -> None:
        app.notify(message, title="No report written", severity="error", timeout=10)

    def work() -> None:
        deliver(app, lambda: write_report(store, audit_id, path), written, refused)

    app.run_worker(work, thread=True, group="report", exclusive=True,
                   name=f"report {audit_id}")
