"""Random edits on two copies of one audit, merged in both orders: no change lost, every
conflict reported, and both copies end the same once conflicts are resolved the same way
(here: the larger value wins, whichever side holds it)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bundle_support import laptop
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.domain.merge import Change, plan_merge

REFS = ("4.1", "4.2", "8.6")
TEXTS = ("", "a", "b", "c [x]")
edit = st.one_of(
    st.tuples(st.just("notes"), st.sampled_from(REFS), st.sampled_from(TEXTS)),
    st.tuples(st.just("result"), st.sampled_from(REFS), st.sampled_from(("conform", "na"))),
    st.tuples(st.just("statement"), st.just("F"), st.sampled_from(("s1", "s2", "s3"))),
    st.tuples(st.just("raise"), st.sampled_from(REFS), st.sampled_from(("o1", "o2"))),
)


def apply(t, audit_id, code, edits, model):
    for kind, where, value in edits:
        if kind == "notes":
            t.do("set_item_text", audit_id, where, notes=value)
            model[("item", where, "notes")] = value
        elif kind == "result":
            t.do("record_result", audit_id, where, value)
            model[("item", where, "result")] = value
        elif kind == "statement":
            t.do("update_finding", code, {"statement": value})
            model[("finding", code, "statement")] = value
        else:
            model.setdefault("raised", []).append(
                t.do("raise_finding", audit_id, where, "observation", statement=value).code)


def snapshot(t, audit_id):
    results = t.do("results", audit_id)
    # An item touched without a change has a row of defaults: the same as no row.
    return ({r: (x.result, x.notes) for r, x in results.items()
             if (x.result, x.notes) != ("not_assessed", "")},
            {f.code: (f.statement, f.grade) for f in t.do("findings", audit_id)})


def larger(plan):
    return {c.key: ("theirs" if c.theirs > c.mine else "mine") for c in plan.conflicts}


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(mine=st.lists(edit, max_size=6), theirs=st.lists(edit, max_size=6))
def test_merging_in_both_orders_loses_nothing_and_agrees(mini_checklist, mine, theirs):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        one, two = laptop(root, "one"), laptop(root, "two")
        try:
            audit = one.do("create_audit", mini_checklist, title="T", auditee="A")
            code = one.do("raise_finding", audit.id, "4.1", "minor", statement="s0").code
            two.take(one.export(audit.id, root / "start.auditor", recipient="two"))
            other = two.audit_by_uuid(audit.uuid)
            base = {("finding", code, "statement"): "s0"}
            m1, m2 = dict(base), dict(base)
            apply(one, audit.id, code, mine, m1)
            apply(two, other, code, theirs, m2)
            b1 = one.export(audit.id, root / "one.auditor")
            b2 = two.export(other, root / "two.auditor")

            first = one.take(b2)
            second = two.take(b1)
            fields = {k for k in (*m1, *m2) if k != "raised"}
            start = {("item", r, "notes"): "" for r in REFS} | \
                {("item", r, "result"): "not_assessed" for r in REFS} | base
            expected_conflicts = {k for k in fields
                                  if m1.get(k, start[k]) != m2.get(k, start[k])
                                  and m1.get(k, start[k]) != start[k]
                                  and m2.get(k, start[k]) != start[k]}
            for outcome in (first, second):
                found = {c.key for c in outcome.plan.conflicts}
                assert found == expected_conflicts
            if expected_conflicts:
                first = one.take(b2, larger(first.plan))
                second = two.take(b1, larger(second.plan))
            assert first.applied and second.applied
            assert snapshot(one, audit.id) == snapshot(two, other)
            items, findings = snapshot(one, audit.id)
            for k in fields:
                a, b, s = m1.get(k, start[k]), m2.get(k, start[k]), start[k]
                want = a if b == s else b if a == s else max(a, b)
                entity, record, name = k
                got = (findings[record][0] if entity == "finding" else
                       items.get(record, ("not_assessed", ""))[0 if name == "result" else 1])
                assert got == want, k
            assert set(m1.get("raised", []) + m2.get("raised", [])) <= set(findings)
            assert one.verify(audit.id) == [] and two.verify(other) == []
        finally:
            one.store.close()
            two.store.close()


def change(gid, record, old, new, actor="x"):
    return Change(gid, "item", record, "notes", old, new, actor, "2026-03-02T09:00:00Z")


def test_a_field_changed_and_changed_back_is_no_conflict():
    mine = [change("m1", "4.1", "", "mine")]
    theirs = [change("t1", "4.1", "", "x"), change("t2", "4.1", "x", "")]
    plan = plan_merge(mine, theirs)
    assert plan.conflicts == [] and plan.takes == {}
    assert plan.restatements(plan.values({})) == {("item", "4.1", "notes"): ("", "mine")}


def test_the_same_value_on_both_sides_is_no_conflict_and_one_side_is_taken():
    mine = [change("m1", "4.1", "", "same"), change("m2", "4.2", "", "only mine")]
    theirs = [change("t1", "4.1", "", "same"), change("t2", "8.6", "", "only theirs")]
    plan = plan_merge(mine, theirs)
    assert plan.conflicts == []
    assert plan.takes == {("item", "8.6", "notes"): "only theirs"}
    assert plan.new_gids == ["t1", "t2"]
