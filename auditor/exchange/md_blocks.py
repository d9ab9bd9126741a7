"""The building blocks of every Markdown document auditor writes (CommonMark with GitHub
tables): user text escaped inline or as paragraphs, tables, labelled fields.

User text is text, and reads as typed: only what CommonMark or GitHub Markdown would take
for markup is backslash-escaped. Anywhere in a line: a backslash, a backtick, `*`, `~`,
`[`, `]`, `<`, `|`, `_` not inside a word, `&` that starts an entity (`&amp;`), and `$`
(GitHub's math). At the start of a line, or of a text put where a line starts: `#`
headings, `>` quotes, `-` and `+` list items and rules, `=` underlines, `1.` and `1)`
list numbers; and a run of `#` at the end (a heading's closing marks). So `# x`,
`[link](javascript:...)`, `<script>`, `**bold**`, a backtick and `|` all show as typed and
none becomes markup, while full stops, colons, parentheses, hyphens, `!` and `#1` in a
sentence stay as they are. Leading spaces become no-break spaces (no indented code
block), line breaks are hard breaks and blank lines start a new paragraph; in a table
cell or a heading the text is on one line. Only the words and marks of our own are
markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from auditor.domain.text import one_line

# Escaped wherever they stand; the backslash first, so no escape is escaped again.
_ALWAYS = ("\\", "`", "*", "~", "[", "]", "<", "|", "$")
# `_` emphasis needs a side outside a word; `&` is markup only as an entity.
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LINE_START = re.compile(r"^(?:(#{1,6})(?=[ \t]|$)|(>)|([-+])(?=[ \t]|$)|(-)(?=-*[ \t]*$)"
                         r"|(=)(?==*[ \t]*$)|(\d{1,9})([.)])(?=[ \t]|$))")
_CLOSING_HASHES = re.compile(r"(?<=[ \t])(#+)[ \t]*$")
_LEADING = re.compile(r"^[ \t]+")
_STARTERS = frozenset("#>-+=0123456789")


def _line_start(match: re.Match[str]) -> str:
    heading, quote, marker, rule, underline, number, dot = match.groups()
    if number is not None:
        return f"{number}\\{dot}"
    return "\\" + (heading or quote or marker or rule or underline)


def escaped(line: str) -> str:
    """One line of user text with what Markdown would read as markup escaped."""
    text = line
    for ch in _ALWAYS:  # str.replace per character beats one regex: most text has none
        if ch in text:
            text = text.replace(ch, "\\" + ch)
    if "_" in text:
        text = _UNDERSCORE.sub(r"\\_", text)
    if "&" in text:
        text = _ENTITY.sub(r"\\&", text)
    if text[:1] in _STARTERS:  # most lines start with a letter: no pattern to try
        text = _LINE_START.sub(_line_start, text, count=1)
    if "#" in text:
        text = _CLOSING_HASHES.sub(r"\\\1", text)
    return text


def inline(text: str) -> str:
    """User text on one line, escaped as if it started a line (in a table cell, after a
    list marker or a heading's marks it may)."""
    return escaped(one_line(text))


def block(text: str) -> str:
    """User text of several lines as paragraphs: hard breaks within, blank lines
    between, each line escaped."""
    if "\n" not in text and text[:1] not in " \t":  # one line: most fields
        return escaped(text.rstrip().replace("\t", " "))
    paragraphs = []
    for chunk in re.split(r"\n[ \t]*\n", text.strip("\n")):
        lines = []
        for line in chunk.split("\n"):
            line = line.rstrip()
            lead = _LEADING.match(line)
            indent = "\u00a0" * len(lead.group(0).expandtabs(4)) if lead else ""
            lines.append(indent + escaped(line.lstrip().replace("\t", " ")))
        paragraphs.append("\\\n".join(lines))
    return "\n\n".join(p for p in paragraphs if p)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A table whose cells are already escaped (or are ours)."""
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out.extend("| " + " | ".join(cell or " " for cell in row) + " |" for row in rows)
    return out + [""]


def field(label: str, text: str) -> list[str]:
    """A bold label and the user's text under it; nothing for empty text."""
    if not text.strip():
        return []
    return [f"**{label}:**", "", block(text), ""]


def bullets(lines: Sequence[str]) -> list[str]:
    """A list of user texts, each on one line."""
    return [f"- {inline(line)}" for line in lines] + [""]
