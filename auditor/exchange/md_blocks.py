"""The building blocks of every Markdown document auditor writes (CommonMark with GitHub
tables): user text escaped inline or as paragraphs, tables, labelled fields.

User text is text: every ASCII punctuation character that can be markup is
backslash-escaped (one rule, so `# x`, `[link](javascript:...)`, `<script>`, `*`, a
backtick and `|` all show as typed and none becomes markup), leading spaces become
no-break spaces (no indented code block), line breaks are hard breaks and blank lines
start a new paragraph; in a table cell or a heading the text is on one line. Only the
words and marks of our own are markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from auditor.domain.text import one_line

# Every ASCII punctuation character that any CommonMark or GFM construct (or a common
# extension: math, footnotes, bare-address links) starts or ends with; the others
# (`,` `'` `"` `;` `%` `?` `/`) are never markup and stay as typed, for a readable file.
_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&=:@$^])")
_LEADING = re.compile(r"^[ \t]+")


def inline(text: str) -> str:
    """User text on one line, every ASCII punctuation character escaped."""
    return _PUNCTUATION.sub(r"\\\1", one_line(text))


def block(text: str) -> str:
    """User text of several lines as paragraphs: hard breaks within, blank lines
    between, escaped as `inline` is."""
    paragraphs = []
    for chunk in re.split(r"\n[ \t]*\n", text.strip("\n")):
        lines = []
        for line in chunk.split("\n"):
            line = line.rstrip()
            lead = _LEADING.match(line)
            indent = "\u00a0" * len(lead.group(0).expandtabs(4)) if lead else ""
            lines.append(indent + _PUNCTUATION.sub(r"\\\1", line.lstrip().replace("\t", " ")))
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
