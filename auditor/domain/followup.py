"""Follow-up of findings as the auditor sees it: what is overdue, what is still open, and
which review step (accept, reject, verify, ...) applies to a finding now.

Pure rules on a finding's fields; the store does the moving (`set_finding_status`) and
remains the one that refuses a move. Screens and the workbook export ask here so that a
finding is called overdue, or a step offered, the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from .derived import AWAITING_ACTION, days_overdue, is_open_status, is_overdue
from .vocab import FindingStatus, allowed_moves

__all__ = ["AWAITING_ACTION", "applicable_steps", "days_overdue", "is_open", "is_overdue",
           "review_step", "step_applies"]


class FindingLike(Protocol):
    grade: str
    status: str
    due_date: date | None


@dataclass(frozen=True)
class ReviewStep:
    """One of the auditor's review and verification steps on a finding."""

    id: str
    label: str
    target: FindingStatus


REVIEW_STEPS: tuple[ReviewStep, ...] = (
    ReviewStep("accept", "Accept plan", FindingStatus.ACCEPTED),
    ReviewStep("reject", "Reject plan", FindingStatus.REJECTED),
    ReviewStep("verify_effective", "Verified effective", FindingStatus.CLOSED),
    ReviewStep("not_effective", "Not effective", FindingStatus.NOT_EFFECTIVE),
    ReviewStep("cancel", "Cancel finding", FindingStatus.CANCELLED),
)
_STEPS_BY_ID = {step.id: step for step in REVIEW_STEPS}


def review_step(step_id: str) -> ReviewStep:
    try:
        return _STEPS_BY_ID[step_id]
    except KeyError:
        known = ", ".join(_STEPS_BY_ID)
        raise ValueError(f"review step {step_id!r} is not one of: {known}") from None


def is_open(finding: FindingLike) -> bool:
    return is_open_status(finding.status)


def _auditor_moves(finding: FindingLike, audit_closed: bool) -> frozenset[FindingStatus]:
    moves = allowed_moves(finding.status, finding.grade, by_auditee=False)
    if audit_closed:
        # Cancelling changes what the audit found, not its follow-up: a closed audit
        # refuses it (the store enforces this; here it is only not offered).
        moves = moves - {FindingStatus.CANCELLED}
    return moves


def step_applies(finding: FindingLike, step_id: str, *, audit_closed: bool = False) -> bool:
    """Whether the auditor may take this step on the finding in its current status."""
    return review_step(step_id).target in _auditor_moves(finding, audit_closed)


def applicable_steps(finding: FindingLike, *, audit_closed: bool = False) -> list[ReviewStep]:
    """The review steps open to the auditor now, in the order they are usually taken."""
    moves = _auditor_moves(finding, audit_closed)
    return [step for step in REVIEW_STEPS if step.target in moves]
