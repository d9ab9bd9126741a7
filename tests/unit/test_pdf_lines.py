"""The PDF's lines are put on the page directly (fpdf2's `cell` parsed each into styled
fragments: 500 findings took seconds): user text is printed as typed, "{nb}" (fpdf2's
page-count alias) included, where a cell would have put it, and the footer still counts
the pages."""

from __future__ import annotations

import io

import pytest
from test_report import PDF_FONTS, pdf_text

from auditor.domain.report import build_report
from auditor.exchange.pdf_blocks import DocumentPDF, chosen_font
from auditor.exchange.report_pdf import render_pdf


@pytest.mark.parametrize("font", PDF_FONTS)
def test_user_text_is_printed_as_typed_and_pages_are_counted(store, mini_checklist, font):
    audit = store.create_audit(mini_checklist, title="T", auditee="A")
    store.record_result(audit.id, "4.1", "minor",
                        statement="Page {nb} of the manual; <b>x</b> " + "word " * 900)
    pages = pdf_text(render_pdf(build_report(store, audit.id), font=font))
    every = "".join(pages)
    assert "Page {nb} of the manual; <b>x</b>" in every
    for number, page in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in page


def test_a_line_is_where_a_cell_puts_it():
    from pypdf import PdfReader

    def positions(put) -> list[tuple[float, float]]:
        pdf = DocumentPDF(title="t", font=chosen_font(None))
        pdf.add_page()
        pdf.set_font(pdf.face, "", 10)
        put(pdf)
        found: list[tuple[float, float]] = []
        PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0].extract_text(
            visitor_text=lambda text, cm, tm, *_: found.append((round(tm[4], 1),
                                                               round(tm[5], 1)))
            if text.strip() == "Hello" else None)
        return found

    assert positions(lambda pdf: pdf.put_line("Hello", 30, 40, 5)) == positions(
        lambda pdf: (pdf.set_xy(30, 40), pdf.cell(50, 5, text="Hello")))
