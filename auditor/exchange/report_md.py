"""The audit report as Markdown (CommonMark with GitHub tables), from the blocks in
`md_blocks` (how user text is escaped is written there, once for every document)."""

from __future__ import annotations

from auditor.domain.report import AuditReport, ReportFinding

from .md_blocks import block, inline
from .md_blocks import field as _field
from .md_blocks import table as _table


def _finding(f: ReportFinding) -> list[str]:
    title = f"{f.code}: {f.grade_label}, {inline(f.ref)}"
    if f.item_title:
        title += f" {inline(f.item_title)}"
    out = [f"### {title}", ""]
    out.append(f"*Status:* {f.status_label}" + (f"; repeat of {f.repeat_of}"
                                                 if f.repeat_of else ""))
    out.append("")
    out += _field("Requirement", f.requirement)
    out += _field("Statement", f.statement)
    out += _field("Objective evidence", f.objective_evidence)
    out += _field("Process or area", f.process_area)
    if f.evidence:
        out += ["**Evidence:**", ""]
        for e in f.evidence:
            sha = f" (SHA-256 {e.sha256_prefix}…)" if e.sha256_prefix else ""
            out.append(f"- {e.kind}: {inline(e.label)}{sha}")
        out.append("")
    return out


def render_markdown(report: AuditReport) -> str:
    out: list[str] = []
    if report.draft:
        out += [f"> **{report.draft_mark}**", ""]
    out += [f"# Audit report: {inline(report.title)}", "",
            f"*{inline(report.confidentiality)}*", ""]

    out += ["## The audit", ""]
    out += _table(["", ""], [[f"**{fact.label}**", inline(fact.value)]
                             for fact in report.facts])
    out += ["## Objectives and criteria", ""]
    for label, text in (("Objectives", report.objectives), ("Criteria", report.criteria)):
        out += [f"**{label}:**", "", block(text) if text.strip() else "*Not given.*", ""]

    s = report.summary
    out += ["## Executive summary", "",
            f"{s.assessed} of {s.assessable} assessable items assessed; "
            f"{s.nonconformities} nonconformit{'y' if s.nonconformities == 1 else 'ies'}.",
            "", "### Results by clause", ""]
    out += _table(["Clause", "Title", *s.result_labels, "Items"],
                  [[inline(c.ref), inline(c.title), *map(str, c.counts), str(c.total)]
                   for c in s.by_clause])
    out += ["### Findings by grade", ""]
    out += _table(["Grade", "Findings"], [[c.label, str(c.count)]
                                          for c in s.findings_by_grade])
    out += ["### Findings by status", ""]
    out += _table(["Status", "Findings"], [[c.label, str(c.count)]
                                           for c in s.findings_by_status])
    out += ["### Conclusion", ""]
    out += [block(s.conclusion) if s.conclusion.strip() else "*No conclusion recorded yet.*",
            ""]

    for heading, found, none in (
            ("Findings", report.findings, "No nonconformities or observations."),
            ("Good practices", report.good_practices, "None recorded."),
            ("Opportunities for improvement", report.ofis, "None recorded.")):
        out += [f"## {heading}", ""]
        if not found:
            out += [f"*{none}*", ""]
        for f in found:
            out += _finding(f)

    out += ["## Areas not covered", ""]
    if not report.not_covered:
        out += ["*Every assessable item was assessed.*", ""]
    for group in report.not_covered:
        out += [f"### {inline(group.ref)} {inline(group.title)}", ""]
        out += [f"- {inline(ref)} {inline(title)}" for ref, title in group.items] + [""]

    if report.previous_audit:
        out += ["## Previous findings verified", "",
                f"Findings of the previous audit, {inline(report.previous_audit)}:", ""]
        if not report.previous_findings:
            out += ["*The previous audit raised no findings.*", ""]
        for p in report.previous_findings:
            out += [f"### {p.code}: {p.grade_label}, {inline(p.ref)}", "",
                    f"*Status now:* {p.status_label}", ""]
            out += _field("Statement", p.statement)
            verified = ", ".join(x for x in (inline(p.verified_by), p.verified_on) if x)
            if verified:
                out += [f"*Verified:* {verified}", ""]
            out += _field("Verification", p.verification_note)
            if p.repeated_by:
                out += [f"*Repeated by:* {', '.join(p.repeated_by)}", ""]

    out += ["## Follow-up agreed", ""]
    if not report.follow_up:
        out += ["*No finding is open.*", ""]
    else:
        out += _table(["Finding", "Clause", "Grade", "Status", "Owner", "Due",
                       "Corrective action"],
                      [[u.code, inline(u.ref), u.grade_label, u.status_label,
                        inline(u.owner) or "not agreed", u.due_date or "not agreed",
                        inline(u.corrective_action)] for u in report.follow_up])

    out += ["## Sampling", "", inline(report.sampling_statement), ""]
    if not report.sampling:
        out += ["*No sampling records were kept.*", ""]
    else:
        out += _table(["Clause", "Item", "Population", "Population size", "Sampled",
                       "Items sampled"],
                      [[inline(r.ref), inline(r.item_title), inline(r.population),
                        r.population_size or "not known", str(r.sample_size), inline(r.ids)]
                       for r in report.sampling])
    out += ["## Unresolved diverging opinions", ""]
    if not report.unresolved_opinions:
        out += [f"*{report.no_unresolved_opinions}*", ""]
    for o in report.unresolved_opinions:
        out += [f"### Opinion {o.number}: {inline(o.topic)}", ""]
        out += _field("The auditee's position", o.auditee_position)
        out += _field("The audit team's position", o.team_position)
    if report.resolved_opinions:
        out += ["### Resolved during the audit", ""]
        for o in report.resolved_opinions:
            out += [f"- Opinion {o.number}, {inline(o.topic)}: {inline(o.resolution)}"]
        out.append("")
    out += ["## Distribution and confidentiality", "", inline(report.confidentiality), "",
            "Distribution:", ""]
    out += [f"- {inline(line)}" for line in report.distribution] + [""]
    if report.seal:
        out += ["## Seal", "", f"`{report.seal}`", "",
                f"Check it with `auditor audits verify {report.audit_id} --seal "
                f"{report.seal}`.", ""]
    out += [f"*Written by auditor on {report.generated_at}.*", ""]
    return "\n".join(out)
