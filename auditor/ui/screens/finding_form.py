"""The finding form: a new finding on an item, or an existing finding edited.

The store does the work and the rules: a new result-grade finding goes through
`record_result` so the item's result is recorded in the same transaction; everything
else through `raise_finding` or `update_finding`. A refusal comes back as one line, shown
at the field it names; what was typed stays where it was.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Label, Select, Static, TextArea

from auditor.domain.errors import AuditorError
from auditor.domain.findings import AUDITEE_FIELDS, AUDITOR_FIELDS, VERIFICATION_FIELDS
from auditor.domain.models import Finding
from auditor.domain.vocab import (
    GRADE_LABELS,
    RESULTS_WITH_FINDING,
    AuditStatus,
    Grade,
    status_label,
)
from auditor.ui.attach_file import attach_file
from auditor.ui.compat import InOrderInput, InOrderTextArea
from auditor.ui.plain import controls_shown, editable
from auditor.ui.typing_order import after_typed_keys
from auditor.ui.widgets.key_bar import KeyBar

# (field, label, multi-line, placeholder)
_AUDITOR_LAYOUT = (
    ("statement", "Statement", True, "What was found, against which requirement"),
    ("requirement", "Requirement", False, "the standard and its clause, e.g. 8.3.4 b)"),
    ("objective_evidence", "Objective evidence", True, "Records, samples, interviews seen"),
    ("process_area", "Process / area", False, "e.g. Release management"),
)
_AUDITEE_LAYOUT = (
    ("root_cause", "Root cause", True, ""),
    ("correction", "Correction", True, ""),
    ("corrective_action", "Corrective action", True, ""),
    ("owner", "Owner", False, ""),
    ("due_date", "Due date", False, "YYYY-MM-DD"),
    ("auditee_comment", "Auditee comment", True, ""),
)
_VERIFICATION_LAYOUT = (
    ("verified_by", "Verified by", False, ""),
    ("verified_on", "Verified on", False, "YYYY-MM-DD"),
    ("verification_note", "Verification note", True, ""),
)
def _as_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class FindingFormScreen(ModalScreen[Finding | None]):
    """New finding (`code` None) or edit of finding `code` on item `ref` of `audit_id`."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="finding_form.save"),
        Binding("escape", "cancel", "Cancel", id="finding_form.cancel"),
        Binding("ctrl+g", "grade_major", "Grade major", id="finding_form.grade_major"),
        Binding("ctrl+o", "attach_file", "Attach file", id="finding_form.attach"),
    ]

    def __init__(self, store, audit_id: int, ref: str, grade: str = "minor",
                 code: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.audit_id = audit_id
        self.ref = ref
        self.code = code
        self.finding: Finding | None = store.finding(code) if code else None
        self.audit = store.audit(audit_id)
        self.locked = self.audit.status == AuditStatus.CLOSED
        self.grade = self.finding.grade if self.finding else Grade(grade).value
        checklist = store.checklist(audit_id)
        item = checklist.item(ref)
        self.item_title = item.title if item else ""
        # A new finding starts against the item's own clause; the auditor adds the letter.
        self.requirement = checklist.requirement_of(ref)
        # Only a new finding can become a repeat; an edited one already carries repeat_of.
        self.repeat = None if code else store.repeat_candidate(audit_id, ref)

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="finding-form", classes="dialog"):
            yield Static(controls_shown(self._heading()), id="finding-form-title",
                         classes="dialog-title",
                         markup=False)
            if self.repeat is not None:
                yield Static(self._repeat_text(), id="repeat-notice", markup=False)
            if self.locked:
                yield Static(
                    f"Audit {self.audit_id} is closed: only the auditee's fields and the "
                    "verification can change.",
                    id="locked-notice",
                    markup=False,
                )
            with VerticalScroll(id="finding-fields"):
                yield self._row("grade", "Grade", Select(
                    [(GRADE_LABELS[g], g.value) for g in Grade],
                    value=self.grade,
                    allow_blank=False,
                    id="grade",
                    disabled=self._read_only("grade"),
                    compact=True,
                ))
                yield from self._fields(_AUDITOR_LAYOUT)
                if self.finding is not None:
                    yield Static("Auditee's response", classes="form-section")
                    yield from self._fields(_AUDITEE_LAYOUT)
                    yield Static("Verification", classes="form-section")
                    yield from self._fields(_VERIFICATION_LAYOUT)
            yield Static(self._files_text(), id="finding-files", markup=False)
            yield Static("", id="form-error", classes="field-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield KeyBar(id="key-bar")

    def _fields(self, layout) -> ComposeResult:
        for name, label, multi_line, placeholder in layout:
            if self.finding is not None:
                value = editable(_as_text(getattr(self.finding, name)))
            else:
                value = self.requirement if name == "requirement" else ""
            read_only = self._read_only(name)
            if read_only:
                placeholder = ""  # an example in a field nobody may fill misleads
            if multi_line:
                widget = InOrderTextArea(value, id=name, classes="field-text", read_only=read_only,
                                         soft_wrap=True, tab_behavior="focus",
                                         placeholder=placeholder, compact=True)
            else:
                # the prefilled requirement is added to ("b)"), not typed over
                widget = InOrderInput(value, placeholder=placeholder, id=name, disabled=read_only,
                                      compact=True, select_on_focus=name != "requirement")
            yield self._row(name, label, widget)

    @staticmethod
    def _row(name: str, label: str, widget: Widget) -> Horizontal:
        """Label on the left; the field with its error line under it on the right."""
        return Horizontal(
            Label(label, classes="field-label"),
            Vertical(
                widget,
                Static("", id=f"{name}-error", classes="field-error", markup=False),
                classes="field-body",
            ),
            classes="field-row",
        )

    def _read_only(self, name: str) -> bool:
        return self.locked and name in AUDITOR_FIELDS

    def _heading(self) -> str:
        where = f"{self.ref} {self.item_title}".strip()
        if self.finding is None:
            return f"New finding on {where}"
        return f"{self.finding.code} on {where} · status {status_label(self.finding.status)}"

    def _files_text(self) -> str:
        if self.finding is None:
            return "Evidence: save the finding first, then ctrl+o attaches files to it."
        files = [e for e in self.store.evidence(self.audit_id)
                 if e.finding_id == self.finding.id and e.sha256]
        if not files:
            return "Evidence: none attached to this finding yet (ctrl+o attaches a file)."
        return "Evidence: " + ", ".join(
            f"{controls_shown(e.original_name)} ({e.sha256[:12]})" for e in files)

    def action_attach_file(self) -> None:
        if self.finding is None or self.locked:
            self.notify("Save the finding first (ctrl+s); then ctrl+o attaches files to it."
                        if self.finding is None else
                        f"Audit {self.audit_id} is closed: no evidence can be added.",
                        severity="warning")
            return
        attach_file(self, self.store, self.audit_id, self.ref, self._file_added,
                    finding_code=self.finding.code)

    def _file_added(self, evidence) -> None:
        self.query_one("#finding-files", Static).update(self._files_text())
        self.notify(f"{evidence.original_name} attached to {self.finding.code}")

    def _repeat_text(self) -> str:
        source = f"Repeats {self.repeat.code} from audit {self.repeat.audit_id}"
        if self._grade_value() == Grade.MAJOR:
            return f"{source}; graded major"
        return f"{source}; consider grading it major (ctrl+g)"

    def on_mount(self) -> None:
        first = self.query_one("#root_cause" if self.locked and self.finding else "#statement")
        # Scroll only once laid out, and only as far as needed: the read-only fields
        # above stay in sight when the screen is tall enough.
        first.focus(scroll_visible=False)
        self.call_after_refresh(first.scroll_visible, animate=False)

    # -- reading the form ------------------------------------------------------------------

    def _grade_value(self) -> str:
        if not self.is_mounted:
            return self.grade
        return str(self.query_one("#grade", Select).value)

    def _value(self, name: str) -> str:
        widget = self.query_one(f"#{name}")
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Select):
            return str(widget.value)
        return widget.value

    def _editable(self) -> list[str]:
        names = ["grade", *(n for n, *_ in _AUDITOR_LAYOUT)]
        if self.finding is not None:
            names += [*AUDITEE_FIELDS, *VERIFICATION_FIELDS]
        return [n for n in names if not self._read_only(n)]

    # -- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "grade_major":
            return self.repeat is not None and self._grade_value() != Grade.MAJOR
        return True

    def action_grade_major(self) -> None:
        self.query_one("#grade", Select).value = Grade.MAJOR.value

    def on_select_changed(self, event: Select.Changed) -> None:
        if self.repeat is not None:
            self.query_one("#repeat-notice", Static).update(self._repeat_text())
        self.refresh_bindings()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "cancel":
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        after_typed_keys(self.app, self._save)

    def _save(self) -> None:
        self._clear_errors()
        try:
            finding = self._create() if self.finding is None else self._update()
        except AuditorError as exc:
            self._show_error(str(exc), getattr(exc, "field", None))
            return
        self.dismiss(finding)

    def _create(self) -> Finding:
        grade = self._grade_value()
        fields = {name: self._value(name) for name, *_ in _AUDITOR_LAYOUT}
        # A result-grade also records the item's result, in the same transaction.
        if grade in RESULTS_WITH_FINDING:
            _, finding = self.store.record_result(self.audit_id, self.ref, grade, **fields)
            return finding
        return self.store.raise_finding(self.audit_id, self.ref, grade, **fields)

    def _update(self) -> Finding:
        changes = {}
        for name in self._editable():
            value = self._value(name)
            if value != _as_text(getattr(self.finding, name)):
                changes[name] = value
        if not changes:
            return self.finding
        return self.store.update_finding(self.finding.code, changes)

    # -- errors ----------------------------------------------------------------------------

    def _clear_errors(self) -> None:
        for error in self.query(".field-error"):
            error.update("")
            error.remove_class("shown")

    def _show_error(self, message: str, name: str | None) -> None:
        """The message at the input of the field the refusal names (RuleViolation.field),
        else at the top of the form."""
        target: Widget | None = None
        if name is not None and self.query(f"#{name}-error"):
            error = self.query_one(f"#{name}-error", Static)
            target = self.query_one(f"#{name}")
        else:
            error = self.query_one("#form-error", Static)
        error.update(message)
        error.add_class("shown")
        if target is not None and target.focusable:
            target.focus()
            target.scroll_visible()
