"""The audit plan as a document (DESIGN section 9, ISO 19011 6.3.2): one content model
that the three renderers (`auditor.exchange.plan_md`, `plan_docx`, `plan_pdf`) lay out.

`build_plan(store, audit_id)` reads the audit, its checklist and its sessions once and
gives a `PlanDocument` of plain, frozen values: the audit's facts, objectives, scope and
criteria, the team with roles, the auditee's people met, the agenda, how the audit is
done, the points still open and the confidentiality note. User text is held as typed,
less what no document should carry (`document_text.report_text`).

Opening and closing meetings (ISO 19011 6.4.3, 6.4.10), a rule of ours since a session
always covers clauses: the agenda opens with the opening meeting on the day of the first
session, right before it, and ends with the closing meeting on the day of the last
session, right after it; both are led by the lead auditor and meet the auditee's
management with the people met in the sessions. Their times are given as "before" the
first session's start and "after" the last session's end; their length is the lead
auditor's to set. A plan without sessions has neither.

A plan with warnings (`audit_plan.plan_warnings`: assessable items in no session, an
auditor in two sessions at once, a session led by someone outside the team) is a draft:
marked so on every page and listing the points to settle before it goes to the auditee.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .audit_plan import in_time_order, plan_warnings, session_end, split_refs
from .checklist import Checklist
from .document_text import (
    AUDIT_TYPE_LABELS,
    Fact,
    given,
    names_in,
    report_text,
    span,
)
from .models import Audit, PlanSession
from .vocab import status_label

if TYPE_CHECKING:
    from .store import Store

OPENING, SESSION, CLOSING = "opening", "session", "closing"
PLAN_DRAFT_MARK = "DRAFT plan: points to settle before it goes to the auditee (see the end)"
OPENING_TEXT = (
    "The lead auditor confirms the plan with the auditee's management, introduces the "
    "audit team, and explains how the audit is done, how findings are graded and "
    "reported, and how information is kept confidential.")
CLOSING_TEXT = (
    "The audit team presents its findings and conclusions, agrees with the auditee the "
    "time for responding to nonconformities, and records any opinions on which the "
    "auditee and the audit team differ.")
METHOD_TEXT = (
    "Interviews, observation of work, and review of documents and records, on samples: "
    "the conclusions will rest on what was sampled. Findings are graded as major "
    "nonconformity, minor nonconformity, observation, opportunity for improvement or good "
    "practice; nonconformities are reported with the requirement, the statement and the "
    "objective evidence, and the auditee answers them with correction and corrective "
    "action. The audit report follows the closing meeting.")


@dataclass(frozen=True)
class TeamMember:
    name: str
    role: str
    sessions: tuple[int, ...]   # the numbers of the sessions the member leads


@dataclass(frozen=True)
class ClauseRef:
    ref: str
    title: str

    @property
    def text(self) -> str:
        return f"{self.ref} {self.title}".strip()


@dataclass(frozen=True)
class AgendaLine:
    """A line of the agenda: the opening meeting, a session, or the closing meeting."""

    kind: str                   # OPENING, SESSION or CLOSING
    number: int | None          # the session's number; None for a meeting
    day: str                    # YYYY-MM-DD
    weekday: str                # "Monday"
    time: str                   # "09:00-10:30", "before 09:00", "after 16:00"
    minutes: str                # "90"; "" for a meeting
    topic: str                  # "Opening meeting", or the refs with their titles
    refs: tuple[ClauseRef, ...]
    auditor: str
    auditee_people: str
    place: str


@dataclass(frozen=True)
class PlanDocument:
    audit_id: int
    title: str
    auditee: str
    draft: bool
    generated_at: str
    facts: tuple[Fact, ...]
    objectives: str
    scope: str
    criteria: str
    team: tuple[TeamMember, ...]
    auditee_people: tuple[str, ...]
    agenda: tuple[AgendaLine, ...]
    opening: str
    closing: str
    method: str
    warnings: tuple[str, ...]
    confidentiality: str

    @property
    def draft_mark(self) -> str:
        return PLAN_DRAFT_MARK if self.draft else ""

    @property
    def sessions(self) -> tuple[AgendaLine, ...]:
        return tuple(line for line in self.agenda if line.kind == SESSION)


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _team(audit: Audit, sessions: list[PlanSession]) -> tuple[TeamMember, ...]:
    """The lead auditor, the team's members, then anyone else who leads a session; each
    with the sessions they lead."""
    led: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for s in sessions:
        if s.auditor.strip():
            led.setdefault(_key(s.auditor), []).append(s.number)
            names.setdefault(_key(s.auditor), " ".join(report_text(s.auditor).split()))
    members: dict[str, TeamMember] = {}
    lead = " ".join(report_text(audit.lead_auditor).split())
    if lead:
        members[_key(lead)] = TeamMember(lead, "Lead auditor", tuple(led.get(_key(lead), ())))
    for name in names_in(audit.team):
        members.setdefault(_key(name), TeamMember(name, "Auditor",
                                                  tuple(led.get(_key(name), ()))))
    for key, numbers in led.items():
        members.setdefault(key, TeamMember(names[key], "Auditor (not named in the audit "
                                           "team)", tuple(numbers)))
    return tuple(members.values())


def _refs(checklist: Checklist, refs: str) -> tuple[ClauseRef, ...]:
    out = []
    for ref in split_refs(refs):
        item = checklist.item(ref)
        out.append(ClauseRef(report_text(ref), report_text(item.title) if item else ""))
    return tuple(out)


def _meeting(kind: str, when: datetime, time: str, lead: str, people: str,
             place: str) -> AgendaLine:
    return AgendaLine(kind=kind, number=None, day=f"{when:%Y-%m-%d}", weekday=f"{when:%A}",
                      time=time, minutes="",
                      topic="Opening meeting" if kind == OPENING else "Closing meeting",
                      refs=(), auditor=lead, auditee_people=people, place=place)


def agenda(checklist: Checklist, sessions: list[PlanSession], lead: str) -> tuple[
        AgendaLine, ...]:
    """The sessions in time order between the opening and the closing meeting."""
    ordered = in_time_order(sessions)
    if not ordered:
        return ()
    lines = []
    for s in ordered:
        refs = _refs(checklist, s.refs)
        lines.append(AgendaLine(
            kind=SESSION, number=s.number, day=f"{s.start:%Y-%m-%d}",
            weekday=f"{s.start:%A}", time=f"{s.start:%H:%M}-{session_end(s):%H:%M}",
            minutes=str(s.minutes), topic="; ".join(r.text for r in refs), refs=refs,
            auditor=report_text(s.auditor), auditee_people=report_text(s.auditee_people),
            place=report_text(s.place)))
    management = "The auditee's management and the people met in the sessions"
    first, last = ordered[0], max(ordered, key=lambda s: (session_end(s), s.number))
    return (_meeting(OPENING, first.start, f"before {first.start:%H:%M}", lead, management,
                     report_text(first.place)),
            *lines,
            _meeting(CLOSING, session_end(last), f"after {session_end(last):%H:%M}", lead,
                     management, report_text(last.place)))


def build_plan(store: Store, audit_id: int) -> PlanDocument:
    """The plan of one audit as the store holds it now."""
    audit = store.audit(audit_id)
    return assemble_plan(audit, store.checklist_for(audit.snapshot_id),
                         store.sessions(audit_id), generated_at=store.now())


def assemble_plan(audit: Audit, checklist: Checklist, sessions: list[PlanSession], *,
                  generated_at: datetime) -> PlanDocument:
    """The plan from what was read (no store): the pure part of `build_plan`."""
    lead = " ".join(report_text(audit.lead_auditor).split())
    auditee = report_text(audit.auditee)
    warnings = tuple(report_text(w.text) for w in plan_warnings(
        checklist, sessions, lead=audit.lead_auditor, team=audit.team,
        dates=(audit.planned_start, audit.planned_end), objectives=audit.objectives))
    facts = given([
        Fact("Audit", f"{report_text(audit.title)} (no. {audit.id})"),
        Fact("Auditee", auditee),
        Fact("Site", report_text(audit.site)),
        Fact("Type", AUDIT_TYPE_LABELS.get(audit.type, report_text(audit.type))),
        Fact("Dates", span(audit.planned_start, audit.planned_end, open_end="end not planned")),
        Fact("Lead auditor", lead),
        Fact("Checklist", f"{report_text(checklist.title)} (version "
                          f"{report_text(checklist.version)})"),
        Fact("Standard", report_text(checklist.standard)),
        Fact("Status", status_label(audit.status)),
    ])
    people = tuple(dict.fromkeys(name for s in in_time_order(sessions)
                                 for name in names_in(s.auditee_people)))
    return PlanDocument(
        audit_id=audit.id or 0,
        title=report_text(audit.title),
        auditee=auditee,
        draft=bool(warnings),
        generated_at=generated_at.isoformat(timespec="seconds"),
        facts=facts,
        objectives=report_text(audit.objectives),
        scope=report_text(audit.scope),
        criteria=report_text(audit.criteria),
        team=_team(audit, sessions),
        auditee_people=people,
        agenda=agenda(checklist, sessions, lead or "The lead auditor"),
        opening=OPENING_TEXT,
        closing=CLOSING_TEXT,
        method=METHOD_TEXT,
        warnings=warnings,
        confidentiality=(
            f"Confidential: for {auditee or 'the auditee'} and the audit team. The audit "
            "team keeps what it sees and hears in the audit confidential, takes copies "
            "of documents and records only as evidence for its findings, and hands this "
            "plan and the audit report to no one else without the auditee's consent."),
    )
