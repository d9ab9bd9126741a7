"""Programme coverage across the certification cycle."""

from __future__ import annotations

from datetime import date

import pytest

from auditor.domain.checklist import Checklist
from auditor.domain.errors import NotFound, RuleViolation
from auditor.domain.programme import cycle_start, programme

TODAY = date(2026, 3, 2)


def held(store, checklist, title, day, results, auditee="Acme Soft"):
    audit = store.create_audit(checklist, title=title, auditee=auditee)
    store.update_audit(audit.id, {"actual_start": day, "actual_end": day})
    for ref, result in results.items():
        store.record_result(audit.id, ref, result, statement=f"{title} {ref}")
    store.close_audit(audit.id)
    return audit


@pytest.fixture
def history(store, mini_checklist):
    data = mini_checklist.to_dict()
    data["items"][1]["children"].append({"ref": "8.7", "title": "Nonconforming outputs",
                                         "prompts": ["How are bad releases held?"]})
    data["version"] = "1.1.0"
    newer = Checklist.from_dict(data)
    a1 = held(store, mini_checklist, "2022", date(2022, 5, 10), {"4.1": "conform",
                                                                "8.6": "minor"})
    a2 = held(store, mini_checklist, "2024", date(2024, 4, 1), {"4.1": "minor", "4.2": "na"})
    a3 = held(store, newer, "2025", date(2025, 4, 1), {"4.1": "conform", "8.7": "ofi"})
    held(store, mini_checklist, "Other", date(2025, 6, 1), {"8.3.4": "conform"},
         auditee="Other Ltd")
    return a1, a2, a3


def test_coverage_across_three_years(store, history):
    a1, a2, a3 = history
    plan = programme(store, "acme soft", today=TODAY)
    assert plan.cycle_start == date(2023, 3, 2)
    assert [a.id for a in plan.audits] == [a3.id, a2.id, a1.id]
    assert [a.in_cycle for a in plan.audits] == [True, True, False]
    [mini] = plan.checklists
    assert (mini.id, mini.version) == ("mini", "1.1.0")
    rows = {i.ref: (i.last_audited, i.last_result, i.last_audit, i.times) for i in mini.items}
    assert rows == {
        "4.1": (date(2025, 4, 1), "conform", a3.id, 2),
        "4.2": (date(2024, 4, 1), "na", a2.id, 1),
        "8.3.4": (None, None, None, 0),
        "8.6": (date(2022, 5, 10), "minor", a1.id, 0),
        "8.7": (date(2025, 4, 1), "ofi", a3.id, 1),
    }
    assert mini.not_covered == ["8.3.4", "8.6"]
    assert [(g.ref, g.covered, g.total) for g in mini.groups] == [("4", 2, 2), ("8", 1, 3)]
    assert plan.summary == {"audits_in_cycle": 2, "items": 5, "covered": 3, "not_covered": 2}


def test_a_shorter_cycle(store, history):
    plan = programme(store, "Acme Soft", years=1, today=TODAY)
    [mini] = plan.checklists
    assert {i.ref: i.times for i in mini.items} == {"4.1": 1, "4.2": 0, "8.3.4": 0,
                                                     "8.6": 0, "8.7": 1}
    doc = plan.to_json()
    assert doc["cycle_start"] == "2025-03-02"
    assert doc["checklists"][0]["not_covered"] == ["4.2", "8.3.4", "8.6"]
    assert doc["summary"]["audits_in_cycle"] == 1


def test_unknown_auditee_and_bad_years(store, history):
    with pytest.raises(NotFound, match="no audits of it"):
        programme(store, "Nobody", today=TODAY)
    with pytest.raises(RuleViolation, match="at least one year"):
        programme(store, "Acme Soft", years=0, today=TODAY)


def test_cycle_start_on_29_february():
    assert cycle_start(date(2028, 2, 29), 3) == date(2025, 2, 28)
