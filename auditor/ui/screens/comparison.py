"""What changed between two audits: a summary, the item changes (filtered by kind of
change with `f`) and the previous audit's findings with their status now and repeats.

The comparison of large audits takes a moment, so it runs in a thread worker; the
screen shows "comparing" until it is ready, and a refusal (audits on different
checklists that no imported mapping links) as the screen's one line. Across editions each
item's change says which earlier item(s) it maps from, or that the mapping leaves it out.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from auditor.domain.compare import CHANGE_LABELS, Change, Comparison, compare_audits
from auditor.domain.edition_map import EditionMap
from auditor.domain.text import shorten
from auditor.domain.vocab import RESULT_LABELS, Result, grade_label, status_label
from auditor.ui.background import deliver
from auditor.ui.edition_maps import stored_maps
from auditor.ui.plain import controls_shown
from auditor.ui.widgets.key_bar import KeyBar
from auditor.ui.widgets.row_table import Column, FitTable

# `f` walks through these; None shows every item.
FILTERS: tuple[Change | None, ...] = (
    None, Change.REGRESSED, Change.IMPROVED, Change.NEW, Change.NOT_REASSESSED,
    Change.UNCHANGED, Change.NOT_ASSESSED,
)
CHANGE_STYLES = {
    Change.REGRESSED: "bold red",
    Change.IMPROVED: "green",
    Change.NEW: "cyan",
    Change.NOT_REASSESSED: "yellow",
    Change.UNCHANGED: "dim",
    Change.NOT_ASSESSED: "dim italic",
}


def _result(value: str | None) -> str:
    return RESULT_LABELS[Result(value)] if value else "—"


# The heading names both audits on a line or two: a title pasted from a long document
# would otherwise push the tables off the screen.
TITLE_CHARS = 60


class ComparisonScreen(Screen):
    """Audit `old_id` (previous) beside audit `new_id` (current)."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("f", "next_filter", "Filter", id="comparison.filter"),
        Binding("shift+f", "previous_filter", "Filter back", show=False,
                id="comparison.filter_back"),
        Binding("a", "show_all", "All items", id="comparison.all"),
    ]

    def __init__(self, store, old_id: int, new_id: int) -> None:
        super().__init__()
        self.store = store
        self.old_id = old_id
        self.new_id = new_id
        self.comparison: Comparison | None = None
        self.filter_index = 0
        self.maps: list[EditionMap] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Comparing audit {self.old_id} with audit {self.new_id}…",
                     id="comparison-summary", markup=False)
        yield Static("", id="comparison-filter", markup=False)
        # Ref, both results and the change always; the item's title in the room left.
        yield FitTable(Column("Ref"), Column("Item", grow=True, drop=1, least=12),
                       Column("Previous"), Column("Current"), Column("Change"),
                       id="comparison-items")
        yield Static("Findings of the previous audit, status now", id="comparison-findings-title",
                     markup=False)
        yield FitTable(Column("Finding"), Column("Item"), Column("Grade", drop=2),
                       Column("Status now"), Column("Repeated by"),
                       Column("Statement", grow=True, drop=1, least=16),
                       id="comparison-findings")
        yield Static("", id="comparison-repeats", markup=False)
        yield KeyBar(id="key-bar")

    def on_mount(self) -> None:
        self.title = f"Compare audits {self.old_id} → {self.new_id}"
        self.query_one("#comparison-items", DataTable).focus()
        self.maps = stored_maps(self)  # read here: the worker's thread has no app to ask
        self.compute()

    @work(thread=True, exclusive=True, group="comparison")
    def compute(self) -> None:
        deliver(self.app, lambda: compare_audits(self.store, self.old_id, self.new_id,
                                                 self.maps), self.show, self.show_problem)

    def show_problem(self, message: str) -> None:
        if not self.is_attached:  # the user left before the worker finished
            return
        self.query_one("#comparison-summary", Static).update(controls_shown(message))
        self.add_class("-refused")
        self.notify(message, severity="error")

    def show(self, result: Comparison) -> None:
        if not self.is_attached:
            return
        self.comparison = result
        p, c, s = result.previous, result.current, result.summary
        versions = (f"{p.checklist_id} {p.checklist_version} → {c.checklist_version} "
                    "(matched by ref)" if result.versions_differ
                    else f"{c.checklist_id} {c.checklist_version}")
        if result.across_editions:
            versions = (f"{p.checklist_id} → {c.checklist_id} through the mapping "
                        f"“{result.mapping}”")
        counts = "  ".join(f"{CHANGE_LABELS[k]} {s[k.value]}" for k in Change)
        self.query_one("#comparison-summary", Static).update(controls_shown(
            f"Audit {p.id} {shorten(p.title, TITLE_CHARS)} ({p.date or 'undated'}) → audit "
            f"{c.id} {shorten(c.title, TITLE_CHARS)} ({c.date or 'undated'}) · "
            f"{shorten(c.auditee, TITLE_CHARS)} · {versions}\n"
            f"{counts}\nRepeat findings {s['repeat_findings']}  ·  previous findings "
            f"{s['previous_findings']}, {s['previous_findings_open']} still open, "
            f"{s['previous_findings_closed']} closed"
        ))
        self._fill_findings(result)
        self._fill_items()

    def _fill_items(self) -> None:
        table = self.query_one("#comparison-items", FitTable)
        kind = FILTERS[self.filter_index]
        rows = []
        if self.comparison is not None:
            for item in self.comparison.items:
                if kind is not None and item.change != kind:
                    continue
                label = CHANGE_LABELS[item.change]
                if self.comparison.across_editions:
                    label += f" (from {', '.join(item.mapped_from)})" if item.mapped_from \
                        else " (not in the mapping)"
                elif item.only_in:
                    label += f" (only in {item.only_in})"
                rows.append(((item.ref, item.title, _result(item.previous),
                              _result(item.current),
                              Text(label, style=CHANGE_STYLES[item.change])), item.ref))
        table.set_rows(rows)
        shown = len(rows)
        which = "all items" if kind is None else f"{CHANGE_LABELS[kind]} items"
        self.query_one("#comparison-filter", Static).update(
            f"Showing {which}: {shown}  ·  f next filter  ·  a all")

    def _fill_findings(self, result: Comparison) -> None:
        rows = []
        for f in result.findings:
            repeated = ", ".join(f.repeated_by)
            ref = f"{f.ref} → {', '.join(f.maps_to) or 'none'}" \
                if result.across_editions else f.ref
            rows.append(((f.id, ref, grade_label(f.grade), status_label(f.status),
                          Text(repeated, style="bold red") if repeated else "",
                          " ".join(f.statement.split())[:70]), f.id))
        self.query_one("#comparison-findings", FitTable).set_rows(rows)
        repeats = self.query_one("#comparison-repeats", Static)
        if result.repeats:
            repeats.update("Repeat findings in this audit: " + ", ".join(
                f"{r.id} on {r.ref} ({grade_label(r.grade)}, repeat of {r.repeat_of})"
                for r in result.repeats))
        else:
            repeats.update("No repeat findings in this audit.")

    @property
    def current_filter(self) -> Change | None:
        return FILTERS[self.filter_index]

    def action_next_filter(self) -> None:
        self.filter_index = (self.filter_index + 1) % len(FILTERS)
        self._fill_items()

    def action_previous_filter(self) -> None:
        self.filter_index = (self.filter_index - 1) % len(FILTERS)
        self._fill_items()

    def action_show_all(self) -> None:
        self.filter_index = 0
        self._fill_items()

    def action_back(self) -> None:
        self.app.pop_screen()
