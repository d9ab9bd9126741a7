"""Small text rules used at every boundary: a day typed as text, a value quoted on one
line, a value shortened for a narrow place. One definition each (the TUI, the command
line and the file formats all call these)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

ELLIPSIS = "\u2026"


def parse_day(value: object) -> date | None:
    """A day given as a date, a datetime or YYYY-MM-DD text; blank text is no day.
    Raises ValueError saying what was wrong."""
    if isinstance(value, datetime):
        return value.date()
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        raise ValueError(f"{text!r} is not a date; type it as YYYY-MM-DD")
    raise ValueError(f"{value!r} is not a date; type it as YYYY-MM-DD")


def escape_controls(text: object) -> str:
    """Something a person typed or a file held, safe on one terminal line: a control
    character (an escape sequence, a line or paragraph separator) is written as its
    escape, so it cannot drive the terminal or break the line."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(text))


def without_controls(text: str) -> str:
    """Text kept as it came in, less what no screen or document can show: control and
    format characters (an escape sequence, a bell, a bidi override), line breaks and tabs
    aside. Where text from a file is taken in (the auditee's workbook) and where stored
    text goes into a field the user edits."""
    if text.isprintable() or text.replace("\n", "").replace("\t", "").isprintable():
        return text  # the common case, found in C: a report's thousands of texts
    return "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())


def one_line(text: str) -> str:
    """Runs of white space, line breaks included, as one space."""
    return " ".join(text.split())


def shorten(text: str, limit: int, *, at_word: bool = False) -> str:
    """`text` on one line and at most `limit` characters, an ellipsis marking a cut;
    `at_word` cuts at the last space before the limit (for titles made from prose)."""
    line = one_line(text)
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if at_word and " " in cut:
        cut = cut.rsplit(" ", 1)[0].rstrip(",;:")
    return cut + ELLIPSIS


def filled(row: object, templates: Iterable[tuple[str, str]]) -> list[str]:
    """One line per field of `row` that holds something, each written by its template
    (`("Root cause: {}", "root_cause")`); empty fields give no line. The value is the
    template's argument, never part of the template."""
    lines = []
    for template, name in templates:
        value = getattr(row, name)
        if value:
            lines.append(template.format(value))
    return lines
