"""Following an audit: previous results beside each item, on-site verification of the
previous findings, repeat findings along a chain of audits."""

from __future__ import annotations

import pytest

from auditor.domain.errors import AuditLocked, RuleViolation
from auditor.domain.vocab import FindingStatus, Result

pytestmark = pytest.mark.both_engines


@pytest.fixture
def followed(store, mini_checklist):
    """A closed audit with a minor, an observation and a conform item, and the audit that
    follows it."""
    old = store.create_audit(mini_checklist, title="2025", auditee="Acme Soft")
    store.record_result(old.id, "4.1", "conform")
    _, minor = store.record_result(old.id, "8.3.4", "minor",
                                   statement="Design reviews not recorded",
                                   requirement="8.3.4 c)", process_area="Engineering")
    _, obs = store.record_result(old.id, "8.6", "observation", statement="Release notes thin")
    store.close_audit(old.id, "Two findings")
    new = store.create_audit(mini_checklist, title="2026", auditee="Acme Soft",
                             type="surveillance", previous_id=old.id)
    return old, new, minor, obs


def test_previous_results_show_last_result_and_findings(store, followed):
    old, new, minor, obs = followed
    previous = store.previous_results(new.id)
    assert set(previous) == {"4.1", "8.3.4", "8.6"}
    assert previous["8.3.4"].result == Result.MINOR
    assert previous["8.3.4"].findings == (minor.code,)
    assert previous["8.3.4"].label == f"last time: minor, {minor.code}"
    assert previous["4.1"].findings == ()
    assert previous["4.1"].audit_id == old.id
    # shown beside the item, never copied as the current result
    assert store.results(new.id) == {}
    assert store.previous_results(old.id) == {}


def test_effective_verification_closes_from_any_open_status(store, followed):
    _, new, minor, _ = followed
    assert minor.status == FindingStatus.OPEN
    assert store.verify_previous_finding(new.id, minor.code, True, "Reviews now in PRs") is None
    closed = store.finding(minor.code)
    assert closed.status == FindingStatus.CLOSED
    assert closed.verified_by == "tester"
    assert closed.verified_on.isoformat() == "2026-03-02"
    assert closed.verification_note == "Reviews now in PRs"
    assert closed.closed_at is not None
    assert minor.code not in [f.code for f in store.previous_open_findings(new.id)]
    logged = [e.field for e in store.history(audit_id=new.id, entity="finding")]
    assert "verified_in_audit" in logged
    assert store.findings(new.id) == []


def test_not_effective_marks_and_raises_a_repeat(store, followed):
    _, new, minor, _ = followed
    repeat = store.verify_previous_finding(new.id, minor.code, False, "Still no records")
    assert store.finding(minor.code).status == FindingStatus.NOT_EFFECTIVE
    assert store.finding(minor.code).verification_note == "Still no records"
    assert repeat.audit_id == new.id
    assert repeat.ref == "8.3.4"
    assert repeat.grade == "minor"
    assert repeat.repeat_of == minor.code
    assert repeat.statement.startswith("Design reviews not recorded")
    assert f"Repeat of {minor.code}" in repeat.statement
    assert repeat.requirement == "8.3.4 c)"
    assert repeat.process_area == "Engineering"
    assert store.effective_results(new.id)["8.3.4"] == Result.MINOR
    # pressing it twice raises no second repeat
    again = store.verify_previous_finding(new.id, minor.code, False)
    assert again.code == repeat.code
    assert len(store.findings(new.id)) == 1


def test_not_effective_observation_repeats_as_minor(store, followed):
    _, new, _, obs = followed
    repeat = store.verify_previous_finding(new.id, obs.code, False)
    assert repeat.grade == "minor"
    assert repeat.repeat_of == obs.code
    assert repeat.statement.startswith("Release notes thin")


def test_verification_refuses_findings_of_other_audits(store, followed, mini_checklist):
    old, new, minor, _ = followed
    other = store.create_audit(mini_checklist, title="Other", auditee="Acme Soft")
    with pytest.raises(RuleViolation, match="follows no previous audit"):
        store.verify_previous_finding(other.id, minor.code, True)
    third = store.create_audit(mini_checklist, title="Third", auditee="Acme Soft",
                               previous_id=new.id)
    with pytest.raises(RuleViolation, match=f"not to audit {new.id}"):
        store.verify_previous_finding(third.id, minor.code, False)
    assert store.finding(minor.code).status == FindingStatus.OPEN
    assert store.findings(third.id) == []


def test_verification_refuses_closed_findings_and_a_closed_audit(store, followed):
    _, new, minor, obs = followed
    store.verify_previous_finding(new.id, minor.code, True)
    with pytest.raises(RuleViolation, match="only findings still open"):
        store.verify_previous_finding(new.id, minor.code, False)
    store.close_audit(new.id)
    with pytest.raises(AuditLocked):
        store.verify_previous_finding(new.id, obs.code, True)
    assert store.finding(obs.code).status == FindingStatus.OPEN


def test_repeat_rule_across_a_chain_of_three_audits(store, mini_checklist):
    first = store.create_audit(mini_checklist, title="2024", auditee="Acme Soft")
    _, nc = store.record_result(first.id, "8.6", "major", statement="Unapproved release")
    store.record_result(first.id, "4.2", "observation", statement="Register old")
    store.close_audit(first.id)
    second = store.create_audit(mini_checklist, title="2025", auditee="Acme Soft",
                                previous_id=first.id)
    store.record_result(second.id, "8.6", "conform")
    store.close_audit(second.id)
    third = store.create_audit(mini_checklist, title="2026", auditee="Acme Soft",
                               previous_id=second.id)
    # two audits back, same auditee: still a repeat
    _, again = store.record_result(third.id, "8.6", "minor", statement="Unapproved again")
    assert again.repeat_of == nc.code
    assert store.repeat_candidate(third.id, "8.6").code == nc.code
    # an observation before is no nonconformity: no repeat
    _, fresh = store.record_result(third.id, "4.2", "minor", statement="Register missing")
    assert fresh.repeat_of is None
    # observations are never repeats themselves
    _, note = store.record_result(third.id, "4.1", "observation", statement="x")
    assert note.repeat_of is None


def test_follow_up_of_another_auditee_is_refused(store, mini_checklist):
    old = store.create_audit(mini_checklist, title="2025", auditee="Acme Soft")
    with pytest.raises(RuleViolation, match="same auditee"):
        store.create_audit(mini_checklist, title="2026", auditee="Other Ltd",
                           previous_id=old.id)
