"""The NC report workbook from the screens that show an audit (audit, findings): `E`
exports it in a worker with progress and notifies where it went; `I` asks for the workbook
the auditee sent back, shows the changes it would make and applies them on confirmation.

openpyxl is imported only when one of them runs: the audit screen must open fast.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.binding import Binding

from auditor.domain.files import private_folder
from auditor.ui.screens.ask_path import AskPathScreen


def workbook_bindings(screen: str) -> list[Binding]:
    """The two keys, with binding ids under the screen's name (`audit.export`, ...)."""
    return [
        Binding("E", "export", "Export NC report", key_display="E", show=False,
                id=f"{screen}.export"),
        Binding("I", "import_followup", "Import follow-up", key_display="I", show=False,
                id=f"{screen}.import_followup"),
    ]


def export_report(app, store, audit_id: int) -> None:
    """Ask where the NC report goes (prefilled: a free name in the exports folder), write
    it there and say where it went."""
    from auditor.exchange.workbook_export import default_filename, free_path
    from auditor.ui.export_worker import start_export

    settings = getattr(app, "settings", None)
    folder = settings.exports_dir if settings is not None else Path.cwd()
    try:
        private_folder(folder)
    except OSError as exc:
        app.notify(f"{folder}: the exports folder cannot be made ({exc.strerror}); "
                   "type another folder", severity="warning")
    suggested = free_path(folder, default_filename(store.audit(audit_id)))

    def chosen(path: Path | None) -> None:
        if path is not None:
            start_export(app, store, audit_id, path=path)

    app.push_screen(AskPathScreen(
        f"Export the NC report of audit {audit_id}", what="the workbook to write",
        ok_label="Export", initial=str(suggested), new_suffix=".xlsx",
        hint="The auditee answers in this workbook; I reads it back."), chosen)


def import_followup(app, store, audit_id: int, on_applied: Callable[[], None]) -> None:
    """Ask for the auditee's workbook, review its changes; `on_applied` runs once they
    were written (the screen re-reads what it shows)."""
    from auditor.ui.screens.followup_review import FollowupReviewScreen

    def reviewed(changed: int | None) -> None:
        if changed is not None:
            on_applied()

    def chosen(path: Path | None) -> None:
        if path is not None:
            app.push_screen(FollowupReviewScreen(store, audit_id, path), reviewed)

    app.push_screen(AskPathScreen(
        f"Import the follow-up of audit {audit_id}", what="the workbook the auditee sent back",
        ok_label="Review", placeholder="~/Downloads/nc-report-answered.xlsx",
        hint="Only the auditee's columns are read; you see every change before it is "
             "applied."), chosen)
