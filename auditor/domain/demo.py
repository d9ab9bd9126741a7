"""A realistic sample to try the application on: a software company audited last year
(internal audit, closed, with findings in every stage of their follow-up) and followed
this year by a surveillance audit that is half done.

Everything goes through the store, as a user's actions would; each step runs on a store
sharing the same database with its clock set to the day the step happened, so finding
ids and dates carry last year's and this year's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from .checklist import Checklist
from .models import Finding
from .unit import ident
from .vocab import AuditType

if TYPE_CHECKING:
    from .store import Store

AUDITEE = "Brightwater Software Ltd"
LEAD = "Dana Whitfield"
TEAM = "Sam Okafor, Priya Raman"
SCOPE = ("Design, development, hosting and support of the Brightwater ticketing "
         "platform (SaaS), Leeds office and remote staff")


@dataclass(frozen=True)
class DemoAudits:
    previous_id: int
    current_id: int
    created: bool


# Last year's findings: (ref, grade, statement, requirement, objective evidence, area,
# and how far the follow-up got).
PAST_FINDINGS = (
    ("7.5.3.2", "minor",
     "Superseded versions of the release procedure are still reachable on the wiki and "
     "one team used version 2 after version 3 was approved.",
     "Documented information is controlled: versions, obsolete copies withdrawn.",
     "Wiki page history of REL-PROC-002; release 4.12 checklist made on v2.",
     "Release management", "closed"),
    ("8.3.4", "minor",
     "Design reviews were not recorded for two of five sampled releases (4.9, 4.11).",
     "Design and development controls: reviews are conducted and recorded.",
     "Pull requests #812 and #901 merged without the design-review label or approval.",
     "Engineering", "implemented"),
    ("9.2.2", "minor",
     "The internal audit programme for the year does not cover supplier management, "
     "although two critical cloud suppliers were added.",
     "The audit programme takes into account the importance of the processes and changes.",
     "Audit programme 2-year plan, sheet 'Schedule', rev. 5.",
     "Quality management", "accepted"),
    ("8.4.2", "minor",
     "The hosting provider was onboarded without the supplier evaluation the procedure "
     "requires.",
     "Externally provided processes are controlled and providers evaluated.",
     "Supplier register: no evaluation record for the hosting provider.",
     "Purchasing", "rejected"),
    ("8.5.1", "observation",
     "The deployment checklist is sometimes ticked after the deployment has run.",
     "", "Two checklists time-stamped after the deployment log entries.",
     "Operations", "closed"),
    ("7.1.6", "ofi",
     "Post-incident reviews could feed the knowledge base more systematically.",
     "", "", "Support", "open"),
    ("8.2.3.1", "good_practice",
     "Contract reviews use a checklist with a documented sign-off by engineering.",
     "", "Contract review records for three new customers.", "Sales", "closed"),
)

AUDITEE_ANSWERS = {
    "7.5.3.2": ("Old pages were never archived when a procedure changed.",
                "Archived v1 and v2; banner on superseded pages.",
                "Wiki template now marks superseded pages; doc owner checks on approval.",
                "M. Chen", 45),
    "8.3.4": ("The review label was optional in the pull-request template.",
              "Reviews held retrospectively for 4.9 and 4.11.",
              "Branch protection requires the design-review approval before merge.",
              "A. Novak", 60),
    "9.2.2": ("The programme was not revised when suppliers changed.",
              "Supplier management audit scheduled for Q3.",
              "Programme review added to the management review agenda.",
              "L. Brooks", 90),
    "8.4.2": ("The procedure was not known to the new team lead.",
              "Evaluation of the hosting provider done.",
              "",  # no corrective action at first: the auditor rejects the response
              "R. Patel", 30),
}

CURRENT_NOTES = {
    "4.1": ("Context analysis reviewed in the January management review; remote work and "
            "the new EU customer base added as issues.", "CEO, Quality manager",
            "QMS-CTX-001 rev 3"),
    "5.2.2": ("Policy on the intranet home page; two developers asked could explain it.",
              "Two developers (backend team)", "QMS-POL-001 rev 2"),
    "6.2.1": ("Objectives set for availability and first-response time; no objective for "
              "defect escape rate although it is the main customer complaint.",
              "Quality manager", "Objectives 2-pager, Q1 dashboard"),
    "7.2": ("New starters' training records checked for four people.",
            "HR partner, Engineering manager", "Training matrix rev 11"),
    "7.5.3.2": ("Superseded pages now carry a banner; sampled three procedures, all fine. "
                "Last year's finding looks effective.", "Document controller",
                "REL-PROC-002 rev 3, wiki history"),
}

CURRENT_FINDINGS = (
    ("7.2", "minor",
     "Two of four developers hired this year have no record of the secure-coding training "
     "the competence matrix requires.",
     "Competence of people doing work under the organisation's control is ensured and "
     "retained as documented information.",
     "Training matrix rev 11: rows for J. Silva and K. Osei blank for SC-101.",
     "Engineering"),
    ("7.4", "observation",
     "Customer-facing incident communication relies on one person; no deputy is named.",
     "", "On-call rota and status page access list.", "Support"),
    ("6.2.1", "ofi",
     "An objective on defect escape rate would track the main customer complaint.",
     "", "", "Quality management"),
)

NOT_APPLICABLE = {"7.1.5.2"}


def fill_demo(store: Store, checklist: Checklist, today: date | None = None) -> DemoAudits:
    """Add the sample audits unless the database already holds them."""
    existing = sorted((a for a in store.audits() if a.auditee == AUDITEE), key=ident)
    if len(existing) >= 2:
        return DemoAudits(ident(existing[0]), ident(existing[-1]), created=False)
    today = today or store.now().date()
    previous_id = _last_year(store, checklist, today)
    current_id = _this_year(store, checklist, today, previous_id)
    return DemoAudits(previous_id, current_id, created=True)


def _on(store: Store, day: date, hour: int = 10) -> Store:
    """The same database, with the clock set to `day` at `hour`."""
    when = datetime.combine(day, time(hour, 0), tzinfo=UTC)
    return type(store)(store.engine, store.evidence_dir, store.actor, clock=lambda: when)


def _refs(checklist: Checklist) -> list[str]:
    return [item.ref for item in checklist.assessable_items()]


def _last_year(store: Store, checklist: Checklist, today: date) -> int:
    start = _shift_year(today, -1) - timedelta(days=20)
    s = _on(store, start - timedelta(days=30))
    audit = s.create_audit(
        checklist, title=f"Internal audit {start.year}: quality management system",
        auditee=AUDITEE, type=AuditType.INTERNAL.value, scope=SCOPE, site="Leeds",
        lead_auditor=LEAD, team=TEAM, planned_start=start,
        planned_end=start + timedelta(days=1),
    )
    audit_id = ident(audit)
    s = _on(store, start)
    s.update_audit(audit_id, {"actual_start": start})
    present = set(_refs(checklist))
    graded = {ref for ref, *_rest in PAST_FINDINGS}
    for ref in _refs(checklist):
        if ref not in graded:
            s.record_result(audit_id, ref, "na" if ref in NOT_APPLICABLE else "conform")
    codes: dict[str, str] = {}
    for ref, grade, statement, requirement, evidence, area, _stage in PAST_FINDINGS:
        if ref not in present:
            continue
        found: Finding | None
        if grade == "good_practice":
            s.record_result(audit_id, ref, "conform")
            found = s.raise_finding(audit_id, ref, grade, statement=statement,
                                    requirement=requirement, objective_evidence=evidence,
                                    process_area=area)
        else:
            _row, found = s.record_result(audit_id, ref, grade, statement=statement,
                                          requirement=requirement,
                                          objective_evidence=evidence, process_area=area)
        assert found is not None  # every graded result raises one
        codes[ref] = found.code
    closing = start + timedelta(days=10)
    _on(store, closing).close_audit(
        audit_id,
        conclusion="The QMS is effectively implemented for the ticketing platform. Four "
                   "minor nonconformities, mainly in document control and supplier "
                   "management; design controls need attention.")
    _follow_up(store, codes, closing)
    return audit_id


def _follow_up(store: Store, codes: dict[str, str], closed_on: date) -> None:
    """The auditee's answers and the auditor's reviews in the months after the audit."""
    stage = {ref: st for ref, _g, _s, _r, _e, _a, st in PAST_FINDINGS}
    for ref, (cause, correction, action, owner, days) in AUDITEE_ANSWERS.items():
        if ref not in codes:
            continue
        code = codes[ref]
        answered = _on(store, closed_on + timedelta(days=14))
        answered.update_finding(code, {
            "root_cause": cause, "correction": correction, "corrective_action": action,
            "owner": owner, "due_date": closed_on + timedelta(days=days),
        }, by_auditee=True)
        if stage[ref] == "rejected":
            # Correction only: the auditor sends it back for a real corrective action.
            answered.update_finding(code, {"corrective_action": "Remind the team lead."},
                                    by_auditee=True)
            answered.set_finding_status(code, "responded", by_auditee=True)
            _on(store, closed_on + timedelta(days=20)).set_finding_status(
                code, "rejected", note="A reminder is not a corrective action; address why "
                                       "the procedure was not known.")
            continue
        answered.set_finding_status(code, "responded", by_auditee=True)
        _on(store, closed_on + timedelta(days=20)).set_finding_status(code, "accepted")
        if stage[ref] in ("implemented", "closed"):
            _on(store, closed_on + timedelta(days=days)).set_finding_status(
                code, "implemented", by_auditee=True)
        if stage[ref] == "closed":
            _on(store, closed_on + timedelta(days=days + 30)).set_finding_status(
                code, "closed", note="Sampled three procedures changed since: all archived.")
    for ref in ("8.5.1", "8.2.3.1"):
        if ref in codes and stage[ref] == "closed":
            _on(store, closed_on + timedelta(days=5)).set_finding_status(
                codes[ref], "closed", note="Noted; no action required.")


def _this_year(store: Store, checklist: Checklist, today: date, previous_id: int) -> int:
    start = today - timedelta(days=1)
    s = _on(store, today - timedelta(days=21))
    audit = s.create_audit(
        checklist, title=f"Surveillance audit {today.year}", auditee=AUDITEE,
        type=AuditType.SURVEILLANCE.value, scope=SCOPE, site="Leeds", lead_auditor=LEAD,
        team="Sam Okafor", planned_start=start, planned_end=today + timedelta(days=1),
        previous_id=previous_id,
    )
    audit_id = ident(audit)
    s = _on(store, start, hour=9)
    s.update_audit(audit_id, {"actual_start": start})
    refs = _refs(checklist)
    half = refs[: len(refs) // 2]
    graded = {ref for ref, *_rest in CURRENT_FINDINGS}
    for ref in half:
        if ref in graded:
            continue
        s.record_result(audit_id, ref, "na" if ref in NOT_APPLICABLE else "conform")
    for ref, grade, statement, requirement, evidence, area in CURRENT_FINDINGS:
        if ref in refs:
            s.record_result(audit_id, ref, grade, statement=statement,
                            requirement=requirement, objective_evidence=evidence,
                            process_area=area)
    for ref, (notes, people, documents) in CURRENT_NOTES.items():
        if ref in refs:
            s.set_item_text(audit_id, ref, notes=notes, interviewees=people,
                            documents=documents)
            s.add_evidence(audit_id, ref=ref, kind="document", reference=documents,
                           description="document seen during the interview")
    return audit_id


def _shift_year(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
