"""The follow-up import's check of one edited cell of the Findings sheet: the due date
(a date, inside the window around the audit), the status (one the auditee may set) and
the free text (without control characters), each turned into a `FieldChange` or into a
warning or error naming the cell on the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from auditor.domain.models import Audit, Finding
from auditor.domain.text import without_controls
from auditor.domain.vocab import AUDITEE_STATUSES, FindingStatus

from . import workbook_layout as layout
from .xlsx_reader import BadDate
from .xlsx_text import read_text, text_hash, workbook_text

if TYPE_CHECKING:
    # only for the annotations: followup_import imports this module
    from .followup_import import FollowupPlan

# A due date from the first day of the year before the audit (an action the auditee
# already took before the report came) to the last day of the tenth year after it (an
# action that needs a budget, a rebuild, a new system; certification cycles are three
# years). Outside that it is a typing slip (2062 for 2026, a serial of -5, year 1).
DUE_YEARS_BEFORE = 1
DUE_YEARS_AFTER = 10
AUDITEE_CHOICES = " or ".join(s.value for s in FindingStatus if s in AUDITEE_STATUSES)


@dataclass(frozen=True)
class FieldChange:
    """One field of one finding the workbook changes: the cell, and from what to what."""

    finding: str
    field: str
    header: str
    cell: str
    old: Any
    new: Any


def due_window(audit: Audit) -> tuple[date, date]:
    """The due dates the import accepts: see DUE_YEARS_BEFORE and DUE_YEARS_AFTER."""
    day = audit.actual_start or audit.planned_start or audit.created_at.date()
    return date(day.year - DUE_YEARS_BEFORE, 1, 1), date(day.year + DUE_YEARS_AFTER, 12, 31)


def compare_cell(finding: Finding, header: str, raw: Any, exported_hash: str | None,
                 cell: str, plan: FollowupPlan, window: tuple[date, date]) -> None:
    """The change the cell asks for put on the plan, or why not; nothing when the cell is
    as exported or as the audit has it."""
    if text_hash(read_text(raw)) == exported_hash:
        return  # as exported: the auditee did not touch it
    name = layout.FIELD_OF.get(header)
    if name is None:
        plan.warnings.append(f"{cell}: {header} of {finding.code} was edited; auditor "
                             "columns are not imported, the audit keeps its own")
        return
    new: Any
    current: Any
    if name == "due_date":
        day = _due_date(raw, cell, plan, window)
        if day is False or day is True:
            return
        new, shown, current = day, day.isoformat() if day else "", finding.due_date
    elif name == "status":
        new = _status(raw, finding, cell, plan)
        if new is None:
            return
        shown, current = new, finding.status
    else:
        new = shown = read_text(raw)
        current = getattr(finding, name)
    if text_hash(shown) == exported_hash:
        return  # as exported: the auditee did not touch it
    if isinstance(new, str) and without_controls(new) != new:
        # A cell's _x001B_ is an ESC once read: it would drive the auditor's terminal
        # and break every document the answer goes into. Taken in without it, said.
        new = without_controls(new)
        plan.warnings.append(f"{cell}: {header} of {finding.code} held control characters; "
                             "they are left out")
    if new == current or (isinstance(new, str) and new == workbook_text(current)):
        return
    if name == "status" and new not in AUDITEE_STATUSES:
        plan.errors.append(f"{cell}: status {new!r} may be set only by the auditor")
        return
    plan.changes.append(FieldChange(finding.code, name, header, cell, current, new))


def _due_date(raw: Any, cell: str, plan: FollowupPlan,
              window: tuple[date, date]) -> date | None | bool:
    """The cell as a date, None when empty, False (after an error) when not a date or
    outside the window."""
    if isinstance(raw, BadDate):
        plan.errors.append(f"{cell}: due date serial {str(raw.serial)[:40]} is not a date "
                           "any calendar holds; enter a date such as 2026-04-30")
        return False
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    day: date | None = None
    if isinstance(raw, datetime):
        day = raw.date()
    elif isinstance(raw, date):
        day = raw
    elif isinstance(raw, str):
        try:
            day = date.fromisoformat(raw.strip())
        except ValueError:
            pass
    if day is None:
        shown = read_text(raw)[:40]
        plan.errors.append(f"{cell}: due date {shown!r} is not a date; enter a date such "
                           "as 2026-04-30")
        return False
    first, last = window
    if not first <= day <= last:
        plan.errors.append(f"{cell}: due date {day.isoformat()} is outside {first.isoformat()}"
                           f" to {last.isoformat()} (from the year before the audit to ten "
                           "years after it); enter the date the action is due")
        return False
    return day


def _status(raw: Any, finding: Finding, cell: str, plan: FollowupPlan) -> str | None:
    text = read_text(raw).strip()
    if not text:
        plan.warnings.append(f"{cell}: status of {finding.code} is empty; it stays "
                             f"{finding.status}")
        return None
    try:
        return FindingStatus(text.casefold()).value
    except ValueError:
        plan.errors.append(f"{cell}: {text[:40]!r} is not a status; the auditee may set "
                           f"{AUDITEE_CHOICES}")
        return None

