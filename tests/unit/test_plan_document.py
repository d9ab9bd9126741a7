"""The audit plan as a document: one content model (auditor.domain.plan_document), three
renderers (Markdown, Word, PDF) written and read back; the opening and closing meetings'
rule; the plan's warnings in a draft; hostile text literal in every format; the command;
LibreOffice converts the Word plan without an error."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document
from test_report import HOSTILE, LONG, PDF_FONTS, _html, docx_text, pdf_text, squeeze

from auditor.domain.plan_document import (
    CLOSING,
    OPENING,
    PLAN_DRAFT_MARK,
    SESSION,
    build_plan,
)
from auditor.exchange.pdf_blocks import find_font
from auditor.exchange.plan_docx import render_plan_docx
from auditor.exchange.plan_file import write_plan
from auditor.exchange.plan_md import render_plan_markdown
from auditor.exchange.plan_pdf import render_plan_pdf

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
SECTIONS = ("The audit", "Objectives, scope and criteria", "Audit team",
            "The auditee's people met", "Agenda", "Opening and closing meetings",
            "How the audit is done", "Confidentiality")
WARNINGS = "Points to settle before the plan goes out"


@pytest.fixture
def planned(store, mini_checklist):
    """An audit with four sessions over two days: the lead's, two of S. Second's at once,
    and one led by someone outside the team (two warnings)."""
    audit = store.create_audit(
        mini_checklist, title="Internal audit 2026", auditee="Acme Soft",
        lead_auditor="R. Auditor", team="S. Second; T. Third", scope="Software development",
        site="Leeds", planned_start=date(2026, 3, 2), planned_end=date(2026, 3, 3),
        objectives="Confirm the QMS\nVerify last year's NCs", criteria="ISO 9001:2015")
    store.add_session(audit.id, start="2026-03-03 13:00", minutes=60, refs="8.6",
                      auditor="S. Second", auditee_people="Release manager",
                      place="Room 2")
    store.add_session(audit.id, start="2026-03-02 09:30", minutes=90, refs="4",
                      auditee_people="CEO, Quality manager", place="Board room")
    store.add_session(audit.id, start="2026-03-03 13:30", minutes=30, refs="8.3.4",
                      auditor="S. Second", auditee_people="Dev lead",
                      place="https://meet.example.com/abc")
    store.add_session(audit.id, start="2026-03-03 15:00", minutes=30, refs="4.2",
                      auditor="X. Guest", auditee_people="CEO", place="Board room")
    return audit.id


def test_the_model_holds_facts_team_agenda_meetings_and_warnings(store, planned):
    plan = build_plan(store, planned)
    facts = {f.label: f.value for f in plan.facts}
    assert facts["Audit"] == f"Internal audit 2026 (no. {planned})"
    assert facts["Dates"] == "2026-03-02 to 2026-03-03" and facts["Site"] == "Leeds"
    assert facts["Standard"] == "ISO 9001:2015"
    assert plan.objectives == "Confirm the QMS\nVerify last year's NCs"
    assert plan.scope == "Software development" and plan.criteria == "ISO 9001:2015"
    assert [(m.name, m.role, m.sessions) for m in plan.team] == [
        ("R. Auditor", "Lead auditor", (2,)), ("S. Second", "Auditor", (1, 3)),
        ("T. Third", "Auditor", ()),
        ("X. Guest", "Auditor (not named in the audit team)", (4,))]
    assert plan.auditee_people == ("CEO", "Quality manager", "Release manager", "Dev lead")

    kinds = [(line.kind, line.number, line.day, line.time) for line in plan.agenda]
    assert kinds == [
        (OPENING, None, "2026-03-02", "before 09:30"),
        (SESSION, 2, "2026-03-02", "09:30-11:00"),
        (SESSION, 1, "2026-03-03", "13:00-14:00"),
        (SESSION, 3, "2026-03-03", "13:30-14:00"),
        (SESSION, 4, "2026-03-03", "15:00-15:30"),
        (CLOSING, None, "2026-03-03", "after 15:30")]
    first = plan.agenda[1]
    assert first.topic == "4 Context of the organization" and first.weekday == "Monday"
    assert plan.agenda[0].auditor == plan.agenda[-1].auditor == "R. Auditor"
    assert plan.agenda[0].place == "Board room"
    assert plan.draft and plan.draft_mark == PLAN_DRAFT_MARK
    assert any("X. Guest" in w and "team" in w for w in plan.warnings)
    assert any("at once" in w for w in plan.warnings)


def test_a_plan_without_warnings_is_no_draft_and_without_sessions_has_no_meetings(
        store, mini_checklist):
    audit = store.create_audit(mini_checklist, title="T", auditee="A", lead_auditor="L",
                               objectives="Confirm the QMS", planned_start=date(2026, 3, 2),
                               planned_end=date(2026, 3, 2))
    empty = build_plan(store, audit.id)
    assert empty.agenda == () and empty.draft  # every item is in no session
    store.add_session(audit.id, start="2026-03-02 09:00", minutes=60, refs="4,8")
    plan = build_plan(store, audit.id)
    assert not plan.draft and plan.warnings == () and plan.draft_mark == ""
    assert [line.kind for line in plan.agenda] == [OPENING, SESSION, CLOSING]
    assert WARNINGS not in render_plan_markdown(plan)


def test_markdown_plan_read_back(store, planned, tmp_path):
    target = tmp_path / "plan.md"
    write_plan(store, planned, target)
    text = target.read_text(encoding="utf-8")
    assert text.startswith(f"> **{PLAN_DRAFT_MARK}**")
    for heading in ("# Audit plan: Internal audit 2026", *(f"## {s}" for s in SECTIONS
                                                          if s != "The auditee's people met"),
                    "### The auditee's people met", f"## {WARNINGS}"):
        assert f"\n{heading}\n" in "\n" + text, heading
    plain = html.unescape(re.sub(r"<[^>]+>", "", _html(text)))
    for expected in ("Opening meeting", "Closing meeting", "8.3.4 Design and development "
                     "controls", "https://meet.example.com/abc", "Release manager",
                     "X. Guest", "before 09:30", "after 15:30", "13:00-14:00"):
        assert expected in plain, expected
    assert oct(target.stat().st_mode & 0o777) == "0o600"


def test_word_plan_read_back(store, planned):
    data = render_plan_docx(build_plan(store, planned))
    styles = {p.style.name for p in Document(io.BytesIO(data)).paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "List Bullet"} <= styles
    body, headers, footers = docx_text(data)
    assert headers and all(PLAN_DRAFT_MARK in h for h in headers)
    assert all("Audit plan: Internal audit 2026" in f for f in footers)
    for expected in (*SECTIONS, WARNINGS, "Opening meeting", "Closing meeting",
                     "8.3.4 Design and development controls", "4 Context of the organization",
                     "https://meet.example.com/abc", "Release manager", "S. Second",
                     "Lead auditor", "Confirm the QMS"):
        assert expected in body, expected


@pytest.mark.parametrize("font", PDF_FONTS)
def test_pdf_plan_read_back(store, planned, font):
    pages = pdf_text(render_plan_pdf(build_plan(store, planned), font=font))
    assert all("DRAFT plan" in page for page in pages)
    every = squeeze("".join(pages))
    for expected in (*SECTIONS, WARNINGS, "Opening meeting", "Closing meeting",
                     "8.3.4 Design and development controls", "Release manager",
                     "before 09:30", "https://meet.example.com/abc", "X. Guest"):
        assert squeeze(expected) in every, expected


@pytest.fixture
def hostile_plan(store, mini_checklist):
    audit = store.create_audit(mini_checklist, title=HOSTILE["markdown"],
                               auditee=HOSTILE["html"], scope=HOSTILE["controls"],
                               lead_auditor=HOSTILE["formula"], team=HOSTILE["rtl"],
                               objectives=HOSTILE["markdown"], criteria=HOSTILE["html"])
    store.add_session(audit.id, start="2026-03-02 09:00", minutes=60, refs="4",
                      auditee_people=HOSTILE["html"], place="[a](javascript:b) | #x")
    store.add_session(audit.id, start="2026-03-02 10:00", minutes=60, refs="8",
                      auditor="*bold* <script>", auditee_people=LONG, place="`code`")
    return audit.id


def test_hostile_text_stays_text_in_every_plan_format(store, hostile_plan):
    plan = build_plan(store, hostile_plan)
    md = render_plan_markdown(plan)
    assert "\x1b" not in md and "\u202e" not in md
    rendered = _html(md)
    assert "<script" not in rendered and "href" not in rendered and "<img" not in rendered
    assert rendered.count("<h1>") == 1 and "<code>" not in rendered
    plain = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    for text in ("[click](javascript:alert(1))", "<script>alert('x')</script>", "=1+1",
                 "[a](javascript:b) | #x", "*bold* <script>", "`code`", LONG.split()[-1]):
        assert text in plain, text
    agenda = rendered.split("<h2>Agenda")[1].split("<h2>")[0]
    assert [row.count("<td>") for row in agenda.split("<tr>")[2:]] == [8] * 4

    body, _, _ = docx_text(render_plan_docx(plan))
    for text in ("<script>alert('x')</script> <img src=x onerror=alert(1)>",
                 "[a](javascript:b) | #x", "*bold* <script>", "bell nul escape[31m", LONG):
        assert text in body, text
    for font in (None, find_font()):
        every = squeeze("".join(pdf_text(render_plan_pdf(plan, font=font))))
        for text in ("[a](javascript:b) | #x", "<script>alert('x')</script>",
                     "*bold* <script>", "x" * 500):
            assert squeeze(text) in every, text


def test_the_command_writes_each_format_and_refuses_with_one_line(cli, tmp_path):
    assert cli("audits", "new", "--checklist", "iso9001-2015", "--title", "T",
               "--auditee", "A", "--lead", "L").code == 0
    assert cli("plan", "add", "1", "--start", "2026-03-02 09:00", "--minutes", "60",
               "--refs", "4").code == 0
    for suffix in (".md", ".docx", ".pdf"):
        r = cli("plan", "export", "1", "-o", tmp_path / f"plan{suffix}")
        assert r.code == 0, r.err
        assert "draft" in r.out and "in no session" in r.err
    r = cli("plan", "export", "1", "-o", tmp_path / "plan.pdf")
    assert r.code == 1 and len(r.err.strip().splitlines()) == 1 and "already" in r.err
    r = cli("plan", "export", "1", "-o", tmp_path / "plan.txt")
    assert r.code == 1 and ".md, .docx or .pdf" in r.err
    r = cli("plan", "export", "7", "-o", tmp_path / "other.md")
    assert r.code == 1 and len(r.err.strip().splitlines()) == 1
    assert not (tmp_path / "other.md").exists() and not (tmp_path / "plan.txt").exists()


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_word_plan(store, hostile_plan, planned, tmp_path):
    assert SOFFICE is not None
    for number in (planned, hostile_plan):
        source = tmp_path / f"plan{number}.docx"
        write_plan(store, number, source)
        result = subprocess.run(
            [SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
             "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
            capture_output=True, text=True, timeout=180)
        assert result.returncode == 0 and "Error" not in result.stderr, result.stderr
        pages = pdf_text((tmp_path / f"plan{number}.pdf").read_bytes())
        assert "Agenda" in "".join(pages)
