"""The NC report prints as a report an auditee can be handed: the Summary on one portrait
page (facts, the whole conclusion, the counts and a chart naming every clause), and on
Findings every statement whole, no row overprinting the next, no grade label cut.

The layout checks read the workbook back with openpyxl; the print checks convert it to
PDF with LibreOffice and read the pages with pdftotext (skipped when either is missing).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from auditor.domain.vocab import GRADE_LABELS, Grade
from auditor.exchange import workbook_layout as layout
from auditor.exchange.library import find
from auditor.exchange.workbook_export import export_workbook
from auditor.exchange.workbook_sheets import (
    LINE_POINTS,
    MAX_ROW_LINES,
    MAX_ROW_POINTS,
    line_width,
    text_lines,
)
from auditor.exchange.workbook_summary import text_pieces

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
PDF_MARKS = (
    pytest.mark.libreoffice,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: "
                                               "the workbook cannot be printed to PDF"),
    pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not "
                                                 "installed: the PDF cannot be read"),
)


def needs_pdf(test):
    for mark in PDF_MARKS:
        test = mark(test)
    return test

CLAUSE_REFS = ("4.1", "5.1.1", "6.1.1", "7.1.2", "8.1", "9.1.1", "10.1", "4.2", "8.2.1")
GRADES = ("major", "minor", "observation", "ofi", "minor", "good_practice", "minor",
          "major", "observation")
HOSTILE_STARTS = ("=1+1", "[/b]", "+SUM(A1:A2)", "@x", "-1")
SCOPE = ("Design, development, hosting and support of the Brightwater ticketing platform "
         "(SaaS), including the customer support desk, the release management process, "
         "supplier management for the hosting and payment providers, the Leeds office and "
         "all remote staff working under the Leeds contracts; excluded: clause 8.3 for the "
         "legacy products, which are no longer sold. SCOPE-END")


def _statement(number: int) -> str:
    """About 600 characters over several lines, as auditors write them."""
    start = HOSTILE_STARTS[number] + " " if number < len(HOSTILE_STARTS) else ""
    return (
        f"{start}The organisation could not show that process {number} was reviewed at the "
        "planned intervals: the records sampled for the last two quarters were incomplete "
        "and two of them had no approval.\n"
        "Sample: tickets T-1001, T-1017, T-1042 and T-1103 were closed without the "
        "second-line check that procedure QP-07 asks for; the quality manager confirmed it.\n"
        "\n"
        "Interviews with the process owner showed that the review was skipped during the "
        "migration of the ticketing platform, and that nobody was told to pick it up after "
        f"the migration ended. STATEMENT-{number}-END"
    )


CONCLUSION = (
    "The quality management system is largely implemented and maintained for the ticketing "
    "platform, but the follow-up of corrective actions remains weak: three of the actions "
    "promised after the last audit were not started, and one was closed without evidence.\n"
    "\n"
    "Management review inputs were complete and the objectives are measured monthly and "
    "reported to the board. The internal audit programme covered all processes in the "
    "cycle, although two audits were done by the owners of the processes audited, which "
    "weakens their independence. Competence records exist for all developers sampled; the "
    "support desk's onboarding checklist was not signed for two of the five new starters. "
    "Supplier evaluations were done for the hosting provider but not for the payment "
    "provider, whose contract was renewed in January.\n"
    "\n"
    "Recommendation: continue the certification once the major nonconformities are closed "
    "and their corrections verified on site. The auditee is asked to send root causes, "
    "corrections and corrective actions within 30 days, in this workbook. [/b] =1+1 "
    "CONCLUSION-END"
)


@dataclass
class Report:
    path: Path
    statements: list[str]
    grades: list[str]
    clauses: list[str]


@pytest.fixture
def report(store, tmp_path) -> Report:
    checklist = find("iso9001-2015")
    audit = store.create_audit(
        checklist, title="Surveillance audit 2026", auditee="Brightwater Software Ltd",
        scope=SCOPE, site="Leeds", lead_auditor="Dana Whitfield",
        team="Sam Okafor, Priya Raman")
    statements, grades = [], []
    for number, (ref, grade) in enumerate(zip(CLAUSE_REFS, GRADES)):
        statements.append(_statement(number))
        grades.append(GRADE_LABELS[Grade(grade)])
        store.raise_finding(
            audit.id, ref, grade, statement=statements[-1],
            requirement=f"ISO 9001:2015 {ref}", process_area="Support desk",
            objective_evidence="Records QR-12 and QR-14 of 2025; interview with the quality "
                               "manager; the ticket export of February 2026.")
    store.update_audit(audit.id, {"conclusion": CONCLUSION})
    clauses = [f"{item.ref} {item.title}" for item in checklist.items]
    return Report(export_workbook(store, audit.id, tmp_path / "report.xlsx"),
                  statements, grades, clauses)


# -- the layout, read back with openpyxl ---------------------------------------------------


def test_estimates_count_wrapped_lines_and_line_breaks():
    assert text_lines("", 10) == 1 and text_lines("short", 10) == 1
    assert text_lines("x" * 25, 10) == 3
    assert text_lines("a\n\nb", 10) == 3  # an empty line is a line
    assert text_lines("x" * 25 + "\n" + "y" * 5, 10) == 4
    text = "\n".join(["word " * 40] * 12)  # far more than a row of 409 points holds
    pieces = text_pieces(text, 50)
    assert len(pieces) > 1 and all(text_lines(p, 50) <= MAX_ROW_LINES for p in pieces)
    assert "".join(pieces).split() == text.split()


def test_rows_are_as_high_as_their_wrapped_text(report):
    wb = openpyxl.load_workbook(report.path)
    ws = wb["Findings"]
    for row in range(2, len(report.statements) + 2):
        height = ws.row_dimensions[row].height
        assert height is not None and 6 * LINE_POINTS <= height <= MAX_ROW_POINTS, row
    assert ws.print_area == f"'Findings'!$A$1:$O${len(report.statements) + 1}"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    grade = ws.column_dimensions["D"].width  # every label on one line, with room to spare
    assert line_width(grade) >= max(len(label) for label in GRADE_LABELS.values())
    for header in layout.HEADERS:  # every text column wraps, so nothing is cut at its edge
        cell = ws.cell(row=2, column=layout.HEADERS.index(header) + 1)
        if header not in layout.UNWRAPPED and cell.value is not None:
            assert cell.alignment.wrap_text, header
    summary = wb["Summary"]
    assert summary.page_setup.fitToWidth == 1 and summary.page_setup.fitToHeight == 1
    assert summary.sheet_properties.pageSetUpPr.fitToPage
    assert summary.page_setup.orientation == "portrait"
    assert summary.print_area.startswith("'Summary'!$A$1:$F$")
    merged = {str(r) for r in summary.merged_cells.ranges}
    for row in summary.iter_rows(min_col=1, max_col=2):
        if row[0].value in ("Scope", "Conclusion"):
            number = row[0].row
            assert f"B{number}:F{number}" in merged
            assert row[1].alignment.wrap_text
            assert summary.row_dimensions[number].height >= 4 * LINE_POINTS
    wb.close()
    with zipfile.ZipFile(report.path) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
    assert '<tickLblSkip val="1"' in chart and '<barDir val="bar"' in chart


# -- printed by LibreOffice, read with pdftotext ---------------------------------------------


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">'
                  r"(.*?)</word>")


def _pdf(report: Report, tmp_path: Path) -> Path:
    outdir = tmp_path / "pdf"
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(outdir), str(report.path)],
        capture_output=True, text=True, timeout=240,
    )
    pdf = outdir / "report.pdf"
    assert result.returncode == 0 and pdf.is_file(), result.stderr
    return pdf


def _pages(pdf: Path) -> list[list[Word]]:
    """Each page's words, in reading order: by line from the top, then from the left."""
    result = subprocess.run([PDFTOTEXT, "-bbox", str(pdf), "-"], capture_output=True,
                            text=True, timeout=120, check=True)
    pages = []
    for page in result.stdout.split("<page ")[1:]:
        words = [Word(html.unescape(m[3]), float(m[0]), float(m[1]), float(m[2]))
                 for m in WORD.findall(page)]
        pages.append(_reading_order(words))
    return pages


def _reading_order(words: list[Word]) -> list[Word]:
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.y0):
        if lines and word.y0 - lines[-1][0].y0 < 3:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [w for line in lines for w in sorted(line, key=lambda w: w.x0)]


def _flat(text: str) -> str:
    """Text as compared across line wrapping: no whitespace, no (soft) hyphens."""
    return re.sub(r"[\s\-\u00ad]+", "", text)


def _joined(words: list[Word]) -> str:
    return _flat("".join(w.text for w in words))


def _is_findings_page(words: list[Word]) -> bool:
    texts = [w.text for w in words[:40]]
    return "Finding" in texts and "Statement" in texts and "Objective" in texts


def _column(words: list[Word], header: str, next_header: str) -> tuple[float, float]:
    top = {w.text: w for w in words[:40]}
    return top[header].x0, top[next_header].x0


@needs_pdf
def test_the_printout_is_whole_and_the_summary_is_one_page(report, tmp_path):
    pages = _pages(_pdf(report, tmp_path))
    findings_pages = [i for i, words in enumerate(pages) if _is_findings_page(words)]
    assert findings_pages, "no page holds the Findings header"

    # The Summary is the first sheet: every page before the first Findings page is its.
    assert findings_pages[0] == 1, f"the Summary takes {findings_pages[0]} pages"
    summary = pages[0]
    text = _joined(summary)
    assert _flat("Nonconformity report") in text
    assert _flat(SCOPE) in text  # whole, not overprinted by the row below
    assert _flat(CONCLUSION) in text  # every word of it, in order, on the page
    assert _flat("SCOPE-END") + "Site" in text  # the scope ends before the next fact
    # Every clause is named twice on the page: in the table and by the chart.
    for clause in report.clauses:
        words = clause.split()
        starts = [i for i, w in enumerate(summary) if w.text == words[0]
                  and [x.text for x in summary[i:i + len(words)]] == words]
        assert len(starts) >= 2, (clause, len(starts))

    # Findings: the statements whole, in their column, and the grade labels uncut.
    statement_text, grade_words = [], []
    for index in findings_pages:
        words = pages[index]
        grade_left, grade_right = _column(words, "Grade", "Requirement")
        left, right = _column(words, "Statement", "Objective")
        header_bottom = next(w.y0 for w in words if w.text == "Statement")
        body = [w for w in words if w.y0 > header_bottom + 2]
        statement_text += [w for w in body if left - 1 <= w.x0 < right]
        in_grade = [w for w in body if grade_left - 1 <= w.x0 < grade_right]
        for w in in_grade:
            assert w.x1 <= grade_right, f"{w.text!r} runs past the Grade column"
        grade_words += in_grade
    shown = _joined(statement_text)
    for statement in report.statements:
        assert _flat(statement) in shown, statement[:40]
    assert _joined(grade_words) == _flat("".join(report.grades))
    assert "[/b]" in "".join(w.text for w in statement_text)
