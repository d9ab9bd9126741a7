"""Choose two audits to compare: first the previous one, then the current one among the
audits on the same checklist or on one that an imported requirement mapping links to it
(others cannot be compared). Dismisses with `(previous_id, current_id)`, or None when the
user backs out."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from auditor.domain.vocab import status_label
from auditor.ui.edition_maps import stored_maps
from auditor.ui.widgets.key_bar import KeyBar
from auditor.ui.widgets.row_table import Column, FitTable


class ChooseAuditsScreen(ModalScreen[tuple[int, int] | None]):
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, store, highlight: int | None = None) -> None:
        super().__init__()
        self.store = store
        self.highlight = highlight
        self.summaries = store.audit_summaries()
        self.previous_id: int | None = None
        self.linked: set[frozenset[str]] = set()

    def compose(self) -> ComposeResult:
        with Vertical(id="choose-audits"):
            yield Static("", id="choose-audits-prompt", markup=False)
            # The audit, its title and status always; the type, the auditee and the
            # checklist (in the prompt once the previous audit is chosen) as room allows.
            yield FitTable(Column("Audit"), Column("Title", grow=True, least=24),
                           Column("Auditee", drop=2, most=30), Column("Type", drop=3),
                           Column("Status"), Column("Checklist", drop=1),
                           id="choose-audits-table")
        yield KeyBar(id="key-bar")

    def on_mount(self) -> None:
        self.linked = {frozenset((m.source_id, m.target_id)) for m in stored_maps(self)}
        self._fill()
        self.query_one(DataTable).focus()

    def _fill(self) -> None:
        table = self.query_one(FitTable)
        rows = self.summaries
        if self.previous_id is None:
            text = "Compare audits: choose the PREVIOUS audit (Enter)"
        else:
            first = next(s for s in rows if s.audit.id == self.previous_id)
            editions = {c for pair in self.linked if first.checklist_id in pair for c in pair}
            editions.discard(first.checklist_id)
            rows = [s for s in rows if (s.checklist_id == first.checklist_id
                                        or s.checklist_id in editions)
                    and s.audit.id != first.audit.id]
            also = f" or {', '.join(sorted(editions))} (linked by a mapping)" \
                if editions else ""
            text = (f"Previous: audit {first.audit.id} {first.audit.title}. Choose the "
                    f"CURRENT audit on {first.checklist_id}{also} (Enter; Escape goes back)")
        table.set_rows(((str(s.audit.id), s.audit.title, s.audit.auditee, s.audit.type,
                         status_label(s.audit.status),
                         f"{s.checklist_id} {s.checklist_version}"), str(s.audit.id))
                       for s in rows)
        if not rows:
            text += "\nNo other audit on this checklist."
        self.query_one("#choose-audits-prompt", Static).update(text)
        if rows and self.highlight is not None and self.previous_id is None:
            ids = [s.audit.id for s in rows]
            if self.highlight in ids:
                table.move_cursor(row=ids.index(self.highlight))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        chosen = int(event.row_key.value)
        if self.previous_id is None:
            self.previous_id = chosen
            self._fill()
        else:
            self.dismiss((self.previous_id, chosen))

    def action_back(self) -> None:
        if self.previous_id is None:
            self.dismiss(None)
        else:
            self.highlight = self.previous_id
            self.previous_id = None
            self._fill()
            self.highlight = None
