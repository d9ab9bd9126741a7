"""Text from people and files, made safe for the widget that shows it: never read as
markup, and a control character (an escape sequence that would retitle or clear the
terminal) shown as its escape. Stopped on display, so that text stored before this rule,
or brought in by a restored database, is safe too."""

from __future__ import annotations

from textual.content import Content
from textual.markup import escape

from auditor.domain.text import escape_controls, without_controls


def controls_shown(text: object) -> str:
    """Control characters as their escapes; line breaks kept."""
    return "\n".join(escape_controls(line) for line in str(text).split("\n"))


def editable(text: object) -> str:
    """Stored text put into a field the user edits (Input, TextArea). A field shows its
    value as it is, so a control character in it would reach the terminal, and showing
    its escape instead would save the escape as typed text: what cannot be shown is left
    out of the field (line breaks and tabs are text), and is gone once the field is
    saved."""
    return without_controls(str(text))


def markup_safe(text: object) -> str:
    """Our own words (binding labels) placed inside our own markup: brackets escaped.
    Not for user text: Textual's escape cannot show every text (a trailing backslash
    escapes the tag after it, a backslash before a bracket is lost); use `templated`."""
    return escape(controls_shown(text))


def templated(markup: str, **values: object) -> Content:
    """Our markup with user text in its `$name` variables: Textual puts a variable's value
    in as it is, never read as markup, so every text shows exactly (controls as escapes)."""
    return Content.from_markup(markup, **{k: controls_shown(v) for k, v in values.items()})


def joined(parts: list[Content], separator: str = "\n") -> Content:
    return Content(separator).join(parts)
