"""A session of the audit plan: a new one, one to correct, or one to move (only its
start). Saved on ctrl+s through the store's plan functions, which check every field; a
problem is shown under its field and nothing typed is lost; leaving with something typed
and not saved asks first."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from auditor.domain.audit_plan import MAX_MINUTES, START_FORMAT, session_end
from auditor.domain.errors import AuditorError
from auditor.domain.models import PlanSession
from auditor.ui.compat import InOrderInput
from auditor.ui.form_errors import show_field_error
from auditor.ui.plain import controls_shown, editable
from auditor.ui.screens.confirm import ConfirmScreen
from auditor.ui.screens.new_audit import field_row
from auditor.ui.typing_order import after_typed_keys
from auditor.ui.widgets.key_bar import KeyBar

# (field, label, placeholder), in the order of the form.
FIELDS = (
    ("start", "Start", f"{START_FORMAT}, e.g. 2026-03-02 09:30 (local time)"),
    ("minutes", "Minutes", f"how long, 1 to {MAX_MINUTES}"),
    ("refs", "Clauses", "e.g. 8.1, 8.3 (a group covers all below it)"),
    ("auditor", "Led by", "the auditor who leads it (empty: the lead auditor)"),
    ("auditee_people", "Auditee people", "whom of the auditee's people it meets"),
    ("place", "Place", "room or video link"),
)
MOVE_FIELDS = ("start",)


def session_when(session: PlanSession) -> str:
    return f"{session.start:%Y-%m-%d %H:%M}-{session_end(session):%H:%M}"


def session_values(session: PlanSession | None) -> dict[str, str]:
    """The form's fields for a session (empty for a new one), as a field can show them."""
    if session is None:
        return dict.fromkeys((name for name, *_ in FIELDS), "")
    values = {"start": f"{session.start:%Y-%m-%d %H:%M}", "minutes": str(session.minutes),
              "refs": ", ".join(r for r in session.refs.split(",") if r),
              "auditor": session.auditor, "auditee_people": session.auditee_people,
              "place": session.place}
    return {name: editable(value) for name, value in values.items()}


class SessionFormScreen(Screen[PlanSession | None]):
    """Dismisses with the session as saved, or None when nothing was saved. `session`
    None adds one (its start prefilled with `start`); `move` asks for the start only."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="session_form.save"),
        Binding("escape", "cancel", "Back", id="session_form.cancel"),
    ]

    def __init__(self, store, audit_id: int, session: PlanSession | None = None, *,
                 move: bool = False, start: str = "") -> None:
        super().__init__()
        self.store = store
        self.audit_id = audit_id
        self.session = session
        self.move = move and session is not None
        self.start = session_values(session)
        if session is None and start:
            self.start["start"] = start
        self.names = MOVE_FIELDS if self.move else tuple(name for name, *_ in FIELDS)

    def _title(self) -> str:
        s = self.session
        if s is None:
            return f"Audit {self.audit_id}: a new session of the plan"
        refs = ", ".join(r for r in s.refs.split(",") if r)
        what = f"session {s.number} ({session_when(s)}, {refs})"
        return (f"Audit {self.audit_id}: move {what} to another start" if self.move
                else f"Audit {self.audit_id}: {what}")

    def compose(self) -> ComposeResult:
        yield Static(controls_shown(self._title()), classes="screen-title", markup=False)
        with VerticalScroll(id="session-form"):
            for name, label, hint in FIELDS:
                if name in self.names:
                    yield field_row(name, label, InOrderInput(self.start[name], placeholder=hint,
                                                              id=name, compact=True))
            if self.move:
                yield Static("Its length, clauses and people stay as they are.",
                             classes="dialog-hint", markup=False)
        yield Static("", id="form-error", classes="field-error", markup=False)
        with Horizontal(classes="dialog-buttons"):
            yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
            yield Button("Back (esc)", id="cancel", compact=True)
        yield KeyBar(id="key-bar")

    def on_mount(self) -> None:
        first = "start" if self.move or self.session is None else "refs"
        self.query_one(f"#{first}", Input).focus()

    def typed(self) -> dict[str, str]:
        return {name: self.query_one(f"#{name}", Input).value for name in self.names}

    def changes(self) -> dict[str, str]:
        return {name: value for name, value in self.typed().items()
                if value != self.start[name]}

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
        show_field_error(self, self.names, name, message)

    def _save(self) -> None:
        typed = self.typed()
        try:
            if self.session is None:
                # An empty "led by" is the lead auditor (the store's None).
                saved = self.store.add_session(
                    self.audit_id, start=typed["start"], minutes=typed["minutes"],
                    refs=typed["refs"], auditor=typed["auditor"].strip() or None,
                    auditee_people=typed["auditee_people"], place=typed["place"])
            else:
                changed = self.changes()
                if not changed:
                    self.dismiss(None)
                    return
                if "auditor" in changed and not changed["auditor"].strip():
                    changed["auditor"] = self.store.audit(self.audit_id).lead_auditor
                saved = self.store.update_session(self.audit_id, self.session.number,
                                                  **changed)
        except AuditorError as exc:
            self._show_error(getattr(exc, "field", None), str(exc))
            return
        self.dismiss(saved)

    def action_cancel(self) -> None:
        typed = self.changes() if self.session is not None else {
            k: v for k, v in self.typed().items() if v.strip() and v != self.start[k]}
        if not typed:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(
            "Discard your changes?",
            f"{len(typed)} field(s) of this session were typed and not saved. Discard "
            "them?", yes="Discard", no="Keep editing", danger=True), answered)
