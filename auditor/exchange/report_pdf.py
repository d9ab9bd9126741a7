"""The audit report as PDF (fpdf2, pure Python).

The font: fpdf2's built-in fonts hold Latin-1 only, and auditor ships no font. The
report is set in DejaVu Sans when that TrueType font is installed in one of the usual
places (Debian's `fonts-dejavu-core`, which LibreOffice and most desktops bring, and
the folders Fedora, Arch and macOS use), so accents, Greek, Cyrillic, Hebrew and Arabic
letters print as typed; a character the font lacks (Chinese, for one) prints as `?`.
Without DejaVu the report is set in Helvetica: accented letters are simplified where
they can be (`ő` as `o`, typographic quotes and dashes as plain ones) and any other
character outside Latin-1 prints as `?`. Either way every character of the PDF is one
the font can show. Right-to-left text is kept in the order typed (no shaping).

User text is only ever the text of cells (fpdf2's markdown is off), and a word longer
than the line is broken where the line ends. A draft carries its mark in the header of every
page; a closed audit's seal is in the footer of every page and at the end.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from auditor.domain.report import AuditReport, ReportFinding
from auditor.domain.text import one_line, shorten

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
FACT_LABEL = 36.0  # the width of a fact's label


def find_font(folders: Iterable[Path] = FONT_FOLDERS) -> Path | None:
    """DejaVu Sans where the system keeps it, else None."""
    for folder in folders:
        path = folder / REGULAR
        if path.is_file():
            return path
    return None


def latin1(text: str) -> str:
    """Text that Helvetica can show: Latin-1, the rest simplified or `?`."""
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


class _ReportPDF(FPDF):
    def __init__(self, report: AuditReport, font: Path | None) -> None:
        super().__init__(format="A4")
        self.report = report
        self._widths: dict[tuple[str, str, float], dict[str, float]] = {}
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)
        if font is not None:
            self.add_font("report", "", font)
            bold = font.with_name(BOLD)
            self.add_font("report", "B", bold if bold.is_file() else font)
            self.add_font("report", "I", font)
            self.face = "report"
            self.set_font("report", size=10)
            cmap = getattr(self.current_font, "cmap", {})
            self.fit: Callable[[str], str] = lambda text: "".join(
                ch if ord(ch) in cmap or ch == "\n" else "?" for ch in text)
        else:
            self.face = "helvetica"
            self.fit = latin1
        self.set_title(self.fit(one_line(f"Audit report: {report.title}"))[:250])
        self.set_creator("auditor")

    # -- every page ---------------------------------------------------------------------

    def header(self) -> None:
        if self.report.draft:
            self.set_font(self.face, "B", 10)
            self.set_text_color(192, 0, 0)
            self.cell(0, 6, text=self.report.draft_mark, align="C",
                      new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_text_color(0, 0, 0)
            self.ln(2)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(self.face, "", 7)
        self.set_text_color(90, 90, 90)
        if self.report.seal:
            self.cell(0, 4, text=f"Seal {self.report.seal}", align="L",
                      new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.cell(0, 4, text=f"Page {self.page_no()}", align="R")
        self.set_text_color(0, 0, 0)

    # -- blocks -------------------------------------------------------------------------

    def text_block(self, text: str, *, style: str = "", size: float = 10,
                   h: float = LINE, indent: float = 0) -> None:
        """Text from the left margin (`indent` further right), broken into lines."""
        self.set_font(self.face, style, size)
        for line in self.lines(self.fit(text.replace("\t", "    ")), indent):
            self.set_x(self.l_margin + indent)
            self.cell(0, h, text=line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def lines(self, text: str, indent: float = 0) -> list[str]:
        """`text` broken into lines that fit between the margins: at spaces, and a word
        wider than the line where the line ends. (fpdf2's `multi_cell` measures the line
        again for every character it adds: 200 findings took seconds.)"""
        key = (self.font_family, self.font_style, self.font_size_pt)
        widths = self._widths.setdefault(key, {})

        def width(chars: str) -> float:
            total = 0.0
            for ch in chars:
                w = widths.get(ch)
                if w is None:
                    w = widths[ch] = self.get_string_width(ch)
                total += w
            return total

        room = self.epw - indent - 2 * self.c_margin - 0.01
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
                    while cut < len(line) and (taken + widths[line[cut]] <= room or not cut):
                        taken += widths[line[cut]]
                        cut += 1
                    out.append(line[:cut])
                    line = line[cut:]
                    used = width(line)
            out.append(line)
        return out

    def heading(self, text: str, level: int) -> None:
        size = {0: 17, 1: 14, 2: 12, 3: 10.5}[level]
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

    def count_table(self, header: list[str], rows: list[list[str]], widths: tuple[float, ...],
              size: float = 8) -> None:
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


def _finding(pdf: _ReportPDF, f: ReportFinding) -> None:
    pdf.heading(f"{f.code}: {f.grade_label}, {f.ref}"
                + (f" {f.item_title}" if f.item_title else ""), 3)
    pdf.text_block("Status: " + f.status_label
                   + (f"; repeat of {f.repeat_of}" if f.repeat_of else ""))
    pdf.field("Requirement", f.requirement)
    pdf.field("Statement", f.statement)
    pdf.field("Objective evidence", f.objective_evidence)
    pdf.field("Process or area", f.process_area)
    if f.evidence:
        pdf.text_block("Evidence:", style="B")
        for e in f.evidence:
            sha = f" (SHA-256 {e.sha256_prefix}...)" if e.sha256_prefix else ""
            pdf.text_block(f"- {e.kind}: {one_line(e.label)}{sha}")
    pdf.ln(2)


def render_pdf(report: AuditReport, font: Path | None | str = AUTO) -> bytes:
    """The PDF's bytes; `font` a DejaVu Sans file, None for Helvetica (Latin-1), or
    AUTO to look for DejaVu Sans on the system."""
    chosen = find_font() if font == AUTO else (Path(font) if font else None)
    pdf = _ReportPDF(report, chosen)
    pdf.add_page()
    pdf.heading(f"Audit report: {report.title}", 0)
    pdf.text_block(report.confidentiality, size=9)

    pdf.heading("The audit", 1)
    # The labels' column as wide as the widest label ("Auditee participants" ran into
    # its value in a fixed one), at least FACT_LABEL.
    pdf.set_font(pdf.face, "B", 10)
    label_width = max([FACT_LABEL, *(pdf.get_string_width(f.label) + 4
                                     for f in report.facts)])
    for fact in report.facts:
        if pdf.will_page_break(LINE):  # the label on the page of its value
            pdf.add_page()
        pdf.set_font(pdf.face, "B", 10)
        pdf.cell(label_width, LINE, text=fact.label)
        pdf.set_x(pdf.l_margin)
        pdf.text_block(fact.value, indent=label_width)

    pdf.heading("Objectives and criteria", 1)
    for label, text in (("Objectives", report.objectives), ("Criteria", report.criteria)):
        pdf.field(label, text if text.strip() else "Not given.")

    s = report.summary
    pdf.heading("Executive summary", 1)
    pdf.text_block(f"{s.assessed} of {s.assessable} assessable items assessed; "
                   f"{s.nonconformities} nonconformit"
                   f"{'y' if s.nonconformities == 1 else 'ies'}.")
    pdf.heading("Results by clause", 2)
    results = len(s.result_labels)
    pdf.count_table(["Clause", "Title", *s.result_labels, "Items"],
              [[shorten(c.ref, 12), shorten(c.title, 60), *map(str, c.counts), str(c.total)]
               for c in s.by_clause],
              (13, 41, *(15,) * results, 15), size=7)
    pdf.heading("Findings by grade", 2)
    pdf.count_table(["Grade", "Findings"], [[c.label, str(c.count)] for c in s.findings_by_grade],
              (60, 20))
    pdf.heading("Findings by status", 2)
    pdf.count_table(["Status", "Findings"], [[c.label, str(c.count)]
                                       for c in s.findings_by_status], (60, 20))
    pdf.heading("Conclusion", 2)
    pdf.text_block(s.conclusion if s.conclusion.strip() else "No conclusion recorded yet.")

    for heading, found, none in (
            ("Findings", report.findings, "No nonconformities or observations."),
            ("Good practices", report.good_practices, "None recorded."),
            ("Opportunities for improvement", report.ofis, "None recorded.")):
        pdf.heading(heading, 1)
        if not found:
            pdf.text_block(none, style="I")
        for f in found:
            _finding(pdf, f)

    pdf.heading("Areas not covered", 1)
    if not report.not_covered:
        pdf.text_block("Every assessable item was assessed.", style="I")
    for group in report.not_covered:
        pdf.heading(f"{group.ref} {group.title}", 2)
        for ref, title in group.items:
            pdf.text_block(f"- {one_line(ref)} {one_line(title)}")

    if report.previous_audit:
        pdf.heading("Previous findings verified", 1)
        pdf.text_block(f"Findings of the previous audit, {report.previous_audit}:")
        if not report.previous_findings:
            pdf.text_block("The previous audit raised no findings.", style="I")
        for p in report.previous_findings:
            pdf.heading(f"{p.code}: {p.grade_label}, {p.ref}", 3)
            pdf.text_block(f"Status now: {p.status_label}")
            pdf.field("Statement", p.statement)
            verified = ", ".join(x for x in (p.verified_by, p.verified_on) if x)
            if verified:
                pdf.text_block(f"Verified: {verified}")
            pdf.field("Verification", p.verification_note)
            if p.repeated_by:
                pdf.text_block(f"Repeated by: {', '.join(p.repeated_by)}")

    pdf.heading("Follow-up agreed", 1)
    if not report.follow_up:
        pdf.text_block("No finding is open.", style="I")
    for u in report.follow_up:
        pdf.text_block(f"{u.code} ({u.ref}, {u.grade_label}, {u.status_label})", style="B")
        pdf.text_block(f"Owner: {u.owner or 'not agreed'}; due: {u.due_date or 'not agreed'}")
        pdf.field("Corrective action", u.corrective_action)

    pdf.heading("Sampling", 1)
    pdf.text_block(report.sampling_statement)
    if not report.sampling:
        pdf.text_block("No sampling records were kept.", style="I")
    for r in report.sampling:
        size = r.population_size or "size not known"
        pdf.text_block(f"{one_line(r.ref)} {one_line(r.item_title)}: {r.sample_size} of "
                       f"{one_line(r.population)} ({size})", style="B")
        if r.ids.strip():
            pdf.text_block(f"Sampled: {r.ids}", indent=4)
    pdf.heading("Distribution and confidentiality", 1)
    pdf.text_block(report.confidentiality)
    pdf.text_block("Distribution:")
    for line in report.distribution:
        pdf.text_block(f"- {one_line(line)}")
    if report.seal:
        pdf.heading("Seal", 1)
        pdf.text_block(report.seal_line)
    pdf.ln(2)
    pdf.text_block(f"Written by auditor on {report.generated_at}.", style="I", size=8)
    return bytes(pdf.output())
