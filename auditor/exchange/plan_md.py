"""The audit plan as Markdown, from the blocks in `md_blocks`."""

from __future__ import annotations

from auditor.domain.plan_document import SESSION, PlanDocument

from .md_blocks import bullets, field, inline, table


def _sessions(numbers: tuple[int, ...]) -> str:
    return ", ".join(map(str, numbers)) if numbers else "-"


def render_plan_markdown(plan: PlanDocument) -> str:
    out: list[str] = []
    if plan.draft:
        out += [f"> **{plan.draft_mark}**", ""]
    out += [f"# Audit plan: {inline(plan.title)}", "", f"*{inline(plan.confidentiality)}*",
            ""]
    out += ["## The audit", ""]
    out += table(["", ""], [[f"**{f.label}**", inline(f.value)] for f in plan.facts])
    out += ["## Objectives, scope and criteria", ""]
    for label, text in (("Objectives", plan.objectives), ("Scope", plan.scope),
                        ("Criteria", plan.criteria)):
        out += field(label, text) or [f"**{label}:**", "", "*Not given.*", ""]

    out += ["## Audit team", ""]
    if plan.team:
        out += table(["Name", "Role", "Leads sessions"],
                     [[inline(m.name), m.role, _sessions(m.sessions)] for m in plan.team])
    else:
        out += ["*No auditor named yet.*", ""]
    out += ["### The auditee's people met", ""]
    out += bullets(plan.auditee_people) if plan.auditee_people else [
        "*Not named in the sessions yet.*", ""]

    out += ["## Agenda", ""]
    if not plan.agenda:
        out += ["*No session planned yet.*", ""]
    else:
        out += table(["Date", "Time", "Min", "No.", "Clauses and controls", "Auditor",
                      "Auditee's people", "Place"],
                     [[f"{line.weekday} {line.day}", line.time, line.minutes,
                       str(line.number) if line.number is not None else "",
                       inline(line.topic) if line.kind == SESSION else f"**{line.topic}**",
                       inline(line.auditor), inline(line.auditee_people), inline(line.place)]
                      for line in plan.agenda])
    out += ["## Opening and closing meetings", "", f"**Opening meeting:** {plan.opening}",
            "", f"**Closing meeting:** {plan.closing}", ""]
    out += ["## How the audit is done", "", plan.method, ""]
    out += ["## Confidentiality", "", inline(plan.confidentiality), ""]
    if plan.warnings:
        out += ["## Points to settle before the plan goes out", ""]
        out += bullets(plan.warnings)
    out += [f"*Written by auditor on {plan.generated_at}.*", ""]
    return "\n".join(out)



