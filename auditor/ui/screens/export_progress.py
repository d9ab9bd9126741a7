"""The NC report being written: a progress bar over the current screen while the export
runs in a thread worker. Dismisses with the file written, or None when it failed (the
reason is notified)."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import ProgressBar, Static

from auditor.exchange.workbook_export import export_workbook
from auditor.ui.background import deliver
from auditor.ui.edition_maps import stored_maps


class ExportProgressScreen(ModalScreen[Path | None]):
    def __init__(self, store, audit_id: int, folder: Path, path: Path | None = None) -> None:
        super().__init__()
        self.store = store
        self.audit_id = audit_id
        self.folder = Path(folder)
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Exporting the NC report of audit {self.audit_id}",
                         classes="dialog-title", markup=False)
            yield ProgressBar(total=100, show_eta=False, id="export-progress")
            yield Static("reading the audit", id="export-stage", markup=False)

    def on_mount(self) -> None:
        # Read here: the worker's thread has no app to ask for the settings.
        self.maps = stored_maps(self)
        self.export()

    @work(thread=True, exclusive=True, group="export")
    def export(self) -> None:
        def progress(fraction: float, stage: str) -> None:
            self.app.call_from_thread(self.show_progress, fraction, stage)

        deliver(self.app,
                lambda: export_workbook(self.store, self.audit_id, self.path,
                                        folder=self.folder, progress=progress,
                                        mappings=self.maps),
                self.dismiss, self.failed)

    def show_progress(self, fraction: float, stage: str) -> None:
        self.query_one(ProgressBar).update(progress=round(fraction * 100))
        self.query_one("#export-stage", Static).update(stage)

    def failed(self, message: str) -> None:
        self.notify(message, title="Not exported", severity="error", markup=False)
        self.dismiss(None)
