"""Follow-up rules: overdue, open, and which review step applies to a finding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from auditor.domain.errors import RuleViolation
from auditor.domain.followup import (
    REVIEW_STEPS,
    applicable_steps,
    days_overdue,
    is_open,
    is_overdue,
    review_step,
    step_applies,
)
from auditor.domain.vocab import FindingStatus, Grade

pytestmark = pytest.mark.both_engines

TODAY = date(2026, 3, 2)


@dataclass
class F:
    status: str = "open"
    grade: str = "minor"
    due_date: date | None = None


@pytest.mark.parametrize("status", ["open", "responded", "accepted", "rejected",
                                    "not_effective"])
def test_past_due_and_awaiting_action_is_overdue(status):
    finding = F(status=status, due_date=date(2026, 2, 27))
    assert is_overdue(finding, TODAY)
    assert days_overdue(finding, TODAY) == 3


@pytest.mark.parametrize("status", ["implemented", "closed", "cancelled"])
def test_done_or_closed_is_never_overdue(status):
    finding = F(status=status, due_date=date(2025, 1, 1))
    assert not is_overdue(finding, TODAY)
    assert days_overdue(finding, TODAY) == 0


def test_due_today_is_not_yet_overdue_and_no_date_never_is():
    assert not is_overdue(F(due_date=TODAY), TODAY)
    assert is_overdue(F(due_date=TODAY), date(2026, 3, 3))
    assert not is_overdue(F(due_date=None), date(2099, 1, 1))
    assert days_overdue(F(due_date=None), date(2099, 1, 1)) == 0


def test_not_effective_counts_as_open_closed_and_cancelled_do_not():
    assert is_open(F(status="not_effective"))
    assert is_open(F(status="implemented"))
    assert not is_open(F(status="closed"))
    assert not is_open(F(status="cancelled"))


def test_review_steps_follow_the_lifecycle():
    def ids(finding):
        return [s.id for s in applicable_steps(finding)]

    assert ids(F(status="open")) == ["cancel"]
    assert ids(F(status="responded")) == ["accept", "reject", "cancel"]
    assert ids(F(status="implemented")) == ["verify_effective", "not_effective", "cancel"]
    assert ids(F(status="closed")) == []
    assert ids(F(status="cancelled")) == []
    # An observation asks for no corrective action: the auditor may close it at once.
    assert ids(F(status="open", grade="observation")) == ["verify_effective", "cancel"]


def test_step_applies_and_unknown_step():
    assert step_applies(F(status="responded"), "accept")
    assert not step_applies(F(status="open"), "accept")
    assert review_step("verify_effective").target == FindingStatus.CLOSED
    with pytest.raises(ValueError, match="not one of"):
        review_step("approve")


def test_step_ids_are_unique_and_every_target_is_an_auditor_status():
    assert len({s.id for s in REVIEW_STEPS}) == len(REVIEW_STEPS)
    assert {s.target for s in REVIEW_STEPS}.isdisjoint(
        {FindingStatus.RESPONDED, FindingStatus.IMPLEMENTED})


@pytest.mark.parametrize("grade", [g.value for g in Grade])
def test_offered_steps_are_exactly_the_moves_the_store_accepts(store, audit, grade):
    """Walk a real finding through its life: at every status, each step the rules offer
    is accepted by the store and each step they do not offer is refused."""
    finding = store.raise_finding(audit.id, "8.6", grade, statement="Release not approved")
    store.update_finding(finding.code, {"root_cause": "No rule", "corrective_action": "Add"},
                         by_auditee=True)
    path = [FindingStatus.RESPONDED, FindingStatus.ACCEPTED, FindingStatus.IMPLEMENTED]
    for status in [None, *path]:
        if status is not None:
            store.set_finding_status(finding.code, status.value, by_auditee=status in (
                FindingStatus.RESPONDED, FindingStatus.IMPLEMENTED))
        current = store.finding(finding.code)
        for step in REVIEW_STEPS:
            # Asking for the status it already has is a no-op in the store, not a refusal.
            if step_applies(current, step.id) or step.target == current.status:
                continue
            with pytest.raises(RuleViolation):
                store.set_finding_status(current.code, step.target.value)
        for step in applicable_steps(current):
            # Try each offered step on a fresh twin in the same status.
            twin = _twin_in_status(store, audit.id, grade, current.status)
            moved = store.set_finding_status(twin, step.target.value)
            assert moved.status == step.target.value


def _twin_in_status(store, audit_id, grade, status):
    twin = store.raise_finding(audit_id, "4.1", grade, statement="Twin")
    store.update_finding(twin.code, {"root_cause": "R", "corrective_action": "A"},
                         by_auditee=True)
    walk = {
        "open": [],
        "responded": [("responded", True)],
        "accepted": [("responded", True), ("accepted", False)],
        "implemented": [("responded", True), ("accepted", False), ("implemented", True)],
    }[status]
    for target, by_auditee in walk:
        store.set_finding_status(twin.code, target, by_auditee=by_auditee)
    return twin.code


def test_a_closed_audit_offers_no_cancel_and_the_store_refuses_it(store, audit):
    finding = store.raise_finding(audit.id, "8.6", "ofi", statement="Automate release notes")
    store.close_audit(audit.id)
    stored = store.finding(finding.code)
    assert [s.id for s in applicable_steps(stored, audit_closed=True)] == ["verify_effective"]
    assert not step_applies(stored, "cancel", audit_closed=True)
    with pytest.raises(RuleViolation):
        store.set_finding_status(finding.code, "cancelled")
    assert store.set_finding_status(finding.code, "closed").status == "closed"


def test_overdue_on_a_stored_finding(store, audit):
    finding = store.raise_finding(audit.id, "8.6", "minor", statement="No release record")
    store.update_finding(finding.code, {"due_date": "2026-02-01"}, by_auditee=True)
    stored = store.finding(finding.code)
    assert is_overdue(stored, store.now().date())
    assert days_overdue(stored, store.now().date()) == 29
