"""The PDF report's layout: the results-by-clause table's headers hold their words whole
(a fixed column broke "observation" inside the word), with either font."""

from __future__ import annotations

import pytest
from test_report import PDF_FONTS, pdf_text

from auditor.domain.report import build_report
from auditor.domain.vocab import RESULT_LABELS
from auditor.exchange.report_pdf import render_pdf


@pytest.mark.parametrize("font", PDF_FONTS)
def test_the_clause_tables_headers_are_whole_words(store, mini_checklist, font):
    audit = store.create_audit(mini_checklist, title="T", auditee="A")
    store.record_result(audit.id, "4.1", "observation", statement="informal")
    first = pdf_text(render_pdf(build_report(store, audit.id), font=font))[0]
    table = first.split("Results by clause")[1].split("Findings by grade")[0]
    words = table.split()
    for label in RESULT_LABELS.values():
        for word in label.split():
            assert word in words, (word, table)
