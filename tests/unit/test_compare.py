"""Comparison of two audits, item by item and finding by finding."""

from __future__ import annotations

import pytest

from auditor.domain.checklist import Checklist
from auditor.domain.compare import Change, classify, compare_audits
from auditor.domain.errors import NotFound, RuleViolation


def checklist(refs, *, id="hand", version="1.0.0"):
    return Checklist.from_dict({
        "id": id, "title": "Hand-built", "standard": "ISO 9001:2015", "version": version,
        "items": [{"ref": "G", "title": "Group",
                   "children": [{"ref": r, "title": f"Item {r}", "prompts": ["Ask?"]}
                                for r in refs]}],
    })


@pytest.mark.parametrize("previous, current, change", [
    ("minor", "conform", Change.IMPROVED),
    ("major", "observation", Change.IMPROVED),
    ("ofi", "major", Change.REGRESSED),
    ("conform", "ofi", Change.REGRESSED),
    ("minor", "minor", Change.UNCHANGED),
    ("not_assessed", "conform", Change.NEW),
    ("na", "major", Change.NEW),
    ("conform", "not_assessed", Change.NOT_REASSESSED),
    ("major", "na", Change.NOT_REASSESSED),
    ("na", "na", Change.UNCHANGED),
    ("na", "not_assessed", Change.NOT_REASSESSED),
    ("not_assessed", "na", Change.NEW),
    ("not_assessed", "not_assessed", Change.NOT_ASSESSED),
    (None, "conform", Change.NEW),
    (None, "not_assessed", Change.NEW),
    ("conform", None, Change.NOT_REASSESSED),
    ("not_assessed", None, Change.NOT_REASSESSED),
])
def test_classify(previous, current, change):
    assert classify(previous, current) == change


def test_every_kind_of_change_on_hand_built_audits(store):
    hand = checklist([str(n) for n in range(1, 12)])
    old = store.create_audit(hand, title="2025", auditee="Acme Soft")
    plan_old = {"1": "conform", "2": "minor", "3": "conform", "5": "observation",
                "6": "na", "7": "conform", "8": "na", "10": "na", "11": "minor"}
    findings = {}
    for ref, result in plan_old.items():
        _, f = store.record_result(old.id, ref, result, statement=f"Found on {ref}")
        if f:
            findings[ref] = f
    store.close_audit(old.id)
    new = store.create_audit(hand, title="2026", auditee="Acme Soft", previous_id=old.id)
    store.verify_previous_finding(new.id, findings["2"].code, True)
    plan_new = {"1": "conform", "2": "conform", "3": "major", "4": "ofi", "6": "conform",
                "7": "na", "8": "na", "11": "conform"}
    for ref, result in plan_new.items():
        store.record_result(new.id, ref, result, statement=f"Found again on {ref}")
    # a finding shows on its item even when the recorded result is milder
    _, repeat = store.record_result(new.id, "11", "minor", statement="Same again")
    assert repeat.repeat_of == findings["11"].code

    result = compare_audits(store, old.id, new.id)
    changes = {i.ref: (i.previous, i.current, i.change.value) for i in result.items}
    assert changes == {
        "1": ("conform", "conform", "unchanged"),
        "2": ("minor", "conform", "improved"),
        "3": ("conform", "major", "regressed"),
        "4": ("not_assessed", "ofi", "new"),
        "5": ("observation", "not_assessed", "not_reassessed"),
        "6": ("na", "conform", "new"),
        "7": ("conform", "na", "not_reassessed"),
        "8": ("na", "na", "unchanged"),
        "9": ("not_assessed", "not_assessed", "not_assessed"),
        "10": ("na", "not_assessed", "not_reassessed"),
        "11": ("minor", "minor", "unchanged"),
    }
    assert [i.ref for i in result.items] == [str(n) for n in range(1, 12)]
    assert all(i.only_in is None for i in result.items)
    follow = {f.id: f for f in result.findings}
    assert set(follow) == {findings[r].code for r in ("2", "5", "11")}
    assert follow[findings["2"].code].status == "closed"
    assert follow[findings["5"].code].status == "open"
    assert follow[findings["11"].code].repeated_by == (repeat.code,)
    assert follow[findings["2"].code].repeated_by == ()
    assert [(r.id, r.repeat_of) for r in result.repeats] == [(repeat.code,
                                                              findings["11"].code)]
    assert result.summary == {
        "improved": 1, "regressed": 1, "unchanged": 3, "new": 2, "not_reassessed": 3,
        "not_assessed": 1,
        "only_in_previous": 0, "only_in_current": 0, "repeat_findings": 1,
        "previous_findings": 3, "previous_findings_open": 2, "previous_findings_closed": 1,
    }
    doc = result.to_json()
    assert set(doc) >= {"previous", "current", "items", "findings", "summary"}
    assert doc["previous"]["id"] == old.id and doc["current"]["id"] == new.id
    assert doc["findings"][0].keys() >= {"id", "ref", "grade", "status", "repeated_by"}


def test_checklist_versions_are_matched_by_ref(store, mini_checklist):
    data = mini_checklist.to_dict()
    # version 1.1.0: 4.2 removed, 8.5 added between 8.3 and 8.6
    context, operation = data["items"]
    context["children"] = [c for c in context["children"] if c["ref"] != "4.2"]
    operation["children"].insert(1, {"ref": "8.5", "title": "Production",
                                     "prompts": ["How is a release built?"]})
    data["version"] = "1.1.0"
    newer = Checklist.from_dict(data)

    old = store.create_audit(mini_checklist, title="2025", auditee="Acme Soft")
    store.record_result(old.id, "4.2", "conform")
    store.record_result(old.id, "8.6", "minor", statement="Unapproved release")
    new = store.create_audit(newer, title="2026", auditee="Acme Soft", previous_id=old.id)
    store.record_result(new.id, "8.5", "conform")
    store.record_result(new.id, "8.6", "conform")

    result = compare_audits(store, old.id, new.id)
    assert result.versions_differ
    rows = [(i.ref, i.previous, i.current, i.change.value, i.only_in) for i in result.items]
    assert rows == [
        ("4.1", "not_assessed", "not_assessed", "not_assessed", None),
        ("4.2", "conform", None, "not_reassessed", "previous"),
        ("8.3.4", "not_assessed", "not_assessed", "not_assessed", None),
        ("8.5", None, "conform", "new", "current"),
        ("8.6", "minor", "conform", "improved", None),
    ]
    assert result.summary["only_in_previous"] == 1
    assert result.summary["only_in_current"] == 1
    doc = result.to_json()
    assert doc["previous"]["checklist"] == {"id": "mini", "version": "1.0.0"}
    assert doc["current"]["checklist"] == {"id": "mini", "version": "1.1.0"}


def test_different_checklists_are_refused(store, mini_checklist):
    old = store.create_audit(mini_checklist, title="2025", auditee="Acme Soft")
    other = store.create_audit(checklist(["1"], id="other"), title="x", auditee="Acme Soft")
    with pytest.raises(RuleViolation, match="uses checklist mini .* uses other: only audits "
                                            "on the same checklist"):
        compare_audits(store, old.id, other.id)
    with pytest.raises(RuleViolation, match="itself"):
        compare_audits(store, old.id, old.id)
    with pytest.raises(NotFound):
        compare_audits(store, old.id, 99)


def test_comparison_across_a_chain_lists_repeats_of_older_audits(store, mini_checklist):
    first = store.create_audit(mini_checklist, title="2024", auditee="Acme Soft")
    _, nc = store.record_result(first.id, "8.6", "major", statement="Unapproved release")
    second = store.create_audit(mini_checklist, title="2025", auditee="Acme Soft",
                                previous_id=first.id)
    store.record_result(second.id, "8.6", "conform")
    third = store.create_audit(mini_checklist, title="2026", auditee="Acme Soft",
                               previous_id=second.id)
    _, again = store.record_result(third.id, "8.6", "minor", statement="Again")
    # against the audit just before: no finding there, but the repeat is listed
    near = compare_audits(store, second.id, third.id)
    assert near.findings == ()
    assert [(r.id, r.repeat_of) for r in near.repeats] == [(again.code, nc.code)]
    assert near.summary["repeat_findings"] == 1
    # against the first audit: its finding shows who repeats it
    far = compare_audits(store, first.id, third.id)
    assert far.findings[0].repeated_by == (again.code,)
    assert {i.ref: i.change.value for i in far.items}["8.6"] == "improved"
