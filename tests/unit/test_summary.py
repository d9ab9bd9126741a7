"""Audit counts: results per assessable item and findings per grade and status."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.domain.summary import RESULT_ORDER, audit_counts, count_audit
from auditor.domain.vocab import FindingStatus, Grade, Result


@dataclass
class F:
    grade: str
    status: str = "open"


def test_counts_every_assessable_item_once(mini_checklist):
    counts = count_audit(mini_checklist, {"4.1": "conform", "8.6": "minor"}, [])
    # mini.yaml has four assessable items: 4.1, 4.2, 8.3.4, 8.6 (4, 8, 8.3 are headings).
    assert counts.items == 4
    assert counts.results[Result.CONFORM] == 1
    assert counts.results[Result.MINOR] == 1
    assert counts.results[Result.NOT_ASSESSED] == 2
    assert counts.assessed == 2
    assert list(counts.results) == list(RESULT_ORDER)


def test_results_for_refs_not_assessable_are_ignored(mini_checklist):
    counts = count_audit(mini_checklist, {"8": "major", "gone": "minor"}, [])
    assert counts.results[Result.MAJOR] == 0
    assert counts.results[Result.NOT_ASSESSED] == 4


def test_findings_by_grade_leave_cancelled_out_by_status_keeps_them(mini_checklist):
    findings = [F("minor"), F("minor", "closed"), F("major", "not_effective"),
                F("observation", "cancelled"), F("good_practice", "closed")]
    counts = count_audit(mini_checklist, {}, findings)
    assert counts.by_grade == {Grade.MAJOR: 1, Grade.MINOR: 2, Grade.OBSERVATION: 0,
                               Grade.OFI: 0, Grade.GOOD_PRACTICE: 1}
    assert counts.by_status[FindingStatus.CANCELLED] == 1
    assert counts.by_status[FindingStatus.CLOSED] == 2
    assert counts.grade_status[(Grade.OBSERVATION, FindingStatus.CANCELLED)] == 1
    assert counts.grade_status[(Grade.MINOR, FindingStatus.OPEN)] == 1
    assert counts.findings == 4
    assert counts.nonconformities == 3
    # open + not_effective
    assert counts.open_findings == 2
    assert sum(counts.grade_status.values()) == len(findings)


def test_empty_audit_has_every_key_at_zero(mini_checklist):
    counts = count_audit(mini_checklist, {}, [])
    assert set(counts.by_grade) == set(Grade)
    assert set(counts.by_status) == set(FindingStatus)
    assert counts.findings == counts.open_findings == counts.nonconformities == 0


def test_counts_from_the_store_use_results_as_shown(store, audit):
    store.record_result(audit.id, "4.1", "conform")
    # A finding raised on a conform item shows that item as a minor nonconformity.
    store.raise_finding(audit.id, "4.1", "minor", statement="Context analysis outdated")
    store.record_result(audit.id, "4.2", "observation")
    store.record_result(audit.id, "8.6", "na")
    counts = audit_counts(store, audit.id)
    assert counts.results[Result.MINOR] == 1
    assert counts.results[Result.CONFORM] == 0
    assert counts.results[Result.OBSERVATION] == 1
    assert counts.results[Result.NA] == 1
    assert counts.results[Result.NOT_ASSESSED] == 1
    assert counts.by_grade[Grade.MINOR] == 1
    assert counts.by_grade[Grade.OBSERVATION] == 1
    assert counts.by_status[FindingStatus.OPEN] == 2
