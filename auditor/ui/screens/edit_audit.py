"""Correcting an audit's header after planning: title, scope, objectives and criteria
(several lines each), site, team and dates. Only what changed is written, each field one
change-log entry; a problem is shown under its field and nothing typed is lost; leaving
with changes asks first."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Static, TextArea

from auditor.domain.errors import AuditorError
from auditor.domain.models import Audit
from auditor.ui.compat import InOrderInput, InOrderTextArea
from auditor.ui.form_errors import show_field_error
from auditor.ui.plain import editable
from auditor.ui.screens.confirm import ConfirmScreen
from auditor.ui.screens.new_audit import field_row
from auditor.ui.typing_order import after_typed_keys
from auditor.ui.widgets.key_bar import KeyBar

# (field, label, placeholder); scope, objectives and criteria take several lines.
FIELDS = (
    ("title", "Title", "e.g. Internal audit 2026: release management"),
    ("scope", "Scope", "Processes, products, sites covered"),
    ("objectives", "Objectives", "What the audit is to find out, one a line"),
    ("criteria", "Criteria", "The standard and the auditee's documents audited against"),
    ("site", "Site", "Where"),
    ("lead_auditor", "Lead auditor", "Name"),
    ("team", "Team", "Other auditors, comma-separated"),
    ("planned_start", "Planned start", "YYYY-MM-DD"),
    ("planned_end", "Planned end", "YYYY-MM-DD"),
    ("actual_start", "Actual start", "YYYY-MM-DD"),
    ("actual_end", "Actual end", "YYYY-MM-DD"),
)
MULTI_LINE = frozenset({"scope", "objectives", "criteria"})
DAYS = frozenset({"planned_start", "planned_end", "actual_start", "actual_end"})


def _shown(audit: Audit, name: str) -> str:
    value = getattr(audit, name)
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class EditAuditScreen(Screen[bool]):
    """Dismisses True when something was saved."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="edit_audit.save"),
        Binding("escape", "cancel", "Back", id="edit_audit.cancel"),
    ]

    def __init__(self, store, audit_id: int) -> None:
        super().__init__()
        self.store = store
        self.audit_id = audit_id
        self.audit = store.audit(audit_id)
        self.start = {name: editable(_shown(self.audit, name)) for name, _label, _hint in FIELDS}

    def compose(self) -> ComposeResult:
        yield Static(f"Audit {self.audit_id}: details", classes="screen-title", markup=False)
        with VerticalScroll(id="edit-audit-form"):
            for name, label, hint in FIELDS:
                value = self.start[name]
                widget = (InOrderTextArea(value, id=name, soft_wrap=True, tab_behavior="focus",
                                          compact=True, placeholder=hint, classes="field-text")
                          if name in MULTI_LINE else
                          InOrderInput(value, placeholder=hint, id=name, compact=True))
                yield field_row(name, label, widget)
        yield Static("", id="form-error", classes="field-error", markup=False)
        with Horizontal(classes="dialog-buttons"):
            yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
            yield Button("Back (esc)", id="cancel", compact=True)
        yield KeyBar(id="key-bar")

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    def typed(self) -> dict[str, str]:
        values = {}
        for name, _label, _hint in FIELDS:
            widget = self.query_one(f"#{name}")
            values[name] = widget.text if isinstance(widget, TextArea) else widget.value
        return values

    def changes(self) -> dict[str, str | None]:
        """What differs from the audit as it was opened; a cleared date is no date."""
        changed: dict[str, str | None] = {}
        for name, value in self.typed().items():
            if value != self.start[name]:
                changed[name] = None if name in DAYS and not value.strip() else value
        return changed

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        after_typed_keys(self.app, self._save)

    def _show_error(self, name: str | None, message: str) -> None:
        show_field_error(self, {n for n, _label, _hint in FIELDS}, name, message)

    def _save(self) -> None:
        changed = self.changes()
        if not changed:
            self.dismiss(False)
            return
        try:
            audit = self.store.update_audit(self.audit_id, changed)
        except AuditorError as exc:
            self._show_error(getattr(exc, "field", None), str(exc))
            return
        self.notify(f"Audit {audit.id}: {len(changed)} detail(s) saved")
        self.dismiss(True)

    def action_cancel(self) -> None:
        if not self.changes():
            self.dismiss(False)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(False)

        self.app.push_screen(ConfirmScreen(
            "Discard your changes?",
            f"{len(self.changes())} detail(s) of audit {self.audit_id} were changed and "
            "not saved. Discard them?", yes="Discard", no="Keep editing", danger=True),
            answered)
