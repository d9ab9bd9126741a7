"""A sampling record on an item (ISO 19011 A.6): which population was sampled, how big it
is, and which of it the auditor looked at. Saved on ctrl+s (or enter) through the store,
as `auditor record --sample` saves it; each problem is said under its field and nothing
typed is lost."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from auditor.domain.errors import AuditorError
from auditor.domain.models import ItemSample
from auditor.domain.sampling import sample_of
from auditor.ui.compat import InOrderInput
from auditor.ui.form_errors import show_field_error
from auditor.ui.plain import controls_shown
from auditor.ui.screens.confirm import ConfirmScreen
from auditor.ui.screens.new_audit import field_row
from auditor.ui.typing_order import after_typed_keys

# (field, label, placeholder): what each wants, in the auditor's words.
FIELDS = (
    ("population", "Population", "what was sampled from, e.g. releases in Q3"),
    ("population_size", "Its size", "how many it holds; empty if not known"),
    ("ids", "Sampled", "the ids looked at, e.g. 4.2.0, 4.2.3"),
    ("sample_size", "How many", "empty: the number of ids"),
)


class SampleFormScreen(ModalScreen[ItemSample | None]):
    """Dismisses with the sample as recorded, or None when nothing was recorded."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Record", priority=True, id="sample_form.save"),
        Binding("escape", "cancel", "Cancel", id="sample_form.cancel"),
    ]

    def __init__(self, store, audit_id: int, ref: str, title: str) -> None:
        super().__init__()
        self.store = store
        self.audit_id = audit_id
        self.ref = ref
        self.item_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="sample-form", classes="dialog"):
            yield Static(controls_shown(f"A sample on {self.ref} {self.item_title}"),
                         classes="dialog-title", markup=False)
            for name, label, hint in FIELDS:
                yield field_row(name, label, InOrderInput(placeholder=hint, id=name,
                                                          compact=True))
            yield Static("", id="form-error", classes="field-error", markup=False)
            yield Static("The report lists each sample: the conclusions rest on them.",
                         classes="dialog-hint", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Record (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#population", Input).focus()

    def typed(self) -> dict[str, str]:
        return {name: self.query_one(f"#{name}", Input).value for name, *_ in FIELDS}

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        after_typed_keys(self.app, self._save)

    def _show_error(self, name: str | None, message: str) -> None:
        show_field_error(self, {n for n, *_ in FIELDS}, name, message)

    def _save(self) -> None:
        typed = self.typed()
        try:
            sample = sample_of(**typed)
            self.store.record_result(self.audit_id, self.ref, None, samples=[sample])
            recorded = self.store.samples(self.audit_id).get(self.ref, [])
        except AuditorError as exc:
            self._show_error(getattr(exc, "field", None), str(exc))
            return
        self.dismiss(recorded[-1] if recorded else None)

    def action_cancel(self) -> None:
        if not any(v.strip() for v in self.typed().values()):
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(
            "Throw this sample away?", "It is typed and not recorded yet. Throw it away?",
            yes="Throw away", no="Keep editing", danger=True), answered)
