"""Review of an auditee's workbook before it is imported: every field change per finding,
the warnings, and the errors that stop the import.

Reading a large workbook takes a moment, so the plan is worked out in a thread worker.
`a` applies (one transaction) only when there is no error; escape leaves with nothing
changed. Dismisses with the number of findings changed, or None.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, DataTable, Header, Static

from auditor.domain.text import shorten
from auditor.exchange.followup_import import FollowupPlan, apply_followup, plan_followup
from auditor.ui.background import deliver
from auditor.ui.plain import controls_shown
from auditor.ui.widgets.key_bar import KeyBar
from auditor.ui.widgets.row_table import RowTable

SHOWN_CHARS = 50


def _shown(value) -> str:
    if value is None or value == "":
        return "(empty)"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return shorten(text, SHOWN_CHARS)


class FollowupReviewScreen(Screen):
    """The changes an auditee's workbook would make to audit `audit_id`."""

    BINDINGS = [
        Binding("a", "apply", "Apply", id="followup.apply"),
        Binding("escape", "cancel", "Cancel", id="followup.cancel"),
    ]

    def __init__(self, store, audit_id: int, path: Path) -> None:
        super().__init__()
        self.store = store
        self.audit_id = audit_id
        self.path = Path(path)
        self.plan: FollowupPlan | None = None
        self.applying = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Reading {self.path.name}…", id="followup-summary", markup=False)
        yield RowTable("Finding", "Field", "Cell", "Old", "New", id="followup-changes")
        yield Static("", id="followup-problems", markup=False)
        with Horizontal(classes="dialog-buttons"):
            yield Button("Apply (a)", id="apply", variant="primary", disabled=True,
                         compact=True)
            yield Button("Cancel (esc)", id="cancel", compact=True)
        yield KeyBar(id="key-bar")

    def on_mount(self) -> None:
        self.title = f"Follow-up import: audit {self.audit_id}"
        table = self.query_one("#followup-changes", DataTable)
        table.focus()
        self.read_plan()

    @work(thread=True, exclusive=True, group="followup")
    def read_plan(self) -> None:
        deliver(self.app, lambda: plan_followup(self.store, self.audit_id, self.path),
                self.show_plan, self.show_refusal)

    def show_refusal(self, message: str) -> None:
        if not self.is_attached:
            return
        self.query_one("#followup-summary", Static).update(controls_shown(message))
        self.notify(message, title="Not imported", severity="error", markup=False)

    def show_plan(self, plan: FollowupPlan) -> None:
        if not self.is_attached:  # the user left before the worker finished
            return
        self.plan = plan
        table = self.query_one("#followup-changes", DataTable)
        table.clear()
        for c in plan.changes:
            table.add_row(c.finding, c.header, c.cell.split("!")[-1], _shown(c.old),
                          _shown(c.new))
        findings = len(plan.by_finding())
        if plan.errors:
            summary = (f"{len(plan.errors)} problem(s) in {self.path.name}: nothing can be "
                       "imported until they are fixed in the workbook")
        elif plan.changes:
            summary = (f"{len(plan.changes)} change(s) to {findings} finding(s) from "
                       f"{self.path.name}; a applies them, escape leaves them")
        else:
            summary = f"No changes: the auditee's columns in {self.path.name} match the audit"
        self.query_one("#followup-summary", Static).update(controls_shown(summary))
        problems = Text()
        for line in plan.errors:
            problems.append(f"error: {controls_shown(line)}\n", style="bold red")
        for line in plan.warnings:
            problems.append(f"warning: {controls_shown(line)}\n", style="yellow")
        self.query_one("#followup-problems", Static).update(problems)
        self.query_one("#apply", Button).disabled = bool(plan.errors) or not plan.changes

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "apply":
            self.action_apply()
        else:
            self.action_cancel()

    def action_apply(self) -> None:
        if self.plan is None or self.applying:
            return
        if self.plan.errors:
            self.notify(f"Nothing imported: fix the {len(self.plan.errors)} problem(s) in "
                        "the workbook first", severity="error")
            return
        if not self.plan.changes:
            self.notify("Nothing to import")
            return
        self.applying = True
        self.query_one("#apply", Button).disabled = True
        self.apply_plan(self.plan)

    @work(thread=True, exclusive=True, group="followup")
    def apply_plan(self, plan: FollowupPlan) -> None:
        deliver(self.app, lambda: apply_followup(self.store, self.audit_id, plan),
                lambda changed: self.applied(changed, len(plan.changes)),
                self.apply_refused)

    def apply_refused(self, message: str) -> None:
        self.applying = False
        self.notify(message, title="Not imported", severity="error", markup=False)

    def applied(self, findings: int, changes: int) -> None:
        self.notify(f"Imported {changes} change(s) to {findings} finding(s)")
        self.dismiss(findings)

    def action_cancel(self) -> None:
        if not self.applying:
            self.dismiss(None)
