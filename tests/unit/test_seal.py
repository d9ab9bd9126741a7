"""A change log a recomputed chain cannot fool.

The hash chain alone has no secret: someone with the database file and sqlite3 can edit
a note and its entry, backdate a whole audit, or remove a minor NC with every trace, and
recompute the chain; `audits verify` then passed. Two anchors outside the database hold
against that: each entry's MAC, whose key is a file in the user's config folder, and the
audit's seal (the hash of the entry that closed it), printed at close and on the
documents handed out. Each attack below is made consistent (records, log, chain), so that
only the MAC, or, for an attacker who also holds the key, only the seal, finds it.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from auditor import config
from auditor.domain import mac_key
from auditor.domain.errors import AuditorError
from auditor.domain.mac_key import KeyProblem, key_path, read_key
from auditor.domain.store import Store
from auditor.domain.trail import anchor_mac, entry_hash, entry_mac

HEX64 = re.compile(r"[0-9a-f]{64}")


def db_of() -> Path:
    return Path(config.resolve().db_url.removeprefix("sqlite:///"))


def rows(db: Path, query: str, *params) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return list(conn.execute(query, params))
    finally:
        conn.close()


def run_sql(db: Path, *statements: tuple[str, tuple]) -> None:
    conn = sqlite3.connect(db)
    try:
        for statement, params in statements:
            conn.execute(statement, params)
        conn.commit()
    finally:
        conn.close()


def verify(cli, audit, *more):
    r = cli("audits", "verify", audit, *more)
    return r.code, r.err.strip().splitlines(), r.out


@pytest.fixture(autouse=True)
def log_key(tmp_path_factory, monkeypatch):
    """A key of each test's own: these tests rewrite, chmod and hide it (the run's shared
    key, in the root conftest, is for everyone else)."""
    path = tmp_path_factory.mktemp("key") / "log.key"
    monkeypatch.setenv("AUDITOR_KEY_FILE", str(path))
    return path


@pytest.fixture
def sealed(cli):
    """A closed audit with notes, two minor NCs and an observation; its seal as printed."""
    audit = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "Internal 2026",
                "--auditee", "Acme Soft", "--json").json()["id"]
    assert cli("record", audit, "4.1", "--result", "conform", "--note",
               "context analysis seen").code == 0
    assert cli("record", audit, "8.3.4", "--result", "minor", "--statement",
               "No design review for release 4.2").code == 0
    assert cli("record", audit, "7.5.3.2", "--result", "minor", "--statement",
               "Obsolete procedures in use").code == 0
    assert cli("record", audit, "4.2", "--result", "observation").code == 0
    r = cli("audits", "close", audit, "--conclusion", "Effective, with two minor NCs")
    assert r.code == 0, r.err
    seal = r.out.strip().splitlines()[-1].removeprefix("seal: ")
    assert HEX64.fullmatch(seal), r.out
    return audit, db_of(), seal


# -- the attacker's tools: sqlite3, and maybe the key -------------------------------------


def recompute(db: Path, key: bytes | None = None, *, strip_macs: bool = False) -> None:
    """Rechain the whole log in id order, as an attacker does after an edit; with the key,
    MAC every entry again; `strip_macs` removes the MACs of the entries rewritten. The
    audits' stored seals follow their (new) closing entries."""
    conn = sqlite3.connect(db)
    try:
        prev = ""
        for r in conn.execute("SELECT id, at, actor, audit_id, entity, entity_id, field, old, "
                              "new, hash, mac FROM change_log ORDER BY id").fetchall():
            digest = entry_hash(prev, *r[1:9])
            mac = r[10]
            if key is not None:
                mac = entry_mac(key, mac_key.key_id(key), prev, *r[1:9], digest)
            elif strip_macs and digest != r[9]:
                mac = None
            conn.execute("UPDATE change_log SET prev_hash = ?, hash = ?, mac = ? WHERE id = ?",
                         (prev, digest, mac, r[0]))
            prev = digest
        conn.execute(
            "UPDATE audit SET seal = (SELECT hash FROM change_log WHERE audit_id = audit.id "
            "AND entity = 'audit' AND field = 'status' AND new = 'closed' ORDER BY id DESC "
            "LIMIT 1) WHERE status = 'closed'")
        conn.commit()
    finally:
        conn.close()


def edit_a_note(db: Path, audit: int) -> None:
    run_sql(db,
            ("UPDATE item_result SET notes = 'context analysis seen, signed by the CEO' "
             "WHERE audit_id = ? AND ref = '4.1'", (audit,)),
            ("UPDATE change_log SET new = 'context analysis seen, signed by the CEO' WHERE "
             "audit_id = ? AND entity = 'item' AND entity_id = '4.1' AND field = 'notes'",
             (audit,)))


def _earlier(moment: str, days: int = 40) -> str:
    return (datetime.fromisoformat(moment) - timedelta(days=days)).isoformat()


def backdate(db: Path, audit: int) -> None:
    """Every timestamp of the audit 40 days earlier: its log entries, its records, and the
    actual end date the close set (in the record and in its entry)."""
    conn = sqlite3.connect(db)
    try:
        for entry, at, field, new in conn.execute(
                "SELECT id, at, field, new FROM change_log WHERE audit_id = ?",
                (audit,)).fetchall():
            moved = _earlier(at.replace("Z", "+00:00")).replace("+00:00", "Z")
            if field == "actual_end":
                new = _earlier(new)[:10]
            conn.execute("UPDATE change_log SET at = ?, new = ? WHERE id = ?",
                         (moved, new, entry))
        for table, columns in (("audit", ("created_at", "updated_at", "closed_at")),
                               ("item_result", ("updated_at",)),
                               ("finding", ("created_at", "updated_at"))):
            key = "id" if table == "audit" else "audit_id"
            for column in columns:
                for row_id, value in conn.execute(
                        f"SELECT id, {column} FROM {table} WHERE {key} = ?",
                        (audit,)).fetchall():
                    if value:
                        conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?",
                                     (_earlier(value), row_id))
        end = conn.execute("SELECT actual_end FROM audit WHERE id = ?", (audit,)).fetchone()[0]
        conn.execute("UPDATE audit SET actual_end = ? WHERE id = ?",
                     (_earlier(end)[:10], audit))
        conn.commit()
    finally:
        conn.close()


def delete_a_minor_nc(db: Path, audit: int) -> None:
    """The NC on 7.5.3.2 gone with every trace: its finding, its item's result, and every
    log entry of either."""
    code = rows(db, "SELECT code FROM finding WHERE audit_id = ? AND ref = '7.5.3.2'",
                audit)[0]["code"]
    run_sql(db,
            ("DELETE FROM change_log WHERE (entity = 'finding' AND entity_id = ?) OR "
             "(entity = 'item' AND entity_id = '7.5.3.2' AND audit_id = ?)", (code, audit)),
            ("DELETE FROM finding WHERE code = ?", (code,)),
            ("DELETE FROM item_result WHERE audit_id = ? AND ref = '7.5.3.2'", (audit,)))


ATTACKS = {"edited note": edit_a_note, "backdated audit": backdate,
           "deleted minor NC": delete_a_minor_nc}


def the_key(path: Path) -> bytes:
    key = read_key(path)
    assert key is not None
    return key.secret


# -- the three attacks ------------------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS)
def test_without_the_key_a_recomputed_chain_fails_its_macs(cli, sealed, attack):
    audit, db, _ = sealed
    assert verify(cli, audit)[0] == 0
    ATTACKS[attack](db, audit)
    recompute(db)
    code, lines, _ = verify(cli, audit)
    assert code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith("auditor: change log entries ")
    assert "their MAC does not match: written or changed by someone without the key" \
        in lines[0]


@pytest.mark.parametrize("attack", ATTACKS)
def test_macs_removed_from_the_rewritten_entries_fail_too(cli, sealed, attack):
    audit, db, _ = sealed
    ATTACKS[attack](db, audit)
    recompute(db, strip_macs=True)
    code, lines, _ = verify(cli, audit)
    assert code == 1 and len(lines) == 1, lines
    assert "no MAC, though MACs were kept when they were written" in lines[0]


@pytest.mark.parametrize("attack", ATTACKS)
def test_an_attacker_with_the_key_is_caught_by_the_seal(cli, sealed, log_key, attack):
    audit, db, seal = sealed
    assert verify(cli, audit, "--seal", seal)[0] == 0
    ATTACKS[attack](db, audit)
    recompute(db, the_key(log_key))
    # Chain, MACs and records agree: without the seal nothing shows (the limit of a key
    # that sits beside the database) ...
    assert verify(cli, audit)[0] == 0
    # ... the seal handed out at close does.
    code, lines, _ = verify(cli, audit, "--seal", seal)
    assert code == 1
    assert lines == [f"auditor: seal {seal[:16]}...: no close of audit {audit} in the change "
                     "log has this seal: the log was rewritten before the audit was closed "
                     "(or the seal is of another audit or database)"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_seal_catches_the_attacks_where_the_key_is_not(cli, sealed, monkeypatch,
                                                           tmp_path, attack):
    audit, db, seal = sealed
    ATTACKS[attack](db, audit)
    recompute(db)
    monkeypatch.setenv("AUDITOR_KEY_FILE", str(tmp_path / "elsewhere" / "log.key"))
    code, lines, _ = verify(cli, audit, "--seal", seal)
    assert code == 1
    assert "has this seal: the log was rewritten" in lines[0]
    assert "the change-log key is missing" in lines[1]


# -- the seal ----------------------------------------------------------------------------


def test_the_seal_is_the_hash_of_the_closing_entry_and_is_shown_everywhere(cli, sealed):
    audit, db, seal = sealed
    last = rows(db, "SELECT hash, entity, field, new FROM change_log WHERE audit_id = ? "
                "ORDER BY id DESC LIMIT 1", audit)[0]
    assert (last["hash"], last["entity"], last["field"], last["new"]) == (
        seal, "audit", "status", "closed")
    assert cli("audits", "show", audit, "--json").json()["seal"] == seal
    assert f"Seal: {seal}" in cli("audits", "show", audit).out
    code, lines, out = verify(cli, audit, "--seal", seal.upper())
    assert (code, lines) == (0, [])
    assert "seal matches the close at " in out


def test_close_json_prints_the_seal_and_an_open_audit_has_none(cli):
    audit = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "T",
                "--auditee", "A", "--json").json()["id"]
    assert cli("audits", "show", audit, "--json").json()["seal"] is None
    assert "Seal:" not in cli("audits", "show", audit).out
    r = cli("audits", "close", audit, "--json")
    assert r.code == 0
    doc = r.json()
    assert (doc["id"], doc["status"]) == (audit, "closed")
    assert HEX64.fullmatch(doc["seal"])


def test_follow_up_after_close_leaves_the_seal_standing(cli, sealed):
    audit, db, seal = sealed
    store = Store.open(f"sqlite:///{db}", db.parent / "evidence", "auditee")
    try:
        code = store.findings(audit)[0].code
        store.update_finding(code, {"root_cause": "No rule", "corrective_action": "Rule",
                                    "owner": "Bo"}, by_auditee=True)
        store.set_finding_status(code, "responded", by_auditee=True)
    finally:
        store.close()
    assert verify(cli, audit, "--seal", seal)[:2] == (0, [])


def test_reopening_and_closing_again_seals_again_and_the_old_seal_still_holds(cli, sealed):
    audit, db, first = sealed
    assert cli("audits", "reopen", audit, "--reason", "late evidence").code == 0
    assert cli("audits", "show", audit, "--json").json()["seal"] is None
    assert cli("record", audit, "8.5.1", "--result", "conform").code == 0
    second = cli("audits", "close", audit).out.strip().splitlines()[-1].removeprefix("seal: ")
    assert HEX64.fullmatch(second) and second != first
    code, lines, out = verify(cli, audit, "--seal", first)
    assert (code, lines) == (0, []) and "reopened after it" in out
    code, lines, out = verify(cli, audit, "--seal", second)
    assert (code, lines) == (0, []) and "reopened" not in out


def test_a_wrong_seal_is_one_line_and_a_malformed_one_too(cli, sealed):
    audit, _, seal = sealed
    other = "0" * 64
    code, lines, _ = verify(cli, audit, "--seal", other)
    assert code == 1 and len(lines) == 1 and "no close of audit" in lines[0]
    for bad in ("abc", seal[:-1] + "g", seal + "0"):
        code, lines, _ = verify(cli, audit, "--seal", bad)
        assert code == 1 and len(lines) == 1, lines
        assert "a seal is 64 hex digits" in lines[0]


def test_a_seal_of_an_audit_never_closed_does_not_match(cli, sealed):
    audit, _, seal = sealed
    other = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "T2",
                "--auditee", "A", "--json").json()["id"]
    code, lines, _ = verify(cli, other, "--seal", seal)
    assert code == 1 and lines == [
        f"auditor: seal {seal[:16]}...: no close of audit {other} in the change log has "
        "this seal: the log was rewritten before the audit was closed (or the seal is of "
        "another audit or database)"]


def test_a_broken_chain_before_the_close_cannot_confirm_the_seal(cli, sealed):
    audit, db, seal = sealed
    first = rows(db, "SELECT min(id) AS id FROM change_log")[0]["id"]
    run_sql(db, ("UPDATE change_log SET actor = 'mallory' WHERE id = ?", (first + 1,)))
    code, lines, _ = verify(cli, audit, "--seal", seal)
    assert code == 1
    assert lines[0] == (f"auditor: seal {seal[:16]}...: cannot be confirmed: the change log "
                        f"breaks at entry {first + 1}, before the close it seals (entry "
                        f"{rows(db, 'SELECT id FROM change_log WHERE hash = ?', seal)[0]['id']})")


# -- the MAC and its key ----------------------------------------------------------------


def test_every_entry_carries_a_mac_of_the_key_and_the_key_is_owner_only(cli, sealed, log_key):
    _, db, _ = sealed
    info = log_key.stat()
    assert stat.S_IMODE(info.st_mode) == 0o600
    assert re.fullmatch(r"[0-9a-f]{64}\n", log_key.read_text())
    key = the_key(log_key)
    entries = rows(db, "SELECT * FROM change_log ORDER BY id")
    assert entries
    for e in entries:
        assert e["mac"] == entry_mac(key, mac_key.key_id(key), e["prev_hash"], e["at"],
                                     e["actor"], e["audit_id"], e["entity"], e["entity_id"],
                                     e["field"], e["old"], e["new"], e["hash"])


def test_the_key_file_defaults_to_the_config_folder():
    import platformdirs

    assert key_path({"AUDITOR_KEY_FILE": "/k/x.key", "AUDITOR_HOME": "/h"}) == Path("/k/x.key")
    assert key_path({"AUDITOR_HOME": "/h"}) == Path("/h/log.key")
    assert key_path({}) == Path(platformdirs.user_config_dir("auditor", appauthor=False),
                                "log.key")
    assert key_path({}).parent == config.config_dir({})


def test_a_link_at_the_key_path_is_never_followed(store, mini_checklist, tmp_path,
                                                  monkeypatch):
    target = tmp_path / "planted"
    link = tmp_path / "keys" / "log.key"
    link.parent.mkdir()
    link.symlink_to(target)
    monkeypatch.setenv("AUDITOR_KEY_FILE", str(link))
    with pytest.raises(KeyProblem, match="is a link"):
        store.create_audit(mini_checklist, title="T", auditee="A")
    assert not target.exists()
    assert store.audits() == []  # nothing written
    target.write_text("0" * 64 + "\n")
    target.chmod(0o600)
    with pytest.raises(KeyProblem, match="is a link"):
        store.create_audit(mini_checklist, title="T", auditee="A")


def test_a_key_others_may_read_is_refused_with_the_way_out(store, mini_checklist, log_key):
    log_key.write_text("ab" * 32 + "\n")
    log_key.chmod(0o644)
    with pytest.raises(KeyProblem) as refused:
        store.create_audit(mini_checklist, title="T", auditee="A")
    assert str(refused.value) == (f"{log_key}: the change-log key may be read by others "
                                  f"(mode 644); make it owner-only: chmod 600 {log_key}")
    assert store.audits() == []


def test_a_key_that_cannot_be_created_refuses_the_write(store, mini_checklist, tmp_path,
                                                        monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setenv("AUDITOR_KEY_FILE", str(locked / "log.key"))
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who may write anywhere")
        with pytest.raises(AuditorError, match="cannot create the change-log key"):
            store.create_audit(mini_checklist, title="T", auditee="A")
        assert store.audits() == []
    finally:
        locked.chmod(0o700)


def test_entries_from_before_macs_are_counted_not_failed(cli, sealed, log_key):
    """As in a database upgraded from schema 0002: its old entries have no MAC, and the
    mark says after which entry MACs began."""
    audit, db, seal = sealed
    first = rows(db, "SELECT min(id) AS id FROM change_log")[0]["id"]
    fourth = rows(db, "SELECT hash FROM change_log WHERE id = ?", first + 3)[0]["hash"]
    key = the_key(log_key)
    run_sql(db, ("UPDATE change_log SET mac = NULL WHERE id <= ?", (first + 3,)),
            ("UPDATE log_anchor SET macs_after = ?, mac = ?",
             (fourth, anchor_mac(key, mac_key.key_id(key), fourth))))
    code, lines, out = verify(cli, audit, "--seal", seal)
    assert (code, lines) == (0, [])
    assert "4 entries from before MACs were kept" in out
    assert cli("audits", "verify", audit, "--json").json()["before_macs"] == 4
    # An entry without a MAC after the mark is not from before: it fails.
    run_sql(db, ("UPDATE change_log SET mac = NULL WHERE id = ?", (first + 6,)))
    code, lines, _ = verify(cli, audit)
    assert code == 1 and lines == [
        f"auditor: change log entries {first + 6}: no MAC, though MACs were kept when they "
        "were written: written or rewritten without the key"]


@pytest.mark.parametrize("change", [
    "DELETE FROM log_anchor",
    "UPDATE log_anchor SET macs_after = (SELECT max(hash) FROM change_log)",
    "UPDATE log_anchor SET macs_after = 'f00d'",
])
def test_the_mark_of_where_macs_began_cannot_be_moved_or_removed(cli, sealed, change):
    """Stripping every MAC would make a rewritten log look like one from before MACs, but
    for the mark (MAC'd) of where they began."""
    audit, db, _ = sealed
    run_sql(db, ("UPDATE change_log SET mac = NULL", ()), (change, ()))
    code, lines, _ = verify(cli, audit)
    assert code == 1
    assert lines[0].startswith("auditor: the mark of where MACs began ") or \
        lines[0].startswith("auditor: the entry after which MACs began"), lines


def test_on_a_machine_without_the_key_verify_says_so(cli, sealed, monkeypatch, tmp_path):
    audit, db, seal = sealed
    total = rows(db, "SELECT count(*) AS n FROM change_log")[0]["n"]
    missing = tmp_path / "other-machine" / "log.key"
    monkeypatch.setenv("AUDITOR_KEY_FILE", str(missing))
    code, lines, out = verify(cli, audit, "--seal", seal)
    assert code == 1 and len(lines) == 1, lines
    assert lines[0].startswith(f"auditor: the change-log key is missing ({missing}): "
                               f"{total} change log entries (")
    assert "copy that key file from the machine that wrote them" in lines[0]
    assert not missing.exists()  # verify only reads
    assert "Traceback" not in out


def test_with_another_key_verify_names_both_keys(cli, sealed, monkeypatch, tmp_path, log_key):
    audit, db, _ = sealed
    other = tmp_path / "other-machine" / "log.key"
    monkeypatch.setenv("AUDITOR_KEY_FILE", str(other))
    # This machine writes with its own key from now on.
    assert cli("audits", "new", "--checklist", "iso9001-2015", "--title", "T2",
               "--auditee", "A").code == 0
    ours = mac_key.key_id(the_key(other))
    theirs = mac_key.key_id(the_key(log_key))
    code, lines, _ = verify(cli, audit)
    assert code == 1 and len(lines) == 1, lines
    assert f"carry a MAC of key '{theirs}', not of this key '{ours}' ({other})" in lines[0]
    assert "point AUDITOR_KEY_FILE at the key that wrote them" in lines[0]
    monkeypatch.setenv("AUDITOR_KEY_FILE", str(log_key))
    code, lines, _ = verify(cli, audit)
    assert code == 1 and f"of key '{ours}', not of this key '{theirs}'" in lines[0]


def test_a_damaged_key_file_is_one_line_in_verify(cli, sealed, log_key):
    audit, _, _ = sealed
    log_key.write_text("not a key\n")
    code, lines, _ = verify(cli, audit)
    assert code == 1 and lines == [
        f"auditor: {log_key}: not a change-log key (64 hex digits expected): the change "
        "log's MACs were not checked"]


def test_verify_json_reports_the_seal_and_the_macs(cli, sealed):
    audit, db, seal = sealed
    total = rows(db, "SELECT count(*) AS n FROM change_log")[0]["n"]
    report = json.loads(cli("audits", "verify", audit, "--seal", seal, "--json").out)
    assert report["problems"] == [] and report["before_macs"] == 0
    assert report["macs"] == total
    assert report["seal"]["latest"] is True and report["seal"]["entry"] >= 1


def test_the_workbook_summary_carries_the_seal(cli, sealed, tmp_path):
    from openpyxl import load_workbook

    audit, _, seal = sealed
    out = tmp_path / "ncr.xlsx"
    assert cli("export", audit, "-o", out).code == 0
    summary = load_workbook(out)["Summary"]
    facts = {r[0]: r[1] for r in summary.iter_rows(min_col=1, max_col=2, values_only=True)}
    assert facts["Seal"] == seal
