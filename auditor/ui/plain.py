"""Text from people and files, made safe for the widget that shows it: never read as
markup, and a control character (an escape sequence that would retitle or clear the
terminal) shown as its escape. Stopped on display, so that text stored before this rule,
or brought in by a restored database, is safe too."""

from __future__ import annotations

from textual.markup import escape

from auditor.domain.text import escape_controls


def controls_shown(text: object) -> str:
    """Control characters as their escapes; line breaks kept."""
    return "\n".join(escape_controls(line) for line in str(text).split("\n"))


def markup_safe(text: object) -> str:
    """User text placed inside our own markup: brackets escaped, controls shown."""
    return escape(controls_shown(text))
