"""The audit plan as PDF, from the blocks in `pdf_blocks`: a draft's mark at the top of
every page, the plan's name and the page number at the foot, the agenda as a table of
wrapped text whose header is repeated on every page it runs onto."""

from __future__ import annotations

from pathlib import Path

from auditor.domain.plan_document import SESSION, PlanDocument

from .pdf_blocks import AUTO, DocumentPDF, chosen_font

AGENDA_WIDTHS = (20.0, 23.0, 8.5, 48.5, 22.0, 26.0, 26.0)


def render_plan_pdf(plan: PlanDocument, font: Path | None | str = AUTO) -> bytes:
    name = f"Audit plan: {plan.title}"
    pdf = DocumentPDF(title=name, mark=plan.draft_mark,
                      footer_line=f"{name} ({plan.auditee})", font=chosen_font(font))
    pdf.add_page()
    pdf.heading(name, 0)
    pdf.text_block(plan.confidentiality, size=9)

    pdf.heading("The audit", 1)
    pdf.facts([(f.label, f.value) for f in plan.facts])
    pdf.heading("Objectives, scope and criteria", 1)
    for label, text in (("Objectives", plan.objectives), ("Scope", plan.scope),
                        ("Criteria", plan.criteria)):
        pdf.field(label, text if text.strip() else "Not given.")

    pdf.heading("Audit team", 1)
    if plan.team:
        pdf.text_table(["Name", "Role", "Leads sessions"],
                       [[m.name, m.role, ", ".join(map(str, m.sessions)) or "-"]
                        for m in plan.team], (60.0, 70.0, 44.0), size=9)
    else:
        pdf.text_block("No auditor named yet.", style="I")
    pdf.heading("The auditee's people met", 2)
    if not plan.auditee_people:
        pdf.text_block("Not named in the sessions yet.", style="I")
    for person in plan.auditee_people:
        pdf.text_block(f"- {person}")

    pdf.heading("Agenda", 1)
    if not plan.agenda:
        pdf.text_block("No session planned yet.", style="I")
    else:
        pdf.text_table(
            ["Date", "Time", "No.", "Clauses and controls", "Auditor", "Auditee's people",
             "Place"],
            [[f"{line.weekday}\n{line.day}",
              line.time + (f"\n{line.minutes} min" if line.minutes else ""),
              str(line.number) if line.number is not None else "",
              "\n".join(r.text for r in line.refs) if line.kind == SESSION else line.topic,
              line.auditor, line.auditee_people, line.place] for line in plan.agenda],
            AGENDA_WIDTHS, size=8, shaded=[line.kind != SESSION for line in plan.agenda])
    pdf.heading("Opening and closing meetings", 1)
    pdf.field("Opening meeting", plan.opening)
    pdf.field("Closing meeting", plan.closing)
    pdf.heading("How the audit is done", 1)
    pdf.text_block(plan.method)
    pdf.heading("Confidentiality", 1)
    pdf.text_block(plan.confidentiality)
    if plan.warnings:
        pdf.heading("Points to settle before the plan goes out", 1)
        for line in plan.warnings:
            pdf.text_block(f"- {line}", indent=0)
    pdf.ln(2)
    pdf.text_block(f"Written by auditor on {plan.generated_at}.", style="I", size=8)
    return bytes(pdf.output())
