"""The change log of one item or one finding: when, who, which field, old and new value.

Items are logged under their ref, which repeats across audits, so an item's history is
asked for with its audit (`audit_id`); finding ids are unique in the database.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from auditor.domain.models import ChangeLog
from auditor.domain.text import shorten
from auditor.domain.vocab import Entity, field_label
from auditor.ui.plain import controls_shown
from auditor.ui.widgets.key_bar import KeyBar
from auditor.ui.widgets.row_table import Column, FitTable

_CELL_WIDTH = 38


def when(entry: ChangeLog) -> str:
    """The entry's time (stored in UTC) in the local time zone, to the second."""
    try:
        moment = datetime.fromisoformat(entry.at)
    except ValueError:
        return entry.at
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _shown(value: str | None) -> str:
    if value is None or value == "":
        return "—"
    return controls_shown(value)


def what(entry: ChangeLog, shown_for: str) -> str:
    """The field; in an item's history, a finding's entry says which finding."""
    if entry.entity != shown_for:
        return f"{entry.entity_id} {field_label(entry.field)}"
    return field_label(entry.field)


def _short(value: str | None) -> str:
    return shorten(_shown(value), _CELL_WIDTH)


class HistoryScreen(ModalScreen[None]):
    """`entity` is "item" (entity_id = ref, with `audit_id`) or "finding" (its code)."""

    BINDINGS = [Binding("escape", "close", "Close", id="history.close")]

    def __init__(self, store, entity: str, entity_id: str, title: str,
                 audit_id: int | None = None) -> None:
        super().__init__()
        self.store = store
        self.entity = entity
        self.entity_id = str(entity_id)
        self.heading = title
        self.audit_id = audit_id
        self.entries: list[ChangeLog] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="history", classes="dialog"):
            yield Static(controls_shown(self.heading), classes="dialog-title", markup=False)
            # When, which field and the new value always; who and the old value as room
            # allows (the line below shows the highlighted change whole).
            yield FitTable(Column("When"), Column("Who", drop=2, most=16), Column("Field"),
                           Column("Old", grow=True, drop=1, least=10),
                           Column("New", grow=True, least=20), id="history-table")
            yield Static("", id="history-detail", markup=False)
        yield KeyBar(id="key-bar")

    def on_mount(self) -> None:
        if self.entity == Entity.ITEM.value and self.audit_id is not None:
            self.entries = self.store.item_history(self.audit_id, self.entity_id)
        else:
            self.entries = self.store.history(
                audit_id=self.audit_id, entity=self.entity, entity_id=self.entity_id)
        table = self.query_one(FitTable)
        table.set_rows(((when(entry), Text(controls_shown(entry.actor)),
                         what(entry, self.entity), Text(_short(entry.old)),
                         Text(_short(entry.new))), str(entry.id))
                       for entry in self.entries)
        if not self.entries:
            self.query_one("#history-detail", Static).update("No changes recorded.")
        else:
            table.move_cursor(row=len(self.entries) - 1)
        table.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Values are cut short in the table; the highlighted one shows in full below."""
        entry = self.entries[event.cursor_row]
        self.query_one("#history-detail", Static).update(
            f"{what(entry, self.entity)}: {_shown(entry.old)} → {_shown(entry.new)}"
        )

    def action_close(self) -> None:
        self.dismiss(None)
