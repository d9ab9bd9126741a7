"""Tables of audit data. What a cell holds came from a person or a file (a title, an
auditee, a statement, a checklist's titles), so a text cell is shown as it is: never read
as markup (`Q3 audit [/b]` once stopped the app at every start), and a control character
in it is shown as its escape, never sent to the terminal. `TextTable` is the one
boundary where that happens for tables; `RowTable` adds the row cursor, the stripes and
the columns named where it is made, for the list screens; `FitTable` fits its columns to
its width, leaving out the least needed first, so the essential ones stay in sight at
80 columns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from auditor.ui.plain import controls_shown


def literal(value: Any) -> Any:
    """A str cell as plain text (its line breaks kept); anything else as it is."""
    if not isinstance(value, str):
        return value
    return Text(controls_shown(value))


class TextTable(DataTable):
    """`squeeze` names a column that gets only the room the others leave in the table's
    width (at least `SQUEEZED_LEAST` cells), so that the columns after it stay in sight
    however long its texts are."""

    SQUEEZED_LEAST = 3

    def __init__(self, *args: Any, squeeze: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.squeeze = squeeze
        self._fit_due = False

    def add_row(self, *cells: Any, **kwargs: Any) -> Any:
        key = super().add_row(*(literal(c) for c in cells), **kwargs)
        self._fit_later()
        return key

    def update_cell(self, row_key: Any, column_key: Any, value: Any, **kwargs: Any) -> None:
        super().update_cell(row_key, column_key, literal(value), **kwargs)
        self._fit_later()

    def update_cell_at(self, coordinate: Any, value: Any, **kwargs: Any) -> None:
        super().update_cell_at(coordinate, literal(value), **kwargs)
        self._fit_later()

    def on_resize(self) -> None:
        self._fit_later()

    def _fit_later(self) -> None:
        if self.squeeze is not None and not self._fit_due and self.is_attached:
            self._fit_due = True
            self.call_after_refresh(self._fit_squeezed)

    def _fit_squeezed(self) -> None:
        """Give the squeezed column its room: the columns are laid out again (with the
        rows, the cursor kept) only when its width has to change."""
        self._fit_due = False
        squeezed = next((c for c in self.ordered_columns if c.key == self.squeeze), None)
        if squeezed is None or not self.size.width:
            return
        others = sum(c.get_render_width(self) for c in self.ordered_columns
                     if c is not squeezed)
        room = (self.size.width - self.styles.scrollbar_size_vertical - others
                - 2 * self.cell_padding)
        natural = max([cell_width(squeezed.label),
                       *(cell_width(self.get_cell(row.key, squeezed.key))
                         for row in self.ordered_rows)])
        width: int | None = None if room >= natural else max(self.SQUEEZED_LEAST, room)
        if width == (None if squeezed.auto_width else squeezed.width):
            return
        columns = [(c.key, c.label, width if c is squeezed else
                    (None if c.auto_width else c.width)) for c in self.ordered_columns]
        rows = [(row.key, self.get_row(row.key), row.height) for row in self.ordered_rows]
        cursor = self.cursor_coordinate
        self.clear(columns=True)
        for key, label, column_width in columns:
            self.add_column(label, width=column_width, key=key.value)
        for key, cells, height in rows:
            super().add_row(*cells, height=height, key=key.value)
        if rows:
            self.move_cursor(row=min(cursor.row, len(rows) - 1), column=cursor.column,
                             animate=False)


class RowTable(TextTable):
    def __init__(self, *columns: str, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        # Made inside compose, where the app is active: the columns measure their labels.
        self.add_columns(*columns)


@dataclass(frozen=True)
class Column:
    """A column of a `FitTable`. It is as wide as its widest cell (at most `most`); a
    `grow` column takes the room the others leave, down to `least`. When the room is
    short, the shown column with the highest `drop` is left out first; 0 is never left
    out (the table scrolls sideways when even those do not fit)."""

    label: str
    grow: bool = False
    drop: int = 0
    least: int = 8
    most: int | None = None


def cell_width(value: Any) -> int:
    """The width a cell needs: its longest line, in terminal cells."""
    text = value.plain if isinstance(value, Text) else str(value)
    return max((cell_len(line) for line in text.split("\n")), default=0)


def fit(columns: Sequence[Column], natural: Sequence[int], room: int,
        padding: int) -> list[int | None]:
    """Each column's width in `room` cells (`padding` around every cell), None for a
    column left out: the least needed go first, until the growing columns get their
    `least`."""
    shown = list(range(len(columns)))
    while True:
        widths = _share(columns, natural, shown, room, padding)
        if widths is not None:
            return [widths.get(i) for i in range(len(columns))]
        droppable = [i for i in shown if columns[i].drop]
        if not droppable:
            return [natural[i] if i in shown else None for i in range(len(columns))]
        shown.remove(max(droppable, key=lambda i: (columns[i].drop, i)))


def _share(columns: Sequence[Column], natural: Sequence[int], shown: list[int], room: int,
           padding: int) -> dict[int, int] | None:
    growing = sorted((i for i in shown if columns[i].grow), key=lambda i: natural[i])
    widths = {i: natural[i] for i in shown if not columns[i].grow}
    left = room - sum(widths.values()) - padding * len(shown)
    if left < 0:
        return None
    for n, i in enumerate(growing):
        width = min(natural[i], left // (len(growing) - n))
        if width < min(columns[i].least, natural[i]):
            return None
        widths[i] = width
        left -= width
    return widths


class FitTable(TextTable):
    """A row table whose columns fit its width: laid out again when the width changes,
    the least needed columns left out first (see `Column`). Rows are given whole with
    `set_rows`; the table shows the cells of the columns that fit."""

    def __init__(self, *columns: Column, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.spec = columns
        self._rows: list[tuple[tuple[Any, ...], str | None]] = []
        self._widths: list[int | None] | None = None

    @property
    def shown_labels(self) -> tuple[str, ...]:
        """The labels of the columns shown, in order."""
        return tuple(c.label for c, w in zip(self.spec, self._widths or ())
                     if w is not None)

    def set_rows(self, rows: Iterable[tuple[Sequence[Any], str | None]]) -> None:
        """Every row as (all its cells, row key): the table shows those that fit."""
        self._rows = [(tuple(literal(c) for c in cells), key) for cells, key in rows]
        self._lay_out(again=True)

    def on_resize(self) -> None:
        self._lay_out()

    def _room(self) -> int:
        width = self.size.width
        if not width:  # not laid out yet: every column, until the first resize
            return 10_000
        return width - self.styles.scrollbar_size_vertical

    def _lay_out(self, again: bool = False) -> None:
        natural = []
        for n, column in enumerate(self.spec):
            widest = max((cell_width(cells[n]) for cells, _ in self._rows), default=0)
            width = max(cell_len(column.label), widest)
            natural.append(min(width, column.most) if column.most else width)
        widths = fit(self.spec, natural, self._room(), 2 * self.cell_padding)
        if widths == self._widths and not again:
            return
        self._widths = widths
        row = self.cursor_row
        self.clear(columns=True)
        shown = [n for n, w in enumerate(widths) if w is not None]
        for n in shown:
            self.add_column(self.spec[n].label, width=widths[n], key=self.spec[n].label)
        for cells, key in self._rows:
            self.add_row(*(cells[n] for n in shown), key=key)
        if self._rows:
            self.move_cursor(row=min(max(row, 0), len(self._rows) - 1))
