"""Read-only views of the store in the shapes of the contracts (`audits show --json`,
`audits list --json`). Plain dicts and lists, JSON-ready."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .audit_plan import PlanWarning, session_end
from .models import Audit, DivergingOpinion, Evidence, Finding, PlanSession
from .sampling import sample_dict
from .soa import SoaRow
from .store import AuditSummary, Store
from .unit import ident
from .vocab import OPEN_STATUSES, Result

FINDING_FIELDS = (
    "ref", "grade", "statement", "requirement", "objective_evidence", "process_area", "status",
    "root_cause", "correction", "corrective_action", "owner", "due_date", "auditee_comment",
    "verified_by", "verified_on", "verification_note", "repeat_of", "created_at", "updated_at",
)
AUDIT_FIELDS = (
    "id", "title", "type", "status", "auditee", "scope", "site", "lead_auditor", "team",
    "planned_start", "planned_end", "actual_start", "actual_end", "previous_id", "conclusion",
    "objectives", "criteria", "created_at", "updated_at", "closed_at",
)


def _fields(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The named fields as JSON holds them: dates and times as ISO text."""
    out = {}
    for name in names:
        value = getattr(row, name)
        out[name] = value.isoformat() if isinstance(value, (date, datetime)) else value
    return out


def finding_dict(f: Finding) -> dict[str, Any]:
    return {"id": f.code, **_fields(f, FINDING_FIELDS)}


def evidence_dict(e: Evidence, codes: dict[int, str]) -> dict[str, Any]:
    return {
        "ref": e.ref,
        "finding": codes.get(e.finding_id) if e.finding_id else None,
        "kind": e.kind,
        "name": e.original_name or e.reference or e.description,
        "description": e.description,
        "reference": e.reference,
        "size": e.size,
        "sha256": e.sha256,
    }


def session_dict(s: PlanSession) -> dict[str, Any]:
    """A plan session; times to the minute, as the audit's local wall time."""
    return {
        "number": s.number,
        "start": s.start.strftime("%Y-%m-%dT%H:%M"),
        "end": session_end(s).strftime("%Y-%m-%dT%H:%M"),
        "minutes": s.minutes,
        "place": s.place,
        "refs": [r for r in s.refs.split(",") if r],
        "auditor": s.auditor,
        "auditee_people": s.auditee_people,
    }


def opinion_dict(o: DivergingOpinion) -> dict[str, Any]:
    """A diverging opinion: its topic, each side's position, and how it was settled."""
    return {"number": o.number, "topic": o.topic, "auditee": o.auditee_position,
            "team": o.team_position, "resolved": o.resolved,
            "resolution": o.resolution or None}


def warning_dict(w: PlanWarning) -> dict[str, Any]:
    return {"kind": w.kind.value, "text": w.text, "sessions": list(w.sessions),
            "refs": list(w.refs)}


def plan_document(store: Store, audit_id: int) -> dict[str, Any]:
    """The audit plan's sessions in time order, and what to look at before it goes out."""
    return {"audit": audit_id,
            "sessions": [session_dict(s) for s in store.sessions(audit_id)],
            "warnings": [warning_dict(w) for w in store.session_warnings(audit_id)]}


def soa_row_dict(row: SoaRow) -> dict[str, Any]:
    """A Statement of Applicability row; `applicable` and `status` null while not stated."""
    return {"ref": row.ref, "title": row.title, "applicable": row.applicable,
            "justification": row.justification, "status": row.status or None,
            "references": row.references, "result": row.result.value,
            "findings": list(row.findings), "flags": [f.value for f in row.flags]}


def soa_document(store: Store, audit_id: int) -> dict[str, Any]:
    """The audit's Statement of Applicability: its rows, and how many are flagged."""
    rows = [soa_row_dict(r) for r in store.soa(audit_id)]
    return {"audit": audit_id, "rows": rows,
            "flagged": sum(1 for r in rows if r["flags"])}


def audit_header(audit: Audit) -> dict[str, Any]:
    return _fields(audit, AUDIT_FIELDS)


def summary_dict(s: AuditSummary) -> dict[str, Any]:
    a = s.audit
    return {
        "id": a.id,
        "title": a.title,
        "auditee": a.auditee,
        "type": a.type,
        "status": a.status,
        "checklist": {"id": s.checklist_id, "version": s.checklist_version},
        "assessed": s.assessed,
        "total": s.total,
        "progress": round(s.progress, 4),
        "open_findings": s.open_findings,
        "updated_at": a.updated_at.isoformat() if a.updated_at else None,
    }


def audit_document(store: Store, audit_id: int) -> dict[str, Any]:
    """The whole audit: header, checklist, every item with its result, findings, evidence."""
    audit = store.audit(audit_id)
    checklist = store.checklist_for(audit.snapshot_id)
    results = store.results(audit_id)
    shown = store.effective_results(audit_id)
    findings = store.findings(audit_id)
    samples = store.samples(audit_id)
    codes = {ident(f): f.code for f in findings}
    items = []
    for item, depth, parent in checklist.walk():
        row = results.get(item.ref)
        items.append({
            "ref": item.ref,
            "title": item.title,
            "parent": parent.ref if parent else None,
            "depth": depth,
            "assessable": item.assessable,
            "result": shown.get(item.ref, Result.NOT_ASSESSED).value if item.assessable
            else None,
            "recorded": row.result if row else None,
            "notes": row.notes if row else "",
            "interviewees": row.interviewees if row else "",
            "documents": row.documents if row else "",
            "samples": [sample_dict(x) for x in samples.get(item.ref, [])],
        })
    assessable = [i for i in items if i["assessable"]]
    doc = audit_header(audit)
    doc["checklist"] = {"id": checklist.id, "version": checklist.version,
                        "title": checklist.title, "standard": checklist.standard}
    doc["progress"] = {
        "assessed": sum(1 for i in assessable if i["result"] != Result.NOT_ASSESSED),
        "total": len(assessable),
    }
    doc["items"] = items
    doc["sessions"] = [session_dict(s) for s in store.sessions(audit_id)]
    doc["opinions"] = [opinion_dict(o) for o in store.opinions(audit_id)]
    doc["findings"] = [finding_dict(f) for f in findings]
    doc["open_findings"] = sum(1 for f in findings if f.status in OPEN_STATUSES)
    doc["evidence"] = [evidence_dict(e, codes) for e in store.evidence(audit_id)]
    doc["previous_findings"] = [finding_dict(f) for f in store.previous_open_findings(audit_id)]
    return doc
