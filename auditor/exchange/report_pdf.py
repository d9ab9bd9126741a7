"""The audit report as PDF (fpdf2, pure Python), from the blocks in `pdf_blocks` (the
font and how user text is set are written there, once for every document).

A draft carries its mark in the header of every page; a closed audit's seal is in the
footer of every page and at the end.
"""

from __future__ import annotations

from pathlib import Path

from auditor.domain.report import AuditReport, ReportFinding
from auditor.domain.text import one_line, shorten

from .pdf_blocks import AUTO, DocumentPDF, chosen_font, clause_columns, find_font, latin1

__all__ = ["find_font", "latin1", "render_pdf"]


def _finding(pdf: DocumentPDF, f: ReportFinding) -> None:
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
    pdf = DocumentPDF(title=f"Audit report: {report.title}", mark=report.draft_mark,
                      footer_line=f"Seal {report.seal}" if report.seal else "",
                      font=chosen_font(font))
    pdf.add_page()
    pdf.heading(f"Audit report: {report.title}", 0)
    pdf.text_block(report.confidentiality, size=9)

    pdf.heading("The audit", 1)
    pdf.facts([(f.label, f.value) for f in report.facts])

    pdf.heading("Objectives and criteria", 1)
    for label, text in (("Objectives", report.objectives), ("Criteria", report.criteria)):
        pdf.field(label, text if text.strip() else "Not given.")

    s = report.summary
    pdf.heading("Executive summary", 1)
    pdf.text_block(f"{s.assessed} of {s.assessable} assessable items assessed; "
                   f"{s.nonconformities} nonconformit"
                   f"{'y' if s.nonconformities == 1 else 'ies'}.")
    pdf.heading("Results by clause", 2)
    refs = [shorten(c.ref, 12) for c in s.by_clause]
    pdf.count_table(["Clause", "Title", *s.result_labels, "Items"],
                    [[ref, shorten(c.title, 60), *map(str, c.counts), str(c.total)]
                     for ref, c in zip(refs, s.by_clause)],
                    tuple(clause_columns(s.result_labels, refs, pdf.epw, pdf.bold_measure(7),
                                         2 * pdf.c_margin + 1.5)), size=7)
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
    pdf.heading("Unresolved diverging opinions", 1)
    if not report.unresolved_opinions:
        pdf.text_block(report.no_unresolved_opinions, style="I")
    for o in report.unresolved_opinions:
        pdf.heading(f"Opinion {o.number}: {o.topic}", 3)
        pdf.field("The auditee's position", o.auditee_position)
        pdf.field("The audit team's position", o.team_position)
    if report.resolved_opinions:
        pdf.heading("Resolved during the audit", 2)
        for o in report.resolved_opinions:
            pdf.text_block(f"- Opinion {o.number}, {one_line(o.topic)}: {o.resolution}")
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
