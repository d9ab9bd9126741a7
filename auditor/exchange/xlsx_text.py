"""User text in and out of a workbook cell: always text, never a formula.

`put_text` is the one way any user-typed text reaches a cell. openpyxl guesses that a
string starting with `=` is a formula; we set the cell's type to string after it has
guessed, so the text is written as an inline string (`t="inlineStr"`) that every
spreadsheet application shows literally, with no apostrophe in front. Texts starting
with `+`, `-`, `@`, tab or CR are strings too, and stay strings for the same reason.

What a cell cannot hold is dealt with here, once:
- characters XML 1.0 forbids (control characters, lone surrogates, U+FFFE/U+FFFF) are
  dropped, and CR or CRLF becomes LF (XML readers turn a raw CR into LF anyway, so the
  text would not round-trip otherwise);
- a literal `_xHHHH_` is escaped as `_x005F_xHHHH_`, because Excel decodes that pattern
  as a character code (LibreOffice decodes `_x005F_` and control characters);
  `read_text` decodes it back;
- Excel holds at most 32,767 characters (UTF-16 code units) in a cell: a longer text is
  cut and ends with a marker saying how long the full text is.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, time
from typing import Any

from openpyxl.cell import WriteOnlyCell

MAX_CELL_UNITS = 32_767

# XML 1.0 forbids these; openpyxl refuses the control characters and the XML writer
# would emit lone surrogates and U+FFFE/U+FFFF into a file no application opens.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Every underscore that starts an `_xHHHH_` (also one that ends another: `_x005F_x0041_`).
_ESCAPE_LIKE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
# What reading decodes: the escaped underscore and control characters, the escapes that
# Excel and LibreOffice both write and read alike. (openpyxl itself already drops the
# `x005F_` of shared strings; decoding no more than this keeps a second pass harmless.)
_ESCAPED = re.compile(r"_x(005[Ff]|00[01][0-9A-Fa-f])_")


# Below this many characters a text cannot reach the cap even if it were all emoji and
# escapes (each at most doubles it), so the common case skips the counting.
_SURELY_FITS = MAX_CELL_UNITS // 4


def _units(text: str) -> int:
    """Length as Excel counts it: UTF-16 code units (an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, units: int) -> str:
    """The longest prefix of `text` within `units` UTF-16 code units."""
    used = 0
    for index, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > units:
            return text[:index]
    return text


def cut_marker(full_length: int) -> str:
    return (f"\n[… cut: the full text has {full_length:,} characters, more than a "
            f"spreadsheet cell holds; the audit in auditor has all of it]")


def workbook_text(value: Any) -> str:
    """The text as it is shown in the cell: writable characters, LF line breaks, capped."""
    text = "" if value is None else str(value)
    text = _UNWRITABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) <= _SURELY_FITS or _units(_escape(text)) <= MAX_CELL_UNITS:
        return text
    marker = cut_marker(len(text))
    budget = MAX_CELL_UNITS - _units(marker)
    while True:
        kept = _cut(text, budget)
        excess = _units(_escape(kept)) - (MAX_CELL_UNITS - _units(marker))
        if excess <= 0:
            return kept + marker
        budget -= excess


def xml_text(value: Any, limit: int = 255) -> str:
    """Text for a workbook part that is plain XML, not a cell (the document properties in
    docProps/core.xml): what XML 1.0 cannot hold is dropped (a \\x0b in a title made the
    part malformed, and auditor could not read its own export back), at most `limit`
    characters, and no `_xHHHH_` escaping, which only cells have."""
    return _UNWRITABLE.sub("", str(value))[:limit]


def _escape(text: str) -> str:
    return _ESCAPE_LIKE.sub("_x005F_", text)


def put_text(cell, value: Any):
    """Write user text into `cell` as a string, whatever it starts with; returns the cell."""
    text = workbook_text(value)
    if not text:
        cell.value = None  # an empty cell, not an empty string: nothing to misread
        return cell
    # Set as a string directly: openpyxl would guess 'f' for a leading `=`, and there is
    # nothing left for its own check to refuse (workbook_text dropped it, and capped it).
    cell._value = _escape(text)
    cell.data_type = "s"
    return cell


def text_cell(ws, value: Any, style=None):
    """A write-only cell holding user text, optionally sharing `style`'s formatting; None
    (no cell: the column's style applies) when the text is empty."""
    cell = put_text(WriteOnlyCell(ws), value)
    if cell._value is None:
        return None
    if style is not None:
        # The template's style array, shared: a written cell is never restyled, and
        # sharing saves a lookup and a copy per cell.
        cell._style = style._style
    return cell


def read_text(value: Any) -> str:
    """A cell's value as the text a user sees (the reverse of `put_text`)."""
    if type(value) is str:  # the common case first: every cell of an import passes here
        if "_x" in value:
            value = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), value)
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), str(value))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_hash(text: str) -> str:
    """A short fingerprint of a cell's text, to notice edits of the auditor's columns."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
