"""Derived state: what an audit shows, computed from what was recorded. Pure functions on
plain values, written once; every other place (the SQL of `audits list`, the tree's
progress, the comparison, the workbook) uses these or is held against them by
`tests/unit/test_derived.py`.

- **Effective result** of an item: the most severe of its recorded result and the grades
  of its findings that are not cancelled (good practice counts as conform).
- **Assessed**: an item whose effective result is anything but `not_assessed` (`na`
  counts: the auditor decided it).
- **Open finding**: a status in `OPEN_STATUSES` (`not_effective` counts as open).
- **Overdue**: a due date in the past while the auditee still owes the action.
- **The date of an audit**: when it ended, else started, else was planned to end or start,
  else when it was created.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Protocol

from .vocab import OPEN_STATUSES, FindingStatus, Grade, Result, grade_as_result, severity_rank

# Lookups by plain string: building an enum member per row costs more than the query.
_RESULT = {r.value: r for r in Result}
_GRADE_RESULT = {g.value: grade_as_result(g).value for g in Grade}
RANK: dict[str, int] = {r.value: severity_rank(r) for r in Result}
_CANCELLED = FindingStatus.CANCELLED.value
_NOT_ASSESSED = Result.NOT_ASSESSED.value
_OPEN = frozenset(s.value for s in OPEN_STATUSES)

# Once the auditee says the action is done (`implemented`) the ball is in the auditor's
# court: the due date was the auditee's, so such a finding is not overdue any more.
AWAITING_ACTION: frozenset[FindingStatus] = OPEN_STATUSES - {FindingStatus.IMPLEMENTED}


def effective_values(
    recorded: Mapping[str, str] | Iterable[tuple[str, str]],
    findings: Iterable[tuple[str, str, str]],
) -> dict[str, str]:
    """Each item's effective result as a plain string, from its recorded results (a
    mapping or (ref, result) rows) and (ref, grade, status) findings."""
    shown = dict(recorded)
    for ref, grade, status in findings:
        if status == _CANCELLED:
            continue
        as_result = _GRADE_RESULT[grade]
        if RANK[as_result] > RANK.get(shown.get(ref, _NOT_ASSESSED), 0):
            shown[ref] = as_result
    return shown


def effective_results(
    recorded: Mapping[str, str] | Iterable[tuple[str, str]],
    findings: Iterable[tuple[str, str, str]],
) -> dict[str, Result]:
    """`effective_values` as `Result`s."""
    return {ref: _RESULT[value] for ref, value in effective_values(recorded, findings).items()}


def effective_result(recorded: str | None, findings: Iterable[tuple[str, str]]) -> Result:
    """One item's effective result from its recorded result (None: nothing recorded) and
    the (grade, status) of its findings."""
    base = {"": recorded} if recorded else {}
    value = effective_values(base, (("", g, s) for g, s in findings)).get("", _NOT_ASSESSED)
    return _RESULT[value]


def is_assessed(result: str | None) -> bool:
    return result is not None and result != _NOT_ASSESSED


def assessed_count(effective: Mapping[str, str], assessable: Iterable[str]) -> int:
    """How many of the assessable refs are assessed."""
    return sum(1 for ref in assessable if is_assessed(effective.get(ref)))


def is_open_status(status: str) -> bool:
    """Still needs work from someone; `not_effective` counts as open."""
    return status in _OPEN


def open_count(statuses: Iterable[str]) -> int:
    return sum(1 for s in statuses if is_open_status(s))


class DueFinding(Protocol):
    status: str
    due_date: date | None


def is_overdue(finding: DueFinding, today: date) -> bool:
    """The due date has passed and the auditee has not yet reported the action done."""
    if finding.due_date is None:
        return False
    return finding.status in AWAITING_ACTION and finding.due_date < today


def days_overdue(finding: DueFinding, today: date) -> int:
    """How many days past the due date an overdue finding is; 0 when it is not overdue."""
    if finding.due_date is None or not is_overdue(finding, today):
        return 0
    return (today - finding.due_date).days


class DatedAudit(Protocol):
    @property
    def actual_start(self) -> date | None: ...
    @property
    def actual_end(self) -> date | None: ...
    @property
    def planned_start(self) -> date | None: ...
    @property
    def planned_end(self) -> date | None: ...
    @property
    def created_at(self) -> object: ...


def audit_date(audit: DatedAudit) -> date | None:
    """The day an audit stands for: when it ended, else started, else was planned to end,
    else to start, else the day it was created."""
    created = audit.created_at
    return (audit.actual_end or audit.actual_start or audit.planned_end
            or audit.planned_start or (created.date() if hasattr(created, "date") else None))
