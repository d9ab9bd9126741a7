"""Saying why a form was refused: the message under the field it names, else at the top
of the form; any earlier message cleared. One place for every form screen."""

from __future__ import annotations

from collections.abc import Container

from textual.screen import Screen
from textual.widgets import Static

from auditor.ui.plain import controls_shown


def show_field_error(screen: Screen, fields: Container[str], name: str | None,
                     message: str) -> None:
    """`message` under field `name` (one of `fields`, each with an `#NAME-error` Static
    below its `#NAME` input) and the focus put there; else in `#form-error`. The message
    may quote what was typed: its control characters are shown as escapes."""
    for error in screen.query(".field-error"):
        if isinstance(error, Static):
            error.update("")
        error.remove_class("shown")
    known = name is not None and name in fields
    error = screen.query_one(f"#{name}-error" if known else "#form-error", Static)
    error.update(controls_shown(message))
    error.add_class("shown")
    if known:
        screen.query_one(f"#{name}").focus()
