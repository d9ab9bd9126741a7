"""What closing lists as incomplete: the rule, once, for the TUI and the command line."""

from __future__ import annotations

from auditor.domain.closing import audit_gaps


def test_a_complete_audit_has_no_gaps(store, audit):
    for ref in ("4.1", "4.2", "8.3.4", "8.6"):
        store.record_result(audit.id, ref, "conform")
    assert audit_gaps(store, audit.id, "Effective system.") == []
    assert audit_gaps(store, audit.id) == ["no conclusion written"]


def test_blank_findings_unassessed_items_and_no_conclusion(store, audit):
    _, blank = store.record_result(audit.id, "4.1", "observation")
    _, written = store.record_result(audit.id, "4.2", "observation", statement="Thin notes")
    _, dropped = store.record_result(audit.id, "8.6", "ofi")
    store.record_result(audit.id, "8.6", "not_assessed")  # cancels the blank OFI
    assert store.finding(dropped.code).status == "cancelled"
    assert audit_gaps(store, audit.id, "  ") == [
        f"1 finding without a statement ({blank.code})",
        "2 items not assessed",
        "no conclusion written",
    ]
    assert written.statement
