"""Tables of audit data. What a cell holds came from a person or a file (a title, an
auditee, a statement, a checklist's titles), so a text cell is shown as it is: never read
as markup (`Q3 audit [/b]` once stopped the app at every start), and a control character
in it is shown as its escape, never sent to the terminal. `TextTable` is the one
boundary where that happens for tables; `RowTable` adds the row cursor, the stripes and
the columns named where it is made, for the list screens."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from auditor.ui.plain import controls_shown


def literal(value: Any) -> Any:
    """A str cell as plain text (its line breaks kept); anything else as it is."""
    if not isinstance(value, str):
        return value
    return Text(controls_shown(value))


class TextTable(DataTable):
    def add_row(self, *cells: Any, **kwargs: Any) -> Any:
        return super().add_row(*(literal(c) for c in cells), **kwargs)

    def update_cell(self, row_key: Any, column_key: Any, value: Any, **kwargs: Any) -> None:
        super().update_cell(row_key, column_key, literal(value), **kwargs)

    def update_cell_at(self, coordinate: Any, value: Any, **kwargs: Any) -> None:
        super().update_cell_at(coordinate, literal(value), **kwargs)


class RowTable(TextTable):
    def __init__(self, *columns: str, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        # Made inside compose, where the app is active: the columns measure their labels.
        self.add_columns(*columns)
