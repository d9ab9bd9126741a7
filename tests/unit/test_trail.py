"""The change log: every change to an audit, an item, a finding or evidence leaves an entry
(who, when, entity, field, old, new), chained by hash; `auditor audits verify` recomputes
the chain, the evidence hashes and the records, and names the first thing that does not
match.

The completeness check does not trust the store: it copies the four tables before and
after each operation and demands an entry for every field that changed.
"""

from __future__ import annotations

import getpass
import shutil
import sqlite3
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_support import raw_sql

from auditor import config
from auditor.domain.base import as_text
from auditor.domain.errors import AuditorError
from auditor.domain.store import Store
from auditor.domain.trail import entry_hash

pytestmark = pytest.mark.both_engines

# Bookkeeping columns: when a row was touched, not what it says. Status moves stamp a
# `<status>_at` column; the status itself is what the log records. A closed audit's seal
# is the hash of the entry that closed it: the log holds it already. A UUID is an identity
# on every copy (docs/teams.md), like the id.
UNLOGGED = {"id", "uuid", "created_at", "updated_at", "closed_at", "seal", "snapshot_id",
            "responded_at",
            "accepted_at", "rejected_at", "implemented_at", "not_effective_at",
            "cancelled_at", "finding_id", "size", "original_name", "kind", "description",
            "reference", "ref", "sha256", "audit_id", "code"}
DEFAULTS = {"result": "not_assessed", "status": "open"}
EXAMPLES = 60


def _rows(db, statement: str, **params) -> list[dict]:
    """The rows of a query, on a file (sqlite3, as a person would look) or behind a store
    on either engine."""
    if not isinstance(db, Path):
        return [dict(r._mapping) for r in raw_sql(db, statement, **params)]
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(statement.replace(":last", "?"),
                                              tuple(params.values()))]
    finally:
        conn.close()


def snapshot(db) -> dict[tuple, dict]:
    """Every row of the four audited tables, keyed as the change log names them."""
    rows: dict[tuple, dict] = {}
    for r in _rows(db, "SELECT * FROM audit"):
        rows[("audit", str(r["id"]), r["id"])] = r
    for r in _rows(db, "SELECT * FROM item_result"):
        rows[("item", r["ref"], r["audit_id"])] = r
    for r in _rows(db, "SELECT * FROM finding"):
        rows[("finding", r["code"], r["audit_id"])] = r
    for r in _rows(db, "SELECT * FROM evidence"):
        rows[("evidence", str(r["id"]), r["audit_id"])] = r
    return rows


def log_after(db, last_id: int) -> list[dict]:
    return _rows(db, "SELECT * FROM change_log WHERE id > :last ORDER BY id", last=last_id)


def last_log_id(db) -> int:
    return _rows(db, "SELECT coalesce(max(id), 0) AS n FROM change_log")[0]["n"]


def _norm(value) -> str:
    return "" if value is None else str(value)


def expected_entries(before: dict, after: dict) -> set[tuple]:
    """(entity, entity_id, audit, field, old, new) for every change between two copies."""
    wanted = set()
    for key, row in after.items():
        entity, entity_id, audit = key
        old_row = before.get(key)
        if old_row is None:
            if entity == "evidence":
                wanted.add((entity, entity_id, audit, "added", "", ""))
                continue
            if entity == "finding":
                wanted.add((entity, entity_id, audit, "created", "", row["grade"]))
            if entity == "audit":
                wanted.add((entity, entity_id, audit, "created", "", row["title"]))
                continue
            for field, value in row.items():
                if field in UNLOGGED or field == "grade" and entity == "finding":
                    continue
                start = DEFAULTS.get(field, "") if entity == "item" else ""
                if _norm(value) != DEFAULTS.get(field, "") and value not in (None, ""):
                    wanted.add((entity, entity_id, audit, field, start, _norm(value)))
            continue
        for field, value in row.items():
            if field in UNLOGGED or old_row[field] == value:
                continue
            wanted.add((entity, entity_id, audit, field, _norm(old_row[field]), _norm(value)))
    for key in before.keys() - after.keys():
        entity, entity_id, audit = key
        if entity == "audit":
            wanted.add((entity, entity_id, audit, "deleted", before[key]["title"], ""))
    return wanted


def logged(entries: list[dict]) -> set[tuple]:
    out = set()
    for e in entries:
        if e["entity"] == "evidence" and e["field"] == "added":
            out.add(("evidence", e["entity_id"], e["audit_id"], "added", "", ""))
            continue
        out.add((e["entity"], e["entity_id"], e["audit_id"], e["field"], _norm(e["old"]),
                 _norm(e["new"])))
    return out


class Watched:
    """Runs store operations and checks that each one logged every change it made."""

    def __init__(self, store: Store, db) -> None:
        self.store = store
        self.db = db
        self.operations = 0
        self.fields_checked = 0

    def __call__(self, operation, *args, **kwargs):
        before = snapshot(self.db)
        start = last_log_id(self.db)
        began = datetime.now(UTC) - timedelta(seconds=1)
        try:
            result = operation(*args, **kwargs)
        except AuditorError:
            assert snapshot(self.db) == before, f"{operation.__name__} refused half-way"
            assert last_log_id(self.db) == start
            raise
        entries = log_after(self.db, start)
        missing = expected_entries(before, snapshot(self.db)) - logged(entries)
        assert not missing, f"{operation.__name__}: changes without a log entry: {missing}"
        ended = datetime.now(UTC) + timedelta(seconds=1)
        for e in entries:
            assert e["actor"] == self.store.actor
            at = datetime.fromisoformat(e["at"].replace("Z", "+00:00"))
            assert began <= at <= ended, f"entry {e['id']} at {e['at']}: not the real time"
        self.operations += 1
        self.fields_checked += len(entries)
        return result


@pytest.fixture
def watched(store):
    return Watched(store, store)


def test_every_store_operation_logs_each_field_it_changes(watched, store, mini_checklist,
                                                          tmp_path):
    w = watched
    first = w(store.create_audit, mini_checklist, title="Last year", auditee="Acme Soft",
              scope="R&D", lead_auditor="Ana")
    w(store.record_result, first.id, "8.3.4", "minor", statement="No review record",
      note="sampled PR 12", requirement="8.3.4 b")
    w(store.close_audit, first.id, "Partly effective")
    audit = w(store.create_audit, mini_checklist, title="This year", auditee="Acme Soft",
              type="surveillance", previous_id=first.id)
    w(store.update_audit, audit.id, {"scope": "Whole company", "site": "Lyon",
                                     "planned_start": date(2026, 3, 2), "title": "Renamed"})
    w(store.record_result, audit.id, "4.1", "conform", note="context analysis seen")
    w(store.set_item_text, audit.id, "4.1", interviewees="CTO", documents="Context v3")
    w(store.set_item_text, audit.id, "4.1", notes="rewritten note")
    _, obs = w(store.record_result, audit.id, "4.2", "observation")
    w(store.record_result, audit.id, "4.2", "not_assessed")  # cancels the blank observation
    _, nc = w(store.record_result, audit.id, "8.3.4", "major", statement="Still no reviews")
    assert nc.repeat_of is not None
    w(store.update_finding, nc.code, {"statement": "No reviews in 3 releases",
                                      "requirement": "8.3.4", "objective_evidence": "PR 7"})
    w(store.update_finding, nc.code, {"root_cause": "No rule", "corrective_action": "Rule",
                                      "owner": "Bo", "due_date": "2026-06-30"},
      by_auditee=True)
    w(store.set_finding_status, nc.code, "responded", by_auditee=True)
    w(store.set_finding_status, nc.code, "accepted")
    w(store.apply_auditee_changes, audit.id, {nc.code: {"correction": "Reviewed PR 7",
                                                        "status": "implemented"}})
    w(store.set_finding_status, nc.code, "closed", note="rule applied in 2 releases")
    ofi = w(store.raise_finding, audit.id, "8.6", "ofi", statement="Automate releases")
    w(store.set_finding_status, ofi.code, "cancelled")
    w(store.set_finding_status, ofi.code, "open")
    evidence_file = tmp_path / "review.txt"
    evidence_file.write_text("review minutes")
    w(store.add_evidence, audit.id, ref="8.3.4", finding_code=nc.code, file=evidence_file)
    w(store.add_evidence, audit.id, ref="4.1", kind="document", reference="QM-01 v3")
    w(store.record_result, audit.id, "8.6", "conform", files=[evidence_file])
    old = store.findings(first.id)[0]
    w(store.verify_previous_finding, audit.id, old.code, False, "came back")
    w(store.close_audit, audit.id, "Effective")
    w(store.reopen_audit, audit.id, "late evidence")
    w(store.update_finding, old.code, {"verification_note": "checked again"})
    w(store.delete_audit, audit.id)
    assert w.operations == 28
    assert store.verify_audit(first.id)["problems"] == []


RESULT = st.sampled_from(["conform", "na", "ofi", "observation", "minor", "major",
                          "not_assessed"])
REF = st.sampled_from(["4.1", "4.2", "8.3.4", "8.6"])
TEXT = st.text(min_size=0, max_size=20)
STEP = st.one_of(
    st.tuples(st.just("record"), REF, RESULT, TEXT),
    st.tuples(st.just("text"), REF, st.sampled_from(["notes", "interviewees", "documents"]),
              TEXT),
    st.tuples(st.just("auditee"), st.integers(0, 5), st.sampled_from(
        ["root_cause", "corrective_action", "owner", "auditee_comment", "due_date"]), TEXT),
    st.tuples(st.just("status"), st.integers(0, 5), st.sampled_from(
        ["responded", "accepted", "rejected", "implemented", "closed", "cancelled", "open",
         "not_effective"]), st.booleans()),
    st.tuples(st.just("close"), st.booleans(), TEXT, TEXT),
)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A migrated empty database, copied for each example (faster than migrating)."""
    folder = tmp_path_factory.mktemp("template")
    # Made before any test's own key is set: its mark of where MACs begin is MAC'd with a
    # key of its own, which the test then writes with.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUDITOR_KEY_FILE", str(folder / "log.key"))
        Store.open(f"sqlite:///{folder / 'audit.db'}", folder / "evidence", "tester").close()
    return folder / "audit.db"


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=1, max_size=25))
def test_random_edits_are_all_logged_and_verify(template, mini_checklist, monkeypatch, steps):
    monkeypatch.setenv("AUDITOR_KEY_FILE", str(template.parent / "log.key"))
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "audit.db"
        shutil.copy(template, db)
        store = Store.open(f"sqlite:///{db}", Path(folder) / "evidence", "hypo")
        try:
            w = Watched(store, db)
            audit = w(store.create_audit, mini_checklist, title="T", auditee="A").id
            for step in steps:
                try:
                    run_step(w, store, audit, step)
                except AuditorError:
                    pass  # a refusal: Watched checked that it changed nothing
            assert store.verify_audit(audit)["problems"] == []
        finally:
            store.close()


def run_step(w, store, audit, step):
    kind = step[0]
    findings = store.findings(audit)
    if kind == "record":
        _, ref, result, text = step
        w(store.record_result, audit, ref, result, statement=text, note=text)
    elif kind == "text":
        _, ref, field, text = step
        w(store.set_item_text, audit, ref, **{field: text})
    elif kind == "auditee" and findings:
        _, pick, field, text = step
        w(store.update_finding, findings[pick % len(findings)].code, {field: text},
          by_auditee=True)
    elif kind == "status" and findings:
        _, pick, status, by_auditee = step
        w(store.set_finding_status, findings[pick % len(findings)].code, status,
          note="hypothesis", by_auditee=by_auditee)
    elif kind == "close":
        _, reopen, conclusion, reason = step
        if store.audit(audit).status == "closed":
            w(store.reopen_audit, audit, reason)
        else:
            w(store.close_audit, audit, conclusion)


def test_the_actor_is_the_configured_auditor_else_the_os_user(tmp_path):
    assert config.resolve(str(tmp_path / "a.db"), {"AUDITOR_USER": "Ana Auditor"}).actor \
        == "Ana Auditor"
    assert config.resolve(str(tmp_path / "a.db"), {}).actor == getpass.getuser()


def test_the_command_line_logs_who_did_it(cli, monkeypatch):
    monkeypatch.setenv("AUDITOR_USER", "Ana Auditor")
    audit = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "T", "--auditee",
                "A", "--json").json()["id"]
    assert cli("record", audit, "4.1", "--result", "conform").code == 0
    monkeypatch.delenv("AUDITOR_USER")
    assert cli("record", audit, "4.2", "--result", "na").code == 0
    db = Path(config.resolve().db_url.removeprefix("sqlite:///"))
    actors = {(e["entity_id"], e["field"]): e["actor"] for e in log_after(db, 0)}
    assert actors[("4.1", "result")] == "Ana Auditor"
    assert actors[("4.2", "result")] == getpass.getuser()


# -- tampering, found by `auditor audits verify` -------------------------------------------


@pytest.fixture
def recorded(cli, tmp_path):
    """An audit with findings and two evidence files, through the command line."""
    audit = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "T", "--auditee",
                "A", "--json").json()["id"]
    for name in ("minutes.txt", "plan.txt"):
        (tmp_path / name).write_text(f"content of {name}")
    assert cli("record", audit, "4.1", "--result", "conform", "--note", "seen",
               "--evidence-file", tmp_path / "minutes.txt").code == 0
    assert cli("record", audit, "8.3.4", "--result", "minor", "--statement", "No review",
               "--evidence-file", tmp_path / "plan.txt").code == 0
    assert cli("record", audit, "4.2", "--result", "observation").code == 0
    db = Path(config.resolve().db_url.removeprefix("sqlite:///"))
    return audit, db, db.parent / "evidence"


def sql(db: Path, statement: str, *params) -> None:
    conn = sqlite3.connect(db)
    try:
        conn.execute(statement, params)
        conn.commit()
    finally:
        conn.close()


def ids(db: Path) -> list[int]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT id FROM change_log ORDER BY id")]
    finally:
        conn.close()


def verify(cli, audit):
    r = cli("audits", "verify", audit)
    lines = r.err.strip().splitlines()
    return r.code, lines


def test_an_untouched_audit_verifies(cli, recorded):
    audit, db, _ = recorded
    r = cli("audits", "verify", audit)
    assert r.code == 0, r.err
    assert "change log intact" in r.out and "2 evidence file(s) match" in r.out


def test_an_edited_log_entry_is_named_and_the_first_one_wins(cli, recorded):
    audit, db, _ = recorded
    entries = ids(db)
    sql(db, "UPDATE change_log SET new = 'conform' WHERE id = ?", entries[5])
    sql(db, "UPDATE change_log SET actor = 'mallory' WHERE id = ?", entries[3])
    code, lines = verify(cli, audit)
    assert code == 1
    assert lines[0] == (f"auditor: change log entry {entries[3]}: its content does not match "
                        "its hash; the log was altered at or after this entry")


def test_an_entry_rewritten_with_a_fresh_hash_breaks_the_next_link(cli, recorded):
    audit, db, _ = recorded
    entries = ids(db)
    conn = sqlite3.connect(db)
    row = conn.execute("SELECT prev_hash, at, actor, audit_id, entity, entity_id, field, old "
                       "FROM change_log WHERE id = ?", (entries[4],)).fetchone()
    conn.close()
    forged = entry_hash(*row, "forged")
    sql(db, "UPDATE change_log SET new = 'forged', hash = ? WHERE id = ?", forged, entries[4])
    code, lines = verify(cli, audit)
    assert code == 1
    assert lines[0].startswith(f"auditor: change log entry {entries[5]}: its link to the entry "
                               "before does not match")


def test_a_deleted_log_entry_is_found_at_the_next_one(cli, recorded):
    audit, db, _ = recorded
    entries = ids(db)
    sql(db, "DELETE FROM change_log WHERE id = ?", entries[2])
    code, lines = verify(cli, audit)
    assert code == 1
    assert lines[0].startswith(f"auditor: change log entry {entries[3]}: its link")


def test_the_newest_entries_cut_off_are_found_by_replaying_the_log(cli, recorded):
    audit, db, _ = recorded
    conn = sqlite3.connect(db)
    newest = conn.execute("SELECT id, entity_id, field FROM change_log ORDER BY id DESC "
                          "LIMIT 1").fetchone()
    conn.close()
    sql(db, "DELETE FROM change_log WHERE id = ?", newest[0])
    code, lines = verify(cli, audit)
    assert code == 1
    assert len(lines) == 1 and "the log was cut short" in lines[0], lines


def test_a_record_edited_behind_the_stores_back_is_found(cli, recorded):
    audit, db, _ = recorded
    sql(db, "UPDATE finding SET statement = 'Nothing serious' WHERE grade = 'minor'")
    code, lines = verify(cli, audit)
    assert code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith("auditor: finding NC-")
    assert lines[0].endswith(": statement is 'Nothing serious' in the records but 'No review' "
                             "in the change log: changed outside auditor, or the log was cut "
                             "short")


def test_a_header_field_never_changed_since_planning_is_held_against_the_log(cli, recorded):
    audit, db, _ = recorded
    sql(db, "UPDATE audit SET auditee = 'Someone Else Ltd' WHERE id = ?", audit)
    code, lines = verify(cli, audit)
    assert code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"auditor: audit {audit}: auditee is 'Someone Else Ltd' in the "
                               "records but")


def test_a_finding_removed_behind_the_stores_back_is_found(cli, recorded):
    audit, db, _ = recorded
    sql(db, "DELETE FROM finding WHERE grade = 'observation'")
    code, lines = verify(cli, audit)
    assert code == 1
    assert len(lines) == 1 and "in the change log but missing from the records" in lines[0]


def test_an_edited_evidence_file_is_named(cli, recorded):
    audit, db, evidence = recorded
    victim = sorted(evidence.iterdir())[0]
    victim.chmod(0o600)
    victim.write_bytes(victim.read_bytes() + b" (edited)")
    code, lines = verify(cli, audit)
    assert code == 1
    assert len(lines) == 1
    assert lines[0].startswith("auditor: evidence file ") and victim.name[:12] in lines[0]
    assert lines[0].endswith("does not match its SHA-256: it was changed after it was "
                             "attached")


def test_a_removed_evidence_file_is_named(cli, recorded):
    audit, db, evidence = recorded
    victim = sorted(evidence.iterdir())[-1]
    victim.unlink()
    code, lines = verify(cli, audit)
    assert code == 1
    assert len(lines) == 1 and victim.name[:12] in lines[0] and "is missing" in lines[0]


def test_verify_of_an_unknown_audit_is_one_line(cli, recorded):
    r = cli("audits", "verify", "99")
    assert r.code == 1
    assert r.err.count("\n") == 1 and "audit 99" in r.err


def test_as_text_is_what_the_log_stores():
    assert as_text(date(2026, 3, 2)) == "2026-03-02"
    assert as_text(None) is None and as_text(7) == "7"
