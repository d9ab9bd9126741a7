"""The audit report (DESIGN section 9, ISO 19011 6.5.1 in substance) as one content model.

`build_report(store, audit_id)` reads the audit once and gives an `AuditReport`: plain,
frozen values that the three renderers (`auditor.exchange.report_md`, `report_docx`,
`report_pdf`) lay out, each in its own format. Nothing here knows a file format; the
model decides what the report says, the renderers only how it looks.

User text (titles, statements, notes, names) is held as typed, less what no document
should carry (`report_text`): control characters other than line breaks and tabs, lone
surrogates, non-characters, and the invisible direction overrides that could reorder
the text shown around them. Line breaks are kept (as `\n`); each renderer escapes the
rest for its format.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from .checklist import Checklist, ChecklistItem
from .derived import is_open_status
from .document_text import AUDIT_TYPE_LABELS, Fact, given, held, participants, report_text
from .document_text import day as _day
from .document_text import span as _span
from .models import Audit, DivergingOpinion, Evidence, Finding, ItemSample, PlanSession
from .report_model import (
    DRAFT_MARK,
    GRADES_APART,
    SAMPLING_STATEMENT,
    SHA_PREFIX,
    AuditReport,
    ClauseResults,
    Count,
    EvidenceFile,
    FollowUp,
    NotCovered,
    PreviousFinding,
    ReportFinding,
    ReportOpinion,
    SamplingRecord,
    Summary,
)
from .summary import GRADE_ORDER, RESULT_ORDER, STATUS_ORDER, count_audit
from .vocab import (
    GRADE_LABELS,
    RESULT_LABELS,
    AuditStatus,
    FindingStatus,
    Grade,
    Result,
    status_label,
    words,
)

if TYPE_CHECKING:
    from .store import Store

# What the renderers and tests take from here (the model's types live in report_model).
__all__ = ["DRAFT_MARK", "SAMPLING_STATEMENT", "AuditReport", "ReportFinding",
           "ReportOpinion", "assemble_report", "build_report", "report_text"]

def _top_level(checklist: Checklist) -> list[tuple[ChecklistItem, list[ChecklistItem]]]:
    """Each top-level item with the assessable items under it (itself included)."""
    groups = []
    for top in checklist.items:
        found: list[ChecklistItem] = []
        stack = [top]
        while stack:
            item = stack.pop()
            if item.assessable:
                found.append(item)
            stack.extend(reversed(item.children))
        groups.append((top, found))
    return groups


def _facts(audit: Audit, checklist: Checklist, participants: str) -> tuple[Fact, ...]:
    facts = [
        Fact("Audit", f"{report_text(audit.title)} (no. {audit.id})"),
        Fact("Auditee", report_text(audit.auditee)),
        Fact("Type", AUDIT_TYPE_LABELS.get(audit.type, report_text(audit.type))),
        Fact("Status", status_label(audit.status)),
        Fact("Scope", report_text(audit.scope)),
        Fact("Site", report_text(audit.site)),
        Fact("Planned", _span(audit.planned_start, audit.planned_end,
                              open_end="end not planned")),
        Fact("Held", held(audit.actual_start, audit.actual_end,
                          closed=audit.status == AuditStatus.CLOSED,
                          planned_end=audit.planned_end)),
        Fact("Lead auditor", report_text(audit.lead_auditor)),
        Fact("Audit team", report_text(audit.team)),
        Fact("Auditee participants", participants),
        Fact("Checklist", f"{report_text(checklist.title)} (version "
                          f"{report_text(checklist.version)})"),
        Fact("Standard", report_text(checklist.standard)),
    ]
    return given(facts)


def _evidence_files(rows: list[Evidence]) -> tuple[EvidenceFile, ...]:
    return tuple(
        EvidenceFile(
            label=report_text(e.original_name or e.reference or e.description or e.kind),
            kind=e.kind,
            sha256_prefix=(e.sha256 or "")[:SHA_PREFIX],
        ) for e in rows)


def _finding(f: Finding, checklist: Checklist,
             evidence: dict[int, list[Evidence]]) -> ReportFinding:
    item = checklist.item(f.ref)
    return ReportFinding(
        code=f.code,
        ref=report_text(f.ref),
        item_title=report_text(item.title) if item else "",
        grade=f.grade,
        grade_label=_grade_label(f.grade),
        requirement=report_text(f.requirement),
        statement=report_text(f.statement),
        objective_evidence=report_text(f.objective_evidence),
        process_area=report_text(f.process_area),
        evidence=_evidence_files(evidence.get(f.id or 0, [])),
        status=f.status,
        status_label=status_label(f.status),
        repeat_of=f.repeat_of or "",
    )


def _grade_label(grade: str) -> str:
    return GRADE_LABELS[Grade(grade)] if grade in Grade._value2member_map_ else grade


def _opinions(rows: list[DivergingOpinion], checklist: Checklist,
              findings: list[Finding]) -> tuple[ReportOpinion, ...]:
    """The opinions in the order recorded; a topic naming one of the audit's findings or
    a clause of its checklist is told with the finding's grade and clause or the
    clause's title."""
    by_code = {f.code: f for f in findings}
    out = []
    for o in sorted(rows, key=lambda x: x.number):
        topic = report_text(o.topic)
        finding = by_code.get(topic.strip())
        item = checklist.item(topic.strip())
        if finding is not None:
            topic = f"{finding.code} ({_grade_label(finding.grade)}, {report_text(finding.ref)})"
        elif item is not None:
            topic = f"{topic.strip()} {report_text(item.title)}"
        out.append(ReportOpinion(
            number=o.number, topic=topic, auditee_position=report_text(o.auditee_position),
            team_position=report_text(o.team_position), resolved=o.resolved,
            resolution=report_text(o.resolution)))
    return tuple(out)


def build_report(store: Store, audit_id: int) -> AuditReport:
    """The report of one audit as the store holds it now."""
    audit = store.audit(audit_id)
    checklist = store.checklist_for(audit.snapshot_id)
    shown = store.effective_results(audit_id)
    findings = store.findings(audit_id)
    evidence_rows = store.evidence(audit_id)
    return assemble_report(
        audit, checklist, shown, findings, evidence_rows,
        samples=store.samples(audit_id), sessions=store.sessions(audit_id),
        opinions=store.opinions(audit_id),
        previous=store.audit(audit.previous_id) if audit.previous_id else None,
        previous_findings=store.findings(audit.previous_id) if audit.previous_id else [],
        generated_at=store.now())


def assemble_report(audit: Audit, checklist: Checklist, shown: dict[str, Result],
                    findings: list[Finding], evidence_rows: list[Evidence], *,
                    samples: dict[str, list[ItemSample]], sessions: list[PlanSession],
                    opinions: list[DivergingOpinion] | None = None,
                    previous: Audit | None, previous_findings: list[Finding],
                    generated_at: datetime) -> AuditReport:
    """The report from what was read (no store): the pure part of `build_report`."""
    counts = count_audit(checklist, shown, findings)
    groups = _top_level(checklist)
    by_clause = tuple(
        ClauseResults(
            ref=report_text(top.ref), title=report_text(top.title),
            counts=tuple(sum(1 for i in items
                             if shown.get(i.ref, Result.NOT_ASSESSED) == r)
                         for r in RESULT_ORDER))
        for top, items in groups if items)
    not_covered = tuple(
        NotCovered(report_text(top.ref), report_text(top.title), missing)
        for top, items in groups
        if (missing := tuple((report_text(i.ref), report_text(i.title)) for i in items
                             if shown.get(i.ref, Result.NOT_ASSESSED)
                             == Result.NOT_ASSESSED)))
    grade_words = {g: GRADE_LABELS[g] for g in GRADE_ORDER}
    status_words = words(FindingStatus)
    summary = Summary(
        result_labels=tuple(RESULT_LABELS[r] for r in RESULT_ORDER),
        by_clause=by_clause,
        assessed=counts.assessed,
        assessable=counts.items,
        findings_by_grade=tuple(Count(grade_words[g], counts.by_grade[g])
                                for g in GRADE_ORDER),
        findings_by_status=tuple(Count(status_words[s], counts.by_status[s])
                                 for s in STATUS_ORDER),
        nonconformities=counts.nonconformities,
        conclusion=report_text(audit.conclusion),
    )

    by_finding: dict[int, list[Evidence]] = {}
    for e in evidence_rows:
        if e.finding_id is not None:
            by_finding.setdefault(e.finding_id, []).append(e)
    live = [f for f in findings if f.status != FindingStatus.CANCELLED]
    made = [_finding(f, checklist, by_finding) for f in live]

    repeated: dict[str, list[str]] = {}
    for f in findings:
        if f.repeat_of and f.status != FindingStatus.CANCELLED:
            repeated.setdefault(f.repeat_of, []).append(f.code)
    earlier = tuple(
        PreviousFinding(
            code=f.code, ref=report_text(f.ref), grade_label=_grade_label(f.grade),
            statement=report_text(f.statement), status_label=status_label(f.status),
            verified_by=report_text(f.verified_by), verified_on=_day(f.verified_on),
            verification_note=report_text(f.verification_note),
            repeated_by=tuple(repeated.get(f.code, ())))
        for f in previous_findings if f.status != FindingStatus.CANCELLED)

    follow_up = tuple(
        FollowUp(code=f.code, ref=report_text(f.ref), grade_label=_grade_label(f.grade),
                 status_label=status_label(f.status), owner=report_text(f.owner),
                 due_date=_day(f.due_date),
                 corrective_action=report_text(f.corrective_action))
        for f in live if is_open_status(f.status))

    sampling = tuple(
        SamplingRecord(
            ref=report_text(item.ref), item_title=report_text(item.title),
            population=report_text(row.population),
            population_size="" if row.population_size is None else str(row.population_size),
            sample_size=row.sample_size, ids=report_text(row.ids))
        for item in checklist.all_items() for row in samples.get(item.ref, ()))

    closed = audit.status == AuditStatus.CLOSED
    auditee = report_text(audit.auditee)
    lead = report_text(audit.lead_auditor)
    return AuditReport(
        audit_id=audit.id or 0,
        title=report_text(audit.title),
        auditee=auditee,
        draft=not closed,
        seal=audit.seal if closed and audit.seal else None,
        generated_at=generated_at.isoformat(timespec="seconds"),
        facts=_facts(audit, checklist, participants(sessions)),
        objectives=report_text(audit.objectives),
        criteria=report_text(audit.criteria),
        summary=summary,
        findings=tuple(f for f in made if Grade(f.grade) not in GRADES_APART),
        good_practices=tuple(f for f in made if f.grade == Grade.GOOD_PRACTICE),
        ofis=tuple(f for f in made if f.grade == Grade.OFI),
        not_covered=not_covered,
        previous_audit=(f"{report_text(previous.title)} (no. {previous.id})"
                        if previous is not None else ""),
        previous_findings=earlier,
        follow_up=follow_up,
        sampling=sampling,
        sampling_statement=SAMPLING_STATEMENT,
        opinions=_opinions(opinions or [], checklist, findings),
        confidentiality=(f"Confidential: for {auditee or 'the auditee'} and the audit team. "
                         "Do not pass it on without the auditee's consent."),
        distribution=(f"{auditee or 'The auditee'} (the auditee)",
                      f"{lead or 'The lead auditor'} (lead auditor)"),
    )
