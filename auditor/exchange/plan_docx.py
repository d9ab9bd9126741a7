"""The audit plan as a Word document, from the blocks in `docx_blocks`: a draft's mark in
the header of every page, the plan's name in the footer, the agenda as a table whose
header is repeated on every page."""

from __future__ import annotations

from auditor.domain.plan_document import SESSION, PlanDocument

from .docx_blocks import (
    HEADER_SHADE,
    bullet,
    docx_bytes,
    heading,
    new_document,
    para,
    table,
)

AGENDA_WIDTHS = (2.2, 2.4, 1.0, 4.6, 2.1, 2.6, 2.1)  # cm: A4 less 2 cm margins


def render_plan_docx(plan: PlanDocument) -> bytes:
    name = f"Audit plan: {plan.title}"
    doc = new_document(name, mark=plan.draft_mark, footer=f"{name} ({plan.auditee})")
    heading(doc, name, 0)
    para(doc, plan.confidentiality, italic=True)

    heading(doc, "The audit", 1)
    table(doc, ["", ""], [[f.label, f.value] for f in plan.facts], widths=(4.0, 13.0))
    heading(doc, "Objectives, scope and criteria", 1)
    for label, text in (("Objectives", plan.objectives), ("Scope", plan.scope),
                        ("Criteria", plan.criteria)):
        para(doc, text if text.strip() else "Not given.", bold_label=f"{label}: ")

    heading(doc, "Audit team", 1)
    if plan.team:
        table(doc, ["Name", "Role", "Leads sessions"],
              [[m.name, m.role, ", ".join(map(str, m.sessions)) or "-"] for m in plan.team],
              widths=(6.0, 7.0, 4.0))
    else:
        para(doc, "No auditor named yet.", italic=True)
    heading(doc, "The auditee's people met", 2)
    if not plan.auditee_people:
        para(doc, "Not named in the sessions yet.", italic=True)
    for name in plan.auditee_people:
        bullet(doc, name)

    heading(doc, "Agenda", 1)
    if not plan.agenda:
        para(doc, "No session planned yet.", italic=True)
    else:
        table(doc, ["Date", "Time", "No.", "Clauses and controls", "Auditor",
                    "Auditee's people", "Place"],
              [[f"{line.weekday}\n{line.day}",
                line.time + (f"\n({line.minutes} min)" if line.minutes else ""),
                str(line.number) if line.number is not None else "",
                "\n".join(r.text for r in line.refs) if line.kind == SESSION
                else line.topic, line.auditor, line.auditee_people, line.place]
               for line in plan.agenda],
              widths=AGENDA_WIDTHS, size=9,
              flagged=[line.kind != SESSION for line in plan.agenda],
              flag_shade=HEADER_SHADE)
    heading(doc, "Opening and closing meetings", 1)
    para(doc, plan.opening, bold_label="Opening meeting: ")
    para(doc, plan.closing, bold_label="Closing meeting: ")
    heading(doc, "How the audit is done", 1)
    para(doc, plan.method)
    heading(doc, "Confidentiality", 1)
    para(doc, plan.confidentiality)
    if plan.warnings:
        heading(doc, "Points to settle before the plan goes out", 1)
        for line in plan.warnings:
            bullet(doc, line)
    para(doc, f"Written by auditor on {plan.generated_at}.", italic=True)
    return docx_bytes(doc)
