"""The previous audit's findings that are not closed, put in front of the auditor of the
audit that follows it, each with its on-site verification at one key press.

`e` verifies the highlighted finding effective (the store closes it); `N` (shift, since it
raises a new finding) verifies it not effective (the store marks it and raises a repeat in
this audit). After each verification the list reloads and `PreviousFindingsPanel.Verified`
is posted so the audit screen can refresh its tree.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from auditor.domain.errors import AuditorError
from auditor.domain.text import shorten
from auditor.ui.widgets.row_table import TextTable


def _one_line(text: str, width: int = 60) -> str:
    return shorten(text, width)


class PreviousFindingsPanel(Vertical):
    """A compact table of the previous audit's unclosed findings, with verify actions."""

    BINDINGS = [
        Binding("e", "verify(True)", "Effective", id="previous_findings.effective"),
        Binding("N", "verify(False)", "Not effective", key_display="shift+n",
                id="previous_findings.not_effective"),
    ]

    class Verified(Message):
        """A previous finding was verified; `repeat` is the code of the repeat finding
        raised in this audit when it was not effective."""

        def __init__(self, panel: PreviousFindingsPanel, code: str, effective: bool,
                     repeat: str | None) -> None:
            super().__init__()
            self.panel = panel
            self.code = code
            self.effective = effective
            self.repeat = repeat

        @property
        def control(self) -> PreviousFindingsPanel:
            return self.panel

    def __init__(self, store, audit_id: int, *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.store = store
        self.audit_id = audit_id
        self.codes: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("", classes="previous-findings-title")
        table = TextTable(cursor_type="row", zebra_stripes=True,
                          classes="previous-findings-table")
        table.add_columns("Finding", "Item", "Grade", "Status", "Due", "Statement")
        yield table

    def on_mount(self) -> None:
        self.reload()

    @property
    def table(self) -> DataTable:
        return self.query_one(".previous-findings-table", DataTable)

    def reload(self) -> None:
        """Read the unclosed previous findings again, keeping the cursor near its row."""
        findings = self.store.previous_open_findings(self.audit_id)
        table = self.table
        row = table.cursor_row
        table.clear()
        self.codes = [f.code for f in findings]
        for f in findings:
            table.add_row(f.code, f.ref, f.grade, f.status,
                          f.due_date.isoformat() if f.due_date else "",
                          _one_line(f.statement), key=f.code)
        if findings:
            table.move_cursor(row=min(row, len(findings) - 1))
        previous_id = self.store.audit(self.audit_id).previous_id
        title = self.query_one(".previous-findings-title", Static)
        if previous_id is None:
            title.update("This audit follows no previous audit")
        elif findings:
            title.update(f"Previous findings to verify (audit {previous_id}): "
                         f"{len(findings)}  ·  e effective  ·  N not effective")
        else:
            title.update(f"Previous findings (audit {previous_id}): all verified or closed")
        self.set_class(not findings, "-empty")

    @property
    def highlighted(self) -> str | None:
        table = self.table
        if not self.codes or table.cursor_row < 0 or table.cursor_row >= len(self.codes):
            return None
        return self.codes[table.cursor_row]

    def action_verify(self, effective: bool) -> None:
        code = self.highlighted
        if code is None:
            self.app.bell()
            return
        try:
            repeat = self.store.verify_previous_finding(self.audit_id, code, effective)
        except AuditorError as exc:
            self.app.notify(str(exc), severity="error")
            return
        if effective:
            self.app.notify(f"{code} verified effective and closed")
        else:
            self.app.notify(f"{code} not effective; repeat finding {repeat.code} raised",
                            severity="warning")
        self.reload()
        self.post_message(self.Verified(self, code, effective, repeat.code if repeat else None))
