"""A closed audit is read-only, in the store itself, whichever way a change comes: the
store API (what the TUI calls), the command line, the follow-up import. Only follow-up
fields (the auditee's answers) and the auditor's verification steps still go through.
`auditor audits reopen AUDIT --reason TEXT` reopens it and logs the reason.
"""

from __future__ import annotations

import inspect
import sqlite3
from pathlib import Path

import pytest
from store_support import raw_sql

from auditor import config
from auditor.domain.errors import AuditLocked, RuleViolation
from auditor.domain.sampling import parse_sample
from auditor.domain.store import PARTS
from auditor.domain.views import audit_document

pytestmark = pytest.mark.both_engines

TABLES = ("audit", "item_result", "finding", "evidence", "change_log", "finding_counter",
          "plan_session", "item_sample", "soa_entry", "diverging_opinion")


def dump(db) -> dict[str, list]:
    """Every row of the audit's tables: of a file, or behind a store on either engine."""
    if not isinstance(db, Path):
        return {t: [tuple(r) for r in raw_sql(db, f"SELECT * FROM {t} ORDER BY 1")]
                for t in TABLES}
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}
    finally:
        conn.close()


@pytest.fixture
def closed(store, mini_checklist, tmp_path):
    """A closed audit: a minor NC answered by the auditee, an observation, a conform."""
    audit = store.create_audit(mini_checklist, title="Closed", auditee="Acme Soft").id
    store.record_result(audit, "4.1", "conform", note="seen")
    _, nc = store.record_result(audit, "8.3.4", "minor", statement="No review record")
    _, obs = store.record_result(audit, "4.2", "observation")
    store.update_finding(nc.code, {"root_cause": "No rule", "corrective_action": "A rule"},
                         by_auditee=True)
    store.set_finding_status(nc.code, "responded", by_auditee=True)
    store.add_session(audit, start="2026-03-02 09:00", minutes=60, refs="4")
    store.add_opinion(audit, topic=nc.code, auditee="A review by voice is enough",
                      team="The review must leave a record")
    store.close_audit(audit, "Effective")
    return audit, nc.code, obs.code


def refusals(store, audit, nc, obs, evidence_file):
    """Every change a closed audit must refuse, as (name, call)."""
    return [
        ("record a result", lambda: store.record_result(audit, "4.1", "minor",
                                                        statement="x")),
        ("clear a result", lambda: store.record_result(audit, "8.3.4", "not_assessed")),
        ("add a note", lambda: store.set_item_text(audit, "4.1", notes="later")),
        ("interviewees", lambda: store.set_item_text(audit, "4.1", interviewees="CTO")),
        ("edit the header", lambda: store.update_audit(audit, {"scope": "more"})),
        ("conclusion", lambda: store.update_audit(audit, {"conclusion": "other"})),
        ("raise a finding", lambda: store.raise_finding(audit, "8.6", "ofi", statement="x")),
        ("attach a file", lambda: store.add_evidence(audit, ref="4.1", file=evidence_file)),
        ("attach a reference", lambda: store.add_evidence(audit, ref="4.1", kind="document",
                                                          reference="QM-01")),
        ("regrade", lambda: store.update_finding(nc, {"grade": "major"})),
        ("reword", lambda: store.update_finding(nc, {"statement": "softer"})),
        ("requirement", lambda: store.update_finding(nc, {"requirement": "8.3"})),
        ("objective evidence", lambda: store.update_finding(
            nc, {"objective_evidence": "none"})),
        ("process", lambda: store.update_finding(nc, {"process_area": "R&D"})),
        ("cancel a finding", lambda: store.set_finding_status(obs, "cancelled")),
        ("close again", lambda: store.close_audit(audit, "again")),
        ("import an auditor field", lambda: store.apply_auditee_changes(
            audit, {nc: {"owner": "Bo"}, obs: {"statement": "rewritten"}})),
        ("undo a result", lambda: store.undo_result(audit, "4.1", "not_assessed")),
        ("objectives", lambda: store.update_audit(audit, {"objectives": "other"})),
        ("plan a session", lambda: store.add_session(audit, start="2026-03-02 11:00",
                                                     minutes=30, refs="8")),
        ("remove a session", lambda: store.remove_session(audit, 1)),
        ("move a session", lambda: store.move_session(audit, 1, "2026-03-02 14:00")),
        ("edit a session", lambda: store.update_session(audit, 1, place="Room 9")),
        ("record a sample", lambda: store.record_result(
            audit, "4.1", None, samples=[parse_sample("releases|5|R-1")])),
        ("state an SoA entry", lambda: store.set_soa_entry(audit, "A.5.1", applicable="no",
                                                           justification="x")),
        ("record a diverging opinion", lambda: store.add_opinion(
            audit, topic="8.6", auditee="fine", team="not fine")),
        ("resolve a diverging opinion", lambda: store.resolve_opinion(
            audit, 1, resolution="agreed")),
    ]


def test_a_closed_audit_refuses_every_change_and_changes_nothing(store, closed, tmp_path):
    audit, nc, obs = closed
    evidence_file = tmp_path / "late.txt"
    evidence_file.write_text("late evidence")
    db = store
    before = dump(db)
    calls = refusals(store, audit, nc, obs, evidence_file)
    for name, call in calls:
        with pytest.raises(RuleViolation) as refused:
            call()
        assert "closed" in str(refused.value), f"{name}: {refused.value}"
        assert "\n" not in str(refused.value)
        assert dump(db) == before, f"{name} changed the database"
    assert len(calls) == 27


def test_a_cancelled_finding_of_a_closed_audit_stays_cancelled(store, mini_checklist):
    audit = store.create_audit(mini_checklist, title="T", auditee="A").id
    ofi = store.raise_finding(audit, "8.6", "ofi", statement="automate")
    store.set_finding_status(ofi.code, "cancelled")
    store.close_audit(audit)
    with pytest.raises(AuditLocked, match="reopen"):
        store.set_finding_status(ofi.code, "open")
    store.reopen_audit(audit, "the OFI was cancelled by mistake")
    assert store.set_finding_status(ofi.code, "open").status == "open"


def test_follow_up_and_verification_still_go_through(store, closed, mini_checklist):
    audit, nc, obs = closed
    store.set_finding_status(nc, "accepted")
    store.update_finding(nc, {"correction": "reviewed PR 7", "owner": "Bo",
                              "due_date": "2026-06-30", "auditee_comment": "done"},
                         by_auditee=True)
    store.apply_auditee_changes(audit, {nc: {"status": "implemented"}})
    store.update_finding(nc, {"verification_note": "checked two releases"})
    assert store.set_finding_status(nc, "closed", note="effective").status == "closed"
    assert store.set_finding_status(obs, "closed").status == "closed"
    assert store.audit(audit).status == "closed"
    follow_up = store.create_audit(mini_checklist, title="Next", auditee="Acme Soft",
                                   type="surveillance", previous_id=audit)
    assert store.previous_open_findings(follow_up.id) == []


def test_a_previous_finding_is_verified_on_site_from_the_follow_up(store, closed,
                                                                   mini_checklist):
    audit, nc, obs = closed
    follow_up = store.create_audit(mini_checklist, title="Next", auditee="Acme Soft",
                                   type="surveillance", previous_id=audit).id
    repeat = store.verify_previous_finding(follow_up, nc, False, "came back")
    assert store.finding(nc).status == "not_effective"
    assert repeat.audit_id == follow_up and repeat.repeat_of == nc
    store.close_audit(follow_up)
    with pytest.raises(AuditLocked):  # the follow-up itself is closed now
        store.verify_previous_finding(follow_up, obs, True)


def test_the_import_path_is_refused_whole(store, closed, tmp_path):
    audit, nc, obs = closed
    before = dump(store)
    with pytest.raises(RuleViolation):
        store.apply_auditee_changes(audit, {nc: {"owner": "Bo", "status": "implemented"},
                                            obs: {"grade": "major"}})
    assert dump(store) == before


def test_every_store_method_that_writes_is_covered_here():
    """A new writing method must be added here, with its closed-audit behaviour tested."""
    covered = {"create_audit", "update_audit", "close_audit", "reopen_audit", "delete_audit",
               "record_result", "set_item_text", "raise_finding", "update_finding",
               "set_finding_status", "apply_auditee_changes", "add_evidence",
               "verify_previous_finding", "undo_result", "add_session", "remove_session",
               "update_session", "sweep_orphans", "set_soa_entry", "add_opinion", "resolve_opinion"}
    writers = {
        name for part in PARTS
        for name, member in inspect.getmembers(part, inspect.isfunction)
        if not name.startswith("_") and ".writing()" in inspect.getsource(member)
    }
    assert writers, "no writing method found: the test looks in the wrong place"
    assert writers <= covered, f"not covered by tests/unit/test_locked_audit.py: " \
                               f"{sorted(writers - covered)}"


def test_sweeping_orphans_never_takes_a_closed_audits_files(store, mini_checklist, tmp_path):
    """The sweep takes only files no record names: a closed audit's evidence stays, and
    its audit is left as it was."""
    audit = store.create_audit(mini_checklist, title="Closed", auditee="Acme Soft").id
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"kept with its closed audit")
    store.record_result(audit, "4.1", "conform", files=[photo])
    store.close_audit(audit, "Effective")
    stray = store.evidence_dir / ("0" * 64)
    stray.write_bytes(b"named by nothing")
    before = audit_document(store, audit)
    assert store.sweep_orphans() == ["0" * 64]
    [item] = store.evidence(audit)
    assert store.evidence_path(item).read_bytes() == b"kept with its closed audit"
    assert audit_document(store, audit) == before


def test_deleting_a_closed_audit_needs_confirming_twice(store, closed):
    audit, _, _ = closed
    with pytest.raises(RuleViolation, match="confirm"):
        store.delete_audit(audit)
    store.delete_audit(audit, closed_confirmed=True)
    assert [e.field for e in store.history(audit_id=audit)][-1] == "deleted"


# -- the command line -------------------------------------------------------------------


@pytest.fixture
def closed_cli(cli):
    audit = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "T", "--auditee",
                "A", "--json").json()["id"]
    nc = cli("record", audit, "8.3.4", "--result", "minor", "--statement", "No review",
             "--json").json()["finding"]["id"]
    obs = cli("record", audit, "4.2", "--result", "observation", "--json").json()["finding"]
    assert cli("audits", "close", audit, "--conclusion", "done").code == 0
    db = Path(config.resolve().db_url.removeprefix("sqlite:///"))
    return audit, nc, obs["id"], db


def test_the_command_line_is_refused_with_one_line(cli, closed_cli, tmp_path):
    audit, nc, obs, db = closed_cli
    before = dump(db)
    evidence = tmp_path / "e.txt"
    evidence.write_text("x")
    for args in (("record", audit, "4.1", "--result", "conform"),
                 ("record", audit, "4.1", "--result", "conform", "--evidence-file", evidence),
                 ("findings", "set", obs, "--status", "cancelled"),
                 ("audits", "close", audit)):
        r = cli(*args)
        assert r.code == 1, args
        assert r.err.count("\n") == 1 and "closed" in r.err, r.err
        assert dump(db) == before


def test_reopen_needs_a_reason_and_logs_it(cli, closed_cli, monkeypatch):
    audit, nc, obs, db = closed_cli
    assert cli("audits", "reopen", audit).code == 2  # --reason is required
    blank = cli("audits", "reopen", audit, "--reason", "   ")
    assert blank.code == 1 and "reason" in blank.err
    monkeypatch.setenv("AUDITOR_USER", "Ana Lead")
    r = cli("audits", "reopen", audit, "--reason", "late evidence from the CTO")
    assert r.code == 0, r.err
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT actor, field, new FROM change_log WHERE audit_id = ? "
                        "ORDER BY id DESC LIMIT 2", (audit,)).fetchall()
    conn.close()
    assert ("Ana Lead", "reopen_reason", "late evidence from the CTO") in rows
    assert ("Ana Lead", "status", "in_progress") in rows
    assert cli("record", audit, "4.1", "--result", "conform").code == 0
    again = cli("audits", "reopen", audit, "--reason", "twice")
    assert again.code == 1 and "not closed" in again.err
    assert cli("audits", "verify", audit).code == 0
