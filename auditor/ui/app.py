"""The Textual app. It is given its store; it never opens a database itself."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header


class AuditorApp(App):
    TITLE = "auditor"
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def __init__(self, store, settings=None, open_audit: int | None = None) -> None:
        super().__init__()
        self.store = store
        self.settings = settings
        self.open_audit = open_audit

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="audits", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("id", "title", "auditee", "type", "status", "progress", "open")
        for s in self.store.audit_summaries():
            a = s.audit
            table.add_row(str(a.id), a.title, a.auditee, a.type, a.status,
                          f"{s.assessed}/{s.total}", str(s.open_findings))
