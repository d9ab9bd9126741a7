"""Programme coverage: which clauses and controls an auditee's audits have covered across
the certification cycle (three years by default), when, and with what result, so the next
internal audit can be planned (ISO 9001 / ISO 27001 9.2.2; iso-facts 5.4).

- The cycle is the `years` before `today` (same day and month); an audit belongs to it
  when its date (end, else start, else planned end or start, else creation) falls on or
  after the cycle start.
- The checklists are those of the auditee's audits in the cycle; each is shown in the
  version of its most recent audit, items of other versions being matched by ref.
- An item is audited in an audit when its effective result is anything but
  `not_assessed`: `na` counts, since the auditor looked and judged it not applicable.
- "Last audited" and "last result" look at every audit of the auditee, even before the
  cycle; "times" and "covered" count the cycle only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from .checklist import Checklist
from .derived import audit_date
from .errors import NotFound, RuleViolation
from .models import Audit
from .surveillance import load_results
from .unit import ident
from .vocab import Result

if TYPE_CHECKING:
    from .store import Store


@dataclass(frozen=True)
class ItemCoverage:
    ref: str
    title: str
    depth: int
    group: str
    last_audited: date | None
    last_result: str | None
    last_audit: int | None
    times: int

    @property
    def covered(self) -> bool:
        return self.times > 0

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref, "title": self.title, "depth": self.depth, "group": self.group,
            "last_audited": self.last_audited.isoformat() if self.last_audited else None,
            "last_result": self.last_result, "last_audit": self.last_audit,
            "times": self.times, "covered": self.covered,
        }


@dataclass(frozen=True)
class GroupCoverage:
    """A top-level clause (or Annex A theme) with how many of its items were covered."""

    ref: str
    title: str
    covered: int
    total: int

    def to_json(self) -> dict[str, Any]:
        return {"ref": self.ref, "title": self.title, "covered": self.covered,
                "total": self.total}


@dataclass(frozen=True)
class ChecklistCoverage:
    id: str
    version: str
    title: str
    items: tuple[ItemCoverage, ...]
    groups: tuple[GroupCoverage, ...]

    @property
    def not_covered(self) -> list[str]:
        return [i.ref for i in self.items if not i.covered]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "title": self.title,
                "items": [i.to_json() for i in self.items],
                "groups": [g.to_json() for g in self.groups],
                "not_covered": self.not_covered}


@dataclass(frozen=True)
class ProgrammeAudit:
    id: int
    title: str
    type: str
    status: str
    date: date | None
    checklist_id: str
    in_cycle: bool

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "type": self.type, "status": self.status,
                "date": self.date.isoformat() if self.date else None,
                "checklist": self.checklist_id, "in_cycle": self.in_cycle}


@dataclass(frozen=True)
class Programme:
    auditee: str
    years: int
    cycle_start: date
    today: date
    audits: tuple[ProgrammeAudit, ...]
    checklists: tuple[ChecklistCoverage, ...]
    summary: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        items = [i for c in self.checklists for i in c.items]
        covered = sum(1 for i in items if i.covered)
        object.__setattr__(self, "summary", {
            "audits_in_cycle": sum(1 for a in self.audits if a.in_cycle),
            "items": len(items), "covered": covered, "not_covered": len(items) - covered,
        })

    def to_json(self) -> dict[str, Any]:
        return {
            "auditee": self.auditee, "years": self.years,
            "cycle_start": self.cycle_start.isoformat(), "today": self.today.isoformat(),
            "audits": [a.to_json() for a in self.audits],
            "checklists": [c.to_json() for c in self.checklists],
            "summary": dict(self.summary),
        }


def cycle_start(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _coverage(checklist: Checklist, audits: list[tuple[Audit, date | None, bool]],
              shown: dict[int, dict[str, Result]]) -> ChecklistCoverage:
    items, groups = [], []
    group_ref, group_title = "", ""
    group_items: list[ItemCoverage] = []

    def close_group() -> None:
        if group_items:
            groups.append(GroupCoverage(group_ref, group_title,
                                        sum(1 for i in group_items if i.covered),
                                        len(group_items)))

    for item, depth, _parent in checklist.walk():
        if depth == 0:
            close_group()
            group_ref, group_title, group_items = item.ref, item.title, []
        if not item.assessable:
            continue
        last: tuple[date | None, str, int] | None = None
        times = 0
        for audit, day, in_cycle in audits:  # oldest first
            result = shown[ident(audit)].get(item.ref, Result.NOT_ASSESSED)
            if result == Result.NOT_ASSESSED:
                continue
            last = (day, result.value, ident(audit))
            times += in_cycle
        row = ItemCoverage(item.ref, item.title, depth, group_ref,
                           last[0] if last else None, last[1] if last else None,
                           last[2] if last else None, times)
        items.append(row)
        group_items.append(row)
    close_group()
    return ChecklistCoverage(checklist.id, checklist.version, checklist.title,
                             tuple(items), tuple(groups))


def programme(store: Store, auditee: str, years: int = 3, today: date | None = None) -> Programme:
    """Coverage of the clauses and controls of `auditee`'s audits across the cycle."""
    if years < 1:
        raise RuleViolation(f"a cycle of {years} years: a cycle is at least one year",
                            field="years")
    if years > 100:  # beyond the calendar's first year, and no certification cycle
        raise RuleViolation(f"a cycle of {years} years: a cycle is at most 100 years",
                            field="years")
    today = today or store.now().date()
    start = cycle_start(today, years)
    wanted = auditee.strip().casefold()
    audits = [a for a in store.audits() if a.auditee.strip().casefold() == wanted]
    if not audits:
        raise NotFound(f"auditee {auditee!r}: no audits of it; `auditor audits list` shows "
                       "the auditees")
    dated = sorted(((a, audit_date(a)) for a in audits),
                   key=lambda pair: (pair[1] or date.min, pair[0].id))
    rows = [(a, day, day is not None and day >= start) for a, day in dated]
    checklists = {a.id: store.checklist_for(a.snapshot_id) for a in audits}
    with store.reading() as uow:
        shown = load_results(uow.session, [ident(a) for a in audits])
    used: dict[str, Checklist] = {}
    for audit, _day, in_cycle in rows:  # oldest first: the latest version wins
        if in_cycle:
            used[checklists[audit.id].id] = checklists[audit.id]
    coverage = tuple(
        _coverage(checklist, [r for r in rows if checklists[r[0].id].id == cid], shown)
        for cid, checklist in sorted(used.items())
    )
    listed = tuple(
        ProgrammeAudit(ident(a), a.title, a.type, a.status, day, checklists[a.id].id, in_cycle)
        for a, day, in_cycle in reversed(rows)
    )
    return Programme(auditee=audits[0].auditee, years=years, cycle_start=start, today=today,
                     audits=listed, checklists=coverage)


__all__ = [
    "ChecklistCoverage",
    "GroupCoverage",
    "ItemCoverage",
    "Programme",
    "cycle_start",
    "programme",
]
