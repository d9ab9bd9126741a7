"""Asks what a review step needs before the store takes it: for a verification, who
verified, when (today unless said otherwise) and how effective the action was, prefilled
from what the finding already holds (a verifier typed earlier is never replaced); for a
rejected plan, the reason, which the auditee reads in the next workbook."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from auditor.domain.errors import AuditorError
from auditor.domain.models import Finding
from auditor.ui.compat import InOrderInput, InOrderTextArea
from auditor.ui.plain import controls_shown, editable
from auditor.ui.typing_order import after_typed_keys


@dataclass(frozen=True)
class Review:
    note: str
    verified_by: str | None = None
    verified_on: str | None = None


class ReviewFindingScreen(ModalScreen[Finding | None]):
    """`step` is "verify" (effective or not) or "reject". `record` takes the step in the
    store; a refusal is said in the dialog, with what was typed kept. Dismisses with what
    `record` returned, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "done", "Record", priority=True, id="review_finding.done"),
        Binding("escape", "cancel", "Cancel", id="review_finding.cancel"),
    ]

    def __init__(self, finding: Finding, title: str, *, step: str, actor: str,
                 today: date, record: Callable[[Review], Finding | None]) -> None:
        super().__init__()
        self.record = record
        self.finding = finding
        self.title_text = title
        self.step = step
        self.actor = actor
        self.today = today

    def compose(self) -> ComposeResult:
        f = self.finding
        with Vertical(id="review-finding", classes="dialog"):
            yield Static(controls_shown(self.title_text), classes="dialog-title", markup=False)
            if self.step == "verify":
                yield Label("Verified by", classes="field-label")
                yield InOrderInput(editable(f.verified_by or self.actor), id="verified_by",
                                   compact=True)
                yield Label("Verified on", classes="field-label")
                yield InOrderInput((f.verified_on or self.today).isoformat(), id="verified_on",
                                   placeholder="YYYY-MM-DD", compact=True)
                label, text = "How was it verified, and was it effective?", \
                    f.verification_note
            else:
                label, text = "Why is the plan rejected? (the auditee reads this)", ""
            yield Label(label, classes="field-label")
            yield InOrderTextArea(editable(text), id="review-note", soft_wrap=True,
                                  tab_behavior="focus", compact=True)
            yield Static("", id="review-error", classes="field-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Record (ctrl+s)", id="review-ok", variant="primary",
                             compact=True)
                yield Button("Cancel (esc)", id="review-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#review-note", TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "review-ok":
            self.action_done()
        else:
            self.action_cancel()

    def action_done(self) -> None:
        after_typed_keys(self.app, self._done)

    def _error(self, message: str) -> None:
        error = self.query_one("#review-error", Static)
        error.update(message)
        error.add_class("shown")

    def _done(self) -> None:
        note = self.query_one("#review-note", TextArea).text
        if self.step == "reject":
            if not note.strip():
                self._error("Say why: the auditee needs the reason to answer again.")
                return
            review = Review(note)
        else:
            review = Review(note, self.query_one("#verified_by", Input).value,
                            self.query_one("#verified_on", Input).value)
        try:
            done = self.record(review)
        except AuditorError as exc:
            self._error(str(exc))
            return
        self.dismiss(done)

    def action_cancel(self) -> None:
        self.dismiss(None)
