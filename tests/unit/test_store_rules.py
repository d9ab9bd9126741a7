"""The store's rules: vocabularies, statements, the closed-audit lock, reopening, the change
log and its hash chain, effective results, audit summaries, evidence files, deletion."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from store_support import raw_sql, store_url

from auditor.domain.errors import NotFound, RuleViolation
from auditor.domain.models import ChangeLog
from auditor.domain.trail import entry_hash
from auditor.domain.views import audit_document
from auditor.domain.vocab import Grade, Result

pytestmark = pytest.mark.both_engines


def log_count(store) -> int:
    return len(store.history())


# -- vocabularies -----------------------------------------------------------------------


@pytest.mark.parametrize("result", ["conform", "na", "not_assessed", "observation", "ofi"])
def test_results_from_the_vocabulary_are_recorded(store, audit, result):
    row, _finding = store.record_result(audit.id, "4.1", result)
    assert row.result == result
    assert store.results(audit.id)["4.1"].result == result


@pytest.mark.parametrize("result", ["ok", "Conform", "", "nc", "good_practice"])
def test_results_outside_the_vocabulary_are_refused(store, audit, result):
    before = log_count(store)
    with pytest.raises(RuleViolation, match="is not one of"):
        store.record_result(audit.id, "4.1", result)
    assert store.results(audit.id) == {}
    assert log_count(store) == before


@pytest.mark.parametrize("grade", [g.value for g in Grade])
def test_every_grade_can_be_raised(store, audit, grade):
    finding = store.raise_finding(audit.id, "4.2", grade, statement="Seen in the register")
    assert finding.grade == grade


@pytest.mark.parametrize("grade", ["critical", "NC", "conform", ""])
def test_grades_outside_the_vocabulary_are_refused(store, audit, grade):
    with pytest.raises(RuleViolation, match="is not one of"):
        store.raise_finding(audit.id, "4.2", grade, statement="x")
    assert store.findings(audit.id) == []


def test_an_unknown_audit_type_is_refused(store, mini_checklist):
    with pytest.raises(RuleViolation, match="audit type"):
        store.create_audit(mini_checklist, title="T", auditee="A", type="external")
    assert store.audits() == []


def test_an_audit_needs_title_auditee_and_sane_dates(store, mini_checklist):
    with pytest.raises(RuleViolation, match="title"):
        store.create_audit(mini_checklist, title="  ", auditee="A")
    with pytest.raises(RuleViolation, match="auditee"):
        store.create_audit(mini_checklist, title="T", auditee="")
    with pytest.raises(RuleViolation, match="end date"):
        store.create_audit(mini_checklist, title="T", auditee="A",
                           planned_start=date(2026, 3, 5), planned_end=date(2026, 3, 4))
    assert store.audits() == []


def test_a_follow_up_audit_must_be_of_the_same_auditee(store, audit, mini_checklist):
    with pytest.raises(RuleViolation, match="same auditee"):
        store.create_audit(mini_checklist, title="T", auditee="Other Ltd",
                           type="surveillance", previous_id=audit.id)
    follow = store.create_audit(mini_checklist, title="T", auditee="acme soft ",
                                type="surveillance", previous_id=audit.id)
    assert follow.previous_id == audit.id


def test_a_nul_in_the_auditee_does_not_make_its_follow_up_another_auditee(store,
                                                                          mini_checklist):
    # Text is stored without NULs: the same name typed again (NUL and all) is the same
    # auditee, not the stored name against the typed one.
    first = store.create_audit(mini_checklist, title="T", auditee="Ac\x00me")
    assert first.auditee == "Acme"
    follow = store.create_audit(mini_checklist, title="T2", auditee="Ac\x00me",
                                type="surveillance", previous_id=first.id)
    assert follow.previous_id == first.id and follow.auditee == "Acme"


def test_results_only_on_assessable_items_of_the_checklist(store, audit):
    with pytest.raises(RuleViolation, match="not in this audit's checklist"):
        store.record_result(audit.id, "9.9", "conform")
    with pytest.raises(RuleViolation, match="group heading"):
        store.record_result(audit.id, "8.3", "conform")
    with pytest.raises(RuleViolation, match="group heading"):
        store.set_item_text(audit.id, "4", notes="x")
    assert store.results(audit.id) == {}


def test_item_text_fields_are_checked(store, audit):
    with pytest.raises(RuleViolation, match="not one of"):
        store.set_item_text(audit.id, "4.1", result="conform")
    with pytest.raises(RuleViolation, match="expected text"):
        store.set_item_text(audit.id, "4.1", notes=3)
    row = store.set_item_text(audit.id, "4.1", notes="n", interviewees="QA lead",
                              documents="QM-01 rev 4")
    assert (row.notes, row.interviewees, row.documents) == ("n", "QA lead", "QM-01 rev 4")


def test_unknown_audit_is_not_found(store):
    with pytest.raises(NotFound, match="audit 42"):
        store.record_result(42, "4.1", "conform")
    with pytest.raises(NotFound):
        store.audit(42)


# -- statements --------------------------------------------------------------------------


@pytest.mark.parametrize("grade", ["minor", "major"])
def test_a_nonconformity_needs_a_statement(store, audit, grade):
    with pytest.raises(RuleViolation, match="statement"):
        store.record_result(audit.id, "4.1", grade)
    with pytest.raises(RuleViolation, match="statement"):
        store.record_result(audit.id, "4.1", grade, statement="   ")
    with pytest.raises(RuleViolation, match="statement"):
        store.raise_finding(audit.id, "4.1", grade)
    # Nothing half-done: neither the result nor a finding was kept.
    assert store.results(audit.id) == {}
    assert store.findings(audit.id) == []
    _row, finding = store.record_result(audit.id, "4.1", grade,
                                        statement="No context review since 2024")
    assert finding.grade == grade and finding.code.startswith("NC-")


@pytest.mark.parametrize("grade", ["observation", "ofi", "good_practice"])
def test_other_grades_need_no_statement(store, audit, grade):
    assert store.raise_finding(audit.id, "4.1", grade).statement == ""


def test_a_statement_cannot_be_emptied_nor_a_grade_raised_without_one(store, audit):
    _row, nc = store.record_result(audit.id, "4.1", "minor", statement="Register outdated")
    with pytest.raises(RuleViolation, match="statement"):
        store.update_finding(nc.code, {"statement": " "})
    obs = store.raise_finding(audit.id, "4.2", "observation")
    with pytest.raises(RuleViolation, match="statement"):
        store.update_finding(obs.code, {"grade": "major"})
    store.update_finding(obs.code, {"grade": "major", "statement": "No register at all"})
    assert store.finding(obs.code).grade == "major"
    assert store.finding(nc.code).statement == "Register outdated"


def test_recording_minor_or_major_raises_a_finding_observation_and_ofi_too(store, audit):
    _r, major = store.record_result(audit.id, "4.1", "major", statement="s")
    _r, obs = store.record_result(audit.id, "4.2", "observation")
    _r, again = store.record_result(audit.id, "4.2", "observation")
    _r, none = store.record_result(audit.id, "8.6", "conform")
    assert major.grade == "major" and obs.grade == "observation"
    assert again.code == obs.code  # pressing `o` twice raises one observation
    assert none is None
    assert [f.code for f in store.findings(audit.id)] == [major.code, obs.code]


def test_back_to_not_assessed_cancels_unanswered_findings(store, audit):
    _r, obs = store.record_result(audit.id, "4.2", "observation")
    store.record_result(audit.id, "4.2", "not_assessed")
    assert store.finding(obs.code).status == "cancelled"
    assert store.effective_results(audit.id)["4.2"] == Result.NOT_ASSESSED


# -- closed audits ---------------------------------------------------------------------


@pytest.fixture
def closed(store, audit, tmp_path):
    store.record_result(audit.id, "4.1", "conform", note="Context analysis seen")
    _r, nc = store.record_result(audit.id, "4.2", "minor", statement="Register outdated")
    proof = tmp_path / "proof.txt"
    proof.write_text("proof")
    store.record_result(audit.id, "8.6", "conform", files=[proof])
    store.close_audit(audit.id, "Effective with one minor finding")
    return audit, nc, proof


def test_close_sets_status_date_and_conclusion(store, closed):
    audit, _nc, _proof = closed
    a = store.audit(audit.id)
    assert a.status == "closed"
    assert a.closed_at is not None and a.actual_end == date(2026, 3, 2)
    assert a.conclusion == "Effective with one minor finding"
    fields = {e.field for e in store.history(audit_id=audit.id, entity="audit")}
    assert {"status", "conclusion", "actual_end"} <= fields


@pytest.mark.parametrize("change", [
    lambda s, a, nc, proof: s.record_result(a.id, "4.1", "na"),
    lambda s, a, nc, proof: s.record_result(a.id, "8.3.4", "conform"),
    lambda s, a, nc, proof: s.set_item_text(a.id, "4.1", notes="late note"),
    lambda s, a, nc, proof: s.raise_finding(a.id, "4.1", "observation"),
    lambda s, a, nc, proof: s.update_finding(nc.code, {"statement": "new words"}),
    lambda s, a, nc, proof: s.update_finding(nc.code, {"grade": "major"}),
    lambda s, a, nc, proof: s.update_finding(nc.code, {"objective_evidence": "more"}),
    lambda s, a, nc, proof: s.add_evidence(a.id, ref="4.1", file=proof),
    lambda s, a, nc, proof: s.add_evidence(a.id, ref="4.1", kind="document",
                                           reference="QM-01"),
    lambda s, a, nc, proof: s.update_audit(a.id, {"scope": "all"}),
    lambda s, a, nc, proof: s.close_audit(a.id, "again"),
], ids=["result", "new-result", "notes", "finding", "statement", "grade", "evidence-text",
        "evidence-file", "evidence-ref", "audit-field", "close-again"])
def test_a_closed_audit_refuses_changes(store, closed, change):
    audit, nc, proof = closed
    before = (log_count(store), audit_document(store, audit.id))
    with pytest.raises(RuleViolation) as refused:
        change(store, audit, nc, proof)
    assert "closed" in str(refused.value)
    assert (log_count(store), audit_document(store, audit.id)) == before


def test_a_closed_audit_accepts_the_auditees_fields_and_verification(store, closed):
    audit, nc, _proof = closed
    store.update_finding(nc.code, {"root_cause": "No owner", "corrective_action": "Name one",
                                   "correction": "Updated", "owner": "QA",
                                   "due_date": "2026-04-30", "auditee_comment": "ok"},
                         by_auditee=True)
    store.set_finding_status(nc.code, "responded", by_auditee=True)
    store.set_finding_status(nc.code, "accepted")
    store.set_finding_status(nc.code, "implemented", by_auditee=True)
    store.update_finding(nc.code, {"verification_note": "Register reviewed"})
    store.set_finding_status(nc.code, "closed", note="Effective")
    f = store.finding(nc.code)
    assert f.status == "closed" and f.due_date == date(2026, 4, 30)
    assert f.verified_by == "tester" and f.verified_on == date(2026, 3, 2)
    assert store.audit(audit.id).status == "closed"


def test_reopen_needs_a_reason_and_logs_it(store, closed):
    audit, _nc, _proof = closed
    for reason in ("", "   "):
        with pytest.raises(RuleViolation, match="reason"):
            store.reopen_audit(audit.id, reason)
    assert store.audit(audit.id).status == "closed"
    store.reopen_audit(audit.id, "Auditee sent the missing record")
    assert store.audit(audit.id).status == "in_progress"
    assert store.audit(audit.id).closed_at is None
    logged = [e for e in store.history(audit_id=audit.id) if e.field == "reopen_reason"]
    assert [e.new for e in logged] == ["Auditee sent the missing record"]
    assert logged[0].actor == "tester"
    store.record_result(audit.id, "8.3.4", "conform")  # editable again
    with pytest.raises(RuleViolation, match="not closed"):
        store.reopen_audit(audit.id, "twice")


# -- change log and its hash chain -------------------------------------------------------


def test_each_change_is_logged_with_old_and_new(store, audit):
    store.set_item_text(audit.id, "4.1", notes="first")
    store.set_item_text(audit.id, "4.1", notes="first")  # unchanged: nothing logged
    store.set_item_text(audit.id, "4.1", notes="second")
    store.record_result(audit.id, "4.1", "conform")
    item = [(e.field, e.old, e.new) for e in store.history(entity="item", entity_id="4.1")]
    assert item == [("notes", "", "first"), ("notes", "first", "second"),
                    ("result", "not_assessed", "conform")]
    audit_entries = [(e.field, e.old, e.new)
                     for e in store.history(entity="audit", entity_id=str(audit.id))
                     if e.field in ("created", "status")]
    assert audit_entries == [("created", None, "Internal audit 2026"),
                             ("status", "planned", "in_progress")]
    assert {e.actor for e in store.history()} == {"tester"}
    assert all(e.at.endswith("Z") for e in store.history())


def test_a_finding_is_logged_field_by_field(store, audit):
    f = store.raise_finding(audit.id, "4.1", "minor", statement="s", requirement="4.1")
    store.update_finding(f.code, {"owner": "QA"}, by_auditee=True)
    store.set_finding_status(f.code, "cancelled", note="raised on the wrong item")
    fields = [(e.field, e.new) for e in store.history(entity="finding", entity_id=f.code)]
    assert fields == [("created", "minor"), ("statement", "s"), ("requirement", "4.1"),
                      ("owner", "QA"), ("status", "cancelled"),
                      ("note", "raised on the wrong item")]


def test_the_chain_links_every_entry_and_verifies(store, audit):
    store.record_result(audit.id, "4.1", "conform")
    store.record_result(audit.id, "4.2", "minor", statement="s")
    entries = store.history()
    assert len(entries) >= 5
    assert entries[0].prev_hash == ""
    for before, after in zip(entries, entries[1:]):
        assert after.prev_hash == before.hash
    for e in entries:
        assert e.hash == entry_hash(e.prev_hash, e.at, e.actor, e.audit_id, e.entity,
                                    e.entity_id, e.field, e.old, e.new)
    assert store.verify_trail() is None
    assert store.verify_audit(audit.id)["problems"] == []


@pytest.mark.parametrize("column,value", [("new", "'conform!'"), ("actor", "'mallory'"),
                                          ("at", "'2020-01-01T00:00:00Z'")])
def test_an_entry_edited_behind_the_stores_back_breaks_the_chain(store, audit, column, value):
    store.record_result(audit.id, "4.1", "conform")
    store.record_result(audit.id, "4.2", "na")
    target = store.history(entity="item", entity_id="4.1")[0].id
    raw_sql(store, f"UPDATE change_log SET {column} = {value} WHERE id = :i", i=target)
    broken = store.verify_trail()
    assert broken is not None and broken.entry_id == target
    report = store.verify_audit(audit.id)
    assert any(f"entry {target}" in p for p in report["problems"])


def test_a_deleted_entry_breaks_the_chain_at_the_next(store, audit):
    store.record_result(audit.id, "4.1", "conform")
    store.record_result(audit.id, "4.2", "na")
    ids = [e.id for e in store.history()]
    raw_sql(store, "DELETE FROM change_log WHERE id = :i", i=ids[1])
    assert store.verify_trail().entry_id == ids[2]


def test_a_recomputed_hash_still_breaks_the_link_after_it(store, audit):
    store.record_result(audit.id, "4.1", "conform")
    store.record_result(audit.id, "4.2", "na")
    first = store.history()[1]
    forged = entry_hash(first.prev_hash, first.at, first.actor, first.audit_id, first.entity,
                        first.entity_id, first.field, first.old, "forged")
    raw_sql(store, "UPDATE change_log SET new = 'forged', hash = :h WHERE id = :i",
            h=forged, i=first.id)
    assert store.verify_trail().entry_id == first.id + 1


def test_a_refused_change_leaves_no_log_entry(store, audit):
    store.record_result(audit.id, "4.1", "conform")
    before = [e.id for e in store.history()]
    with pytest.raises(RuleViolation):
        store.record_result(audit.id, "4.2", "major")  # no statement
    assert [e.id for e in store.history()] == before
    store.record_result(audit.id, "4.2", "na")
    assert store.verify_trail() is None


def test_log_rows_are_only_appended(store, audit):
    store.record_result(audit.id, "4.1", "conform")
    first = [(e.id, e.hash) for e in store.history()]
    store.set_item_text(audit.id, "4.1", notes="n")
    assert [(e.id, e.hash) for e in store.history()][: len(first)] == first
    assert isinstance(store.history()[0], ChangeLog)


# -- effective results and summaries ---------------------------------------------------------


def test_an_item_shows_the_worst_grade_of_its_findings(store, audit):
    store.record_result(audit.id, "4.1", "conform")
    store.raise_finding(audit.id, "4.1", "ofi")
    assert store.effective_results(audit.id)["4.1"] == Result.OFI
    minor = store.raise_finding(audit.id, "4.1", "minor", statement="s")
    store.raise_finding(audit.id, "4.1", "observation")
    assert store.effective_results(audit.id)["4.1"] == Result.MINOR
    major = store.raise_finding(audit.id, "4.1", "major", statement="s")
    assert store.effective_results(audit.id)["4.1"] == Result.MAJOR
    store.set_finding_status(major.code, "cancelled")
    assert store.effective_results(audit.id)["4.1"] == Result.MINOR
    store.set_finding_status(minor.code, "cancelled")
    assert store.effective_results(audit.id)["4.1"] == Result.OBSERVATION


def test_good_practice_shows_as_conform_and_never_hides_a_worse_result(store, audit):
    store.raise_finding(audit.id, "4.2", "good_practice")
    store.record_result(audit.id, "8.6", "minor", statement="s")
    store.raise_finding(audit.id, "8.6", "good_practice")
    shown = store.effective_results(audit.id)
    assert shown["4.2"] == Result.CONFORM
    assert shown["8.6"] == Result.MINOR


def test_a_finding_on_a_not_applicable_item_shows(store, audit):
    store.record_result(audit.id, "4.1", "na")
    store.raise_finding(audit.id, "4.1", "observation")
    assert store.effective_results(audit.id)["4.1"] == Result.OBSERVATION


def _summary(store, audit_id):
    return next(s for s in store.audit_summaries() if s.audit.id == audit_id)


def test_audit_summaries_count_progress_and_open_findings(store, audit, mini_checklist):
    other = store.create_audit(mini_checklist, title="Second", auditee="Beta")
    s = _summary(store, audit.id)
    assert (s.assessed, s.total, s.open_findings, s.progress) == (0, 4, 0, 0.0)
    assert s.checklist_id == "mini" and s.checklist_version == "1.0.0"
    store.record_result(audit.id, "4.1", "conform")
    store.record_result(audit.id, "8.6", "na")
    store.set_item_text(audit.id, "8.3.4", notes="not assessed yet")
    _r, nc = store.record_result(audit.id, "4.2", "minor", statement="s")
    obs = store.raise_finding(audit.id, "4.1", "observation")
    s = _summary(store, audit.id)
    assert (s.assessed, s.total, s.open_findings) == (3, 4, 2)
    assert s.progress == 0.75
    store.set_finding_status(obs.code, "closed")
    store.set_finding_status(nc.code, "cancelled")
    assert _summary(store, audit.id).open_findings == 0
    assert _summary(store, other.id).assessed == 0
    # Most recently changed first.
    store.record_result(other.id, "4.1", "conform")
    assert [x.audit.id for x in store.audit_summaries()][0] == other.id


def test_a_finding_alone_makes_its_item_assessed_in_the_summary_as_on_the_audit(store, audit):
    # A finding raised on an item nobody recorded a result for shows as that grade: the
    # list of audits and the audit itself must agree on the progress.
    store.raise_finding(audit.id, "4.2", "observation")
    store.raise_finding(audit.id, "8.6", "good_practice")
    cancelled = store.raise_finding(audit.id, "4.1", "ofi")
    store.set_finding_status(cancelled.code, "cancelled")
    doc = audit_document(store, audit.id)
    s = _summary(store, audit.id)
    assert doc["progress"] == {"assessed": 2, "total": 4}
    assert (s.assessed, s.total) == (2, 4)


# -- evidence ------------------------------------------------------------------------------


def test_evidence_files_are_copied_under_their_sha256(store, audit, tmp_path):
    src = tmp_path / "release record.pdf"
    src.write_bytes(b"%PDF release 2.3 approved")
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    _row, finding = store.record_result(audit.id, "8.6", "observation", files=[src])
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(src.read_bytes())
    store.record_result(audit.id, "4.1", "conform", files=[copy])
    items = store.evidence(audit.id)
    assert [(e.ref, e.kind, e.original_name, e.sha256, e.size) for e in items] == [
        ("8.6", "file", "release record.pdf", sha, 25),
        ("4.1", "file", "copy.pdf", sha, 25),
    ]
    assert items[0].finding_id == finding.id and items[1].finding_id is None
    stored = store.evidence_dir / sha
    assert stored.read_bytes() == src.read_bytes()
    assert [p.name for p in store.evidence_dir.iterdir()] == [sha]  # one copy per content
    src.write_bytes(b"changed later")  # the kept copy does not follow the original
    assert store.verify_audit(audit.id)["problems"] == []


def test_a_missing_evidence_file_records_nothing(store, audit, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("fine")
    before = log_count(store)
    with pytest.raises(Exception) as refused:
        store.record_result(audit.id, "4.1", "minor", statement="s",
                            files=[good, tmp_path / "missing.png"])
    assert "missing.png" in str(refused.value) and "no such file" in str(refused.value)
    assert store.results(audit.id) == {} and store.findings(audit.id) == []
    assert store.evidence(audit.id) == [] and log_count(store) == before


def test_verify_finds_a_changed_or_missing_evidence_file(store, audit, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("alpha")
    b.write_text("beta")
    store.record_result(audit.id, "4.1", "conform", files=[a, b])
    sha_a, sha_b = (e.sha256 for e in store.evidence(audit.id))
    (store.evidence_dir / sha_a).write_text("tampered")
    (store.evidence_dir / sha_b).unlink()
    problems = store.verify_audit(audit.id)["problems"]
    assert len(problems) == 2
    assert "a.txt" in problems[0] and "does not match" in problems[0]
    assert "b.txt" in problems[1] and "missing" in problems[1]


def test_reference_evidence_needs_no_file_but_file_evidence_does(store, audit):
    doc = store.add_evidence(audit.id, ref="4.1", kind="document", reference="QM-01 rev 4")
    assert doc.sha256 is None and doc.kind == "document"
    with pytest.raises(RuleViolation, match="needs a file"):
        store.add_evidence(audit.id, ref="4.1", kind="file")
    with pytest.raises(RuleViolation, match="evidence kind"):
        store.add_evidence(audit.id, ref="4.1", kind="photo", description="x")


# -- deleting audits -----------------------------------------------------------------------


def test_delete_an_audit_with_everything_on_it(store, audit, mini_checklist, tmp_path):
    proof = tmp_path / "p.txt"
    proof.write_text("p")
    _r, nc = store.record_result(audit.id, "4.1", "minor", statement="s", files=[proof])
    follow = store.create_audit(mini_checklist, title="Next", auditee="Acme Soft",
                                type="surveillance", previous_id=audit.id)
    store.delete_audit(audit.id)
    with pytest.raises(NotFound):
        store.audit(audit.id)
    with pytest.raises(NotFound):
        store.finding(nc.code)
    assert store.audit(follow.id).previous_id is None
    assert [s.audit.id for s in store.audit_summaries()] == [follow.id]
    deleted = [e for e in store.history(audit_id=audit.id) if e.field == "deleted"]
    assert [e.old for e in deleted] == ["Internal audit 2026"]
    assert store.verify_trail() is None
    # Its finding's number is never handed out again.
    _r, next_nc = store.record_result(follow.id, "4.1", "minor", statement="s")
    assert next_nc.code == "NC-2026-002"


def test_a_closed_audit_is_deleted_only_when_confirmed(store, audit):
    store.close_audit(audit.id)
    with pytest.raises(RuleViolation, match="confirm"):
        store.delete_audit(audit.id)
    assert store.audit(audit.id).status == "closed"
    store.delete_audit(audit.id, closed_confirmed=True)
    assert store.audits() == []


def test_deleting_an_unknown_audit_is_not_found(store):
    with pytest.raises(NotFound):
        store.delete_audit(7)


def test_delete_then_verify_other_audits(store, audit, mini_checklist):
    other = store.create_audit(mini_checklist, title="Other", auditee="Beta")
    store.record_result(other.id, "4.1", "conform")
    store.delete_audit(audit.id)
    assert store.verify_audit(other.id)["problems"] == []
    assert store.results(other.id)["4.1"].result == "conform"


def test_snapshots_are_shared_and_keep_the_tree(store, audit, mini_checklist):
    other = store.create_audit(mini_checklist, title="Other", auditee="Beta")
    assert other.snapshot_id == audit.snapshot_id
    snap = store.snapshot(audit.snapshot_id)
    assert snap.checklist_id == "mini" and snap.assessable_count == 4
    assert snap.content_hash == mini_checklist.content_hash()
    assert store.checklist(audit.id).refs() == mini_checklist.refs()


def test_record_result_appends_notes(store, audit):
    store.record_result(audit.id, "4.1", "conform", note="Saw the analysis")
    store.record_result(audit.id, "4.1", "conform", note="Dated 2026-01")
    assert store.results(audit.id)["4.1"].notes == "Saw the analysis\nDated 2026-01"
    assert store.audit(audit.id).status == "in_progress"


# -- a second writer -----------------------------------------------------------------------


def test_a_second_writer_waits_for_its_turn(store, audit, tmp_path):
    import threading
    import time

    from auditor.domain.store import Store

    other = Store.open(store_url(store), store.evidence_dir, "colleague")
    holding, release = threading.Event(), threading.Event()

    def long_write():
        with other.writing() as uow:
            uow.record(audit.id, "audit", audit.id, "note", None, "holding the lock")
            holding.set()
            release.wait(5)

    writer = threading.Thread(target=long_write)
    writer.start()
    try:
        assert holding.wait(5)
        threading.Timer(0.5, release.set).start()
        started = time.monotonic()
        store.record_result(audit.id, "4.1", "conform")  # waits, then succeeds
        assert time.monotonic() - started >= 0.4
    finally:
        release.set()
        writer.join(5)
        other.close()
    assert store.results(audit.id)["4.1"].result == "conform"
    assert [e.actor for e in store.history()][-3:] == ["colleague", "tester", "tester"]
    assert store.verify_trail() is None


# -- audit fields ----------------------------------------------------------------------------


def test_audit_fields_are_checked_before_they_are_stored(store, audit):
    store.update_audit(audit.id, {"planned_start": "2026-03-02", "planned_end": date(2026, 3, 4),
                                  "scope": "R&D", "site": "Berlin"})
    a = store.audit(audit.id)
    assert (a.planned_start, a.planned_end, a.scope, a.site) == (
        date(2026, 3, 2), date(2026, 3, 4), "R&D", "Berlin")
    before = (store.audit(audit.id), log_count(store))
    for fields, message in [
        ({"planned_start": "02/03/2026"}, "not a date"),
        ({"actual_end": 20260302}, "not a date"),
        ({"scope": 3}, "expected text"),
        ({"title": None}, "needs a title"),
        ({"conclusion": None}, "expected text"),
        ({"planned_end": "2026-03-01"}, "end date is before"),
        ({"type": "external"}, "audit type"),
        ({"previous_id": 9}, "cannot be changed here"),
        ({"site": "Paris", "planned_start": "soon"}, "not a date"),
    ]:
        with pytest.raises(RuleViolation, match=message):
            store.update_audit(audit.id, fields)
    assert (store.audit(audit.id), log_count(store)) == before
    store.update_audit(audit.id, {"planned_end": ""})
    assert store.audit(audit.id).planned_end is None


def test_planned_dates_given_as_text_are_read_or_refused(store, mini_checklist):
    a = store.create_audit(mini_checklist, title="T", auditee="A", planned_start="2026-05-04")
    assert store.audit(a.id).planned_start == date(2026, 5, 4)
    with pytest.raises(RuleViolation, match="not a date"):
        store.create_audit(mini_checklist, title="T", auditee="A", planned_end="4 May")
    with pytest.raises(RuleViolation, match="end date"):
        store.create_audit(mini_checklist, title="T", auditee="A",
                           planned_start="2026-05-04", planned_end=date(2026, 5, 1))
    assert len(store.audits()) == 1


def test_rule_violations_name_their_field(store, mini_checklist):
    """A form puts the message at the input the rule concerns, by field, not by words."""
    from auditor.domain.errors import RuleViolation

    def field_of(call):
        with pytest.raises(RuleViolation) as info:
            call()
        return info.value.field

    create = store.create_audit
    assert field_of(lambda: create(mini_checklist, title=" ", auditee="A")) == "title"
    assert field_of(lambda: create(mini_checklist, title="T", auditee="")) == "auditee"
    assert field_of(lambda: create(mini_checklist, title="T", auditee="A",
                                   planned_start="2026-05-02",
                                   planned_end="2026-05-01")) == "planned_end"
    assert field_of(lambda: create(mini_checklist, title="T", auditee="A",
                                   planned_start="tomorrow")) == "planned_start"
    other = create(mini_checklist, title="Other", auditee="Beta Ltd")
    assert field_of(lambda: create(mini_checklist, title="T", auditee="A",
                                   previous_id=other.id)) == "previous_id"
    audit = create(mini_checklist, title="T", auditee="A", planned_start="2026-05-02")
    assert field_of(lambda: store.update_audit(
        audit.id, {"planned_end": "2026-05-01"})) == "planned_end"


def test_undo_puts_the_item_back_with_its_cancelled_finding_open_again(store, audit):
    _, nc = store.record_result(audit.id, "8.6", "minor", statement="Release unapproved")
    store.record_result(audit.id, "8.6", "not_assessed")  # backspace: the NC is cancelled
    assert store.finding(nc.code).status == "cancelled"
    store.undo_result(audit.id, "8.6", "minor", revive=[nc.code])
    assert store.finding(nc.code).status == "open"
    assert store.finding(nc.code).statement == "Release unapproved"
    assert store.effective_results(audit.id)["8.6"] == Result.MINOR
    # and a key that raised a blank observation is undone by cancelling it
    _, obs = store.record_result(audit.id, "4.1", "observation")
    store.undo_result(audit.id, "4.1", "not_assessed", cancel=[obs.code])
    assert store.finding(obs.code).status == "cancelled"
    assert store.effective_results(audit.id).get("4.1", "not_assessed") == "not_assessed"
    assert store.verify_audit(audit.id)["problems"] == []


def test_undo_refuses_a_finding_of_another_item(store, audit):
    _, obs = store.record_result(audit.id, "4.1", "observation")
    with pytest.raises(RuleViolation, match="not a finding of item 4.2"):
        store.undo_result(audit.id, "4.2", "conform", cancel=[obs.code])
    assert store.finding(obs.code).status == "open"


def test_an_items_history_shows_its_findings_too(store, audit):
    store.record_result(audit.id, "8.6", "conform")
    nc = store.raise_finding(audit.id, "8.6", "minor", statement="Late approval")
    store.set_finding_status(nc.code, "cancelled")
    store.raise_finding(audit.id, "4.1", "ofi")  # another item: not in 8.6's history
    shown = [(e.entity, e.entity_id, e.field, e.new)
             for e in store.item_history(audit.id, "8.6")]
    assert ("item", "8.6", "result", "conform") in shown
    assert ("finding", nc.code, "created", "minor") in shown
    assert ("finding", nc.code, "status", "cancelled") in shown
    assert all(entity_id in ("8.6", nc.code) for _e, entity_id, _f, _n in shown)
