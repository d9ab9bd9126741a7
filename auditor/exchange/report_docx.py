"""The audit report as a Word document (python-docx), from the blocks in `docx_blocks`.

A draft carries its mark in the header of every page; a closed audit's seal is in the
footer of every page.
"""

from __future__ import annotations

from auditor.domain.report import AuditReport, ReportFinding
from auditor.domain.text import one_line

from .docx_blocks import bold_line, bullet, docx_bytes, new_document, xml_safe
from .docx_blocks import heading as _heading
from .docx_blocks import para as _para
from .docx_blocks import table as _table
from .pdf_blocks import bold_measure, clause_columns

__all__ = ["render_docx", "xml_safe"]

CLAUSE_SIZE = 8  # pt: the results-by-clause table, eight count columns across A4
CLAUSE_MARGIN_MM = 1.0
CLAUSE_ROOM_MM = 170.0  # A4 less 2 cm margins


def _finding(doc, f: ReportFinding) -> None:
    title = f"{f.code}: {f.grade_label}, {f.ref}" + (f" {f.item_title}" if f.item_title
                                                      else "")
    _heading(doc, title, 3)
    _para(doc, f.status_label + (f"; repeat of {f.repeat_of}" if f.repeat_of else ""),
          bold_label="Status: ")
    for label, text in (("Requirement", f.requirement), ("Statement", f.statement),
                        ("Objective evidence", f.objective_evidence),
                        ("Process or area", f.process_area)):
        if text.strip():
            _para(doc, text, bold_label=f"{label}: ")
    if f.evidence:
        bold_line(doc, "Evidence:")
        for e in f.evidence:
            sha = f" (SHA-256 {e.sha256_prefix}…)" if e.sha256_prefix else ""
            bullet(doc, f"{e.kind}: {one_line(e.label)}{sha}")


def render_docx(report: AuditReport) -> bytes:
    doc = new_document(f"Audit report: {report.title}", mark=report.draft_mark,
                       footer=f"Audit report: {report.title}"
                       + (f". {report.seal_line}" if report.seal else ""))
    _heading(doc, f"Audit report: {report.title}", 0)
    _para(doc, report.confidentiality, italic=True)

    _heading(doc, "The audit", 1)
    _table(doc, ["", ""], [[fact.label, fact.value] for fact in report.facts],
           widths=(4.5, 12.5))
    _heading(doc, "Objectives and criteria", 1)
    for label, text in (("Objectives", report.objectives), ("Criteria", report.criteria)):
        _para(doc, text if text.strip() else "Not given.", bold_label=f"{label}: ")

    s = report.summary
    _heading(doc, "Executive summary", 1)
    _para(doc, f"{s.assessed} of {s.assessable} assessable items assessed; "
               f"{s.nonconformities} nonconformit{'y' if s.nonconformities == 1 else 'ies'}.")
    _heading(doc, "Results by clause", 2)
    # the PDF's rule, measured in its font (wider than Word's): no word broken inside
    widths = clause_columns(s.result_labels, [one_line(c.ref) for c in s.by_clause],
                            CLAUSE_ROOM_MM, bold_measure(CLAUSE_SIZE), 2 * CLAUSE_MARGIN_MM + 1.5)
    _table(doc, ["Clause", "Title", *s.result_labels, "Items"],
           [[c.ref, one_line(c.title), *map(str, c.counts), str(c.total)]
            for c in s.by_clause],
           widths=[w / 10 for w in widths], size=CLAUSE_SIZE, cell_margin=CLAUSE_MARGIN_MM / 10)
    _heading(doc, "Findings by grade", 2)
    _table(doc, ["Grade", "Findings"], [[c.label, str(c.count)] for c in s.findings_by_grade])
    _heading(doc, "Findings by status", 2)
    _table(doc, ["Status", "Findings"], [[c.label, str(c.count)]
                                         for c in s.findings_by_status])
    _heading(doc, "Conclusion", 2)
    _para(doc, s.conclusion if s.conclusion.strip() else "No conclusion recorded yet.")

    for heading, found, none in (
            ("Findings", report.findings, "No nonconformities or observations."),
            ("Good practices", report.good_practices, "None recorded."),
            ("Opportunities for improvement", report.ofis, "None recorded.")):
        _heading(doc, heading, 1)
        if not found:
            _para(doc, none, italic=True)
        for f in found:
            _finding(doc, f)

    _heading(doc, "Areas not covered", 1)
    if not report.not_covered:
        _para(doc, "Every assessable item was assessed.", italic=True)
    for group in report.not_covered:
        _heading(doc, f"{group.ref} {group.title}", 2)
        for ref, title in group.items:
            bullet(doc, f"{ref} {title}")

    if report.previous_audit:
        _heading(doc, "Previous findings verified", 1)
        _para(doc, f"Findings of the previous audit, {report.previous_audit}:")
        if not report.previous_findings:
            _para(doc, "The previous audit raised no findings.", italic=True)
        for old in report.previous_findings:
            _heading(doc, f"{old.code}: {old.grade_label}, {old.ref}", 3)
            _para(doc, old.status_label, bold_label="Status now: ")
            if old.statement.strip():
                _para(doc, old.statement, bold_label="Statement: ")
            verified = ", ".join(x for x in (old.verified_by, old.verified_on) if x)
            if verified:
                _para(doc, verified, bold_label="Verified: ")
            if old.verification_note.strip():
                _para(doc, old.verification_note, bold_label="Verification: ")
            if old.repeated_by:
                _para(doc, ", ".join(old.repeated_by), bold_label="Repeated by: ")

    _heading(doc, "Follow-up agreed", 1)
    if not report.follow_up:
        _para(doc, "No finding is open.", italic=True)
    else:
        _table(doc, ["Finding", "Clause", "Grade", "Status", "Owner", "Due",
                     "Corrective action"],
               [[u.code, u.ref, u.grade_label, u.status_label, u.owner or "not agreed",
                 u.due_date or "not agreed", u.corrective_action]
                for u in report.follow_up])

    _heading(doc, "Sampling", 1)
    _para(doc, report.sampling_statement)
    if not report.sampling:
        _para(doc, "No sampling records were kept.", italic=True)
    else:
        _table(doc, ["Clause", "Item", "Population", "Population size", "Sampled",
                     "Items sampled"],
               [[r.ref, one_line(r.item_title), r.population, r.population_size or "not known",
                 str(r.sample_size), r.ids] for r in report.sampling])
    _heading(doc, "Unresolved diverging opinions", 1)
    if not report.unresolved_opinions:
        _para(doc, report.no_unresolved_opinions, italic=True)
    for o in report.unresolved_opinions:
        _heading(doc, f"Opinion {o.number}: {o.topic}", 3)
        _para(doc, o.auditee_position, bold_label="The auditee's position: ")
        _para(doc, o.team_position, bold_label="The audit team's position: ")
    if report.resolved_opinions:
        _heading(doc, "Resolved during the audit", 2)
        for o in report.resolved_opinions:
            bullet(doc, f"Opinion {o.number}, {o.topic}: {o.resolution}")
    _heading(doc, "Distribution and confidentiality", 1)
    _para(doc, report.confidentiality)
    _para(doc, "Distribution:")
    for line in report.distribution:
        bullet(doc, line)
    if report.seal:
        _heading(doc, "Seal", 1)
        _para(doc, report.seal_line)
    _para(doc, f"Written by auditor on {report.generated_at}.", italic=True)

    return docx_bytes(doc)
