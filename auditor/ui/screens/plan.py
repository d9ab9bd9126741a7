"""The audit plan's sessions (ISO 19011 6.3.2) in time order, with what the lead auditor
should look at before the plan goes out: assessable items in no session, one auditor in
two sessions at once, a session led by someone outside the team. The warnings never
refuse: a plan is built a session at a time. Each change is written when it is made
(through the store's plan functions, as `auditor plan` writes it); the form saves on
ctrl+s, a deletion asks first."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Static

from auditor.domain.audit_plan import PlanWarning, session_end
from auditor.domain.errors import AuditorError
from auditor.domain.models import PlanSession
from auditor.domain.vocab import AuditStatus
from auditor.ui.plain import controls_shown, joined, templated
from auditor.ui.screens.confirm import ConfirmScreen
from auditor.ui.screens.help import HelpScreen
from auditor.ui.screens.session_form import SessionFormScreen, session_when
from auditor.ui.widgets.key_bar import KeyBar
from auditor.ui.widgets.row_table import Column, FitTable

# The refs, the auditor and the time always; the people and the place in the room left.
COLUMNS = (Column("#"), Column("When"), Column("Min"), Column("Clauses", grow=True, least=10),
           Column("Led by", drop=1, most=18), Column("Auditee people", grow=True, drop=3),
           Column("Place", drop=2, most=24))


def refs_shown(session: PlanSession) -> str:
    return ", ".join(r for r in session.refs.split(",") if r)


class PlanScreen(Screen[None]):
    BINDINGS = [
        Binding("n", "add", "Add session", id="plan.add"),
        Binding("e", "edit", "Edit", id="plan.edit"),
        Binding("m", "move", "Move", id="plan.move"),
        Binding("delete", "delete", "Delete", id="plan.delete"),
        Binding("question_mark", "help", "Keys", key_display="?", id="plan.help"),
        Binding("escape", "back", "Back", id="plan.back"),
    ]

    def __init__(self, store, audit_id: int) -> None:
        super().__init__()
        self.store = store
        self.audit_id = audit_id
        self.audit = store.audit(audit_id)
        self.read_only = self.audit.status == AuditStatus.CLOSED
        self.sessions: list[PlanSession] = []

    def compose(self) -> ComposeResult:
        closed = "  (closed: read-only)" if self.read_only else ""
        yield Static(controls_shown(f"Audit plan of audit {self.audit_id}: "
                                    f"{self.audit.title}{closed}"),
                     classes="screen-title", id="plan-title", markup=False)
        yield FitTable(*COLUMNS, id="plan-sessions")
        yield Static("", id="plan-session-detail")
        yield Static("", id="plan-warnings")
        yield KeyBar(id="key-bar")

    def on_mount(self) -> None:
        self.refresh_plan()
        self.query_one("#plan-sessions", DataTable).focus()

    # -- showing ---------------------------------------------------------------------------

    @property
    def table(self) -> FitTable:
        return self.query_one("#plan-sessions", FitTable)

    def refresh_plan(self, keep: int | None = None) -> None:
        """Read the sessions and warnings again; the cursor on session `keep` if given."""
        self.sessions = self.store.sessions(self.audit_id)
        table = self.table
        current = keep if keep is not None else self.current_number()
        table.set_rows(
            ((str(s.number), session_when(s), str(s.minutes), refs_shown(s), s.auditor,
              s.auditee_people, s.place), str(s.number)) for s in self.sessions)
        numbers = [s.number for s in self.sessions]
        if current in numbers:
            table.move_cursor(row=numbers.index(current))
        self._show_detail()
        self._show_warnings(self.store.session_warnings(self.audit_id))

    def current_number(self) -> int | None:
        if not self.sessions or not self.is_mounted:
            return None
        row = self.table.cursor_row
        return self.sessions[row].number if 0 <= row < len(self.sessions) else None

    def current(self) -> PlanSession | None:
        number = self.current_number()
        return next((s for s in self.sessions if s.number == number), None)

    def _show_detail(self) -> None:
        s = self.current()
        detail = self.query_one("#plan-session-detail", Static)
        if s is None:
            detail.update("No session yet: n adds one (start, minutes, clauses, who leads "
                          "it, whom it meets, where)." if not self.read_only
                          else "No session in the plan.")
            return
        detail.update(templated(
            "[b]Session $number[/b]  $when ($minutes min)  ·  led by $auditor\n"
            "Clauses: $refs\nMeets: $people\nPlace: $place",
            number=s.number, when=session_when(s), minutes=s.minutes,
            auditor=s.auditor or "(no one named)", refs=refs_shown(s),
            people=s.auditee_people or "—", place=s.place or "—"))

    def _show_warnings(self, warnings: list[PlanWarning]) -> None:
        box = self.query_one("#plan-warnings", Static)
        box.set_class(bool(warnings), "-warned")
        if not warnings:
            box.update("No warnings: every assessable item is in a session and no auditor "
                       "leads two sessions at once." if self.sessions else "")
            return
        box.update(joined([Content.from_markup("[b]Before the plan goes out[/b]"),
                           *(templated("• $text", text=w.text) for w in warnings)]))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    # -- changing --------------------------------------------------------------------------

    def _writable(self) -> bool:
        if self.read_only:
            self.notify(f"Audit {self.audit_id} is closed: its plan is read-only.",
                        severity="warning")
        return not self.read_only

    def _chosen(self) -> PlanSession | None:
        s = self.current()
        if s is None:
            self.notify("No session yet: n adds one.", severity="warning")
        return s

    def _opened(self, form: SessionFormScreen, said: str) -> None:
        def saved(session: PlanSession | None) -> None:
            if session is None:
                return
            self.refresh_plan(keep=session.number)
            self.notify(f"Session {session.number} {said}")
            for w in self.store.session_warnings(self.audit_id):
                if session.number in w.sessions:
                    self.notify(w.text, severity="warning", timeout=8)

        self.app.push_screen(form, saved)

    def action_add(self) -> None:
        if not self._writable():
            return
        # A new session starts where the last one ends: a plan is mostly built in order.
        last = max(self.sessions, key=session_end, default=None)
        start = f"{session_end(last):%Y-%m-%d %H:%M}" if last else (
            f"{self.audit.planned_start:%Y-%m-%d} 09:00" if self.audit.planned_start else "")
        self._opened(SessionFormScreen(self.store, self.audit_id, start=start), "added")

    def action_edit(self) -> None:
        if self._writable() and (s := self._chosen()) is not None:
            self._opened(SessionFormScreen(self.store, self.audit_id, s), "saved")

    def action_move(self) -> None:
        if self._writable() and (s := self._chosen()) is not None:
            self._opened(SessionFormScreen(self.store, self.audit_id, s, move=True), "moved")

    def action_delete(self) -> None:
        if not self._writable() or (s := self._chosen()) is None:
            return
        number = s.number

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.store.remove_session(self.audit_id, number)
            except AuditorError as exc:
                self.notify(str(exc), severity="error")
                return
            self.refresh_plan()
            self.notify(f"Session {number} deleted from the plan")

        self.app.push_screen(ConfirmScreen(
            f"Delete session {number}?",
            f"{session_when(s)}, {refs_shown(s)}, led by {s.auditor or 'no one named'}. "
            "It goes from the plan (the change log keeps it).", yes="Delete", no="Keep",
            danger=True), answered)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen("audit plan", [
            ("Audit plan", self.BINDINGS), ("Everywhere", self.app.help_bindings())]))

    def action_back(self) -> None:
        self.dismiss(None)

