"""Audit report documents: each format's renderer against writing the same text with the
renderer's library alone, in the same run.

The report of an audit of 1,500 assessable items and 500 findings (texts of realistic
length, some hostile; two evidence entries per finding; a third of the items not
assessed, so "Areas not covered" is long; sampling records and diverging opinions),
built once as the content model (`assemble_report`, timed on its own). Then, alternating,
best of --repeat:

- `.md`: `render_markdown` against a plain string join of the same headings and texts
  (no escaping), and for reference against that join escaping every text with one regex;
- `.docx`: `render_docx` against python-docx alone writing the same headings, paragraphs
  and tables (no styles beyond the defaults, no header or footer);
- `.pdf`: `render_pdf` (DejaVu Sans when installed, else Helvetica) against fpdf2 alone
  writing the same headings and texts with `multi_cell` and tables with `table()`, in the
  same font.

    python bench/documents.py [--findings 500] [--items 1500] [--repeat 3]

Target: each renderer within 1.5x of its baseline.
"""

from __future__ import annotations

import argparse
import gc
import io
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from auditor.domain.checklist import Checklist, ChecklistItem
from auditor.domain.models import Audit, DivergingOpinion, Evidence, Finding, ItemSample
from auditor.domain.report import AuditReport, assemble_report
from auditor.domain.vocab import Grade, Result
from auditor.exchange.pdf_blocks import find_font
from auditor.exchange.report_docx import render_docx
from auditor.exchange.report_md import render_markdown
from auditor.exchange.report_pdf import render_pdf

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
GROUPS = 15
TARGET = 1.5
GRADES = (Grade.MINOR, Grade.MINOR, Grade.OBSERVATION, Grade.OFI, Grade.MAJOR,
          Grade.GOOD_PRACTICE)
SENTENCE = ("The release procedure QP-07 rev 4 asks for a second reviewer on every merge to "
            "main; in the sample of 12 pull requests from release 3.2, 4 were merged by "
            "their author without review. ")
HOSTILE = ("# not a heading ", "*bold* [link](javascript:x) <script> | pipe ", "`code` ",
           "=1+1 ", "")


def checklist(items: int) -> Checklist:
    per_group = -(-items // GROUPS)
    groups = []
    for g in range(GROUPS):
        children = tuple(
            ChecklistItem(ref=f"{g + 4}.{i + 1}", title=f"Requirement {g + 4}.{i + 1} on "
                          "planning, operation and review of the process",
                          prompts=("How is this planned, done and reviewed?",))
            for i in range(per_group) if g * per_group + i < items)
        groups.append(ChecklistItem(ref=str(g + 4), title=f"Clause {g + 4}", children=children))
    return Checklist(id="bench", title="Bench checklist", standard="ISO 9001:2015",
                     version="1.0.0", items=tuple(groups))


def report_model(findings: int, items: int) -> AuditReport:
    tree = checklist(items)
    refs = [i.ref for i in tree.assessable_items()]
    audit = Audit(id=1, title="Bench audit 2026", type="internal", auditee="Bench Ltd",
                  scope="All software products", lead_auditor="Lead", team="A, B",
                  status="in_progress", snapshot_id=1, created_at=NOW, updated_at=NOW,
                  objectives="Confirm the QMS\nVerify last year's NCs",
                  criteria="ISO 9001:2015; QM-01")
    shown = {ref: (Result.CONFORM if n % 3 else Result.NOT_ASSESSED)
             for n, ref in enumerate(refs)}
    rows, evidence = [], []
    for n in range(findings):
        grade = GRADES[n % len(GRADES)]
        rows.append(Finding(
            id=n + 1, code=f"F-2026-{n + 1:04d}", audit_id=1, ref=refs[(n * 7) % len(refs)],
            grade=grade.value, statement=HOSTILE[n % len(HOSTILE)] + SENTENCE * 2,
            requirement=f"ISO 9001:2015 {refs[n % len(refs)]} b)",
            objective_evidence=SENTENCE + f"PR {800 + n}, {900 + n}.",
            process_area="Development", owner="Dev lead" if n % 2 else "",
            due_date=date(2026, 4, 30) if n % 2 else None,
            corrective_action="Review gate in CI. " * 3, created_at=NOW, updated_at=NOW))
        for k in range(2):
            evidence.append(Evidence(
                id=2 * n + k + 1, audit_id=1, ref=rows[-1].ref, finding_id=n + 1,
                kind="file" if k else "document", original_name=f"screenshot {n}-{k}.png",
                reference=f"QP-07 rev {k}", sha256=f"{n:064x}" if k else None,
                created_at=NOW))
    samples = {refs[n]: [ItemSample(audit_id=1, number=n + 1, ref=refs[n],
                                    population="releases in Q3", population_size=42,
                                    sample_size=5, ids="4.2.0, 4.2.3, 4.2.5, 4.2.7, 4.2.9",
                                    created_at=NOW)] for n in range(0, len(refs), 30)}
    opinions = [DivergingOpinion(audit_id=1, number=n + 1, topic=rows[n].code,
                                 auditee_position=SENTENCE, team_position=SENTENCE,
                                 resolved=bool(n % 2), resolution="Agreed.",
                                 created_at=NOW) for n in range(min(10, findings))]
    return assemble_report(audit, tree, shown, rows, evidence, samples=samples, sessions=[],
                           opinions=opinions, previous=None, previous_findings=[],
                           generated_at=NOW)


# -- baselines: the same text with the library alone ------------------------------------


def _sections(report: AuditReport):
    """(heading, [(label, text)]) of every finding and the other long parts, as text."""
    for f in (*report.findings, *report.good_practices, *report.ofis):
        yield (f"{f.code}: {f.grade_label}, {f.ref} {f.item_title}",
               [("Status", f.status_label), ("Requirement", f.requirement),
                ("Statement", f.statement), ("Objective evidence", f.objective_evidence),
                ("Process or area", f.process_area),
                *(("Evidence", f"{e.kind}: {e.label} {e.sha256_prefix}") for e in f.evidence)])
    for o in report.opinions:
        yield (f"Opinion {o.number}: {o.topic}", [("Auditee", o.auditee_position),
                                                 ("Team", o.team_position)])


def _tables(report: AuditReport) -> list[tuple[list[str], list[list[str]]]]:
    s = report.summary
    return [
        (["", ""], [[f.label, f.value] for f in report.facts]),
        (["Clause", "Title", *s.result_labels, "Items"],
         [[c.ref, c.title, *map(str, c.counts), str(c.total)] for c in s.by_clause]),
        (["Finding", "Clause", "Grade", "Status", "Owner", "Due", "Corrective action"],
         [[u.code, u.ref, u.grade_label, u.status_label, u.owner, u.due_date,
           u.corrective_action] for u in report.follow_up]),
        (["Clause", "Item", "Population", "Size", "Sampled", "Ids"],
         [[r.ref, r.item_title, r.population, r.population_size, str(r.sample_size), r.ids]
          for r in report.sampling]),
    ]


def _not_covered(report: AuditReport) -> list[str]:
    return [f"{ref} {title}" for g in report.not_covered for ref, title in g.items]


_NAIVE = re.compile(r"([\\`*_\[\]<>#|])")


def escaped_markdown(report: AuditReport) -> bytes:
    """The plain join with the least any safe writer does: one regex over every text
    (it escapes more than needed, and misses `1.`, `-` and `=` at a line's start)."""
    return plain_markdown(report, lambda text: _NAIVE.sub(r"\\\1", text))


def plain_markdown(report: AuditReport, esc: Callable[[str], str] = str) -> bytes:
    out = [f"# Audit report: {esc(report.title)}", ""]
    for header, rows in _tables(report):
        out += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows] + [""]
    for heading, fields in _sections(report):
        out += [f"### {esc(heading)}", ""]
        for label, text in fields:
            out += [f"**{label}:**", "", esc(text), ""]
    out += [f"- {esc(line)}" for line in _not_covered(report)]
    return "\n".join(out).encode("utf-8")


def plain_docx(report: AuditReport) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading(f"Audit report: {report.title}", 0)
    for header, rows in _tables(report):
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header):
            cell.paragraphs[0].add_run(text).bold = True
        for row in rows:
            for cell, text in zip(table.add_row().cells, row):
                cell.paragraphs[0].add_run(text)
    for heading, fields in _sections(report):
        doc.add_heading(heading, 3)
        for label, text in fields:
            p = doc.add_paragraph()
            p.add_run(f"{label}: ").bold = True
            p.add_run(text)
    for line in _not_covered(report):
        doc.add_paragraph(line, style="List Bullet")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def plain_pdf(report: AuditReport) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    font = find_font()
    if font is not None:
        pdf.add_font("doc", "", font)
        pdf.add_font("doc", "B", font.with_name("DejaVuSans-Bold.ttf"))
        face = "doc"
    else:
        face = "helvetica"
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font(face, "B", 17)
    pdf.multi_cell(0, 8, report.title, new_x="LMARGIN", new_y="NEXT")
    for header, rows in _tables(report):
        pdf.set_font(face, "", 7)
        with pdf.table(line_height=3.5, first_row_as_headings=True) as table:
            for cells in [header, *rows]:
                row = table.row()
                for cell in cells:
                    row.cell(cell)
    for heading, fields in _sections(report):
        pdf.set_font(face, "B", 10.5)
        pdf.multi_cell(0, 5, heading, new_x="LMARGIN", new_y="NEXT")
        for label, text in fields:
            pdf.set_font(face, "B", 10)
            pdf.multi_cell(0, 5, f"{label}:", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(face, "", 10)
            pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(face, "", 10)
    for line in _not_covered(report):
        pdf.multi_cell(0, 5, f"- {line}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--findings", type=int, default=500)
    parser.add_argument("--items", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    start = time.perf_counter()
    report = report_model(args.findings, args.items)
    built = time.perf_counter() - start
    count = len(report.findings) + len(report.ofis) + len(report.good_practices)
    print(f"report of {args.items} items, {count} findings; content model built in "
          f"{built:.3f} s; font: {find_font() or 'Helvetica'}")
    print(f"{'format':8} {'renderer':>10} {'library':>10} {'ratio':>7}  size")
    worst = 0.0
    for name, ours, theirs in ((".md", lambda: render_markdown(report).encode("utf-8"),
                                lambda: plain_markdown(report)),
                               (".docx", lambda: render_docx(report),
                                lambda: plain_docx(report)),
                               (".pdf", lambda: render_pdf(report),
                                lambda: plain_pdf(report))):
        size = len(ours())  # warm: imports and font parsing outside the timing
        theirs()
        a = b = float("inf")
        for _ in range(args.repeat):  # alternating, so load on the machine hits both
            a = min(a, best(ours, 1))
            b = min(b, best(theirs, 1))
        ratio = a / b
        worst = max(worst, ratio)
        print(f"{name:8} {a:9.3f}s {b:9.3f}s {ratio:6.2f}x  {size / 1e6:.1f} MB")
    md = min(best(lambda: render_markdown(report), 1) for _ in range(args.repeat))
    naive = min(best(lambda: escaped_markdown(report), 1) for _ in range(args.repeat))
    print(f".md against the join escaping every text with one regex: {md:.3f}s / "
          f"{naive:.3f}s = {md / naive:.2f}x")
    print(f"worst ratio {worst:.2f}x (target within {TARGET}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
