"""The clause tree's rules: shown results, roll-ups, next item, filters, home filter."""

from __future__ import annotations

import pytest

from auditor.domain.progress import (
    AuditProgress,
    ItemFilter,
    LiveFinding,
    matches_query,
    progress_for,
    shown_result,
)
from auditor.domain.vocab import Result

ITEMS = ["4.1", "4.2", "8.3.4", "8.6"]  # the assessable items of mini.yaml, in order


def make(checklist, recorded=None, findings=()):
    return AuditProgress(checklist, recorded or {}, findings)


def test_shown_result_is_the_most_severe_of_result_and_live_findings():
    assert shown_result(None, []) == Result.NOT_ASSESSED
    assert shown_result("conform", [LiveFinding("OBS-1", "observation", "open")]) == \
        Result.OBSERVATION
    assert shown_result("major", [LiveFinding("OBS-1", "observation", "open")]) == Result.MAJOR
    assert shown_result("conform", [LiveFinding("NC-1", "minor", "cancelled")]) == \
        Result.CONFORM
    assert shown_result("na", [LiveFinding("GP-1", "good_practice", "closed")]) == \
        Result.CONFORM


def test_groups_roll_up_assessed_total_and_worst(mini_checklist):
    p = make(mini_checklist, {"4.1": "conform", "8.6": "na"},
             [("8.3.4", LiveFinding("NC-2026-001", "minor", "open"))])
    assert p.status("4").assessed == 1 and p.status("4").total == 2
    assert p.status("4").worst == Result.CONFORM
    eight = p.status("8")
    assert (eight.assessed, eight.total, eight.worst, eight.findings) == (2, 2, Result.MINOR, 1)
    assert p.status("8.3").worst == Result.MINOR
    assert p.status("8.6").result == Result.NA and p.status("8.6").worst is None
    assert (p.assessed, p.total, p.open_findings) == (3, 4, 1)


def test_update_changes_the_item_and_its_ancestors_only(mini_checklist):
    p = make(mini_checklist)
    changed = p.update("8.3.4", "conform", [])
    assert changed == ["8.3.4", "8.3", "8"]
    assert p.status("8").assessed == 1 and p.status("4").assessed == 0
    p.update("8.3.4", "conform", [LiveFinding("MAJ", "major", "open")])
    assert p.status("8").worst == Result.MAJOR
    p.update("8.3.4", "not_assessed", [LiveFinding("MAJ", "major", "cancelled")])
    assert p.status("8").worst is None and p.status("8").assessed == 0


def test_update_agrees_with_a_fresh_computation_from_the_store(store, audit):
    p = progress_for(store, audit.id)
    store.record_result(audit.id, "4.1", "conform")
    _row, finding = store.record_result(audit.id, "8.6", "observation")
    p.update("4.1", "conform", [])
    p.update("8.6", "observation", [LiveFinding(finding.code, "observation", "open")])
    fresh = progress_for(store, audit.id)
    for ref in mini_refs(p):
        assert p.status(ref) == fresh.status(ref)
    shown = store.effective_results(audit.id)
    assert {ref: p.shown(ref) for ref in shown} == shown


def mini_refs(p):
    return [item.ref for item in p.checklist.all_items()]


def test_next_not_assessed_follows_checklist_order_and_wraps(mini_checklist):
    p = make(mini_checklist, {"4.2": "conform"})
    assert p.next_not_assessed() == "4.1"
    assert p.next_not_assessed("4.1") == "8.3.4"
    assert p.next_not_assessed("8.3") == "8.3.4"  # from a group: the next item under it
    assert p.next_not_assessed("8.6") == "4.1"  # wraps round
    for ref in ITEMS:
        p.update(ref, "conform", [])
    assert p.next_not_assessed("4.1") is None


def test_next_not_assessed_skips_items_shown_assessed_by_a_finding(mini_checklist):
    p = make(mini_checklist, {}, [("4.1", LiveFinding("OFI-1", "ofi", "open"))])
    assert p.next_not_assessed() == "4.2"


@pytest.mark.parametrize("kind,expected", [
    (ItemFilter.ALL, {"4", "4.1", "4.2", "8", "8.3", "8.3.4", "8.6"}),
    (ItemFilter.NOT_ASSESSED, {"4", "4.2", "8", "8.3", "8.3.4"}),
    (ItemFilter.FINDINGS, {"8", "8.6"}),
])
def test_filters_keep_matching_items_and_their_ancestors(mini_checklist, kind, expected):
    p = make(mini_checklist, {"4.1": "conform", "8.6": "minor"},
             [("8.6", LiveFinding("NC-1", "minor", "open")),
              ("4.1", LiveFinding("NC-0", "minor", "cancelled"))])
    assert p.visible(kind) == expected


def test_matches_query_needs_every_word_anywhere_ignoring_case():
    fields = ("12", "Internal audit 2026", "Acme Soft", "internal", "iso9001-2015", "closed")
    assert matches_query("", fields)
    assert matches_query("acme 2026", fields)
    assert matches_query("ISO9001 closed", fields)
    assert not matches_query("acme surveillance", fields)
