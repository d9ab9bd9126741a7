"""The audit plan and sampling (DESIGN sections 3 and 9): an audit's objectives and
criteria, plan sessions with their warnings (a pure function), sampling records on an
item; each change in the change log and held against the records by `audits verify`;
refusals are one line, exit 1, and change nothing."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from auditor.domain.audit_plan import (
    WarningKind,
    check_minutes,
    check_refs,
    check_start,
    plan_warnings,
    uncovered_refs,
)
from auditor.domain.errors import AuditLocked, NotFound, RuleViolation
from auditor.domain.models import PlanSession
from auditor.domain.sampling import Sample, parse_sample

FIXTURES = Path(__file__).parent.parent / "fixtures"
MINI = str(FIXTURES / "mini.yaml")


def session(number, start, minutes, refs, auditor="Dana"):
    return PlanSession(audit_id=1, number=number, minutes=minutes, refs=refs, auditor=auditor,
                       start=check_start(start), created_at=datetime.now(UTC))


# -- the pure rules --------------------------------------------------------------------------


def test_a_group_ref_covers_every_item_below_it(mini_checklist):
    # mini: 4 (4.1, 4.2), 8 (8.3 (8.3.4), 8.6)
    assert uncovered_refs(mini_checklist, [session(1, "2026-03-02 09:00", 60, "8")]) == [
        "4.1", "4.2"]
    assert uncovered_refs(mini_checklist, [session(1, "2026-03-02 09:00", 60, "4,8.3")]) == [
        "8.6"]


def test_the_uncovered_items_are_listed_by_top_level_clause_with_counts(mini_checklist):
    warnings = plan_warnings(mini_checklist, [session(1, "2026-03-02 09:00", 60, "8.6")],
                             lead="Dana", team="")
    assert [(w.kind, w.text, w.refs) for w in warnings] == [
        (WarningKind.NOT_COVERED, "3 assessable items in no session: 4 (all 2); "
         "8: 8.3.4 (1 of 2)", ("4.1", "4.2", "8.3.4"))]
    empty = plan_warnings(mini_checklist, [], lead="Dana", team="")
    assert empty[0].text.startswith("no session planned yet: 4 assessable items in none")


def test_a_full_plan_without_clashes_has_no_warnings(mini_checklist):
    sessions = [session(1, "2026-03-02 09:00", 60, "4"),
                session(2, "2026-03-02 10:00", 60, "8"),  # starts as the first ends
                session(3, "2026-03-02 09:30", 60, "8.6", auditor="Sam")]
    assert plan_warnings(mini_checklist, sessions, lead="dana", team="Sam; Ola") == []


def test_one_auditor_in_two_sessions_at_once_is_warned(mini_checklist):
    sessions = [session(2, "2026-03-02 10:00", 60, "8"),
                session(1, "2026-03-02 09:00", 90, "4"),
                session(3, "2026-03-02 10:15", 15, "4.1", auditor=" DANA ")]
    overlaps = [w for w in plan_warnings(mini_checklist, sessions, lead="Dana", team="")
                if w.kind == WarningKind.OVERLAP]
    assert [w.sessions for w in overlaps] == [(1, 2), (1, 3), (2, 3)]
    assert overlaps[0].text == ("Dana leads sessions 1 and 2 at once (2026-03-02 "
                                "09:00-10:30 and 2026-03-02 10:00-11:00)")


def test_an_auditor_not_the_lead_nor_in_the_team_is_warned(mini_checklist):
    sessions = [session(1, "2026-03-02 09:00", 60, "4,8", auditor="Eve"),
                session(2, "2026-03-02 11:00", 60, "4", auditor="")]
    warnings = plan_warnings(mini_checklist, sessions, lead="Dana", team="Sam, Ola")
    assert [(w.kind, w.sessions) for w in warnings] == [(WarningKind.AUDITOR, (1,))]
    assert "Eve is neither the lead auditor nor in the audit team" in warnings[0].text


def test_sessions_off_the_audits_days_overnight_and_no_objectives_are_warned(mini_checklist):
    sessions = [session(1, "2026-03-01 09:00", 60, "4,8"),      # the day before
                session(2, "2026-03-03 23:30", 60, "4"),         # past midnight
                session(3, "2026-03-02 09:00", 60, "8"),         # on the day
                session(4, "2026-03-29 01:30", 60, "8.6")]       # weeks later
    warnings = plan_warnings(mini_checklist, sessions, lead="Dana", team="",
                             dates=(date(2026, 3, 2), date(2026, 3, 3)), objectives=" \n")
    kinds = [(w.kind, w.sessions) for w in warnings]
    assert kinds[0] == (WarningKind.OBJECTIVES, ())
    assert (WarningKind.OUTSIDE, (1,)) in kinds and (WarningKind.OUTSIDE, (4,)) in kinds
    assert (WarningKind.OVERNIGHT, (2,)) in kinds
    assert not [k for k in kinds if k[1] == (3,)]
    overnight = next(w for w in warnings if w.kind == WarningKind.OVERNIGHT)
    assert "to 2026-03-04 00:30" in overnight.text
    # Not asked to look at the dates or the objectives: no such warning.
    quiet = plan_warnings(mini_checklist, sessions[2:3], lead="Dana", team="")
    assert [w.kind for w in quiet] == [WarningKind.NOT_COVERED]


@pytest.mark.parametrize("value", ["9999-12-31 23:30", "0001-01-01 00:00", "1899-05-01 09:00",
                                   "2100-01-01 09:00"])
def test_a_start_far_off_in_the_calendar_is_refused(value):
    with pytest.raises(RuleViolation) as refused:
        check_start(value)
    assert refused.value.field == "start" and "check the year" in str(refused.value)


def test_a_far_off_start_refused_by_the_command_changes_nothing(run, planned):
    before = run("audits", "show", planned, "--json").json()
    r = run("plan", "add", planned, "--start", "9999-12-31 23:30", "--minutes", "60",
            "--refs", "4")
    assert r.code == 1 and "check the year" in r.err and "Traceback" not in r.err
    assert run("audits", "show", planned, "--json").json() == before


@pytest.mark.parametrize("value", ["2026-03-02", "2026-03-02 9:00", "2026-02-30 09:00",
                                   "2026-03-02 24:00", "tomorrow", "", None])
def test_a_bad_start_is_refused(value):
    with pytest.raises(RuleViolation, match="YYYY-MM-DD HH:MM"):
        check_start(value)


@pytest.mark.parametrize("value", [0, 601, "-5", "1.5", "ninety", True, None])
def test_minutes_outside_1_to_600_are_refused(value):
    with pytest.raises(RuleViolation, match="from 1 to 600"):
        check_minutes(value)


def test_minutes_and_refs_accepted(mini_checklist):
    assert check_minutes("600") == 600 and check_minutes(1) == 1
    assert check_refs(mini_checklist, " 8.6, 4 ,8.6,") == ["8.6", "4"]
    with pytest.raises(RuleViolation, match=r"refs '9.9', 'X' are not in this audit's"):
        check_refs(mini_checklist, "4.1,9.9,X")
    with pytest.raises(RuleViolation, match="at least one ref"):
        check_refs(mini_checklist, " , ")


@pytest.mark.parametrize("text,sample", [
    ("releases in Q3|14|R-1, R-2,R-3", Sample("releases in Q3", 14, 3, "R-1, R-2, R-3")),
    ("changes||C-9", Sample("changes", None, 1, "C-9")),
    ("tickets|400|see export|25", Sample("tickets", 400, 25, "see export")),
    ("tickets||| 7 ", Sample("tickets", None, 7, "")),
    ("Rel|5|a,,b, ,c", Sample("Rel", 5, 3, "a, b, c")),  # empty entries are no ids
])
def test_samples_are_read_from_their_format(text, sample):
    assert parse_sample(text) == sample


@pytest.mark.parametrize("text,says", [
    ("releases in Q3", "has 1 part: write it as POPULATION|SIZE|IDS"),
    ("a|b|c|d|e", "has 5 parts"),
    ("|3|a", "names no population"),
    ("releases|many|a", "population size 'many' is not a whole number"),
    ("releases|3|a|x", "sample size 'x' is not a whole number"),
    ("releases|3|", "give the ids sampled, or the sample size"),
    ("releases|2|a,b,c", "3 sampled from a population of 2"),
    ("Rel|5|a,b,b", "sampled ids listed twice: b; list each id once"),
    ("Rel|9|1,2,3,3,,4,5,6,7,8,1", "sampled ids listed twice: 1, 3;"),
])
def test_a_malformed_sample_is_one_line_saying_the_format(text, says):
    with pytest.raises(RuleViolation, match=None) as caught:
        parse_sample(text)
    assert says in str(caught.value) and "\n" not in str(caught.value)


# -- the store -------------------------------------------------------------------------------


def test_criteria_start_as_the_checklists_standard(store, mini_checklist):
    plain = store.create_audit(mini_checklist, title="T", auditee="A")
    assert (plain.objectives, plain.criteria) == ("", "ISO 9001:2015")
    told = store.create_audit(mini_checklist, title="T", auditee="A", objectives="O\nP",
                              criteria="ISO 9001:2015\nQM-01")
    assert (told.objectives, told.criteria) == ("O\nP", "ISO 9001:2015\nQM-01")
    store.update_audit(told.id, {"objectives": "Q", "criteria": ""})
    assert store.verify_audit(told.id)["problems"] == []
    assert store.audit(told.id).criteria == ""


def test_sessions_are_numbered_never_twice_and_verify(store, audit):
    first = store.add_session(audit.id, start="2026-03-02 09:00", minutes=60, refs="4")
    second = store.add_session(audit.id, start="2026-03-02 08:00", minutes="30", refs="8.6",
                               auditor="Sam", auditee_people="CTO", place="Room 1")
    assert [s.number for s in store.sessions(audit.id)] == [2, 1]  # in time order
    store.remove_session(audit.id, second.number)
    third = store.add_session(audit.id, start="2026-03-02 11:00", minutes=60, refs="8")
    assert (first.number, third.number) == (1, 3)
    assert store.audit(audit.id).status == "planned"  # planning does not start the audit
    assert store.verify_audit(audit.id)["problems"] == []
    with pytest.raises(NotFound, match="no plan session 2"):
        store.remove_session(audit.id, 2)


def test_a_closed_audit_takes_no_session_and_no_sample(store, audit):
    store.add_session(audit.id, start="2026-03-02 09:00", minutes=60, refs="4")
    store.close_audit(audit.id, "done")
    with pytest.raises(AuditLocked):
        store.add_session(audit.id, start="2026-03-02 10:00", minutes=60, refs="4")
    with pytest.raises(AuditLocked):
        store.remove_session(audit.id, 1)
    with pytest.raises(AuditLocked):
        store.record_result(audit.id, "4.1", None, samples=[parse_sample("a||x")])
    assert len(store.sessions(audit.id)) == 1 and store.samples(audit.id) == {}


def test_a_sample_alone_keeps_the_result_and_a_finding_text_needs_a_result(store, audit):
    store.record_result(audit.id, "4.1", "conform")
    row, finding = store.record_result(audit.id, "4.1", None,
                                       samples=[parse_sample("releases|9|R-1,R-2")])
    assert (row.result, finding) == ("conform", None)
    with pytest.raises(RuleViolation, match="needs a result"):
        store.record_result(audit.id, "4.1", None, statement="s",
                            samples=[parse_sample("a||x")])
    with pytest.raises(RuleViolation, match="nothing to record"):
        store.record_result(audit.id, "4.1", None)
    assert [s.ids for s in store.samples(audit.id)["4.1"]] == ["R-1, R-2"]
    assert store.verify_audit(audit.id)["problems"] == []


def test_the_store_refuses_a_sample_listing_an_id_twice(store, audit):
    with pytest.raises(RuleViolation, match="listed twice: x"):
        store.record_result(audit.id, "8.6", "conform",
                            samples=[Sample("Rel", None, 2, "x, x")])
    assert store.samples(audit.id) == {} and "8.6" not in store.results(audit.id)


def test_deleting_an_audit_takes_its_sessions_and_samples(store, audit):
    store.add_session(audit.id, start="2026-03-02 09:00", minutes=60, refs="4")
    store.record_result(audit.id, "8.6", None, samples=[parse_sample("a||x")])
    store.delete_audit(audit.id)
    with sqlite3.connect(Path(store.database_path)) as db:
        assert db.execute("SELECT count(*) FROM plan_session").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM item_sample").fetchone() == (0,)


# -- the command line ------------------------------------------------------------------------


@pytest.fixture
def run(cli):
    def checked(*args):
        r = cli(*args)
        assert "Traceback" not in r.err, r.err
        if r.code == 1:
            assert len(r.err.strip().splitlines()) == 1, r.err
        return r

    return checked


@pytest.fixture
def planned(run):
    r = run("audits", "new", "--checklist", MINI, "--title", "Internal audit 2026",
            "--auditee", "Acme Soft", "--lead", "Dana", "--team", "Sam", "--objectives",
            "Release control\nSupport", "--json")
    assert r.code == 0, r.err
    return str(r.json()["id"])


def db(tmp_path) -> Path:
    return tmp_path / "home" / "auditor.db"


def test_objectives_and_criteria_in_new_edit_and_show(run, planned):
    doc = run("audits", "show", planned, "--json").json()
    assert (doc["objectives"], doc["criteria"]) == ("Release control\nSupport",
                                                    "ISO 9001:2015")
    r = run("audits", "edit", planned, "--criteria", "ISO 9001:2015\nQM-01 rev 4",
            "--objectives", "Only releases")
    assert r.code == 0 and "objectives, criteria" in r.out
    shown = run("audits", "show", planned).out
    assert "Objectives: Only releases" in shown and "Criteria: ISO 9001:2015\n  QM-01" in shown
    assert run("audits", "verify", planned).code == 0


def test_plan_add_show_remove(run, planned):
    r = run("plan", "add", planned, "--start", "2026-03-02 09:00", "--minutes", "90",
            "--refs", "4.2,8.3", "--with", "CEO", "--place", "Room 1")
    assert r.code == 0 and r.out.startswith("session 1 added") and r.err == ""
    r = run("plan", "add", planned, "--start", "2026-03-02 10:00", "--minutes", "30",
            "--refs", "8.6", "--auditor", "Eve", "--json")
    assert r.code == 0
    added = r.json()
    assert {k: added[k] for k in ("number", "start", "end", "minutes", "refs", "auditor")} == {
        "number": 2, "start": "2026-03-02T10:00", "end": "2026-03-02T10:30", "minutes": 30,
        "refs": ["8.6"], "auditor": "Eve"}
    assert [w["kind"] for w in added["warnings"]] == ["auditor"]
    assert "warning: session 2: Eve is neither" in r.err
    overlap = run("plan", "add", planned, "--start", "2026-03-02 10:00", "--minutes", "15",
                  "--refs", "4.1")
    assert overlap.code == 0 and "Dana leads sessions 1 and 3 at once" in overlap.err
    plan = run("plan", "show", planned, "--json").json()
    assert [s["number"] for s in plan["sessions"]] == [1, 2, 3]
    assert plan["sessions"][0]["auditor"] == "Dana"  # the lead by default
    assert {w["kind"] for w in plan["warnings"]} == {"auditor", "overlap"}  # all covered
    text = run("plan", "show", planned).out
    assert "2026-03-02 09:00-10:30" in text and "warning: Dana leads sessions 1 and 3" in text
    assert run("plan", "remove", planned, "3").code == 0
    plan = run("plan", "show", planned, "--json").json()
    assert [s["number"] for s in plan["sessions"]] == [1, 2]
    assert [w["kind"] for w in plan["warnings"]] == ["auditor", "not_covered"]
    assert plan["warnings"][1]["refs"] == ["4.1"]
    assert run("audits", "show", planned, "--json").json()["sessions"] == plan["sessions"]
    assert run("audits", "verify", planned).code == 0


@pytest.mark.parametrize("args,says", [
    (["--start", "2026-03-02T9", "--minutes", "60", "--refs", "4"], "YYYY-MM-DD HH:MM"),
    (["--start", "2026-03-02 09:00", "--minutes", "0", "--refs", "4"], "from 1 to 600"),
    (["--start", "2026-03-02 09:00", "--minutes", "601", "--refs", "4"], "from 1 to 600"),
    (["--start", "2026-03-02 09:00", "--minutes", "60", "--refs", "4,9.9"],
     "'9.9' is not in this audit's checklist"),
])
def test_plan_add_refusals_are_one_line_and_change_nothing(run, planned, args, says):
    before = run("audits", "show", planned, "--json").json()
    r = run("plan", "add", planned, *args)
    assert r.code == 1 and says in r.err
    assert run("audits", "show", planned, "--json").json() == before


def test_a_closed_audit_refuses_plan_changes_and_samples(run, planned):
    run("plan", "add", planned, "--start", "2026-03-02 09:00", "--minutes", "60", "--refs", "4")
    assert run("audits", "close", planned, "--conclusion", "done").code == 0
    before = run("audits", "show", planned, "--json").json()
    for args in (("plan", "add", planned, "--start", "2026-03-02 11:00", "--minutes", "60",
                  "--refs", "4"),
                 ("plan", "remove", planned, "1"),
                 ("record", planned, "4.1", "--sample", "a||x")):
        r = run(*args)
        assert r.code == 1 and "closed" in r.err and f"audits reopen {planned}" in r.err
    assert run("audits", "show", planned, "--json").json() == before


def test_a_sample_listing_an_id_twice_is_refused_and_nothing_recorded(run, planned):
    before = run("audits", "show", planned, "--json").json()
    r = run("record", planned, "8.6", "--result", "conform", "--sample", "Rel|5|a,b,b")
    assert r.code == 1 and "sampled ids listed twice: b" in r.err
    assert run("audits", "show", planned, "--json").json() == before


def test_plan_usage_and_unknown_session(run, planned):
    assert run("plan", "remove", planned, "7").code == 1
    assert run("plan", "remove", planned, "x").code == 1
    assert run("plan", "add", planned, "--minutes", "60", "--refs", "4").code == 2
    assert run("plan", "show", "99").code == 1


def test_record_samples_alone_or_with_the_result(run, planned):
    r = run("record", planned, "8.6", "--sample", "releases in Q3|14|R-1, R-2,R-3",
            "--sample", "hotfixes||see export|4", "--json")
    assert r.code == 0, r.err
    assert r.json()["result"] == "not_assessed" and r.json()["finding"] is None
    assert r.json()["samples"][1] == {"population": "hotfixes", "population_size": None,
                                      "sample_size": 4, "ids": "see export"}
    # The line a person reads names the result in words, not the stored value.
    r = run("record", planned, "8.6", "--sample", "tickets|3|T-9")
    assert r.code == 0 and r.out.startswith("8.6: not assessed, 1 sample(s)"), r.out
    r = run("record", planned, "8.6", "--result", "conform", "--sample", "tickets|3|T-1")
    assert r.code == 0 and "1 sample(s) recorded" in r.out
    item = next(i for i in run("audits", "show", planned, "--json").json()["items"]
                if i["ref"] == "8.6")
    assert item["result"] == "conform"
    assert item["samples"] == [
        {"population": "releases in Q3", "population_size": 14, "sample_size": 3,
         "ids": "R-1, R-2, R-3"},
        {"population": "hotfixes", "population_size": None, "sample_size": 4,
         "ids": "see export"},
        {"population": "tickets", "population_size": 3, "sample_size": 1, "ids": "T-9"},
        {"population": "tickets", "population_size": 3, "sample_size": 1, "ids": "T-1"}]
    assert run("audits", "verify", planned).code == 0


def test_record_sample_refusals_change_nothing(run, planned):
    before = run("audits", "show", planned, "--json").json()
    bad = run("record", planned, "8.6", "--result", "conform", "--sample", "releases")
    assert bad.code == 1 and "write it as POPULATION|SIZE|IDS" in bad.err
    assert run("record", planned, "8", "--sample", "a||x").code == 1  # a group heading
    assert run("record", planned, "8.6", "--sample", "a||x", "--statement", "s").code == 1
    assert run("audits", "show", planned, "--json").json() == before
    usage = run("record", planned, "8.6")
    assert usage.code == 2 and "give --result, or --sample" in usage.err


def test_sessions_and_samples_edited_behind_the_stores_back_are_found(run, cli, planned,
                                                                     tmp_path):
    run("plan", "add", planned, "--start", "2026-03-02 09:00", "--minutes", "60", "--refs", "4")
    run("plan", "add", planned, "--start", "2026-03-02 11:00", "--minutes", "60", "--refs", "8")
    run("record", planned, "8.6", "--sample", "releases|5|R-1,R-2")
    assert run("audits", "verify", planned).code == 0
    with sqlite3.connect(db(tmp_path)) as conn:
        conn.execute("UPDATE plan_session SET minutes = 5 WHERE number = 1")
        conn.execute("DELETE FROM plan_session WHERE number = 2")
        conn.execute("UPDATE item_sample SET sample_size = 1")
        conn.execute("INSERT INTO plan_session (audit_id, number, start, minutes, place, refs, "
                     "auditor, auditee_people, created_at, uuid) VALUES (?, 9, '2026-03-02 "
                     "09:00:00', 5, '', '4', '', '', '2026-03-02 09:00:00', "
                     "'0b7e4f6c-2c1a-4d2e-9a55-3f1e8c2d9b10')", (planned,))
    report = cli("audits", "verify", planned, "--json")  # one line per problem
    assert report.code == 1 and len(report.err.splitlines()) == 4
    problems = report.json()["problems"]
    assert any(p.startswith("plan session 1: minutes is '5'") for p in problems), problems
    assert any(p.startswith("plan session 2: in the change log but missing") for p in problems)
    assert any(p.startswith("plan session 9: no change-log entry added it") for p in problems)
    assert any(p.startswith("sample 1: sample_size is '1'") for p in problems)
