"""The audit plan's sessions (ISO 19011 6.3.2): when, how long, where, which clauses or
controls, which auditor leads it and whom of the auditee's people it meets; and what the
lead auditor should look at again before the plan goes out (`plan_warnings`). Warnings
never refuse: a plan is built a session at a time."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlmodel import col, select

from .base import Part
from .checklist import Checklist
from .checks import check_text
from .errors import NotFound, RuleViolation
from .models import PlanSession
from .trail_replay import SESSION_FIELDS, logged_fields
from .unit import UnitOfWork
from .vocab import Entity, LogEvent

MAX_MINUTES = 600
# A session starts in these years: a wider range is a typing slip, and the far ends of the
# calendar cannot even carry a session's end (9999-12-31 23:30 plus an hour).
FIRST_YEAR, LAST_YEAR = 2000, 2099
START_FORMAT = "YYYY-MM-DD HH:MM"
_START = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")
# How many refs of one clause a warning names before it counts the rest.
NAMED_REFS = 6


class WarningKind(StrEnum):
    NOT_COVERED = "not_covered"  # assessable items in no session
    OVERLAP = "overlap"          # one auditor in two sessions at once
    AUDITOR = "auditor"          # a session led by someone not the lead nor in the team
    OUTSIDE = "outside_dates"    # a session on a day outside the audit's planned dates
    OVERNIGHT = "overnight"      # a session that ends on a later day than it starts
    OBJECTIVES = "objectives"    # the plan states no objectives


@dataclass(frozen=True)
class PlanWarning:
    kind: WarningKind
    text: str
    sessions: tuple[int, ...] = ()
    refs: tuple[str, ...] = ()


# -- input checks ------------------------------------------------------------------------


def check_start(value: Any) -> datetime:
    """A session's start: a datetime, or `YYYY-MM-DD HH:MM` text; to the minute.

    It is the wall time at the audit's place, as typed: the store keeps every moment
    with a zone, so it is kept marked UTC and never converted (09:00 stays 09:00)."""
    if isinstance(value, datetime):
        return value.replace(second=0, microsecond=0, tzinfo=UTC)
    text = value.strip() if isinstance(value, str) else ""
    if _START.fullmatch(text):
        try:
            when = datetime.strptime(text.replace("T", " "), "%Y-%m-%d %H:%M").replace(
                tzinfo=UTC)
        except ValueError:
            pass
        else:
            if FIRST_YEAR <= when.year <= LAST_YEAR:
                return when
            raise RuleViolation(f"start {value!r}: a session starts in the years "
                                f"{FIRST_YEAR} to {LAST_YEAR}; check the year",
                                field="start")
    raise RuleViolation(f"start {value!r} is not a date and time; write it as "
                        f"{START_FORMAT} (e.g. 2026-03-02 09:30)", field="start")


def check_minutes(value: Any) -> int:
    """A session's length: a whole number of minutes, 1 to 600."""
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not 1 <= number <= MAX_MINUTES:
        raise RuleViolation(f"minutes {value!r}: a session lasts a whole number of minutes "
                            f"from 1 to {MAX_MINUTES}", field="minutes")
    return number


def split_refs(value: str | Iterable[str]) -> list[str]:
    """Refs given as `8.1,8.3` (or a list), each once, in the order given."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    refs: list[str] = []
    for part in parts:
        ref = str(part).strip()
        if ref and ref not in refs:
            refs.append(ref)
    return refs


def check_refs(checklist: Checklist, value: str | Iterable[str]) -> list[str]:
    """Refs of the checklist: an item, or a group that covers every item below it."""
    refs = split_refs(value)
    if not refs:
        raise RuleViolation("a session covers at least one ref of the checklist (e.g. "
                            "8.1,8.3)", field="refs")
    unknown = [r for r in refs if checklist.item(r) is None]
    if unknown:
        named = ", ".join(repr(r) for r in unknown)
        raise RuleViolation(f"ref{'s' if len(unknown) > 1 else ''} {named} "
                            f"{'are' if len(unknown) > 1 else 'is'} not in this audit's "
                            f"checklist ({checklist.id} {checklist.version})", field="refs")
    return refs


# -- warnings (pure) -----------------------------------------------------------------------


def _name(text: str) -> str:
    return " ".join(text.split()).casefold()


def team_names(lead: str, team: str) -> set[str]:
    """The lead auditor and the team's members (comma, semicolon or line separated), as
    compared: case and spacing ignored."""
    return {_name(n) for n in re.split(r"[,;\n]", f"{lead}\n{team}") if _name(n)}


def session_end(session: PlanSession) -> datetime:
    return session.start + timedelta(minutes=session.minutes)


def in_time_order(sessions: Iterable[PlanSession]) -> list[PlanSession]:
    return sorted(sessions, key=lambda s: (s.start, s.number))


def _when(s: PlanSession) -> str:
    return f"{s.start:%Y-%m-%d %H:%M}-{session_end(s):%H:%M}"


def uncovered_refs(checklist: Checklist, sessions: Iterable[PlanSession]) -> list[str]:
    """The assessable items in no session, in checklist order; a session's group ref
    covers every item below it."""
    named = {ref for s in sessions for ref in split_refs(s.refs)}
    parents = checklist.parents()
    missing = []
    for item in checklist.assessable_items():
        ref: str | None = item.ref
        while ref is not None and ref not in named:
            ref = parents.get(ref)
        if ref is None:
            missing.append(item.ref)
    return missing


def _top(parents: dict[str, str | None], ref: str) -> str:
    while (parent := parents.get(ref)) is not None:
        ref = parent
    return ref


def _not_covered(checklist: Checklist, sessions: Sequence[PlanSession]) -> PlanWarning | None:
    missing = uncovered_refs(checklist, sessions)
    if not missing:
        return None
    parents = checklist.parents()
    totals: dict[str, int] = {}
    for item in checklist.assessable_items():
        top = _top(parents, item.ref)
        totals[top] = totals.get(top, 0) + 1
    by_top: dict[str, list[str]] = {}
    for ref in missing:
        by_top.setdefault(_top(parents, ref), []).append(ref)
    parts = []
    for top, refs in by_top.items():
        if len(refs) == totals[top]:
            parts.append(f"{top} (all {len(refs)})")
            continue
        shown = ", ".join(refs[:NAMED_REFS])
        more = f" and {len(refs) - NAMED_REFS} more" if len(refs) > NAMED_REFS else ""
        parts.append(f"{top}: {shown}{more} ({len(refs)} of {totals[top]})")
    count = len(missing)
    items = f"{count} assessable item{'s' if count != 1 else ''}"
    head = (f"no session planned yet: {items} in none" if not sessions
            else f"{items} in no session")
    return PlanWarning(WarningKind.NOT_COVERED, f"{head}: " + "; ".join(parts),
                       refs=tuple(missing))


def _overlaps(sessions: Sequence[PlanSession]) -> list[PlanWarning]:
    by_auditor: dict[str, list[PlanSession]] = {}
    for s in in_time_order(sessions):
        if _name(s.auditor):
            by_auditor.setdefault(_name(s.auditor), []).append(s)
    found = []
    for group in by_auditor.values():
        for i, first in enumerate(group):
            for second in group[i + 1:]:
                if second.start >= session_end(first):
                    break  # in time order: no later session overlaps the first either
                found.append(PlanWarning(
                    WarningKind.OVERLAP,
                    f"{first.auditor} leads sessions {first.number} and {second.number} at "
                    f"once ({_when(first)} and {_when(second)})",
                    sessions=(first.number, second.number)))
    return found


def _calendar(sessions: Sequence[PlanSession], first: date | None,
              last: date | None) -> list[PlanWarning]:
    found = []
    for s in sessions:
        day, end_day = s.start.date(), session_end(s).date()
        if (first is not None and day < first) or (last is not None and day > last):
            dates = " to ".join(d.isoformat() for d in (first, last) if d is not None)
            found.append(PlanWarning(
                WarningKind.OUTSIDE, f"session {s.number} ({_when(s)}) is outside the "
                f"audit's planned dates ({dates})", sessions=(s.number,)))
        if end_day > day:
            found.append(PlanWarning(
                WarningKind.OVERNIGHT, f"session {s.number} ({_when(s)}) runs past "
                f"midnight, to {session_end(s):%Y-%m-%d %H:%M}", sessions=(s.number,)))
    return found


def plan_warnings(checklist: Checklist, sessions: Iterable[PlanSession], *, lead: str,
                  team: str, dates: tuple[date | None, date | None] = (None, None),
                  objectives: str | None = None) -> list[PlanWarning]:
    """What to look at before the plan goes out: the objectives not stated (when given
    to look at), a session outside the audit's planned `dates` or running past
    midnight, assessable items in no session (by top-level clause, counted), an auditor
    in two sessions at once, and a session led by someone who is neither the lead
    auditor nor in the team."""
    ordered = in_time_order(sessions)
    warnings = []
    if objectives is not None and not objectives.strip():
        warnings.append(PlanWarning(
            WarningKind.OBJECTIVES, "the audit's objectives are not stated yet: `auditor "
            "audits edit AUDIT --objectives TEXT`, or edit the audit in the app"))
    warnings.extend(_calendar(ordered, *dates))
    names = team_names(lead, team)
    for s in ordered:
        if _name(s.auditor) and _name(s.auditor) not in names:
            warnings.append(PlanWarning(
                WarningKind.AUDITOR, f"session {s.number}: {s.auditor} is neither the lead "
                "auditor nor in the audit team", sessions=(s.number,)))
    warnings.extend(_overlaps(ordered))
    missing = _not_covered(checklist, ordered)
    if missing is not None:
        warnings.append(missing)
    return warnings


def session_at(sessions: Iterable[PlanSession], now: datetime) -> PlanSession | None:
    """The session running at `now` (wall time, as the sessions' starts are kept): the
    one started last when two overlap; None between sessions."""
    wall = now.replace(second=0, microsecond=0, tzinfo=UTC)
    running = [s for s in sessions if s.start <= wall < session_end(s)]
    return max(running, key=lambda s: (s.start, s.number)) if running else None


def session_scope(checklist: Checklist, refs: str | Iterable[str]) -> set[str]:
    """The refs the audit screen shows for a session: each ref it names, every item
    below a group it names, and their groups up to the top (to reach them in the tree)."""
    named = set(split_refs(refs))
    parents = checklist.parents()
    shown: set[str] = set()
    for item in checklist.all_items():
        ref: str | None = item.ref
        while ref is not None and ref not in named:
            ref = parents.get(ref)
        if ref is None:
            continue
        up: str | None = item.ref
        while up is not None and up not in shown:
            shown.add(up)
            up = parents.get(up)
    return shown


# -- the store's part ----------------------------------------------------------------------


def _logged(session: PlanSession) -> str:
    return json.dumps(logged_fields(session, SESSION_FIELDS), ensure_ascii=False,
                      sort_keys=True)


def _session(uow: UnitOfWork, audit_id: int, number: int) -> PlanSession:
    found = uow.session.execute(
        select(PlanSession).where(col(PlanSession.audit_id) == audit_id,
                                  col(PlanSession.number) == number)).scalar()
    if found is None:
        raise NotFound(f"audit {audit_id} has no plan session {number}; `auditor plan show "
                       f"{audit_id}` lists them")
    return found


class AuditPlan(Part):
    """The store's part for the audit plan's sessions: one unit of work per call."""

    def sessions(self, audit_id: int) -> list[PlanSession]:
        """The audit's plan sessions in time order."""
        with self.core.reading() as uow:
            uow.audit(audit_id)
            return in_time_order(uow.session.execute(
                select(PlanSession).where(col(PlanSession.audit_id) == audit_id)).scalars())

    def session_warnings(self, audit_id: int) -> list[PlanWarning]:
        with self.core.reading() as uow:
            audit = uow.audit(audit_id)
            checklist = uow.checklist(audit)
            rows = list(uow.session.execute(
                select(PlanSession).where(col(PlanSession.audit_id) == audit_id)).scalars())
            return plan_warnings(checklist, rows, lead=audit.lead_auditor, team=audit.team,
                                 dates=(audit.planned_start, audit.planned_end),
                                 objectives=audit.objectives)

    def add_session(self, audit_id: int, *, start: Any, minutes: Any, refs: Any,
                    auditor: str | None = None, auditee_people: str = "",
                    place: str = "") -> PlanSession:
        """A new session; `auditor` not given (None) is the audit's lead auditor."""
        when = check_start(start)
        length = check_minutes(minutes)
        people = check_text("auditee_people", auditee_people).strip()
        where = check_text("place", place).strip()
        with self.core.writing() as uow:
            audit = uow.open_audit(audit_id)
            covered = check_refs(uow.checklist(audit), refs)
            leader = audit.lead_auditor if auditor is None else check_text("auditor", auditor)
            row = PlanSession(
                audit_id=audit_id, number=uow.next_number(audit, Entity.SESSION, PlanSession),
                start=when, minutes=length, refs=",".join(covered), auditor=leader.strip(),
                place=where, auditee_people=people, created_at=uow.now())
            uow.session.add(row)
            uow.session.flush()
            uow.record(audit_id, Entity.SESSION, row.number, LogEvent.ADDED, None,
                       _logged(row))
            audit.updated_at = uow.now()
            uow.session.add(audit)
            return row

    def update_session(self, audit_id: int, number: int, *, start: Any = None,
                       minutes: Any = None, refs: Any = None, auditor: str | None = None,
                       auditee_people: str | None = None,
                       place: str | None = None) -> PlanSession:
        """Change a session: what is given (not None) is checked as `add_session` checks
        it and written, each changed field one change-log entry; the rest stays. Moving a
        session is giving it another start. Nothing changed writes nothing."""
        given: dict[str, Any] = {}
        if start is not None:
            given["start"] = check_start(start)
        if minutes is not None:
            given["minutes"] = check_minutes(minutes)
        for name, value in (("auditor", auditor), ("auditee_people", auditee_people),
                            ("place", place)):
            if value is not None:
                given[name] = check_text(name, value).strip()
        with self.core.writing() as uow:
            audit = uow.open_audit(audit_id)
            row = _session(uow, audit_id, number)
            if refs is not None:
                given["refs"] = ",".join(check_refs(uow.checklist(audit), refs))
            changed = False
            for name in SESSION_FIELDS:  # logged in one order, whatever was given
                if name in given:
                    changed = uow.set(row, audit_id, Entity.SESSION, row.number, name,
                                      given[name]) or changed
            if changed:
                uow.session.add(row)
                audit.updated_at = uow.now()
                uow.session.add(audit)
            uow.session.flush()
            return row

    def move_session(self, audit_id: int, number: int, start: Any) -> PlanSession:
        """The session at another start, its length, refs and people kept."""
        return self.update_session(audit_id, number, start=start)

    def remove_session(self, audit_id: int, number: int) -> PlanSession:
        with self.core.writing() as uow:
            audit = uow.open_audit(audit_id)
            row = _session(uow, audit_id, number)
            uow.record(audit_id, Entity.SESSION, row.number, LogEvent.REMOVED, _logged(row),
                       None)
            uow.session.delete(row)
            audit.updated_at = uow.now()
            uow.session.add(audit)
            return row
