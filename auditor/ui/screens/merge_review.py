"""Review of a bundle's merge before anything of it is applied: what will change (their
one-sided changes and new records) and each conflict with both values, who changed each
and when. The highlighted conflict is resolved with `m` (keep mine) or `t` (take theirs);
`a` applies everything in one transaction, only once every conflict is resolved; escape
leaves with nothing applied. Dismisses with the choices, or None.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from auditor.domain.merge import FieldKey, MergePlan, Side
from auditor.domain.text import shorten
from auditor.ui.plain import controls_shown
from auditor.ui.widgets.key_bar import KeyBar
from auditor.ui.widgets.row_table import RowTable

SHOWN_CHARS = 16
DETAIL_CHARS = 120
CHOSEN = {"mine": "mine", "theirs": "theirs"}


def shown(value: str) -> str:
    return shorten(value.replace("\n", " / "), SHOWN_CHARS) if value else "(empty)"


def record_label(entity: str, record: str) -> str:
    if entity == "audit":
        return "audit"
    if entity in ("evidence", "session", "sample"):
        return f"{entity} {record[:8]}"
    return f"{entity} {record}"


def when(at: str) -> str:
    """`2026-03-03T10:12:44Z` as `03-03 10:12` (UTC, as the log keeps it)."""
    return at[5:16].replace("T", " ")


class MergeReviewScreen(Screen):
    """The merge of bundle `source` into audit `audit_id`, as `plan` says."""

    BINDINGS = [
        Binding("m", "choose('mine')", "Keep mine", id="merge.mine"),
        Binding("t", "choose('theirs')", "Take theirs", id="merge.theirs"),
        Binding("a", "apply", "Apply all", id="merge.apply"),
        Binding("escape", "cancel", "Cancel", id="merge.cancel"),
    ]

    def __init__(self, plan: MergePlan, audit_id: int | None, source: str) -> None:
        super().__init__()
        self.plan = plan
        self.audit_id = audit_id
        self.source = source
        self.choices: dict[FieldKey, Side] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="merge-summary", markup=False)
        # The choice first after what it is about: at 80 columns the values run off.
        yield RowTable("Conflict", "Field", "Choice", "Mine", "By, when", "Theirs",
                       "By, when", id="merge-conflicts")
        yield Static("", id="merge-detail", markup=False)
        yield Static("What will change", id="merge-changes-title", markup=False)
        yield RowTable("Record", "Field", "Their value", id="merge-changes")
        yield KeyBar(id="key-bar")

    def on_mount(self) -> None:
        self.title = controls_shown(f"Merge {self.source} into audit {self.audit_id}")
        changes = self.query_one("#merge-changes", DataTable)
        new = set(self.plan.new_records)
        for entity, record in self.plan.new_records:
            changes.add_row(record_label(entity, record), "(new)", "")
        for (entity, record, field), value in self.plan.takes.items():
            if (entity, record) not in new:
                changes.add_row(record_label(entity, record), field, shown(value))
        conflicts = self.query_one("#merge-conflicts", DataTable)
        for c in self.plan.conflicts:
            conflicts.add_row(record_label(c.entity, c.record), c.field, "open",
                              shown(c.mine), f"{c.mine_by}, {when(c.mine_at)}",
                              shown(c.theirs), f"{c.theirs_by}, {when(c.theirs_at)}",
                              key="|".join(c.key))
        (conflicts if self.plan.conflicts else changes).focus()
        self.show_summary()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted conflict in full: at 80 columns their value is off to the side."""
        if event.data_table.id != "merge-conflicts" or not self.plan.conflicts:
            return
        c = self.plan.conflicts[event.cursor_row]
        detail = (f"{record_label(c.entity, c.record)} {c.field}\n"
                  f"mine:   {shorten(c.mine, DETAIL_CHARS)!r} ({c.mine_by}, {when(c.mine_at)})\n"
                  f"theirs: {shorten(c.theirs, DETAIL_CHARS)!r} ({c.theirs_by}, "
                  f"{when(c.theirs_at)})")
        self.query_one("#merge-detail", Static).update(controls_shown(detail))

    def open_conflicts(self) -> int:
        return sum(1 for c in self.plan.conflicts if c.key not in self.choices)

    def show_summary(self) -> None:
        plan = self.plan
        left = self.open_conflicts()
        text = (f"{len(plan.new_gids)} change-log entries, {len(plan.takes)} field changes, "
                f"{len(plan.new_records)} new records; {len(plan.conflicts)} conflicts, "
                f"{left} open. ")
        text += ("m keeps mine, t takes theirs for the highlighted conflict; a applies "
                 "everything when none is open" if left else
                 "a applies everything in one transaction; escape applies nothing")
        self.query_one("#merge-summary", Static).update(controls_shown(text))

    def action_choose(self, side: str) -> None:
        table = self.query_one("#merge-conflicts", DataTable)
        if not self.plan.conflicts or table.row_count == 0:
            return
        conflict = self.plan.conflicts[table.cursor_row]
        self.choices[conflict.key] = "mine" if side == "mine" else "theirs"
        table.update_cell("|".join(conflict.key), table.ordered_columns[2].key,
                          CHOSEN[side], update_width=True)
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)
        self.show_summary()

    def action_apply(self) -> None:
        left = self.open_conflicts()
        if left:
            self.notify(f"{left} conflicts are open: resolve each with m or t first; "
                        "nothing was applied", severity="warning")
            return
        self.dismiss(dict(self.choices))

    def action_cancel(self) -> None:
        self.dismiss(None)
