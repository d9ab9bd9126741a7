"""Every key of the screen it was opened from, read from the bindings themselves so the
list never drifts from what the keys do."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from auditor.ui.widgets.row_table import RowTable

Section = tuple[str, Sequence[Binding]]


def binding_rows(app, sections: Iterable[Section]) -> list[tuple[str, str, str]]:
    """(section, keys, what it does) for every binding that has a description."""
    rows = []
    seen: set[tuple[str, str]] = set()
    for title, bindings in sections:
        for binding in bindings:
            if not isinstance(binding, Binding):
                binding = Binding(*binding)
            if not binding.description:
                continue
            keys = ", ".join(
                app.get_key_display(Binding(key.strip(), binding.action,
                                            key_display=binding.key_display))
                for key in binding.key.split(",")
            )
            if (keys, binding.description) in seen:
                continue
            seen.add((keys, binding.description))
            rows.append((title, keys, binding.description))
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss_help", "Close", id="help.close")]

    def __init__(self, title: str, sections: Iterable[Section]) -> None:
        super().__init__()
        self.title_text = title
        self.sections = list(sections)

    def compose(self) -> ComposeResult:
        with Vertical(id="help", classes="dialog"):
            yield Static(f"Keys: {self.title_text}", classes="dialog-title", markup=False)
            yield RowTable("Where", "Key", "Does", id="help-keys")
            yield Static("escape, ? or q closes this list", classes="dialog-hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for row in binding_rows(self.app, self.sections):
            table.add_row(*row)
        table.focus()

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
