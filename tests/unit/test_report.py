"""The audit report: one content model (auditor.domain.report), three renderers (Markdown,
Word, PDF), each written and read back; hostile text stays text in every format; the
command's exit codes; the command that lists audits loads none of the renderers."""

from __future__ import annotations

import html
import io
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from auditor.domain.report import DRAFT_MARK, SAMPLING_STATEMENT, build_report, report_text
from auditor.domain.sampling import parse_sample
from auditor.exchange.report_docx import render_docx
from auditor.exchange.report_file import write_report
from auditor.exchange.report_md import render_markdown
from auditor.exchange.report_pdf import find_font, latin1, render_pdf

ROOT = Path(__file__).resolve().parents[2]
PDF_FONTS = [pytest.param(None, id="helvetica")] + (
    [pytest.param(find_font(), id="dejavu")] if find_font() else [])

LONG = ("Long statement " + "word " * 600 + "x" * 2_000)[:5_000]
HOSTILE = {
    "markdown": "# Not a heading\n\n* not a list\n[click](javascript:alert(1)) ![i](x.png) "
                "`code` **bold** | a | b |\n---\n> quote\n    indented\n1. one",
    "html": "<script>alert('x')</script> <img src=x onerror=alert(1)> &amp; &lt;b&gt;",
    "controls": "bell\x07 nul\x00 escape\x1b[31m vt\x0b ff\x0c c1\x85 del\x7f end",
    "formula": "=1+1",
    "rtl": "مراجعة الإجراء \u202eأ שלום",
    "long": LONG,
}


def pdf_text(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def docx_text(data: bytes) -> tuple[str, list[str], list[str]]:
    """Body text (paragraphs and table cells), and each section's header and footer."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    headers = [" ".join(p.text for p in s.header.paragraphs) for s in doc.sections]
    footers = [" ".join(p.text for p in s.footer.paragraphs) for s in doc.sections]
    return "\n".join(parts), headers, footers


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def surveillance(store, mini_checklist, tmp_path):
    """A closed audit with a minor and an OFI; the surveillance audit after it, which
    finds the minor's action not effective (a repeat on 4.1), raises a minor with a file
    as evidence and an owner and due date, an OFI and a good practice on 4.2, and leaves
    8.6 not assessed."""
    first = store.create_audit(mini_checklist, title="Internal audit 2025", auditee="Acme Soft",
                               lead_auditor="R. Auditor")
    _, old = store.record_result(first.id, "4.1", "minor",
                                 statement="Context review not documented")
    store.record_result(first.id, "8.6", "ofi", statement="Automate release notes")
    store.close_audit(first.id, "Effective with one minor NC.")
    audit = store.create_audit(
        mini_checklist, title="Surveillance 2026", auditee="Acme Soft", type="surveillance",
        previous_id=first.id, scope="Software development", site="Leeds",
        lead_auditor="R. Auditor", team="S. Second", planned_start=date(2026, 3, 2),
        planned_end=date(2026, 3, 3), objectives="Confirm the QMS\nVerify last year's NCs",
        criteria="ISO 9001:2015; the quality manual QM-01")
    store.add_session(audit.id, start="2026-03-02 09:00", minutes=90, refs="4",
                      auditee_people="CEO, Quality manager")
    store.add_session(audit.id, start="2026-03-02 11:00", minutes=60, refs="8",
                      auditee_people="Dev lead, Quality manager")
    repeat = store.verify_previous_finding(audit.id, old.code, effective=False,
                                           note="Still no record of the review")
    shot = tmp_path / "review screenshot.png"
    shot.write_bytes(b"\x89PNG a screenshot")
    _, minor = store.record_result(
        audit.id, "8.3.4", "minor", statement="No design review for release 4.2",
        requirement="ISO 9001:2015 8.3.4 b)", objective_evidence="PR 812 merged unreviewed",
        process_area="Development", files=[shot],
        samples=[parse_sample("Releases of 2025|12|4.9, 4.11")])
    store.update_finding(minor.code, {"owner": "Dev lead", "due_date": date(2026, 4, 30),
                                      "corrective_action": "Review gate in CI"})
    _, ofi = store.record_result(audit.id, "4.2", "ofi", statement="Survey customers yearly")
    gp = store.raise_finding(audit.id, "4.2", "good_practice",
                             statement="Interested parties register kept current")
    return {"audit": audit.id, "previous": first.id, "old": old.code, "repeat": repeat.code,
            "minor": minor.code, "ofi": ofi.code, "gp": gp.code, "sha": _sha(store, audit.id)}


def _sha(store, audit_id: int) -> str:
    return next(e.sha256 for e in store.evidence(audit_id) if e.sha256)


# -- the content model -------------------------------------------------------------------


def test_the_model_holds_every_section(store, surveillance):
    s = surveillance
    report = build_report(store, s["audit"])
    facts = {f.label: f.value for f in report.facts}
    assert facts["Audit"] == f"Surveillance 2026 (no. {s['audit']})"
    assert facts["Auditee"] == "Acme Soft"
    assert facts["Type"] == "Surveillance"
    assert facts["Scope"] == "Software development"
    assert facts["Planned"] == "2026-03-02 to 2026-03-03"
    assert facts["Held"] == "not given"
    assert facts["Lead auditor"] == "R. Auditor" and facts["Audit team"] == "S. Second"
    assert facts["Standard"] == "ISO 9001:2015"
    assert facts["Checklist"].startswith("Mini checklist for tests")
    assert facts["Auditee participants"] == "CEO, Quality manager, Dev lead"
    assert report.objectives == "Confirm the QMS\nVerify last year's NCs"
    assert report.criteria == "ISO 9001:2015; the quality manual QM-01"
    [sample] = report.sampling
    assert (sample.ref, sample.item_title, sample.population, sample.population_size,
            sample.sample_size, sample.ids) == (
        "8.3.4", "Design and development controls", "Releases of 2025", "12", 2, "4.9, 4.11")

    summary = report.summary
    clauses = {c.ref: dict(zip(summary.result_labels, c.counts)) for c in summary.by_clause}
    assert clauses["4"]["minor NC"] == 1 and clauses["4"]["OFI"] == 1
    assert clauses["8"]["minor NC"] == 1 and clauses["8"]["not assessed"] == 1
    assert (summary.assessed, summary.assessable, summary.nonconformities) == (3, 4, 2)
    grades = {c.label: c.count for c in summary.findings_by_grade}
    assert grades == {"Major nonconformity": 0, "Minor nonconformity": 2, "Observation": 0,
                      "Opportunity for improvement": 1, "Good practice": 1}
    assert {c.label: c.count for c in summary.findings_by_status}["open"] == 4

    assert [f.code for f in report.findings] == [s["repeat"], s["minor"]]
    assert [f.code for f in report.good_practices] == [s["gp"]]
    assert [f.code for f in report.ofis] == [s["ofi"]]
    minor = report.findings[1]
    assert (minor.ref, minor.item_title) == ("8.3.4", "Design and development controls")
    assert minor.grade_label == "Minor nonconformity"
    assert minor.requirement == "ISO 9001:2015 8.3.4 b)"
    assert minor.objective_evidence == "PR 812 merged unreviewed"
    assert minor.process_area == "Development"
    assert [(e.label, e.sha256_prefix) for e in minor.evidence] == [
        ("review screenshot.png", s["sha"][:12])]
    assert report.findings[0].repeat_of == s["old"]

    assert [(g.ref, g.items) for g in report.not_covered] == [
        ("8", (("8.6", "Release of products and services"),))]
    assert report.previous_audit == f"Internal audit 2025 (no. {s['previous']})"
    old = {p.code: p for p in report.previous_findings}
    assert old[s["old"]].status_label == "not effective"
    assert old[s["old"]].repeated_by == (s["repeat"],)
    assert old[s["old"]].verification_note == "Still no record of the review"
    assert len(old) == 2  # the previous OFI too

    follow = {u.code: u for u in report.follow_up}
    assert set(follow) == {s["repeat"], s["minor"], s["ofi"], s["gp"]}
    assert (follow[s["minor"]].owner, follow[s["minor"]].due_date) == ("Dev lead",
                                                                       "2026-04-30")
    assert report.sampling_statement == SAMPLING_STATEMENT
    assert report.distribution == ("Acme Soft (the auditee)", "R. Auditor (lead auditor)")
    assert "Acme Soft" in report.confidentiality
    assert report.draft and report.draft_mark == DRAFT_MARK and report.seal is None


def test_a_closed_audit_has_its_seal_and_no_draft_mark(store, surveillance):
    closed = store.close_audit(surveillance["audit"], "Effective; two minor NCs.")
    report = build_report(store, surveillance["audit"])
    assert not report.draft and report.draft_mark == ""
    assert report.seal is not None and report.seal == closed.seal and len(report.seal) == 64
    assert report.summary.conclusion == "Effective; two minor NCs."
    assert report.facts[3].value == "closed"


def test_cancelled_findings_are_left_out(store, surveillance):
    store.set_finding_status(surveillance["ofi"], "cancelled", note="raised twice")
    report = build_report(store, surveillance["audit"])
    assert report.ofis == ()
    assert surveillance["ofi"] not in {u.code for u in report.follow_up}


def test_report_text_drops_what_no_document_holds():
    assert report_text("a\x00b\x07c\x1bd\x85e\x7ff\u202eg\r\nh\ri\u2028j\tk") == \
        "abcdefg\nh\ni\nj\tk"


# -- each format, written and read back ---------------------------------------------------


def test_markdown_written_and_read_back(store, surveillance, tmp_path):
    target = tmp_path / "report.md"
    write_report(store, surveillance["audit"], target)
    text = target.read_text(encoding="utf-8")
    assert text.startswith(f"> **{DRAFT_MARK}**")
    for heading in ("# Audit report: Surveillance 2026", "## Executive summary",
                    "### Results by clause", "## Findings", "## Good practices",
                    "## Opportunities for improvement", "## Areas not covered",
                    "## Previous findings verified", "## Follow-up agreed", "## Sampling",
                    "## Objectives and criteria",
                    "## Distribution and confidentiality"):
        assert f"\n{heading}\n" in "\n" + text, heading
    rendered = _html(text)
    for statement in ("No design review for release 4.2", "Survey customers yearly",
                      "Interested parties register kept current", "Still no record of the "
                      "review", "Review gate in CI", surveillance["sha"][:12],
                      "Verify last year's NCs", "the quality manual QM-01",
                      "Releases of 2025", "4.9, 4.11", SAMPLING_STATEMENT):
        assert statement in html.unescape(rendered), statement
    assert "## Seal" not in text
    assert oct(target.stat().st_mode & 0o777) == "0o600"


def test_word_written_and_read_back(store, surveillance, tmp_path):
    target = tmp_path / "report.docx"
    write_report(store, surveillance["audit"], target)
    body, headers, footers = docx_text(target.read_bytes())
    assert headers and all(DRAFT_MARK in h for h in headers)
    for statement in ("No design review for release 4.2", "PR 812 merged unreviewed",
                      "Survey customers yearly", "Interested parties register kept current",
                      "Dev lead", "2026-04-30", "Review gate in CI", SAMPLING_STATEMENT,
                      "Verify last year's NCs", "Releases of 2025", "4.9, 4.11",
                      "CEO, Quality manager, Dev lead",
                      f"review screenshot.png (SHA-256 {surveillance['sha'][:12]}"):
        assert statement in body, statement

    store.close_audit(surveillance["audit"], "Done.")
    closed = tmp_path / "closed.docx"
    report = write_report(store, surveillance["audit"], closed)
    body, headers, footers = docx_text(closed.read_bytes())
    assert not any("DRAFT" in h for h in headers) and DRAFT_MARK not in body
    assert report.seal and all(report.seal in f for f in footers) and report.seal in body


@pytest.mark.parametrize("font", PDF_FONTS)
def test_pdf_written_and_read_back(store, surveillance, font):
    report = build_report(store, surveillance["audit"])
    pages = pdf_text(render_pdf(report, font=font))
    assert len(pages) >= 2
    assert all("DRAFT" in page for page in pages)
    every = squeeze("".join(pages))
    for statement in ("No design review for release 4.2", "PR 812 merged unreviewed",
                      "Survey customers yearly", "Dev lead", "2026-04-30",
                      surveillance["sha"][:12], "Areas not covered", "Sampling",
                      "Verify last year's NCs", "Releases of 2025", "4.9, 4.11",
                      SAMPLING_STATEMENT):
        assert squeeze(statement) in every, statement

    closed = store.close_audit(surveillance["audit"], "Done.")
    pages = pdf_text(render_pdf(build_report(store, surveillance["audit"]), font=font))
    assert not any("DRAFT" in page for page in pages)
    assert all(closed.seal in squeeze(page) for page in pages)  # the footer of each page


def test_latin1_fallback_simplifies_rather_than_fails():
    assert latin1("Größe “quoted” – ő … 中") == 'Größe "quoted" - o ... ?'


# -- hostile text --------------------------------------------------------------------------


@pytest.fixture
def hostile(store, mini_checklist):
    audit = store.create_audit(mini_checklist, title=HOSTILE["markdown"],
                               auditee=HOSTILE["html"], scope=HOSTILE["controls"],
                               lead_auditor=HOSTILE["formula"], team=HOSTILE["rtl"],
                               objectives=HOSTILE["markdown"], criteria=HOSTILE["html"])
    store.record_result(audit.id, "8.6", None, samples=[
        parse_sample("<b>PRs</b> `x` [a](javascript:b)||#1, *2*, <i>3</i>")])
    codes = {}
    for ref, (name, text) in zip(("4.1", "4.2", "8.3.4", "8.6"),
                                 [(n, HOSTILE[n]) for n in ("markdown", "html", "formula",
                                                            "long")]):
        _, f = store.record_result(audit.id, ref, "minor", statement=text,
                                   objective_evidence=HOSTILE["rtl"],
                                   requirement=HOSTILE["controls"])
        store.update_finding(f.code, {"owner": HOSTILE["markdown"],
                                      "corrective_action": HOSTILE["html"]})
        codes[name] = f.code
    store.update_audit(audit.id, {"conclusion": HOSTILE["markdown"]})
    return audit.id


def _html(markdown: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").render(markdown)


def test_hostile_text_stays_text_in_markdown(store, hostile):
    report = build_report(store, hostile)
    md = render_markdown(report)
    assert "\x1b" not in md and "\x00" not in md and "\u202e" not in md
    rendered = _html(md)
    assert "<script" not in rendered and "<img" not in rendered and "href" not in rendered
    assert "<blockquote>" in rendered and rendered.count("<blockquote>") == 1  # the DRAFT
    assert rendered.count("<h1>") == 1 and "<h1>Not a heading" not in rendered
    assert "<code>" not in rendered and "<strong>bold" not in rendered
    assert "<pre>" not in rendered and "<ol>" not in rendered and "<hr" not in rendered
    plain = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert "[click](javascript:alert(1))" in plain
    assert "<script>alert('x')</script>" in plain and "&amp; &lt;b&gt;" in plain
    assert "=1+1" in plain and "مراجعة الإجراء" in plain
    assert LONG.split()[-1] in plain
    # The follow-up table keeps its columns: a `|` in a cell is escaped.
    table = rendered.split("Follow-up agreed")[1].split("<h2>Sampling")[0]
    assert [row.count("<td>") for row in table.split("<tr>")[2:]] == [7] * 4
    samples = rendered.split("<h2>Sampling")[1].split("<h2>")[0]
    assert [row.count("<td>") for row in samples.split("<tr>")[2:]] == [6]
    assert "<b>PRs</b> `x` [a](javascript:b)" in plain and "#1, *2*, <i>3</i>" in plain


def test_hostile_text_stays_text_in_word(store, hostile):
    body, headers, _ = docx_text(render_docx(build_report(store, hostile)))
    assert "<script>alert('x')</script> <img src=x onerror=alert(1)> &amp; &lt;b&gt;" in body
    assert "[click](javascript:alert(1))" in body and "=1+1" in body
    assert "bell nul escape[31m vt ff c1 del end" in body
    assert "مراجعة الإجراء أ שלום" in body
    assert LONG in body
    assert "<b>PRs</b> `x` [a](javascript:b)" in body and "#1, *2*, <i>3</i>" in body
    assert DRAFT_MARK in headers[0]


@pytest.mark.parametrize("font", PDF_FONTS)
def test_hostile_text_stays_text_in_pdf(store, hostile, font):
    pages = pdf_text(render_pdf(build_report(store, hostile), font=font))
    assert all("DRAFT" in page for page in pages)
    every = squeeze("".join(pages))
    for text in ("[click](javascript:alert(1))", "<script>alert('x')</script>", "=1+1",
                 "bellnulescape[31mvtffc1delend", "x" * 1_000,
                 "<b>PRs</b> `x` [a](javascript:b)", "#1, *2*, <i>3</i>"):
        assert squeeze(text) in every, text
    if font is not None:
        assert "שלום" in "".join(pages) or "םולש" in "".join(pages)


def test_a_report_of_200_findings_renders_in_each_format(store, mini_checklist):
    audit = store.create_audit(mini_checklist, title="Big", auditee="Acme")
    refs = ("4.1", "4.2", "8.3.4", "8.6")
    for n in range(200):
        store.raise_finding(audit.id, refs[n % 4], "minor",
                            statement=f"Finding number {n}: " + "text " * 60)
    report = build_report(store, audit.id)
    assert len(report.findings) == 200
    assert render_markdown(report).count("Finding number") == 200
    assert docx_text(render_docx(report))[0].count("Finding number") == 200
    assert squeeze("".join(pdf_text(render_pdf(report)))).count("Findingnumber") == 200


# -- the command -----------------------------------------------------------------------------


def test_the_command_writes_each_format_and_refuses_with_one_line(cli, tmp_path):
    assert cli("audits", "new", "--checklist", "iso9001-2015", "--title", "T",
               "--auditee", "A").code == 0
    assert cli("record", "1", "4.1", "--result", "minor", "--statement", "s1").code == 0
    for suffix in (".md", ".docx", ".pdf"):
        target = tmp_path / f"report{suffix}"
        r = cli("report", "1", "-o", target)
        assert r.code == 0, r.err
        assert "draft" in r.out and target.is_file()

    r = cli("report", "1", "-o", tmp_path / "report.pdf")
    assert r.code == 1 and len(r.err.strip().splitlines()) == 1
    assert "already" in r.err
    r = cli("report", "1", "-o", tmp_path / "report.txt")
    assert r.code == 1 and len(r.err.strip().splitlines()) == 1 and ".md, .docx or .pdf" in r.err
    assert not (tmp_path / "report.txt").exists()
    r = cli("report", "99", "-o", tmp_path / "other.md")
    assert r.code == 1 and len(r.err.strip().splitlines()) == 1 and "99" in r.err
    assert not (tmp_path / "other.md").exists()
    r = cli("report", "1", "-o", tmp_path / "no" / "such.md")
    assert r.code == 1 and "no such folder" in r.err
    assert cli("report", "1").code == 2  # -o is required
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_auditor_audits_list_loads_no_renderer(tmp_path):
    code = (
        "import io, contextlib, json, sys\n"
        "from auditor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['audits', 'new', '--checklist', 'iso9001-2015', '--title', 'T',\n"
        "                 '--auditee', 'A']) == 0\n"
        "    assert main(['audits', 'list']) == 0\n"
        "    assert main(['audits', 'show', '1', '--json']) == 0\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'docx', 'fpdf', 'lxml', 'PIL', 'fontTools', 'pypdf'})))\n"
    )
    env = {**os.environ, "AUDITOR_HOME": str(tmp_path), "AUDITOR_USER": "tester"}
    env.pop("AUDITOR_DB", None)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       timeout=120, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.strip().splitlines()[-1]) == []
