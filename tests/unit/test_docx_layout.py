"""The Word report and plan as LibreOffice prints them: the results-by-clause table's
columns are as wide as their words (even widths broke "Context" and "Clause" inside the
word), every page says "Page N of M" at its foot, and a draft's mark is on each page
once (it was in the header and again under the title)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from test_report import docx_text

from auditor.domain.plan_document import PLAN_DRAFT_MARK, build_plan
from auditor.domain.report import DRAFT_MARK, build_report
from auditor.domain.vocab import RESULT_LABELS
from auditor.exchange.checklist_yaml import parse_checklist
from auditor.exchange.plan_docx import render_plan_docx
from auditor.exchange.report_docx import render_docx

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


def needs_libreoffice(test):
    for mark in (pytest.mark.libreoffice,
                 pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed"),
                 pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext is not installed")):
        test = mark(test)
    return test


# a hostile title: markup of every kind the documents are written in, a control character
HOSTILE_TITLE = "Context of the organization <w:t>x</w:t> **b** =1+1 \x1b[31m"
CHECKLIST = f"""
id: layout
title: Layout checklist
standard: ISO 9001:2015
version: 1.0.0
items:
  - ref: "4"
    title: "{HOSTILE_TITLE.replace(chr(27), "")}"
    children:
      - ref: "4.1"
        title: Understanding the organization and its context
        prompts: [Which issues?]
  - ref: "10"
    title: Improvement
    children:
      - ref: "10.2"
        title: Nonconformity and corrective action
        prompts: [Which corrective actions?]
"""


def printed(data: bytes, tmp_path: Path, name: str) -> list[str]:
    """The pages of the .docx as LibreOffice prints them, as `pdftotext -layout` reads
    them."""
    assert SOFFICE is not None and PDFTOTEXT is not None
    source = tmp_path / f"{name}.docx"
    source.write_bytes(data)
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=180)
    assert result.returncode == 0 and "Error" not in result.stderr, result.stderr
    text = subprocess.run([PDFTOTEXT, "-layout", str(tmp_path / f"{name}.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


@pytest.fixture
def draft_report(store):
    audit = store.create_audit(parse_checklist(CHECKLIST), title="Layout audit",
                               auditee="Acme Soft")
    store.record_result(audit.id, "4.1", "observation", statement="informal")
    store.record_result(audit.id, "10.2", "minor", statement="no root cause")
    return build_report(store, audit.id)


@needs_libreoffice
def test_the_clause_tables_columns_hold_their_words_whole(draft_report, tmp_path):
    pages = printed(render_docx(draft_report), tmp_path, "report")
    text = "\n".join(pages)
    table = text.split("Results by clause")[1].split("Findings by grade")[0]
    words = set(table.split())
    expected = {"Clause", "Title", "Items", *" ".join(RESULT_LABELS.values()).split(),
                "Context", "organization", "Improvement", "10"}
    assert expected <= words, (expected - words, table)
    assert "\x1b" not in table and "<w:t>x</w:t>" in table  # the hostile title as typed


@needs_libreoffice
def test_every_page_has_its_number_and_the_draft_mark_once(draft_report, store, tmp_path):
    audit_id = store.audits()[0].id
    for name, data, mark in (
            ("report", render_docx(draft_report), DRAFT_MARK),
            ("plan", render_plan_docx(build_plan(store, audit_id)), PLAN_DRAFT_MARK)):
        pages = printed(data, tmp_path, name)
        for number, page in enumerate(pages, 1):
            flat = re.sub(r"\s+", " ", page)
            assert f"Page {number} of {len(pages)}" in flat, (name, number, flat[-300:])
            assert flat.count(mark) == 1, (name, number, flat[:400])


def test_the_word_documents_carry_page_fields_and_one_mark(draft_report, store):
    audit_id = store.audits()[0].id
    for data, mark in ((render_docx(draft_report), DRAFT_MARK),
                       (render_plan_docx(build_plan(store, audit_id)), PLAN_DRAFT_MARK)):
        body, headers, footers = docx_text(data)
        assert mark not in body and all(mark in h for h in headers)
        xml = Document(io.BytesIO(data)).sections[0].footer._element.xml
        assert " PAGE " in xml and " NUMPAGES " in xml
        assert all("Page" in f for f in footers)
