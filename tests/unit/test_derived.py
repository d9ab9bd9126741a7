"""The derived-state rules of domain/derived.py, and every other version of them (the SQL
of `audits list`, the tree's progress, the comparison, the workbook, the programme) held
against them on random audits."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_support import FIXTURES

from auditor.domain import derived
from auditor.domain.compare import compare_audits
from auditor.domain.models import Finding, ItemResult
from auditor.domain.planning import follow_up_candidates
from auditor.domain.progress import progress_for
from auditor.domain.store import Store
from auditor.domain.vocab import FindingStatus, Grade, Result
from auditor.exchange.checklist_yaml import load_checklist

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
RESULTS = [r.value for r in Result]
GRADES = [g.value for g in Grade]
STATUSES = [s.value for s in FindingStatus]


def test_effective_result_rules():
    assert derived.effective_result(None, []) == Result.NOT_ASSESSED
    assert derived.effective_result("conform", [("minor", "open")]) == Result.MINOR
    assert derived.effective_result("major", [("minor", "open")]) == Result.MAJOR
    assert derived.effective_result("conform", [("major", "cancelled")]) == Result.CONFORM
    assert derived.effective_result(None, [("good_practice", "open")]) == Result.CONFORM
    assert derived.effective_result("na", [("observation", "closed")]) == Result.OBSERVATION
    assert derived.effective_result("na", []) == Result.NA
    assert derived.is_assessed("na") and not derived.is_assessed("not_assessed")


def test_overdue_and_open():
    today = date(2026, 5, 1)
    late = SimpleNamespace(status="accepted", due_date=date(2026, 4, 30))
    assert derived.is_overdue(late, today) and derived.days_overdue(late, today) == 1
    done = SimpleNamespace(status="implemented", due_date=date(2026, 4, 1))
    assert not derived.is_overdue(done, today) and derived.days_overdue(done, today) == 0
    assert not derived.is_overdue(SimpleNamespace(status="open", due_date=None), today)
    assert derived.is_open_status("not_effective") and not derived.is_open_status("closed")


def _audit(**days):
    base = dict(actual_start=None, actual_end=None, planned_start=None, planned_end=None,
                created_at=datetime(2025, 1, 5, 10, 0), id=1, auditee="Acme")
    return SimpleNamespace(**{**base, **days})


def test_audit_date_order_and_follow_up_ranking_agree():
    """One definition of an audit's date: the comparison, the programme and the choice of
    the audit to follow all rank by it (the follow-up list once skipped the actual start)."""
    assert derived.audit_date(_audit()) == date(2025, 1, 5)
    assert derived.audit_date(_audit(planned_start=date(2025, 2, 1))) == date(2025, 2, 1)
    assert derived.audit_date(_audit(planned_start=date(2025, 2, 1),
                                     planned_end=date(2025, 2, 3))) == date(2025, 2, 3)
    started = _audit(planned_end=date(2025, 2, 3), actual_start=date(2025, 3, 1))
    assert derived.audit_date(started) == date(2025, 3, 1)
    ended = _audit(actual_start=date(2025, 3, 1), actual_end=date(2025, 3, 2))
    assert derived.audit_date(ended) == date(2025, 3, 2)
    # Planned for June, but actually held in January: it is the older audit.
    held_early = _audit(id=1, planned_end=date(2025, 6, 1), actual_start=date(2025, 1, 10))
    later = _audit(id=2, planned_end=date(2025, 3, 1))
    assert [a.id for a in follow_up_candidates([held_early, later], "Acme")] == [2, 1]


finding_rows = st.lists(
    st.tuples(st.integers(0, 1), st.integers(0, 3), st.sampled_from(GRADES),
              st.sampled_from(STATUSES)), max_size=12)
item_rows = st.dictionaries(st.tuples(st.integers(0, 1), st.integers(0, 3)),
                            st.sampled_from(RESULTS), max_size=8)
CODES = itertools.count()


@pytest.fixture(scope="module")
def checklist():
    return load_checklist(FIXTURES / "mini.yaml")


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory):
    """One database for every example (each makes two new audits): a fresh database per
    example would spend the test's time on migrations."""
    folder = tmp_path_factory.mktemp("derived")
    store = Store.open(f"sqlite:///{folder / 'a.db'}", folder / "ev", "t", clock=lambda: NOW)
    yield store
    store.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(items=item_rows, findings=finding_rows)
def test_every_version_agrees_with_the_rule(shared_store, checklist, items, findings):
    store = shared_store
    refs = [i.ref for i in checklist.assessable_items()]
    assert len(refs) == 4
    ids = [store.create_audit(checklist, title=f"A{n}", auditee="Acme").id
           for n in range(2)]
    with store.writing() as uow:  # any state at all, past the store's rules
        session = uow.session
        for (a, r), result in items.items():
            session.add(ItemResult(audit_id=ids[a], ref=refs[r],
                                   result=result, updated_at=NOW))
        for a, r, grade, status in findings:
            session.add(Finding(code=f"X-{next(CODES)}", audit_id=ids[a],
                                ref=refs[r], grade=grade, status=status,
                                created_at=NOW, updated_at=NOW))
    summaries = {s.audit.id: s for s in store.audit_summaries()}
    for n, audit_id in enumerate(ids):
        recorded = {refs[r]: v for (a, r), v in items.items() if a == n}
        graded = [(refs[r], g, s) for a, r, g, s in findings if a == n]
        want = derived.effective_results(recorded, graded)
        want_assessed = derived.assessed_count(want, refs)
        want_open = derived.open_count(s for _r, _g, s in graded)
        # the store's reading, the SQL of `audits list`, the tree's progress
        got = store.effective_results(audit_id)
        assert {r: v for r, v in got.items() if derived.is_assessed(v)} == \
            {r: v for r, v in want.items() if derived.is_assessed(v)}
        assert summaries[audit_id].assessed == want_assessed
        assert summaries[audit_id].open_findings == want_open
        progress = progress_for(store, audit_id)
        assert progress.assessed == want_assessed
        assert progress.open_findings == want_open
        assert all(progress.shown(r) == want.get(r, Result.NOT_ASSESSED) for r in refs)
    comparison = compare_audits(store, ids[0], ids[1])
    now = derived.effective_values(
        {refs[r]: v for (a, r), v in items.items() if a == 1},
        [(refs[r], g, s) for a, r, g, s in findings if a == 1])
    for item in comparison.items:
        assert item.current == now.get(item.ref, "not_assessed")
