"""Finding words in notes, findings and evidence, in one audit or in all."""

from __future__ import annotations

from auditor.domain.search import search


def test_every_word_in_one_text_in_checklist_order(store, audit, tmp_path):
    store.set_item_text(audit.id, "8.6", notes="Restore test of the BACKUP seen, log 14")
    store.set_item_text(audit.id, "4.1", notes="Backup policy mentioned; restore not tested",
                        interviewees="CTO")
    store.set_item_text(audit.id, "4.2", notes="backup only")  # one word: no hit
    _, nc = store.record_result(audit.id, "8.3.4", "minor",
                                statement="No restore drill for the backup of the DB")
    hits = search(store, "backup restore", audit.id)
    assert [(h.ref, h.where) for h in hits] == [
        ("4.1", "notes"), ("8.3.4", f"{nc.code} statement"), ("8.6", "notes")]
    assert hits[2].snippet == "Restore test of the BACKUP seen, log 14"
    assert search(store, "   ", audit.id) == []


def test_across_audits_and_in_evidence(store, audit, mini_checklist, tmp_path):
    other = store.create_audit(mini_checklist, title="Supplier", auditee="Cloudy")
    proof = tmp_path / "restore-report.pdf"
    proof.write_bytes(b"%PDF")
    store.record_result(other.id, "8.6", "conform", files=[proof])
    store.set_item_text(audit.id, "4.1", notes="see the restore report")
    mine = search(store, "restore", audit.id)
    assert [(h.audit_id, h.ref) for h in mine] == [(audit.id, "4.1")]
    every = search(store, "restore", None)
    assert [(h.audit_id, h.ref, h.where) for h in every] == [
        (other.id, "8.6", "evidence original name"), (audit.id, "4.1", "notes")]


def test_a_long_note_gives_a_short_snippet_around_the_word(store, audit):
    store.set_item_text(audit.id, "4.1", notes="x " * 200 + "needle in the hay " + "y " * 200)
    [hit] = search(store, "NEEDLE", audit.id)
    assert "needle in the hay" in hit.snippet and len(hit.snippet) <= 62
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
