"""Closing an audit: the conclusion, a summary of results and findings, and an explicit
confirmation before the store locks the audit.

The counts come from `auditor.domain.summary`, like the workbook's Summary sheet. A
conclusion typed and then left (escape) is kept on the audit as a draft: nothing typed is
lost, and the audit stays open.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static, TextArea

from auditor.domain.closing import audit_gaps, plural
from auditor.domain.errors import AuditorError
from auditor.domain.summary import AuditCounts, audit_counts
from auditor.domain.vocab import GRADE_LABELS, RESULT_LABELS, AuditStatus, field_label
from auditor.ui.compat import InOrderTextArea
from auditor.ui.plain import controls_shown, editable
from auditor.ui.typing_order import after_typed_keys
from auditor.ui.widgets.key_bar import KeyBar


def _counts_line(counts: dict, labels: dict) -> str:
    shown = [f"{labels.get(key, field_label(str(key)))} {n}"
             for key, n in counts.items() if n]
    return " · ".join(shown) if shown else "none"


def summary_lines(counts: AuditCounts) -> list[str]:
    ncs = plural(counts.nonconformities, "nonconformity", "nonconformities")
    return [
        f"Items assessed: {counts.assessed} of {counts.items}",
        "Results: " + _counts_line(counts.results, RESULT_LABELS),
        f"Findings: {counts.findings} ({ncs})",
        "By grade: " + _counts_line(counts.by_grade, GRADE_LABELS),
        "By status: " + _counts_line(counts.by_status, {}),
    ]


class CloseAuditScreen(ModalScreen[bool]):
    """Dismisses True when the audit was closed, False otherwise."""

    BINDINGS = [
        Binding("ctrl+s", "close_audit", "Close audit…", priority=True,
                id="close_audit.close"),
        Binding("escape", "back", "Back", id="close_audit.back"),
        Binding("y", "confirm", "Confirm close", id="close_audit.confirm"),
        Binding("n", "decline", "Not now", id="close_audit.decline"),
    ]

    def __init__(self, store, audit_id: int) -> None:
        super().__init__()
        self.store = store
        self.audit_id = audit_id
        self.audit = store.audit(audit_id)
        self.counts = audit_counts(store, audit_id)
        self.confirming = False
        self._draft_refused = False  # the last try to keep the conclusion was refused

    def compose(self) -> ComposeResult:
        with Vertical(id="close-audit", classes="dialog"):
            yield Static(controls_shown(f"Close audit {self.audit.id}: {self.audit.title}"),
                         classes="dialog-title", markup=False)
            # The buttons stay in sight at 80x24 whatever the summary and the list of
            # what is incomplete hold: what is above them scrolls.
            with VerticalScroll(id="close-body"):
                yield Static("\n".join(summary_lines(self.counts)), id="close-summary",
                             markup=False)
                yield Label("Conclusion", classes="field-label")
                yield InOrderTextArea(editable(self.audit.conclusion), id="conclusion",
                                      soft_wrap=True, tab_behavior="focus", compact=True,
                                      placeholder="Overall conclusion: conformity, "
                                                  "effectiveness, main strengths and "
                                                  "weaknesses")
                yield Static("", id="close-confirm", markup=False)
            yield Static("", id="close-error", classes="field-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close audit…", variant="primary", id="close-start", compact=True)
                yield Button("Confirm close", variant="error", id="close-confirm-button",
                             compact=True)
                yield Button("Back", id="close-back", compact=True)
        yield KeyBar(id="key-bar")

    def on_mount(self) -> None:
        self.query_one("#close-confirm-button", Button).display = False
        if self.audit.status == AuditStatus.CLOSED:
            self._error(f"Audit {self.audit_id} is already closed.")
            self.query_one("#conclusion", TextArea).read_only = True
            self.query_one("#close-start", Button).disabled = True
        self.query_one("#conclusion", TextArea).focus()

    @property
    def conclusion(self) -> str:
        return self.query_one("#conclusion", TextArea).text

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"close-start": self.action_close_audit,
                   "close-confirm-button": self.action_confirm,
                   "close-back": self.action_back}
        actions[event.button.id]()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._draft_refused = False  # a changed text is tried again before leaving
        # A confirmation holds for the conclusion it was given for.
        if self.confirming:
            self._leave_confirmation()

    def action_close_audit(self) -> None:
        after_typed_keys(self.app, self._ask_to_close)

    def _ask_to_close(self) -> None:
        """First step: say what closing means and ask for the confirmation key."""
        if self.audit.status == AuditStatus.CLOSED:
            return
        self.confirming = True
        notes = audit_gaps(self.store, self.audit_id, self.conclusion)
        text = (f"Closing locks audit {self.audit_id}: results and findings become read-only "
                "except follow-up. Press y or Confirm close to close it, n to go back.")
        if notes:
            text = "Still incomplete:\n" + "\n".join(f"• {n}" for n in notes) + "\n" + text
        confirm = self.query_one("#close-confirm", Static)
        confirm.update(text)
        confirm.add_class("shown")
        self.call_after_refresh(confirm.scroll_visible, animate=False)
        self.query_one("#close-confirm-button", Button).display = True
        self.query_one("#close-confirm-button", Button).focus()
        self.refresh_bindings()

    def _leave_confirmation(self) -> None:
        self.confirming = False
        confirm = self.query_one("#close-confirm", Static)
        confirm.update("")
        confirm.remove_class("shown")
        self.query_one("#close-confirm-button", Button).display = False
        self.refresh_bindings()

    def action_confirm(self) -> None:
        if not self.confirming:
            return
        try:
            self.store.close_audit(self.audit_id, self.conclusion)
        except AuditorError as exc:
            self._leave_confirmation()
            self._error(str(exc))
            return
        self.dismiss(True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # y and n mean something only while the confirmation is asked.
        if action in ("confirm", "decline"):
            return self.confirming
        return True

    def action_decline(self) -> None:
        self._leave_confirmation()
        self.query_one("#conclusion", TextArea).focus()

    def action_back(self) -> None:
        if self.confirming:
            self.action_decline()
            return
        if self._keep_draft() or self._draft_refused:
            self.dismiss(False)
            return
        # Refused (a held lock, a full disk): the typed conclusion stays on screen, and
        # only a second escape leaves without it.
        self._draft_refused = True

    def _keep_draft(self) -> bool:
        """Store the typed conclusion; False (and the reason shown) when refused."""
        if self.audit.status == AuditStatus.CLOSED or self.conclusion == self.audit.conclusion:
            return True
        try:
            self.store.update_audit(self.audit_id, {"conclusion": self.conclusion})
        except AuditorError as exc:
            self._error(f"Conclusion not kept: {exc}; escape again leaves without it")
            return False
        return True

    def _error(self, message: str) -> None:
        error = self.query_one("#close-error", Static)
        error.update(message)
        error.add_class("shown")
