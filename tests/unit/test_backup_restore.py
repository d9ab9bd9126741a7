"""`auditor backup` while another process writes; `auditor restore` checks a backup before
replacing anything, and a bad backup leaves the database exactly as it was (bytes and
modification time); a database that no longer opens can still be restored.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "crash"))
import crash_harness as h

BACKUPS_WHILE_WRITING = 4


@pytest.fixture
def auditor(cli):
    """`auditor --db DB ...`, run in this process (the writer is the other process)."""

    def run(db: Path, *args):
        return cli("--db", db, *args)

    return run


def state(db: Path) -> tuple:
    """What must not change: the bytes and modification time of the database and of every
    file beside it, and the names of the files beside it."""
    files = sorted(p for p in db.parent.iterdir() if p.name.startswith(db.name))
    return tuple((p.name, p.read_bytes(), p.stat().st_mtime_ns) for p in files)


def audit_content(db: Path) -> list:
    conn = sqlite3.connect(db)
    try:
        return [conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("audit", "item_result", "finding", "evidence", "change_log")]
    finally:
        conn.close()


def test_backup_while_a_writer_runs_is_consistent_and_complete(tmp_path, capsys, auditor):
    """Backups taken through the real command line while `driver.py` commits changes:
    each one passes the integrity check, opens, verifies (chain, files and records agree,
    so no transaction was copied half-way), and holds every change acknowledged before
    the backup began."""
    db = tmp_path / "live.db"
    writer = h.spawn(h.driver_args(db, tmp_path / "evidence", 7, "--ops", "100000"))
    lines: list[str] = []
    try:
        import threading

        pump = threading.Thread(target=lambda: lines.extend(
            line.rstrip("\n") for line in writer.stdout), daemon=True)
        pump.start()
        while sum(1 for line in lines if line.startswith("ACK")) < 20:
            assert writer.poll() is None, writer.stderr.read()
            time.sleep(0.05)
        checked = []
        acks_at_first = sum(1 for line in lines if line.startswith("ACK"))
        for n in range(BACKUPS_WHILE_WRITING):
            acked_before = h.Run(list(lines), 0, False)
            copy = tmp_path / f"copy-{n}.db"
            done = auditor(db, "backup", "-o", copy)
            assert done.code == 0, done.err
            assert writer.poll() is None, "the writer stopped while the backup ran"
            assert h.integrity(copy) == "ok"
            ledger = h.Ledger()
            ledger.take(acked_before)
            from auditor.domain.store import Store

            store = Store.open(f"sqlite:///{copy}", tmp_path / "evidence", "checker")
            try:
                checked.append(ledger.check_logged(store))
                for a in store.audits():
                    assert store.verify_audit(a.id)["problems"] == []
            finally:
                store.close()
    finally:
        writer.kill()
        writer.wait()
    meanwhile = sum(1 for line in lines if line.startswith("ACK")) - acks_at_first
    with capsys.disabled():
        print(f"\nbackup while writing: {BACKUPS_WHILE_WRITING} backups, {meanwhile} writer "
              f"commits meanwhile, {sum(checked)} acknowledged values found in the copies")
    assert all(checked) and meanwhile > 0


@pytest.fixture
def live(tmp_path, auditor):
    """A database with an audit, recorded through the command line; and a good backup."""
    db = tmp_path / "live.db"
    new = auditor(db, "audits", "new", "--checklist", "iso9001-2015", "--title", "T",
                  "--auditee", "A")
    assert new.code == 0, new.err
    auditor(db, "record", "1", "4.1", "--result", "minor", "--statement", "No plan")
    good = tmp_path / "good.bak"
    assert auditor(db, "backup", "-o", good).code == 0
    auditor(db, "record", "1", "4.2", "--result", "conform")
    return db, good


def bad_backups(tmp_path: Path, good: Path) -> dict[str, Path]:
    out = {}
    out["text"] = tmp_path / "notes.txt"
    out["text"].write_text("not a backup\n")
    out["empty"] = tmp_path / "empty.db"
    out["empty"].write_bytes(b"")
    out["truncated"] = tmp_path / "truncated.db"
    out["truncated"].write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    out["damaged"] = tmp_path / "damaged.db"
    data = bytearray(good.read_bytes())
    page = 4096
    for offset in range(2 * page + 8, len(data) - page, 3 * page):
        data[offset:offset + 64] = os.urandom(64)
    out["damaged"].write_bytes(bytes(data))
    out["foreign"] = tmp_path / "foreign.db"
    with sqlite3.connect(out["foreign"]) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    out["newer"] = tmp_path / "newer.db"
    out["newer"].write_bytes(good.read_bytes())
    with sqlite3.connect(out["newer"]) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    # A backup that is ours but for one thing more: a trigger that rewrites every note
    # typed after the restore, a view, an index on a column nothing indexes.
    for kind, extra in (
            ("trigger", "CREATE TRIGGER redact AFTER UPDATE ON item_result BEGIN "
                        "UPDATE item_result SET notes = 'REDACTED' WHERE id = NEW.id; END"),
            ("view", "CREATE VIEW everything AS SELECT * FROM audit"),
            ("index", "CREATE INDEX ix_sneaky ON audit (title)")):
        out[kind] = tmp_path / f"{kind}.db"
        out[kind].write_bytes(good.read_bytes())
        with sqlite3.connect(out[kind]) as conn:
            conn.execute(extra)
    out["folder"] = tmp_path
    out["missing"] = tmp_path / "no-such-backup.db"
    return out


BAD = ["text", "empty", "truncated", "damaged", "foreign", "newer", "trigger", "view",
       "index", "folder", "missing", "itself"]


@pytest.mark.parametrize("kind", BAD)
def test_a_bad_backup_is_refused_and_the_database_left_untouched(live, tmp_path, kind,
                                                                 auditor):
    db, good = live
    backups = bad_backups(tmp_path, good)
    backups["itself"] = db
    before = state(db)
    time.sleep(0.01)  # a rewrite would show in the modification time
    done = auditor(db, "restore", backups[kind])
    assert done.code == 1
    assert len(done.err.splitlines()) == 1, done.err
    assert done.err.startswith("auditor: ") and "Traceback" not in done.err
    assert state(db) == before


def test_a_good_backup_replaces_the_database_and_keeps_the_old_one(live, tmp_path, auditor):
    db, good = live
    expected = audit_content(good)
    done = auditor(db, "restore", good)
    assert done.code == 0, done.err
    assert audit_content(db) == expected
    [kept] = tmp_path.glob("live.db.before-restore-*.bak")
    assert len(audit_content(kept)[1]) == 2  # both recorded items are in the kept copy
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.stat().st_mode & 0o777 == 0o600
    assert auditor(db, "audits", "verify", "1").code == 0


def test_restores_in_the_same_second_keep_every_previous_database(live, tmp_path, auditor,
                                                                   monkeypatch):
    # The copy kept before a restore was named to the second: a second restore within
    # that second overwrote it, and the original database was gone though the message
    # said it was kept. The clock is held still here, so the names would collide.
    from auditor.domain import backup as dbmod

    db, good = live
    original = audit_content(db)
    monkeypatch.setattr(dbmod, "_stamp", lambda: "20261202T101500Z")
    for _ in range(3):
        done = auditor(db, "restore", good)
        assert done.code == 0, done.err
    kept = sorted(tmp_path.glob("live.db.before-restore-*.bak"))
    assert [k.name for k in kept] == [
        "live.db.before-restore-20261202T101500Z-2.bak",
        "live.db.before-restore-20261202T101500Z-3.bak",
        "live.db.before-restore-20261202T101500Z.bak"]
    assert audit_content(tmp_path / "live.db.before-restore-20261202T101500Z.bak") == original
    assert all(k.stat().st_mode & 0o777 == 0o600 for k in kept)


def test_a_name_in_use_is_never_taken_even_through_a_link(tmp_path):
    from auditor.domain.files import unused_name

    (tmp_path / "x.bak").write_text("someone's")
    (tmp_path / "x-2.bak").symlink_to(tmp_path / "elsewhere")
    got = unused_name(tmp_path, "x", ".bak")
    assert got.name == "x-3.bak" and got.stat().st_size == 0
    assert (tmp_path / "x.bak").read_text() == "someone's"
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.parametrize("damage", ["pages", "header"])
def test_a_database_that_no_longer_opens_is_restored(live, tmp_path, damage, auditor):
    db, good = live
    data = bytearray(db.read_bytes())
    if damage == "pages":
        for offset in range(4096, len(data), 4096):
            data[offset:offset + 256] = os.urandom(256)
    else:
        data[:100] = b"this is no longer a database " * 3 + b"!"
    db.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    broken = auditor(db, "audits", "list")
    assert broken.code == 1 and len(broken.err.splitlines()) == 1, broken.err
    done = auditor(db, "restore", good)
    assert done.code == 0, done.err
    [kept] = [p for p in tmp_path.glob("live.db.unusable-*") if p.name[-4:] not in ("-wal",
                                                                              "-shm")]
    assert kept.read_bytes() == bytes(data)
    assert audit_content(db) == audit_content(good)
    assert auditor(db, "audits", "verify", "1").code == 0


def test_a_damaged_database_is_one_line_not_a_traceback(live, auditor):
    db, good = live
    data = bytearray(db.read_bytes())
    for offset in range(3 * 4096, len(data), 4096):  # the header and schema stay readable
        data[offset:offset + 512] = os.urandom(512)
    db.write_bytes(bytes(data))
    Path(f"{db}-wal").unlink(missing_ok=True)
    done = auditor(db, "audits", "show", "1", "--json")
    assert done.code == 1, done.out
    assert len(done.err.splitlines()) == 1 and "Traceback" not in done.err
    assert "damaged" in done.err or "cannot open" in done.err
