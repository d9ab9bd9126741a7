"""`auditor demo`: a closed audit from last year with findings in several states, and this
year's surveillance audit following it, half done."""

from __future__ import annotations

from datetime import date

import pytest

from auditor.domain.demo import AUDITEE, CURRENT_FINDINGS, PAST_FINDINGS, fill_demo
from auditor.domain.vocab import AuditStatus, AuditType
from auditor.exchange.library import find

TODAY = date(2026, 3, 2)


@pytest.fixture(scope="module")
def iso9001():
    return find("iso9001-2015")


def test_every_ref_the_demo_names_is_in_the_checklist(iso9001):
    refs = {i.ref for i in iso9001.assessable_items()}
    named = {f[0] for f in PAST_FINDINGS} | {f[0] for f in CURRENT_FINDINGS}
    assert named <= refs


def test_demo_fills_last_year_closed_and_this_year_half_done(store, iso9001):
    made = fill_demo(store, iso9001, today=TODAY)
    assert made.created
    old, new = store.audit(made.previous_id), store.audit(made.current_id)
    assert old.auditee == new.auditee == AUDITEE
    assert old.status == AuditStatus.CLOSED and old.type == AuditType.INTERNAL
    assert old.planned_start.year == TODAY.year - 1
    assert new.type == AuditType.SURVEILLANCE and new.previous_id == old.id
    assert new.status == AuditStatus.IN_PROGRESS
    assert new.planned_start.year == TODAY.year

    past = store.findings(old.id)
    assert all(f.code.split("-")[1] == str(TODAY.year - 1) for f in past)
    statuses = {f.status for f in past}
    assert {"closed", "implemented", "accepted", "rejected", "open"} <= statuses
    assert len(past) == len(PAST_FINDINGS)

    summaries = {s.audit.id: s for s in store.audit_summaries()}
    assert summaries[old.id].assessed == summaries[old.id].total
    current = summaries[new.id]
    assert current.assessed == current.total // 2
    now = store.findings(new.id)
    assert {f.code.split("-")[1] for f in now} == {str(TODAY.year)}
    assert any(r.notes for r in store.results(new.id).values())
    assert store.previous_open_findings(new.id), "something is left to verify on site"


def test_demo_twice_adds_nothing(store, iso9001):
    first = fill_demo(store, iso9001, today=TODAY)
    again = fill_demo(store, iso9001, today=TODAY)
    assert not again.created
    assert (again.previous_id, again.current_id) == (first.previous_id, first.current_id)
    assert len(store.audits()) == 2


def test_demo_command_without_tui(cli):
    result = cli("demo", "--no-tui")
    assert result.code == 0, result.err
    listed = cli("audits", "list", "--json").json()
    assert {a["status"] for a in listed} == {"closed", "in_progress"}
    assert cli("demo", "--no-tui").code == 0
    assert len(cli("audits", "list", "--json").json()) == 2
