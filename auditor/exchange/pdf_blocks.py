"""The building blocks of every PDF document auditor writes (fpdf2, pure Python): the
font, a page with its mark and footer, text broken into lines, headings, fields, and
tables of short cells or of wrapped text.

The font: fpdf2's built-in fonts hold Latin-1 only, and auditor ships no font. A
document is set in DejaVu Sans when that TrueType font is installed in one of the usual
places (Debian's `fonts-dejavu-core`, which LibreOffice and most desktops bring, and
the folders Fedora, Arch and macOS use), so accents, Greek, Cyrillic, Hebrew and Arabic
letters print as typed; a character the font lacks (Chinese, for one) prints as `?`.
Without DejaVu it is set in Helvetica: accented letters are simplified where they can be
(`ő` as `o`, typographic quotes and dashes as plain ones) and any other character
outside Latin-1 prints as `?`. Either way every character of the PDF is one the font can
show. Right-to-left text is kept in the order typed (no shaping).

User text is only ever the text of cells (fpdf2's markdown is off), and a word longer
than the line is broken where the line ends.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from auditor.domain.text import one_line

FONT_FOLDERS = (
    Path("/usr/share/fonts/truetype/dejavu"),       # Debian, Ubuntu
    Path("/usr/share/fonts/dejavu-sans-fonts"),     # Fedora
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),                   # Arch
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
    Path.home() / "Library" / "Fonts",
)
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
AUTO = "auto"
_PLAIN = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"',
          "\u201e": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...",
          "\u2022": "-", "\u20ac": "EUR", "\u2192": "->", "\u2190": "<-",
          "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": ""}
LINE = 5.0
HEADING_SIZES = {0: 17, 1: 14, 2: 12, 3: 10.5}
GREY = (90, 90, 90)
SHADE = (232, 236, 242)


def find_font(folders: Iterable[Path] = FONT_FOLDERS) -> Path | None:
    """DejaVu Sans where the system keeps it, else None."""
    for folder in folders:
        path = folder / REGULAR
        if path.is_file():
            return path
    return None


def chosen_font(font: Path | None | str) -> Path | None:
    """AUTO: DejaVu Sans if the system has it; None: Helvetica; else that file."""
    return find_font() if font == AUTO else (Path(font) if font else None)


def latin1(text: str) -> str:
    """Text that Helvetica can show: Latin-1, the rest simplified or `?`."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ord(ch) < 256:
            out.append(ch)
        elif ch in _PLAIN:
            out.append(_PLAIN[ch])
        else:
            simple = "".join(c for c in unicodedata.normalize("NFKD", ch)
                             if ord(c) < 256 and not unicodedata.combining(c))
            out.append(simple or "?")
    return "".join(out)


def clause_columns(labels: Sequence[str], refs: Iterable[str], room: float,
                   measure: Callable[[str], float], margin: float) -> list[float]:
    """The results-by-clause table's column widths (clause, title, each count, items),
    in the unit of `measure` and `margin` (a cell's both margins): one rule for every
    document. Each count's column as wide as its label's longest word, the clause's as
    its widest reference or header, so no word is ever broken inside ("observation" and
    "Context" were in fixed or even widths); the title takes what is left."""
    def column(words: Iterable[str], least: float) -> float:
        return max(least, max((measure(word) for word in words), default=0.0) + margin)

    counts = [column(label.split(), 10.0) for label in (*labels, "Items")]
    clause = column(["Clause", *refs], 13.0)
    return [clause, room - clause - sum(counts), *counts]


@functools.cache
def bold_measure(size: float) -> Callable[[str], float]:
    """A word's width (mm) in bold at `size` in the font a PDF of ours is set in: an
    upper bound for Word's own fonts, which are narrower."""
    return DocumentPDF(title="", font=chosen_font(AUTO)).bold_measure(size)


class DocumentPDF(FPDF):
    """An A4 document: `mark` (a draft's) at the top of every page in red, `footer_line`
    (the seal, or the document's name) and the page number at the foot of every page."""

    def __init__(self, *, title: str, mark: str = "", footer_line: str = "",
                 font: Path | None = None, landscape: bool = False) -> None:
        super().__init__(orientation="L" if landscape else "P", format="A4")
        self.mark = mark
        self.footer_line = footer_line
        self._widths: dict[tuple[str, str, float], dict[str, float]] = {}
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)
        if font is not None:
            self.add_font("doc", "", font)
            bold = font.with_name(BOLD)
            self.add_font("doc", "B", bold if bold.is_file() else font)
            self.add_font("doc", "I", font)
            self.face = "doc"
            self.set_font("doc", size=10)
            shown = {chr(code) for code in getattr(self.current_font, "cmap", {})} | {"\n"}
            # most text is all in the font: one test in C, not a lookup a character
            self.fit: Callable[[str], str] = lambda text: text if shown.issuperset(text) \
                else "".join(ch if ch in shown else "?" for ch in text)
        else:
            self.face = "helvetica"
            self.fit = latin1
        self.set_title(self.fit(one_line(title))[:250])
        self.set_creator("auditor")

    # -- every page ---------------------------------------------------------------------

    def header(self) -> None:
        if self.mark:
            self.set_font(self.face, "B", 10)
            self.set_text_color(192, 0, 0)
            self.cell(0, 6, text=self.fit(self.mark), align="C",
                      new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_text_color(0, 0, 0)
            self.ln(2)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(self.face, "", 7)
        self.set_text_color(*GREY)
        if self.footer_line:
            self.cell(0, 4, text=self.fit(one_line(self.footer_line))[:160], align="L",
                      new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.cell(0, 4, text=f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)

    # -- measuring ----------------------------------------------------------------------

    def width_of(self, chars: str) -> float:
        """The width of `chars` in the current font, each character measured once and
        each word summed once (a report's words repeat)."""
        key = (self.font_family, self.font_style, self.font_size_pt)
        widths = self._widths.setdefault(key, {})
        total = widths.get(chars)
        if total is not None:
            return total
        total = 0.0
        for ch in chars:
            w = widths.get(ch)
            if w is None:
                w = widths[ch] = self.get_string_width(ch)
            total += w
        widths[chars] = total
        return total

    def bold_measure(self, size: float) -> Callable[[str], float]:
        """The width (mm) of a word in bold at `size`, as this document prints it."""
        def measure(word: str) -> float:
            self.set_font(self.face, "B", size)
            return self.get_string_width(self.fit(word))
        return measure

    def lines(self, text: str, indent: float = 0, room: float | None = None) -> list[str]:
        """`text` broken into lines that fit between the margins (or into `room`): at
        spaces, and a word wider than the line where the line ends. (fpdf2's
        `multi_cell` measures the line again for every character it adds: 200 findings
        took seconds.)"""
        if room is None:
            room = self.epw - indent - 2 * self.c_margin - 0.01
        width = self.width_of
        space = width(" ")
        out: list[str] = []
        for paragraph in text.split("\n"):
            line, used = "", 0.0
            for word in paragraph.split(" "):
                wide = width(word)
                if line and used + space + wide <= room:
                    line, used = f"{line} {word}", used + space + wide
                    continue
                if line:
                    out.append(line)
                line, used = word, wide
                while used > room:  # a word longer than the line
                    cut, taken = 0, 0.0
                    while cut < len(line) and (taken + width(line[cut]) <= room or not cut):
                        taken += width(line[cut])
                        cut += 1
                    out.append(line[:cut])
                    line = line[cut:]
                    used = width(line)
            out.append(line)
        return out

    # -- blocks -------------------------------------------------------------------------

    def text_block(self, text: str, *, style: str = "", size: float = 10,
                   h: float = LINE, indent: float = 0) -> None:
        """Text from the left margin (`indent` further right), broken into lines."""
        self.set_font(self.face, style, size)
        x = self.l_margin + indent
        for line in self.lines(self.fit(text.replace("\t", "    ")), indent):
            if self.will_page_break(h):
                self.add_page()
            self.put_line(line, x, self.y, h)
            self.set_y(self.y + h)

    def put_line(self, line: str, x: float, y: float, h: float) -> None:
        """One line already broken and fitted, where `cell(w, h, line)` at (x, y) would
        put it (its left margin, its baseline), without moving. `cell` parses every line
        into styled fragments and copies the graphics state: 500 findings' 13,000 lines
        took seconds (bench/documents.py). Nothing in `line` is substituted (a "{nb}"
        typed in a finding is not the page count)."""
        if line:
            self.text(x + self.c_margin, y + 0.5 * h + 0.3 * self.font_size, line)

    def heading(self, text: str, level: int) -> None:
        size = HEADING_SIZES[level]
        self.ln(3 if level else 0)
        if level and self.will_page_break(size * 0.5 + 3 * LINE):
            self.add_page()  # a heading goes with the first lines under it
        self.text_block(one_line(text), style="B", size=size, h=size * 0.5)
        self.ln(1)

    def field(self, label: str, text: str) -> None:
        if not text.strip():
            return
        self.text_block(f"{label}:", style="B")
        self.text_block(text)
        self.ln(1)

    def facts(self, facts: Sequence[tuple[str, str]], least: float = 36.0) -> None:
        """Label and value lines; the labels' column as wide as the widest label, at
        least `least`, and a label on the page of its value."""
        self.set_font(self.face, "B", 10)
        label_width = max([least, *(self.get_string_width(self.fit(label)) + 4
                                    for label, _ in facts)])
        for label, value in facts:
            if self.will_page_break(LINE):
                self.add_page()
            self.set_font(self.face, "B", 10)
            self.cell(label_width, LINE, text=self.fit(label))
            self.set_x(self.l_margin)
            self.text_block(value, indent=label_width)

    def count_table(self, header: list[str], rows: list[list[str]],
                    widths: tuple[float, ...], size: float = 8) -> None:
        """A table of short cells (counts, labels); user text in it is shortened."""
        self.set_font(self.face, "", size)
        with self.table(col_widths=widths, width=min(sum(widths), self.epw),
                        align="LEFT", text_align="LEFT", line_height=size * 0.5,
                        first_row_as_headings=True) as table:
            for cells in [header, *rows]:
                row = table.row()
                for cell in cells:
                    row.cell(self.fit(cell))
        self.ln(3)

    def text_table(self, header: Sequence[str], rows: Sequence[Sequence[str]],
                   widths: Sequence[float], *, size: float = 8,
                   shaded: Sequence[bool] = ()) -> None:
        """A table of wrapped text, each cell broken by `lines` (so a long word never
        runs into the next column); the header again at the top of every page a table
        runs onto; a row never split across pages unless it is taller than a page."""
        scale = self.epw / sum(widths) if sum(widths) > self.epw else 1.0
        widths = [w * scale for w in widths]
        h = size * 0.45
        pad = 1.0

        def wrapped(cells: Sequence[str], style: str) -> list[list[str]]:
            self.set_font(self.face, style, size)
            return [self.lines(self.fit(c.replace("\t", "    ")), room=w - 2 * pad - 0.01)
                    for c, w in zip(cells, widths)]

        def paint(cells: list[list[str]], style: str, fill: bool) -> None:
            height = max(len(c) for c in cells) * h + 2 * pad
            self.set_font(self.face, style, size)
            x, y = self.l_margin, self.get_y()
            if fill:
                self.set_fill_color(*SHADE)
            for lines, w in zip(cells, widths):
                self.rect(x, y, w, height, style="DF" if fill else "D")
                for number, line in enumerate(lines):
                    self.put_line(line, x + pad, y + pad + number * h, h)
                x += w
            self.set_xy(self.l_margin, y + height)

        def new_page() -> None:
            self.add_page()
            paint(head, "B", True)

        def row(cells: list[list[str]], fill: bool) -> None:
            page = self.page_break_trigger - self.t_margin - 12
            while True:
                total = max(len(c) for c in cells)
                room = int((self.page_break_trigger - self.get_y() - 2 * pad) // h)
                if total <= room:
                    paint(cells, "", fill)
                    return
                if room < 3 or total * h + 2 * pad <= page:
                    new_page()  # the row whole on the next page, where it fits
                    if total * h + 2 * pad <= page:
                        continue
                    room = int((self.page_break_trigger - self.get_y() - 2 * pad) // h)
                paint([c[:room] for c in cells], "", fill)
                cells = [c[room:] for c in cells]
                new_page()

        head = wrapped(header, "B")
        self.set_draw_color(160, 160, 160)
        body = [wrapped(cells, "") for cells in rows]
        first = body[0] if body else head
        # the header never ends a page alone: with it, the first row (or a few lines)
        if self.will_page_break((max(map(len, head)) + min(max(map(len, first)), 4)) * h
                                + 4 * pad):
            self.add_page()
        paint(head, "B", True)
        for number, cells in enumerate(body):
            row(cells, bool(shaded) and shaded[number])
        self.set_draw_color(0, 0, 0)
        self.ln(3)
