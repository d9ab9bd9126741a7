"""Home: every audit, most recently changed first, narrowed as you type."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from auditor.domain.errors import AuditorError
from auditor.domain.progress import matches_query
from auditor.domain.store import AuditSummary
from auditor.domain.vocab import AuditStatus, status_label
from auditor.ui.commands import TextSearch
from auditor.ui.compat import InOrderInput
from auditor.ui.plain import controls_shown
from auditor.ui.screens.confirm import ConfirmScreen
from auditor.ui.screens.help import HelpScreen
from auditor.ui.widgets.key_bar import KeyBar
from auditor.ui.widgets.row_table import TextTable

# Two lines a row, so that every column fits in 80 cells: title over auditee, type over
# checklist, status over progress.
COLUMNS = (("#", 3), ("Audit", None), ("Type", 14), ("Status", 13), ("Open", 4),
           ("Updated", 10))
FIXED_WIDTH = sum(w for _n, w in COLUMNS if w) + 2 * len(COLUMNS) + 2


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def summary_fields(s: AuditSummary) -> tuple[str, ...]:
    a = s.audit
    return (str(a.id), a.title, a.auditee, a.type, s.checklist_id, a.status)


class HomeScreen(Screen):
    COMMANDS = Screen.COMMANDS | {TextSearch}
    # The table has the keys from the first frame: Textual would focus the filter (the
    # first field) until on_mount moves it, and an early `n` was typed into the filter.
    AUTO_FOCUS = "#audits"

    BINDINGS = [
        Binding("n", "new_audit", "New audit", id="home.new"),
        Binding("enter", "open_audit", "Open", show=False, id="home.open"),
        # Not `d`: on the audit screen `d` compares, and one escape too many would have
        # offered to delete the audit.
        Binding("delete", "delete_audit", "Delete", id="home.delete"),
        Binding("slash", "filter", "Filter", key_display="/", id="home.filter"),
        Binding("c", "compare", "Compare", id="home.compare"),
        Binding("p", "programme", "Programme", id="home.programme"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="home.clear_filter"),
        Binding("question_mark", "help", "Keys", key_display="?", id="home.help"),
    ]

    def __init__(self, store) -> None:
        super().__init__()
        self.store = store
        self.summaries: list[AuditSummary] = []
        self.shown: list[int] = []
        # The audit just created or opened: the list is ordered by last change, so the
        # cursor follows the audit, not the row it was on, when home comes back.
        self.came_from: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield InOrderInput(placeholder="Filter: type words from a title, auditee, type, checklist "
                                       "or status (/)", id="home-filter", compact=True)
        yield TextTable(id="audits", cursor_type="row", zebra_stripes=True)
        yield Static("No audits yet. Press n to plan one, or run `auditor demo` for a "
                     "sample.", id="home-empty", markup=False)
        yield KeyBar(id="key-bar")

    @property
    def table(self) -> DataTable:
        return self.query_one("#audits", DataTable)

    def on_mount(self) -> None:
        self.reload()
        self.table.focus()
        settings = getattr(self.app, "settings", None)
        if settings is not None:  # who the change log names, in sight from the start
            self.sub_title = f"recording as {controls_shown(settings.actor)}"

    def on_resize(self) -> None:
        self._fill()

    def _title_width(self) -> int:
        return max(18, min(60, self.size.width - FIXED_WIDTH - 2))

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the audits again (after an audit was changed, added or deleted)."""
        self.summaries = self.store.audit_summaries()
        self._fill()

    def _fill(self) -> None:
        table = self.table
        keep = table.cursor_row
        follow = self.came_from if self.came_from is not None else self.selected
        query = self.query_one("#home-filter", Input).value
        table.clear(columns=True)
        wide = self._title_width()
        for name, width in COLUMNS:
            table.add_column(name, width=width or wide)
        self.shown = []
        for s in self.summaries:
            if not matches_query(query, summary_fields(s)):
                continue
            a = s.audit
            table.add_row(
                str(a.id),
                f"{_clip(a.title, wide)}\n{_clip(a.auditee, wide)}",
                f"{a.type}\n{_clip(s.checklist_id, 14)}",
                f"{status_label(a.status)}\n{s.assessed}/{s.total} {s.progress:.0%}",
                str(s.open_findings),
                a.updated_at.strftime("%Y-%m-%d"),
                key=str(a.id),
                height=2,
            )
            self.shown.append(a.id)
        if self.shown:
            row = self.shown.index(follow) if follow in self.shown else keep
            table.move_cursor(row=min(max(row, 0), len(self.shown) - 1))
        self.came_from = None
        empty = self.query_one("#home-empty", Static)
        empty.display = not self.shown
        if self.summaries and not self.shown:
            empty.update(f"No audit matches {query!r}. Escape clears the filter.")
        elif not self.summaries:
            empty.update("No audits yet. Press n to plan one, or run `auditor demo` for a "
                         "sample.")

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "home-filter":
            self._fill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "home-filter":
            self.table.focus()

    @property
    def selected(self) -> int | None:
        row = self.table.cursor_row
        if not self.shown or row < 0 or row >= len(self.shown):
            return None
        return self.shown[row]

    # -- actions --------------------------------------------------------------------------

    def action_filter(self) -> None:
        self.query_one("#home-filter", Input).focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#home-filter", Input)
        field.value = ""
        self.table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_audit()

    def action_open_audit(self) -> None:
        audit_id = self.selected
        if audit_id is not None:
            self._open(audit_id)

    def _open(self, audit_id: int) -> None:
        self.came_from = audit_id
        self.app.open_audit_screen(audit_id)

    def action_new_audit(self) -> None:
        from auditor.ui.screens.new_audit import NewAuditScreen

        def created(audit_id: int | None) -> None:
            self.came_from = audit_id
            self.reload()
            if audit_id is not None:
                self._open(audit_id)

        self.app.push_screen(NewAuditScreen(self.store, self.app.settings), created)

    def action_delete_audit(self) -> None:
        audit_id = self.selected
        if audit_id is None:
            return
        summary = next(s for s in self.summaries if s.audit.id == audit_id)
        audit = summary.audit
        closed = audit.status == AuditStatus.CLOSED

        def delete() -> None:
            try:
                self.store.delete_audit(audit_id, closed_confirmed=closed)
            except AuditorError as exc:
                self.notify(str(exc), severity="error")
                return
            self.notify(f"Deleted audit {audit_id}: {audit.title}")
            self.reload()

        def confirmed_closed(yes: bool) -> None:
            if yes:
                delete()

        def confirmed(yes: bool) -> None:
            if not yes:
                return
            if not closed:
                delete()
                return
            # A closed audit is a record of finished work: it takes a second yes.
            self.app.push_screen(ConfirmScreen(
                "This audit is closed",
                f"Audit {audit_id} was closed: it is the record of a finished audit. "
                "Delete it anyway?", yes="Delete closed audit", danger=True),
                confirmed_closed)

        self.app.push_screen(ConfirmScreen(
            f"Delete audit {audit_id}?",
            f"{audit.title} ({audit.auditee}): {summary.assessed} results and its findings "
            "and evidence records are deleted. The change log keeps a trace.",
            yes="Delete", danger=True), confirmed)

    def action_compare(self) -> None:
        from auditor.ui.screens.choose_audits import ChooseAuditsScreen
        from auditor.ui.screens.comparison import ComparisonScreen

        def chosen(pair) -> None:
            if pair is not None:
                self.app.push_screen(ComparisonScreen(self.store, *pair))

        self.app.push_screen(ChooseAuditsScreen(self.store, highlight=self.selected), chosen)

    def action_programme(self) -> None:
        from auditor.ui.screens.programme import ProgrammeScreen

        audit_id = self.selected
        if audit_id is None:
            self.notify("Choose an audit of the auditee whose programme you want to see.")
            return
        auditee = next(s.audit.auditee for s in self.summaries if s.audit.id == audit_id)
        self.app.push_screen(ProgrammeScreen(self.store, auditee))

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen("home", [("Audits", self.BINDINGS),
                                                 ("Everywhere", self.app.help_bindings())]))
