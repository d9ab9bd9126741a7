"""The building blocks of every Word document auditor writes (python-docx): a document
with its mark and footer on every page, runs, paragraphs, headings and tables.

User text is only ever the text of runs (never parsed as anything), less the characters
XML 1.0 cannot hold; a line break in it is a line break of the run.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from auditor.domain.text import one_line, without_controls

RED = RGBColor(0xC0, 0x00, 0x00)
FLAG_SHADE = "FFE699"
HEADER_SHADE = "E8ECF2"


def xml_safe(text: str) -> str:
    # the model's text is clean already (report_text); what XML cannot hold is a
    # subset of what the one rule leaves out
    return without_controls(text.replace("\r\n", "\n").replace("\r", "\n"))


def new_document(title: str, *, mark: str = "", footer: str = "", landscape: bool = False):
    """A document whose every page carries `mark` (red, bold) at the top and `footer`
    at the foot; landscape A4 when asked."""
    doc = Document()
    doc.core_properties.title = xml_safe(one_line(title))[:250]
    doc.core_properties.author = "auditor"
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        for side in ("left_margin", "right_margin"):
            setattr(section, side, Cm(1.5))
    if mark:
        run = section.header.paragraphs[0].add_run(xml_safe(one_line(mark)))
        run.bold = True
        run.font.color.rgb = RED
        run.font.size = Pt(11)
    if footer:
        run = section.footer.paragraphs[0].add_run(xml_safe(one_line(footer)))
        run.font.size = Pt(8)
    return doc


def mark_paragraph(doc, mark: str) -> None:
    """The draft's mark again under the title, in red."""
    run = doc.add_paragraph().add_run(xml_safe(one_line(mark)))
    run.bold = True
    run.font.color.rgb = RED


def runs(paragraph, text: str, *, bold: bool = False) -> None:
    """Text as runs: one per line, a line break between."""
    lines = xml_safe(text).split("\n")
    for number, line in enumerate(lines):
        run = paragraph.add_run(line)
        if bold:
            run.bold = True
        if number < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)


def para(doc, text: str, *, bold_label: str = "", italic: bool = False, style=None):
    p = doc.add_paragraph(style=style)
    if bold_label:
        p.add_run(bold_label).bold = True
    runs(p, text)
    if italic:
        for run in p.runs:
            run.italic = True
    return p


def bullet(doc, text: str):
    p = doc.add_paragraph(style="List Bullet")
    runs(p, one_line(text))
    return p


def heading(doc, text: str, level: int) -> None:
    doc.add_heading(level=level).add_run(xml_safe(one_line(text)))


def shade(cell, colour: str) -> None:
    """A cell's background colour (hex RGB)."""
    properties = cell._tc.get_or_add_tcPr()
    fill = OxmlElement("w:shd")
    fill.set(qn("w:val"), "clear")
    fill.set(qn("w:color"), "auto")
    fill.set(qn("w:fill"), colour)
    properties.append(fill)


def repeat_header(row) -> None:
    """The row printed again at the top of every page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def table(doc, header: Sequence[str], rows: Sequence[Sequence[str]], *,
          widths: Sequence[float] = (), size: float | None = None,
          flagged: Sequence[bool] = ()) -> None:
    """A grid with a bold, shaded header row repeated on every page; `widths` in cm;
    rows whose `flagged` is true on the flag colour."""
    grid = doc.add_table(rows=1, cols=len(header))
    grid.style = "Table Grid"
    head = grid.rows[0]
    repeat_header(head)
    for cell, text in zip(head.cells, header):
        runs(cell.paragraphs[0], text, bold=True)
        shade(cell, HEADER_SHADE)
    for number, row in enumerate(rows):
        cells = grid.add_row().cells
        for cell, text in zip(cells, row):
            runs(cell.paragraphs[0], text)
            if flagged and flagged[number]:
                shade(cell, FLAG_SHADE)
    if widths:
        grid.autofit = False
        # Word reads the cells' widths, LibreOffice the grid's: both are set.
        for column, width in zip(grid.columns, widths):
            column.width = Cm(width)
        for row in grid.rows:
            for cell, width in zip(row.cells, widths):
                cell.width = Cm(width)
    if size is not None:
        for row in grid.rows:
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(size)
    doc.add_paragraph()


def docx_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
