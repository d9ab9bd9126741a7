"""Asks for the path of a file: to read (a file to attach as evidence, a workbook the
auditee sent back) or to write (the NC report). The path completes as it is typed (the
right arrow takes the suggestion). A path that will not do is said at the field and kept
there to be corrected."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from auditor.domain.files import not_a_file
from auditor.ui.compat import InOrderInput
from auditor.ui.path_suggester import PathSuggester


def check_file_path(text: str, what: str = "the file") -> tuple[Path | None, str]:
    """The file a typed path names, or None and why not (`what` names it when empty)."""
    typed = text.strip().strip("'\"")
    if not typed:
        return None, f"type the path of {what}"
    path = Path(typed).expanduser()
    problem = not_a_file(path)
    if problem is not None:
        return None, f"{path}: {problem}"
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        return None, f"{path}: cannot be read ({exc.strerror})"
    return path, ""


def check_new_file_path(text: str, suffix: str | tuple[str, ...]
                        ) -> tuple[Path | None, str]:
    """The file a typed path names for writing, or None and why not: its name must end
    in the suffix (one of them, when several: the suffix picks the format), its folder
    must exist and the file must not (nothing the auditee sent back is overwritten)."""
    suffixes = (suffix,) if isinstance(suffix, str) else suffix
    named = suffixes[0] if len(suffixes) == 1 else \
        ", ".join(suffixes[:-1]) + f" or {suffixes[-1]}"
    typed = text.strip().strip("'\"")
    if not typed:
        return None, "type the path of the file to write"
    path = Path(typed).expanduser()
    if path.is_dir():
        return None, f"{path}: is a folder; add a file name ending in {named}"
    if path.suffix.lower() not in suffixes:
        return None, f"{path}: the name must end in {named}"
    if not path.parent.is_dir():
        return None, f"{path.parent}: no such folder"
    if path.exists() or path.is_symlink():
        return None, f"{path}: exists already; choose another name"
    return path, ""


class AskPathScreen(ModalScreen[Path | None]):
    """Dismisses with the path of an existing, readable file, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ask_path.cancel")]

    def __init__(self, title: str, *, what: str, ok_label: str, placeholder: str = "",
                 hint: str = "", initial: str = "",
                 new_suffix: str | tuple[str, ...] | None = None) -> None:
        """`new_suffix` asks for a file to write with that suffix (or one of those)
        instead of one to read."""
        super().__init__()
        self.initial = initial
        self.new_suffix = new_suffix
        self.title_text = title
        self.what = what
        self.ok_label = ok_label
        self.placeholder = placeholder
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="ask-path", classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield InOrderInput(self.initial, id="ask-path-input", placeholder=self.placeholder,
                               suggester=PathSuggester())
            yield Static("", id="ask-path-error", classes="field-error", markup=False)
            if self.hint:
                yield Static(self.hint, classes="dialog-hint", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.ok_label, id="ask-path-ok", variant="primary", compact=True)
                yield Button("Cancel", id="ask-path-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#ask-path-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._try()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ask-path-ok":
            self._try()
        else:
            self.dismiss(None)

    def _try(self) -> None:
        typed = self.query_one("#ask-path-input", Input).value
        path, problem = (check_new_file_path(typed, self.new_suffix) if self.new_suffix
                         else check_file_path(typed, self.what))
        error = self.query_one("#ask-path-error", Static)
        error.update(problem)
        error.set_class(bool(problem), "shown")
        if path is not None:
            self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
