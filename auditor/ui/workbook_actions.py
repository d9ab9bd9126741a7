"""The NC report workbook from the screens that show an audit (audit, findings): `E`
exports it in a worker with progress and notifies where it went; `I` asks for the workbook
the auditee sent back, shows the changes it would make and applies them on confirmation.

openpyxl is imported only when one of them runs: the audit screen must open fast.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.binding import Binding

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
    """Write the NC report into the current folder, as `auditor export` does."""
    from auditor.ui.export_worker import start_export

    start_export(app, store, audit_id)


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
