"""Programme coverage of one auditee: per clause or control, when it was last audited,
with what result and how often in the cycle; `u` shows only what the cycle has not
covered yet, `+`/`-` lengthen or shorten the cycle. Computed in a thread worker."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from auditor.domain.programme import Programme, programme
from auditor.domain.vocab import RESULT_LABELS, Result
from auditor.ui.background import deliver
from auditor.ui.plain import controls_shown
from auditor.ui.widgets.key_bar import KeyBar
from auditor.ui.widgets.row_table import Column, FitTable

MAX_YEARS = 10


class ProgrammeScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("u", "toggle_uncovered", "Not covered only / all", id="programme.uncovered"),
        Binding("plus,equals_sign", "years(1)", "Longer cycle", key_display="+",
                id="programme.longer"),
        Binding("minus", "years(-1)", "Shorter cycle", key_display="-",
                id="programme.shorter"),
    ]

    def __init__(self, store, auditee: str, years: int = 3, today=None) -> None:
        super().__init__()
        self.store = store
        self.auditee = auditee
        self.years = years
        self.today = today
        self.uncovered_only = False
        self.plan: Programme | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Reading the programme of {self.auditee}…", id="programme-summary",
                     markup=False)
        # When each item was last audited, with what result and how often, always; the
        # checklist and the item's title in the room left.
        yield FitTable(Column("Checklist", drop=2), Column("Ref"),
                       Column("Item", grow=True, drop=1, least=12), Column("Last audited"),
                       Column("Last result"), Column("Times in cycle"), id="programme-items")
        yield Static("", id="programme-uncovered", markup=False)
        yield KeyBar(id="key-bar")

    def on_mount(self) -> None:
        self.title = controls_shown(f"Programme: {self.auditee}")
        self.query_one("#programme-items", DataTable).focus()
        self.compute()

    @work(thread=True, exclusive=True, group="programme")
    def compute(self) -> None:
        deliver(self.app,
                lambda: programme(self.store, self.auditee, years=self.years,
                                  today=self.today),
                self.show, self.show_problem)

    def show_problem(self, message: str) -> None:
        if not self.is_attached:
            return
        self.query_one("#programme-summary", Static).update(controls_shown(message))
        self.notify(message, severity="error")

    def show(self, plan: Programme) -> None:
        if not self.is_attached:
            return
        self.plan = plan
        s = plan.summary
        groups = "  ".join(f"{g.ref} {g.covered}/{g.total}"
                           for c in plan.checklists for g in c.groups)
        self.query_one("#programme-summary", Static).update(controls_shown(
            f"{plan.auditee}: cycle {plan.cycle_start} to {plan.today} ({plan.years} "
            f"year{'s' if plan.years > 1 else ''}), {s['audits_in_cycle']} audit(s) in the "
            f"cycle, {s['covered']}/{s['items']} items covered\nBy clause: {groups or '—'}"
        ))
        self._fill()

    def _fill(self) -> None:
        table = self.query_one("#programme-items", FitTable)
        if self.plan is None:
            table.set_rows([])
            return
        missing = []
        rows = []
        for checklist in self.plan.checklists:
            for i in checklist.items:
                if not i.covered:
                    missing.append(i.ref)
                elif self.uncovered_only:
                    continue
                result = RESULT_LABELS[Result(i.last_result)] if i.last_result else "—"
                times = Text(str(i.times), style="" if i.covered else "bold yellow")
                rows.append(((checklist.id, i.ref, i.title,
                              i.last_audited.isoformat() if i.last_audited else "never",
                              result, times), f"{checklist.id}:{i.ref}"))
        table.set_rows(rows)
        line = self.query_one("#programme-uncovered", Static)
        if not self.plan.checklists:
            line.update("No audit of this auditee in the cycle: nothing covered yet.")
        else:
            line.update(f"Not covered in the cycle ({len(missing)}): "
                        + (", ".join(missing) if missing else "none")
                        + "  ·  u not covered only / all")

    def action_toggle_uncovered(self) -> None:
        self.uncovered_only = not self.uncovered_only
        self._fill()

    def action_years(self, step: int) -> None:
        years = min(MAX_YEARS, max(1, self.years + step))
        if years != self.years:
            self.years = years
            self.compute()

    def action_back(self) -> None:
        self.app.pop_screen()
