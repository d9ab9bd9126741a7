"""Asks for the path of a file to attach as evidence; a path that is not a readable file
is said at the field and kept there to be corrected."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static


def check_evidence_path(text: str) -> tuple[Path | None, str]:
    """The file a typed path names, or None and why not."""
    typed = text.strip().strip("'\"")
    if not typed:
        return None, "type the path of the file to attach"
    path = Path(typed).expanduser()
    if not path.exists():
        return None, f"{path}: no such file"
    if not path.is_file():
        return None, f"{path}: not a file (a folder?)"
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        return None, f"{path}: cannot be read ({exc.strerror})"
    return path, ""


class AttachFileScreen(ModalScreen[Path | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="attach.cancel")]

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref

    def compose(self) -> ComposeResult:
        with Vertical(id="attach", classes="dialog"):
            yield Static(f"Attach a file to {self.ref}", classes="dialog-title", markup=False)
            yield Input(id="attach-path", placeholder="~/Screenshots/release-approval.png")
            yield Static("", id="attach-path-error", classes="field-error", markup=False)
            yield Static("The file is copied into the evidence folder and identified by "
                         "its SHA-256.", classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Attach", id="attach-ok", variant="primary", compact=True)
                yield Button("Cancel", id="attach-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#attach-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._try()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "attach-ok":
            self._try()
        else:
            self.dismiss(None)

    def _try(self) -> None:
        path, problem = check_evidence_path(self.query_one("#attach-path", Input).value)
        error = self.query_one("#attach-path-error", Static)
        error.update(problem)
        error.set_class(bool(problem), "shown")
        if path is not None:
            self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
