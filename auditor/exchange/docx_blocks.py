"""The building blocks of every Word document auditor writes (python-docx): a document
with its mark and footer on every page, runs, paragraphs, headings and tables.

User text is only ever the text of runs (never parsed as anything), less the characters
XML 1.0 cannot hold; a line break in it is a line break of the run, a tab a tab.

Paragraphs, runs and table rows are built as elements under python-docx's document
(lxml `SubElement`, which gives python-docx's own element classes), not through its
object API: that API looks a style up by name on every paragraph and inserts each new
paragraph by scanning the body for its end, so a report of 500 findings took over 10
seconds (bench/documents.py). The style ids are those of python-docx's own template,
which every document here starts from.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from lxml.etree import SubElement  # type: ignore[import-untyped]

from auditor.domain.text import one_line, without_controls

RED = RGBColor(0xC0, 0x00, 0x00)
FLAG_SHADE = "FFE699"
HEADER_SHADE = "E8ECF2"
HEADING_STYLE = {0: "Title", **{n: f"Heading{n}" for n in range(1, 10)}}
BULLET_STYLE = "ListBullet"
TWIPS_PER_CM = 567

(W_P, W_PPR, W_PSTYLE, W_R, W_RPR, W_B, W_I, W_COLOR, W_SZ, W_T, W_BR, W_TAB, W_TR, W_TRPR,
 W_TBLHEADER, W_TC, W_TCPR, W_TCW, W_SHD, W_VAL, W_W, W_TYPE, W_FILL, W_TBL, W_SECTPR,
 XML_SPACE) = (qn(n) for n in (
    "w:p", "w:pPr", "w:pStyle", "w:r", "w:rPr", "w:b", "w:i", "w:color", "w:sz", "w:t",
    "w:br", "w:tab", "w:tr", "w:trPr", "w:tblHeader", "w:tc", "w:tcPr", "w:tcW", "w:shd",
    "w:val", "w:w", "w:type", "w:fill", "w:tbl", "w:sectPr", "xml:space"))


def xml_safe(text: str) -> str:
    # the model's text is clean already (report_text); what XML cannot hold is a
    # subset of what the one rule leaves out
    return without_controls(text.replace("\r\n", "\n").replace("\r", "\n"))


def new_document(title: str, *, mark: str = "", footer: str = "", landscape: bool = False):
    """An A4 document (portrait, or landscape when asked) whose every page carries `mark`
    (red, bold) at the top, once, and `footer` and "Page N of M" at the foot."""
    doc = Document()
    doc.core_properties.title = xml_safe(one_line(title))[:250]
    doc.core_properties.author = "auditor"
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        sides = Cm(1.5)
    else:  # python-docx's template is US Letter
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        sides = Cm(2.0)
    section.left_margin = section.right_margin = sides
    if mark:
        run = section.header.paragraphs[0].add_run(xml_safe(one_line(mark)))
        run.bold = True
        run.font.color.rgb = RED
        run.font.size = Pt(11)
    foot = section.footer.paragraphs[0]
    if footer:
        run = foot.add_run(xml_safe(one_line(footer)))
        run.font.size = Pt(8)
        foot = section.footer.add_paragraph()
    foot.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _page_of(foot._p)
    return doc


def _field(p, instruction: str, shown: str) -> None:
    """A field Word and LibreOffice work out on every page (`shown` until they do)."""
    for kind, text in (("begin", ""), ("", instruction), ("separate", ""), ("", shown),
                       ("end", "")):
        r = SubElement(p, W_R)
        SubElement(SubElement(r, W_RPR), W_SZ, {W_VAL: "16"})
        if kind:
            SubElement(r, qn("w:fldChar"), {qn("w:fldCharType"): kind})
        elif text == shown:
            SubElement(r, W_T, {XML_SPACE: "preserve"}).text = text
        else:
            SubElement(r, qn("w:instrText"), {XML_SPACE: "preserve"}).text = text


def _page_of(p) -> None:
    _run(p, "Page ", size=8)
    _field(p, " PAGE ", "1")
    _run(p, " of ", size=8)
    _field(p, " NUMPAGES ", "1")


def _paragraph(doc, style: str = ""):
    """A new paragraph element at the end of the body (before its section properties)."""
    body = doc.element.body
    try:
        last = body[-1]  # from the end: len() and find() would count every paragraph
    except IndexError:
        last = None
    if last is not None and last.tag == W_SECTPR:
        p = body.makeelement(W_P, {})
        last.addprevious(p)
    else:
        p = SubElement(body, W_P)
    if style:
        SubElement(SubElement(p, W_PPR), W_PSTYLE, {W_VAL: style})
    return p


def _run(p, text: str, *, bold: bool = False, italic: bool = False, colour: str = "",
         size: float | None = None, line_break: bool = False) -> None:
    r = SubElement(p, W_R)
    if bold or italic or colour or size:
        properties = SubElement(r, W_RPR)
        if bold:
            SubElement(properties, W_B)
        if italic:
            SubElement(properties, W_I)
        if colour:
            SubElement(properties, W_COLOR, {W_VAL: colour})
        if size:
            SubElement(properties, W_SZ, {W_VAL: str(round(size * 2))})
    for number, piece in enumerate(text.split("\t")):
        if number:
            SubElement(r, W_TAB)
        if piece:
            t = SubElement(r, W_T, {XML_SPACE: "preserve"})
            t.text = piece
    if line_break:
        SubElement(r, W_BR)


def _text(p, text: str, *, bold: bool = False, italic: bool = False,
          size: float | None = None) -> None:
    """Text as runs into paragraph element `p`: one per line, a line break between."""
    lines = xml_safe(text).split("\n")
    last = len(lines) - 1
    for number, line in enumerate(lines):
        _run(p, line, bold=bold, italic=italic, size=size, line_break=number < last)


def runs(paragraph, text: str, *, bold: bool = False) -> None:
    """Text as runs of a python-docx paragraph: one per line, a line break between."""
    _text(paragraph._p, text, bold=bold)


def para(doc, text: str, *, bold_label: str = "", italic: bool = False) -> None:
    p = _paragraph(doc)
    if bold_label:
        _run(p, bold_label, bold=True, italic=italic)
    _text(p, text, italic=italic)


def bold_line(doc, text: str) -> None:
    """A bold line of ours (`Evidence:`)."""
    _run(_paragraph(doc), text, bold=True)


def bullet(doc, text: str) -> None:
    _text(_paragraph(doc, BULLET_STYLE), one_line(text))


def heading(doc, text: str, level: int) -> None:
    _run(_paragraph(doc, HEADING_STYLE[level]), xml_safe(one_line(text)))


def _cell(tr, text: str, width: int, *, bold: bool, shade: str, size: float | None) -> None:
    tc = SubElement(tr, W_TC)
    properties = SubElement(tc, W_TCPR)
    SubElement(properties, W_TCW, {W_W: str(width), W_TYPE: "dxa"})
    if shade:
        SubElement(properties, W_SHD, {W_VAL: "clear", qn("w:color"): "auto", W_FILL: shade})
    _text(SubElement(tc, W_P), text, bold=bold, size=size)


def _cell_margins(tbl_pr, twips: int) -> None:
    margins = tbl_pr.makeelement(qn("w:tblCellMar"), {})
    for side in ("w:left", "w:right"):
        SubElement(margins, qn(side), {W_W: str(twips), W_TYPE: "dxa"})
    look = tbl_pr.find(qn("w:tblLook"))  # the schema's order: the margins before it
    if look is not None:
        look.addprevious(margins)
    else:
        tbl_pr.append(margins)


def table(doc, header: Sequence[str], rows: Sequence[Sequence[str]], *,
          widths: Sequence[float] = (), size: float | None = None,
          flagged: Sequence[bool] = (), flag_shade: str = FLAG_SHADE,
          cell_margin: float | None = None) -> None:
    """A grid with a bold, shaded header row repeated on every page (with an empty
    header, none, and the first column bold and shaded: labels); `widths` in cm
    (else the page's width shared evenly); rows whose `flagged` is true on
    `flag_shade`; `cell_margin` (cm) left and right in every cell, else the style's."""
    grid = doc.add_table(rows=0, cols=len(header))
    grid.style = "Table Grid"
    if cell_margin is not None:
        _cell_margins(grid._tbl.tblPr, round(cell_margin * TWIPS_PER_CM))
    if widths:
        grid.autofit = False
        for column, width in zip(grid.columns, widths):
            column.width = Cm(width)  # the grid, which LibreOffice reads
        twips = [round(w * TWIPS_PER_CM) for w in widths]
    else:
        twips = [int(c.w.twips) if c.w is not None else 0
                 for c in grid._tbl.tblGrid.gridCol_lst]
    tbl = grid._tbl
    if any(header):  # a table of labels and values (the facts) has no header row
        head = SubElement(tbl, W_TR)
        SubElement(SubElement(head, W_TRPR), W_TBLHEADER, {W_VAL: "true"})
        for text, width in zip(header, twips):
            _cell(head, text, width, bold=True, shade=HEADER_SHADE, size=size)
    for number, row in enumerate(rows):
        tr = SubElement(tbl, W_TR)
        shade = flag_shade if flagged and flagged[number] else ""
        for column, (text, width) in enumerate(zip(row, twips)):
            _cell(tr, text, width, bold=not any(header) and column == 0,
                  shade=shade or (HEADER_SHADE if not any(header) and column == 0 else ""),
                  size=size)
    _paragraph(doc)


def docx_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
