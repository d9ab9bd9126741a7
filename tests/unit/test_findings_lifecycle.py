"""Findings: stable human ids, the status lifecycle of DESIGN section 3 (who may make which
move, timestamps), the auditee's fields, verification, repeats and the follow-up import."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from auditor.domain.errors import AuditLocked, NotFound, RuleViolation
from auditor.domain.store import Store

pytestmark = pytest.mark.both_engines

STATUSES = ("open", "responded", "accepted", "rejected", "implemented", "closed",
            "not_effective", "cancelled")
STILL_OPEN = ("open", "responded", "accepted", "rejected", "implemented", "not_effective")

# DESIGN section 3, written out move by move (not derived from the code under test).
AUDITEE_MOVES = {("open", "responded"), ("rejected", "responded"),
                 ("not_effective", "responded"), ("accepted", "implemented")}
AUDITOR_MOVES = ({("responded", "accepted"), ("responded", "rejected"),
                  ("implemented", "closed"), ("implemented", "not_effective"),
                  ("cancelled", "open")}
                 | {(s, "cancelled") for s in STILL_OPEN})
# Observations, OFIs and good practice ask for no corrective action: the auditor may close
# them from any status that is still open.
AUDITOR_MOVES_NOT_NC = AUDITOR_MOVES | {(s, "closed") for s in STILL_OPEN}

# How to bring a fresh finding to each status: (status, by_auditee) steps.
PATHS = {
    "open": [],
    "responded": [("responded", True)],
    "accepted": [("responded", True), ("accepted", False)],
    "rejected": [("responded", True), ("rejected", False)],
    "implemented": [("responded", True), ("accepted", False), ("implemented", True)],
    "closed": [("responded", True), ("accepted", False), ("implemented", True),
               ("closed", False)],
    "not_effective": [("responded", True), ("accepted", False), ("implemented", True),
                      ("not_effective", False)],
    "cancelled": [("cancelled", False)],
}
ANSWER = {"root_cause": "No owner for the register", "corrective_action": "Name an owner"}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def tick(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def tstore(db_url, tmp_path, clock):
    s = Store.open(db_url, tmp_path / "evidence", "auditor1",
                   clock=clock)
    yield s
    s.close()


@pytest.fixture
def taudit(tstore, mini_checklist):
    return tstore.create_audit(mini_checklist, title="Internal audit", auditee="Acme Soft")


def new_finding(store, audit_id, grade, ref="4.1"):
    f = store.raise_finding(audit_id, ref, grade, statement="Register not reviewed")
    store.update_finding(f.code, ANSWER, by_auditee=True)
    return f.code


def drive(store, code, status):
    for step, by_auditee in PATHS[status]:
        store.set_finding_status(code, step, by_auditee=by_auditee)
    assert store.finding(code).status == status
    return code


# -- human ids ------------------------------------------------------------------------------


def test_ids_by_grade_year_and_sequence(tstore, taudit):
    codes = [tstore.raise_finding(taudit.id, "4.1", g, statement="s").code
             for g in ("minor", "major", "observation", "ofi", "good_practice", "observation",
                       "minor")]
    assert codes == ["NC-2026-001", "NC-2026-002", "OBS-2026-001", "OFI-2026-001",
                     "GP-2026-001", "OBS-2026-002", "NC-2026-003"]


def test_ids_are_never_reused_after_a_cancel_or_a_deleted_audit(tstore, taudit,
                                                               mini_checklist):
    first = tstore.raise_finding(taudit.id, "4.1", "minor", statement="s").code
    second = tstore.raise_finding(taudit.id, "4.2", "minor", statement="s").code
    tstore.set_finding_status(second, "cancelled")
    assert tstore.raise_finding(taudit.id, "4.2", "minor", statement="s").code == "NC-2026-003"
    tstore.delete_audit(taudit.id)
    other = tstore.create_audit(mini_checklist, title="Other", auditee="Beta")
    assert tstore.raise_finding(other.id, "4.1", "minor", statement="s").code == "NC-2026-004"
    assert first == "NC-2026-001"


def test_a_new_year_starts_a_new_sequence(tstore, taudit, clock):
    tstore.raise_finding(taudit.id, "4.1", "ofi")
    clock.now = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
    assert tstore.raise_finding(taudit.id, "4.1", "ofi").code == "OFI-2027-001"
    assert tstore.raise_finding(taudit.id, "4.1", "minor", statement="s").code == "NC-2027-001"


def test_an_id_is_stable_when_the_grade_changes(tstore, taudit):
    obs = tstore.raise_finding(taudit.id, "4.1", "observation").code
    tstore.update_finding(obs, {"grade": "minor", "statement": "It is a nonconformity"})
    assert tstore.finding(obs).grade == "minor"
    assert [f.code for f in tstore.findings(taudit.id)] == [obs]


def test_unknown_finding_is_not_found(tstore):
    with pytest.raises(NotFound, match="NC-2026-999"):
        tstore.set_finding_status("NC-2026-999", "accepted")


# -- the lifecycle -----------------------------------------------------------------------


@pytest.mark.parametrize("grade", ["minor", "observation"])
@pytest.mark.parametrize("start", STATUSES)
@pytest.mark.parametrize("by_auditee", [True, False], ids=["auditee", "auditor"])
def test_every_move_is_allowed_or_refused_as_designed(tstore, taudit, grade, start,
                                                      by_auditee):
    if by_auditee:
        allowed = AUDITEE_MOVES
    else:
        allowed = AUDITOR_MOVES if grade == "minor" else AUDITOR_MOVES_NOT_NC
    for target in STATUSES:
        if target == start:
            continue
        code = drive(tstore, new_finding(tstore, taudit.id, grade), start)
        if (start, target) in allowed:
            tstore.set_finding_status(code, target, by_auditee=by_auditee)
            assert tstore.finding(code).status == target
        else:
            with pytest.raises(RuleViolation, match="cannot go|may set only"):
                tstore.set_finding_status(code, target, by_auditee=by_auditee)
            assert tstore.finding(code).status == start


def test_the_whole_path_sets_a_timestamp_for_each_step(tstore, taudit, clock):
    code = tstore.raise_finding(taudit.id, "4.2", "major", statement="No register").code
    created = tstore.finding(code).created_at
    stamps = {}
    for status, by_auditee in [("responded", True), ("rejected", False),
                               ("responded", True), ("accepted", False),
                               ("implemented", True), ("not_effective", False),
                               ("responded", True)]:
        if status == "responded":
            tstore.update_finding(code, ANSWER, by_auditee=True)
        stamps[status] = clock.tick(days=1)
        tstore.set_finding_status(code, status, by_auditee=by_auditee)
        f = tstore.finding(code)
        assert f.status == status
        assert getattr(f, f"{status}_at").replace(tzinfo=None) == \
            stamps[status].replace(tzinfo=None)
        assert f.updated_at.replace(tzinfo=None) == stamps[status].replace(tzinfo=None)
    f = tstore.finding(code)
    assert f.created_at == created
    assert f.closed_at is None and f.cancelled_at is None
    assert [e.new for e in tstore.history(entity="finding", entity_id=code)
            if e.field == "status"] == ["responded", "rejected", "responded", "accepted",
                                        "implemented", "not_effective", "responded"]


def test_closing_records_the_verification(tstore, taudit, clock):
    code = drive(tstore, new_finding(tstore, taudit.id, "minor"), "implemented")
    clock.tick(days=30)
    tstore.set_finding_status(code, "closed", note="Owner named; register reviewed in May")
    f = tstore.finding(code)
    assert f.status == "closed"
    assert f.verified_by == "auditor1"
    assert f.verified_on == date(2026, 4, 1)
    assert f.verification_note == "Owner named; register reviewed in May"
    assert f.closed_at.replace(tzinfo=None) == clock.now.replace(tzinfo=None)


def test_not_effective_counts_as_open_and_goes_back_to_the_auditee(tstore, taudit):
    code = drive(tstore, new_finding(tstore, taudit.id, "minor"), "not_effective")
    assert tstore.finding(code).verified_by == "auditor1"
    summary = next(s for s in tstore.audit_summaries() if s.audit.id == taudit.id)
    assert summary.open_findings == 1
    tstore.set_finding_status(code, "responded", by_auditee=True)
    assert tstore.finding(code).status == "responded"


def test_a_response_to_a_nonconformity_needs_root_cause_and_action(tstore, taudit):
    code = tstore.raise_finding(taudit.id, "4.1", "minor", statement="s").code
    with pytest.raises(RuleViolation, match="root cause and a corrective action"):
        tstore.set_finding_status(code, "responded", by_auditee=True)
    tstore.update_finding(code, {"root_cause": "No owner"}, by_auditee=True)
    with pytest.raises(RuleViolation, match="corrective action"):
        tstore.set_finding_status(code, "responded", by_auditee=True)
    tstore.update_finding(code, {"corrective_action": "Name one"}, by_auditee=True)
    tstore.set_finding_status(code, "responded", by_auditee=True)
    # An observation needs no corrective action to be answered.
    obs = tstore.raise_finding(taudit.id, "4.2", "observation").code
    tstore.set_finding_status(obs, "responded", by_auditee=True)


def test_the_auditee_may_set_only_their_statuses_whatever_the_path(tstore, taudit):
    code = drive(tstore, new_finding(tstore, taudit.id, "minor"), "responded")
    for status in ("accepted", "rejected", "closed", "not_effective", "cancelled", "open"):
        with pytest.raises(RuleViolation, match="auditee may set only"):
            tstore.set_finding_status(code, status, by_auditee=True)


def test_unknown_status_is_refused(tstore, taudit):
    code = new_finding(tstore, taudit.id, "minor")
    with pytest.raises(RuleViolation, match="status 'done' is not one of"):
        tstore.set_finding_status(code, "done")


def test_a_cancelled_finding_can_be_reopened(tstore, taudit):
    code = drive(tstore, new_finding(tstore, taudit.id, "minor"), "cancelled")
    assert tstore.finding(code).cancelled_at is not None
    tstore.set_finding_status(code, "open", note="cancelled by mistake")
    f = tstore.finding(code)
    assert f.status == "open"
    notes = [e.new for e in tstore.history(entity="finding", entity_id=code)
             if e.field == "note"]
    assert notes == ["cancelled by mistake"]
    assert tstore.verify_trail() is None


def test_the_same_status_again_changes_nothing(tstore, taudit):
    code = new_finding(tstore, taudit.id, "minor")
    before = len(tstore.history())
    tstore.set_finding_status(code, "open")
    assert len(tstore.history()) == before


# -- closed audits -------------------------------------------------------------------------


def test_a_closed_audit_takes_the_follow_up_but_no_cancelling(tstore, taudit):
    answered = drive(tstore, new_finding(tstore, taudit.id, "minor"), "responded")
    fresh = new_finding(tstore, taudit.id, "minor", ref="4.2")
    withdrawn = drive(tstore, new_finding(tstore, taudit.id, "ofi", ref="8.6"), "cancelled")
    tstore.close_audit(taudit.id)
    tstore.set_finding_status(answered, "accepted")
    tstore.set_finding_status(answered, "implemented", by_auditee=True)
    tstore.set_finding_status(answered, "closed", note="verified")
    # Cancelling (or un-cancelling) a finding changes the audit's results, which a closed
    # audit keeps as they were: reopen the audit for that.
    with pytest.raises(AuditLocked, match="closed"):
        tstore.set_finding_status(fresh, "cancelled")
    with pytest.raises(AuditLocked, match="closed"):
        tstore.set_finding_status(withdrawn, "open")
    assert tstore.finding(fresh).status == "open"
    assert tstore.finding(withdrawn).status == "cancelled"
    tstore.reopen_audit(taudit.id, "withdraw a finding after appeal")
    tstore.set_finding_status(fresh, "cancelled")


def test_a_closed_audit_refuses_the_auditors_fields_but_takes_the_auditees(tstore, taudit):
    code = new_finding(tstore, taudit.id, "minor")
    tstore.close_audit(taudit.id)
    for name in ("statement", "requirement", "objective_evidence", "process_area"):
        with pytest.raises(RuleViolation, match="closed"):
            tstore.update_finding(code, {name: "changed"})
    tstore.update_finding(code, {"owner": "QA lead", "due_date": date(2026, 5, 1)})
    tstore.update_finding(code, {"auditee_comment": "planned"}, by_auditee=True)
    f = tstore.finding(code)
    assert (f.owner, f.due_date, f.auditee_comment) == ("QA lead", date(2026, 5, 1), "planned")


# -- fields ----------------------------------------------------------------------------------


def test_the_auditee_cannot_touch_the_auditors_fields(tstore, taudit):
    code = new_finding(tstore, taudit.id, "minor")
    for name in ("grade", "statement", "requirement", "verified_by", "status", "code"):
        with pytest.raises(RuleViolation, match="not a field you may change"):
            tstore.update_finding(code, {name: "x"}, by_auditee=True)
    assert tstore.finding(code).statement == "Register not reviewed"


@pytest.mark.parametrize("fields,message", [
    ({"due_date": "31/12/2026"}, "not a date"),
    ({"due_date": 20261231}, "not a date"),
    ({"owner": 3}, "expected text"),
    ({"grade": "critical"}, "not one of"),
    ({"statement": "A real statement", "grade": "critical"}, "not one of"),
    ({"grade": "critical", "statement": "A real statement"}, "not one of"),
    ({"verified_on": "tomorrow"}, "not a date"),
], ids=["date-text", "date-number", "owner-number", "grade", "statement-then-bad-grade",
        "bad-grade-then-statement", "verified-on"])
def test_bad_field_values_are_refused_whole(tstore, taudit, fields, message):
    code = new_finding(tstore, taudit.id, "minor")
    before = (tstore.finding(code), len(tstore.history()))
    with pytest.raises(RuleViolation, match=message):
        tstore.update_finding(code, fields)
    assert (tstore.finding(code), len(tstore.history())) == before


def test_dates_are_read_and_cleared(tstore, taudit):
    code = new_finding(tstore, taudit.id, "minor")
    tstore.update_finding(code, {"due_date": " 2026-06-30 "}, by_auditee=True)
    assert tstore.finding(code).due_date == date(2026, 6, 30)
    tstore.update_finding(code, {"due_date": ""}, by_auditee=True)
    assert tstore.finding(code).due_date is None


def test_the_follow_up_import_applies_all_or_nothing(tstore, taudit):
    a = new_finding(tstore, taudit.id, "minor")
    b = new_finding(tstore, taudit.id, "minor", ref="4.2")
    before = len(tstore.history())
    with pytest.raises(RuleViolation, match="not a date"):
        tstore.apply_auditee_changes(taudit.id, {
            a: {"owner": "Dev lead", "status": "responded"},
            b: {"due_date": "soon"},
        })
    assert tstore.finding(a).owner == "" and tstore.finding(a).status == "open"
    assert len(tstore.history()) == before
    with pytest.raises(RuleViolation, match="auditee may set only"):
        tstore.apply_auditee_changes(taudit.id, {a: {"status": "closed"}})
    changed = tstore.apply_auditee_changes(taudit.id, {
        a: {"owner": "Dev lead", "status": "responded"},
        b: {"due_date": "2026-05-31"},
    })
    assert [f.code for f in changed] == [a, b]
    assert tstore.finding(a).status == "responded"
    assert tstore.finding(b).due_date == date(2026, 5, 31)


def test_the_import_refuses_a_finding_of_another_audit(tstore, taudit, mini_checklist):
    other = tstore.create_audit(mini_checklist, title="Other", auditee="Beta")
    code = new_finding(tstore, other.id, "minor")
    with pytest.raises(RuleViolation, match="belongs to audit"):
        tstore.apply_auditee_changes(taudit.id, {code: {"owner": "x"}})


# -- surveillance: repeats and previous findings -------------------------------------------


def test_a_nonconformity_on_the_same_item_as_last_time_is_a_repeat(tstore, taudit,
                                                                  mini_checklist):
    old = new_finding(tstore, taudit.id, "minor")
    cancelled = new_finding(tstore, taudit.id, "major", ref="4.2")
    tstore.set_finding_status(cancelled, "cancelled")
    closed = drive(tstore, new_finding(tstore, taudit.id, "minor", ref="8.6"), "closed")
    tstore.close_audit(taudit.id)
    follow = tstore.create_audit(mini_checklist, title="Surveillance", auditee="Acme Soft",
                                 type="surveillance", previous_id=taudit.id)
    assert [f.code for f in tstore.previous_open_findings(follow.id)] == [old]
    _r, repeat = tstore.record_result(follow.id, "4.1", "major", statement="Again")
    assert repeat.repeat_of == old
    assert tstore.repeat_candidate(follow.id, "8.6").code == closed
    _r, obs = tstore.record_result(follow.id, "8.6", "observation")
    assert obs.repeat_of is None  # only nonconformities repeat
    _r, fresh = tstore.record_result(follow.id, "4.2", "minor", statement="s")
    assert fresh.repeat_of is None  # the earlier one was cancelled
    logged = [e.new for e in tstore.history(entity="finding", entity_id=repeat.code)
              if e.field == "repeat_of"]
    assert logged == [old]


def test_checking_the_import_first_writes_nothing(tstore, taudit):
    a = new_finding(tstore, taudit.id, "minor")
    b = new_finding(tstore, taudit.id, "minor", ref="4.2")
    before = [(e.id, e.hash) for e in tstore.history()]
    problems = tstore.check_auditee_changes(taudit.id, {
        a: {"owner": "Dev lead", "status": "responded"},
        b: {"due_date": "soon", "status": "closed"},
    })
    assert [(code, name) for code, name, _reason in problems] == [(b, "due_date"),
                                                                 (b, "status")]
    assert [(e.id, e.hash) for e in tstore.history()] == before
    assert tstore.finding(a).owner == "" and tstore.finding(a).status == "open"
    tstore.set_item_text(taudit.id, "4.1", notes="after the check")
    assert tstore.verify_trail() is None


def test_verifying_keeps_a_verifier_already_typed_and_a_rejection_keeps_its_reason(
        store, audit):
    _, nc = store.record_result(audit.id, "8.6", "minor", statement="Release unapproved")
    store.update_finding(nc.code, {"root_cause": "Rush", "corrective_action": "Gate"},
                         by_auditee=True)
    store.set_finding_status(nc.code, "responded", by_auditee=True)
    store.set_finding_status(nc.code, "rejected", note="The gate has no owner")
    assert store.finding(nc.code).verification_note == "The gate has no owner"
    store.set_finding_status(nc.code, "responded", by_auditee=True)
    store.set_finding_status(nc.code, "accepted")
    store.set_finding_status(nc.code, "implemented", by_auditee=True)
    store.update_finding(nc.code, {"verified_by": "Dana Keller", "verified_on": "2026-02-27"})
    closed = store.set_finding_status(nc.code, "closed")  # `v`: no overwrite by the login
    assert (closed.verified_by, closed.verified_on.isoformat()) == ("Dana Keller",
                                                                    "2026-02-27")
