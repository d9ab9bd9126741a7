"""A table read row by row: a row cursor, zebra stripes, its columns named where it is
made. Every list screen (history, programme, comparison, follow-up review, help, choosing
audits) shows one."""

from __future__ import annotations

from textual.widgets import DataTable


class RowTable(DataTable):
    def __init__(self, *columns: str, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        # Made inside compose, where the app is active: the columns measure their labels.
        self.add_columns(*columns)
