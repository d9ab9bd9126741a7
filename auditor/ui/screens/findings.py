"""The audit's findings: a table to follow them up, the form to edit one, and the auditor's
review steps (accept, reject, verify, ...) one key each.

Which step applies and what counts as overdue are domain rules (`auditor.domain.followup`);
the store makes the move or refuses it, and a refusal shows as a notification.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from auditor.domain.errors import AuditorError
from auditor.domain.followup import (
    applicable_steps,
    days_overdue,
    is_open,
    review_step,
    step_applies,
)
from auditor.domain.models import Finding
from auditor.domain.text import filled
from auditor.domain.vocab import GRADE_SHORT, AuditStatus, FindingStatus, status_label
from auditor.ui.plain import controls_shown
from auditor.ui.widgets.key_bar import KeyBar
from auditor.ui.widgets.row_table import TextTable

from ..workbook_actions import export_report, import_followup, workbook_bindings
from .finding_form import FindingFormScreen
from .help import HelpScreen
from .history import HistoryScreen

# The steps that ask before they are taken, and what the dialog says it records.
ASKS = {"verify_effective": "verified effective (closes it)",
        "not_effective": "verified not effective", "reject": "plan rejected"}

COLUMNS = (
    ("id", "Finding"),
    ("clause", "Clause"),
    ("grade", "Grade"),
    ("status", "Status"),
    ("owner", "Owner"),
    ("due", "Due date"),
    ("overdue", "Overdue"),
)


# The keys of the review steps, as bound below; the detail line names the ones that apply.
STEP_KEYS = {
    "accept": "a",
    "reject": "r",
    "verify_effective": "v",
    "not_effective": "n",
    "cancel": "del",
}


class FindingsScreen(Screen):
    """Every finding of one audit, with their follow-up."""

    BINDINGS = [
        # The footer keeps room for the review steps; enter edits too, ? lists every key.
        Binding("e", "edit", "Edit", show=False, id="findings.edit"),
        # Every step runs whatever the status: the store refuses what does not apply and
        # says why, which teaches more than a greyed key.
        Binding("a", "step('accept')", "Accept", id="findings.accept"),
        Binding("r", "step('reject')", "Reject", id="findings.reject"),
        Binding("v", "step('verify_effective')", "Effective",
                id="findings.verify_effective"),
        Binding("n", "step('not_effective')", "Not effective", id="findings.not_effective"),
        Binding("delete", "step('cancel')", "Cancel", id="findings.cancel"),
        Binding("o", "toggle_open_only", "Filter", id="findings.open_only"),
        Binding("h", "history", "History", id="findings.history"),
        *workbook_bindings("findings"),
        Binding("question_mark", "help", "Keys", key_display="?", id="findings.help"),
        Binding("escape", "back", "Back", show=False, id="findings.back"),
    ]

    def __init__(self, store, audit_id: int) -> None:
        super().__init__()
        self.store = store
        self.audit_id = audit_id
        self.open_only = False
        self.audit_closed = False
        self._findings: dict[str, Finding] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="findings-heading", markup=False)
        # The owner gets the room left: the due date and how late stay in sight at 80 columns.
        yield TextTable(id="findings-table", cursor_type="row", zebra_stripes=True,
                        squeeze="owner")
        yield Static("", id="findings-empty", markup=False)
        yield Static("", id="finding-detail", markup=False)
        yield KeyBar(id="key-bar")

    def on_mount(self) -> None:
        audit = self.store.audit(self.audit_id)
        self.title = controls_shown(f"Findings · audit {audit.id} {audit.title}")
        table = self.query_one(DataTable)
        for key, label in COLUMNS:
            table.add_column(label, key=key)
        self.reload()
        table.focus()

    # -- filling the table ---------------------------------------------------------------

    def reload(self, keep: str | None = None) -> None:
        """Read the findings again and rebuild the rows, keeping the cursor on `keep`."""
        table = self.query_one(DataTable)
        keep = keep or self._current_code()
        self._read_audit_status()
        self._findings = {f.code: f for f in self.store.findings(self.audit_id)}
        table.clear()
        for finding in self._findings.values():
            if self._shown(finding):
                table.add_row(*self._cells(finding), key=finding.code)
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep))
        self._update_heading()
        self._show_detail()

    def _shown(self, finding: Finding) -> bool:
        return is_open(finding) or not self.open_only

    def _cells(self, finding: Finding) -> list:
        today = self.store.now().date()
        late = days_overdue(finding, today)
        overdue: Text | str = ""
        if late:
            colour = self.app.theme_variables.get("error", "red")
            overdue = Text(f"{late} d late", style=f"bold {colour}")
        return [
            finding.code,
            finding.ref,
            GRADE_SHORT.get(finding.grade, finding.grade),
            status_label(finding.status),
            Text(finding.owner),
            finding.due_date.isoformat() if finding.due_date else "",
            overdue,
        ]

    def _read_audit_status(self) -> None:
        # Read with the findings, not on every cursor move: another process may close it.
        self.audit_closed = self.store.audit(self.audit_id).status == AuditStatus.CLOSED

    def _update_heading(self) -> None:
        every = list(self._findings.values())
        today = self.store.now().date()
        still_open = sum(1 for f in every if is_open(f))
        late = sum(1 for f in every if days_overdue(f, today))
        showing = "open findings only (o: all)" if self.open_only else "all findings (o: open only)"
        parts = [f"{len(every)} findings", f"{still_open} open", f"{late} overdue", showing]
        if self.audit_closed:
            parts.append("audit closed: follow-up only")
        self.query_one("#findings-heading", Static).update(" · ".join(parts))
        empty = self.query_one("#findings-empty", Static)
        if self.query_one(DataTable).row_count:
            empty.update("")
            empty.display = False
        else:
            empty.update("No open findings." if every else "No findings in this audit yet.")
            empty.display = True

    def _current_code(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def _current(self) -> Finding | None:
        code = self._current_code()
        return self._findings.get(code) if code else None

    def _show_detail(self) -> None:
        detail = self.query_one("#finding-detail", Static)
        finding = self._current()
        if finding is None:
            detail.update("")
            return
        lines = [f"{finding.code} · {finding.ref} · {finding.statement or '(no statement yet)'}"]
        lines += filled(finding, (("Repeat of {}", "repeat_of"), ("Root cause: {}", "root_cause"),
                                  ("Corrective action: {}", "corrective_action"),
                                  ("Verification: {}", "verification_note")))
        steps = [f"{STEP_KEYS[s.id]} {s.label.lower()}"
                 for s in applicable_steps(finding, audit_closed=self.audit_closed)]
        lines.append("Next: " + (" · ".join(steps) if steps else "nothing to review"))
        detail.update(controls_shown("\n".join(lines)))

    def on_screen_resume(self) -> None:
        """Back from any screen pushed over this one (the form, a review, the import, the
        history): read every finding again, not only the one just touched, since a step or
        another program may have moved the others too."""
        if self.query_one(DataTable).columns:  # not before on_mount has laid the table out
            self.reload()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    # -- actions ---------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss()

    def action_edit(self) -> None:
        finding = self._current()
        if finding is None:
            return
        # the screen reads every finding again when the form goes (on_screen_resume)
        self.app.push_screen(FindingFormScreen(self.store, self.audit_id, finding.ref,
                                               code=finding.code))

    def action_step(self, step_id: str) -> None:
        finding = self._current()
        if finding is None:
            return
        step = review_step(step_id)
        if finding.status == step.target:
            self.notify(f"{finding.code} is already {status_label(step.target)}")
            return
        # A step that applies asks first; one that does not goes to the store, which says
        # why it refuses (one rule, one message).
        if step_id in ASKS and step_applies(finding, step_id, audit_closed=self.audit_closed):
            self._ask_and_move(finding, step_id, step.target.value)
            return
        if step_id == "cancel" and step_applies(finding, step_id,
                                                audit_closed=self.audit_closed):
            self._confirm_cancel(finding)
            return
        self._move(finding, step.target.value)

    def _move(self, finding: Finding, target: str) -> None:
        try:
            moved = self.store.set_finding_status(finding.code, target)
        except AuditorError as exc:
            self.notify(str(exc), title="Not changed", severity="error", markup=False)
            return
        self._moved(moved)

    def _confirm_cancel(self, finding: Finding) -> None:
        from auditor.ui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self._move(finding, FindingStatus.CANCELLED.value)

        statement = " ".join(finding.statement.split())[:120] or "(no statement yet)"
        self.app.push_screen(ConfirmScreen(
            f"Cancel {finding.code}?",
            f"{statement}\nA cancelled finding is no longer reported; it can be opened "
            "again while the audit is open.", yes="Cancel finding", no="Keep it",
            danger=True), answered)

    def _moved(self, moved: Finding | None) -> None:
        if moved is None:
            return
        self.reload()
        self.notify(f"{moved.code}: {status_label(moved.status)}", markup=False)

    def _ask_and_move(self, finding: Finding, step_id: str, target: str) -> None:
        from auditor.ui.screens.review_finding import Review, ReviewFindingScreen

        def record(review: Review) -> Finding:
            return self.store.set_finding_status(
                finding.code, target, note=review.note, verified_by=review.verified_by,
                verified_on=review.verified_on)

        title = f"{finding.code}: {ASKS[step_id]}"
        self.app.push_screen(ReviewFindingScreen(
            finding, title, step="reject" if step_id == "reject" else "verify",
            actor=self.store.actor, today=self.store.now().date(), record=record),
            self._moved)

    def action_export(self) -> None:
        export_report(self.app, self.store, self.audit_id)

    def action_import_followup(self) -> None:
        import_followup(self.app, self.store, self.audit_id, self.reload)

    def action_toggle_open_only(self) -> None:
        self.open_only = not self.open_only
        self.reload()

    def action_help(self) -> None:
        sections = [("Findings", self.BINDINGS)]
        everywhere = getattr(self.app, "help_bindings", None)
        if everywhere is not None:
            sections.append(("Everywhere", everywhere()))
        self.app.push_screen(HelpScreen("findings", sections))

    def action_history(self) -> None:
        finding = self._current()
        if finding is None:
            return
        self.app.push_screen(
            HistoryScreen(self.store, "finding", finding.code, f"History of {finding.code}")
        )
