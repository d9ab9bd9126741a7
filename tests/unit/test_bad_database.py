"""A database auditor cannot use, given to every command that opens one: one line on
stderr, exit 1, and the file left exactly as it was (bytes, modification time, mode, and
no new file beside it).

Unreadable and read-only databases: the tests run as root in CI, and root reads and
writes a file whatever its mode, so `chmod 000` proves nothing there. As root they run
the real command line as the unprivileged user `nobody` through `setpriv` (util-linux);
as an ordinary user, chmod is enough.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "crash"))
import crash_harness as h

COMMANDS = [
    ("audits", "list"),
    ("audits", "show", "1"),
    ("audits", "verify", "1"),
    ("record", "1", "4.1", "--result", "conform", "--note", "n"),
    ("findings", "set", "NC-2026-001", "--status", "closed"),
    ("backup", "-o", "{tmp}/copy.db"),
    ("export", "1", "-o", "{tmp}/report.xlsx"),
    ("compare", "1", "2"),
]
NOBODY = 65534


def state(db: Path) -> tuple:
    beside = sorted(p.name for p in db.parent.iterdir())
    if db.is_dir():
        return beside, db.stat().st_mode
    return beside, db.read_bytes(), db.stat().st_mtime_ns, db.stat().st_mode


def good_database(path: Path) -> None:
    from auditor.domain.store import Store
    from auditor.exchange import library

    store = Store.open(f"sqlite:///{path}", path.parent / "evidence", "setup")
    try:
        audit = store.create_audit(library.find("iso9001-2015"), title="T", auditee="A").id
        store.record_result(audit, "8.3.4", "minor", statement="No review")
    finally:
        store.close()


def make(kind: str, folder: Path) -> Path:
    db = folder / "bad.db"
    if kind == "text":
        db.write_text("id,name\n1,register\n")
    elif kind == "png":
        db.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(200))
    elif kind == "xlsx":
        db.write_bytes(b"PK\x03\x04" + os.urandom(300))
    elif kind == "folder":
        db.mkdir()
    elif kind == "foreign":
        with closing(sqlite3.connect(db)) as conn:
            conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
            conn.commit()
    elif kind in ("newer-wal", "newer-delete"):
        good_database(db)
        with closing(sqlite3.connect(db)) as conn:
            conn.execute(f"PRAGMA journal_mode={kind.split('-')[1]}")
            conn.execute("UPDATE alembic_version SET version_num = '0999'")
            conn.commit()
    elif kind == "truncated":
        good_database(db)
        data = db.read_bytes()
        db.write_bytes(data[: len(data) // 2 + 100])
    elif kind == "header-only":
        db.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84)
    else:
        raise ValueError(kind)
    shutil.rmtree(folder / "evidence", ignore_errors=True)
    return db


KINDS = ["text", "png", "xlsx", "folder", "foreign", "newer-wal", "newer-delete",
         "truncated", "header-only"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_command_refuses_a_bad_database_and_leaves_it(cli, tmp_path, kind):
    folder = tmp_path / "data"
    folder.mkdir()
    db = make(kind, folder)
    before = state(db)
    time.sleep(0.01)
    for command in COMMANDS:
        args = [a.format(tmp=tmp_path) for a in command]
        r = cli("--db", db, *args)
        assert r.code == 1, (kind, args, r.out)
        lines = r.err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("auditor: "), (kind, args, r.err)
        assert "Traceback" not in r.err
        assert state(db) == before, (kind, args, "the database changed")
    assert not (tmp_path / "copy.db").exists() and not (tmp_path / "report.xlsx").exists()


def test_a_bad_database_through_the_real_process(tmp_path):
    """The same, once, through `python -m auditor` in its own process."""
    db = make("newer-delete", tmp_path)
    before = state(db)
    done = subprocess.run([h.PYTHON, "-m", "auditor", "--db", str(db), "record", "1", "4.1",
                           "--result", "conform"], capture_output=True, text=True,
                          cwd=h.ROOT, env=h.child_env(AUDITOR_HOME=str(tmp_path / "home")),
                          timeout=120)
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith(f"auditor: {db}: the database has schema 0999, newer than "
                                  "this auditor knows")
    assert done.stderr.endswith("upgrade auditor to open it\n")
    assert state(db) == before


def run_as_unprivileged(args: list[str], home: Path) -> subprocess.CompletedProcess:
    """The command line as `nobody` when we are root, else as ourselves."""
    env = h.child_env(AUDITOR_HOME=str(home), HOME=str(home))
    cmd = [h.PYTHON, "-m", "auditor", *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot act as an ordinary user")
        cmd = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=h.ROOT, env=env,
                          timeout=120)


@pytest.fixture
def open_folder():
    """A folder the unprivileged user can reach (pytest's own tmp_path is root-only)."""
    folder = Path(tempfile.mkdtemp(prefix="auditor-bad-db-"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def shared(open_folder):
    """A database in a folder the unprivileged user can enter, and a home for them."""
    folder = open_folder / "shared"
    home = open_folder / "home"
    for path in (folder, home):
        path.mkdir()
        path.chmod(0o777)
    db = folder / "audit.db"
    good_database(db)
    shutil.rmtree(folder / "evidence", ignore_errors=True)
    probe = run_as_unprivileged(["--help"], home)
    if probe.returncode != 0:
        pytest.skip(f"cannot run the command line unprivileged here: {probe.stderr[-200:]}")
    return db, home


def test_an_unreadable_database_is_one_line_and_untouched(shared):
    db, home = shared
    db.chmod(0o000)
    before = state(db)
    for command in (("audits", "list"), ("record", "1", "4.1", "--result", "conform")):
        done = run_as_unprivileged(["--db", str(db), *command], home)
        assert done.returncode == 1, done.stdout
        assert done.stderr == f"auditor: {db}: cannot read the database (Permission denied); " \
                              "check its permissions\n"
        assert state(db) == before


def test_a_database_behind_a_closed_folder_is_one_line(shared, open_folder):
    db, home = shared
    closed = open_folder / "closed"
    closed.mkdir()
    inside = closed / "audit.db"
    shutil.copy(db, inside)
    closed.chmod(0o700 if os.geteuid() == 0 else 0o000)
    try:
        done = run_as_unprivileged(["--db", str(inside), "audits", "list"], home)
    finally:
        closed.chmod(0o755)
    assert done.returncode == 1
    assert done.stderr.endswith("cannot reach the database (Permission denied); check the "
                                "permissions of its folders\n"), done.stderr


def test_a_read_only_database_is_one_line_and_untouched(shared):
    db, home = shared
    db.chmod(0o644 if os.geteuid() == 0 else 0o444)  # another user may only read it
    before = state(db)
    done = run_as_unprivileged(["--db", str(db), "record", "1", "4.1", "--result",
                                "conform"], home)
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1 and "not writable" in done.stderr, done.stderr
    assert state(db) == before


def test_a_database_in_an_unwritable_folder_is_one_line(shared, open_folder):
    db, home = shared
    locked = open_folder / "locked"
    locked.mkdir(mode=0o755)  # the owner's folder: another user may not create in it
    if os.geteuid() != 0:
        locked.chmod(0o555)
    done = run_as_unprivileged(["--db", str(locked / "new.db"), "audits", "list"], home)
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1 and "cannot create" in done.stderr, done.stderr
    assert list(locked.iterdir()) == []


def test_a_database_held_by_a_writer_is_waited_for(tmp_path):
    """Another process holds the write lock for two seconds: the command waits for its
    turn (busy timeout) and succeeds, instead of failing with "database is locked"."""
    db = tmp_path / "busy.db"
    good_database(db)
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Event()

    def release():
        time.sleep(2)
        holder.execute("COMMIT")
        holder.close()
        released.set()

    threading.Thread(target=release, daemon=True).start()
    started = time.monotonic()
    done = subprocess.run([h.PYTHON, "-m", "auditor", "--db", str(db), "record", "1", "4.1",
                           "--result", "conform"], capture_output=True, text=True,
                          cwd=h.ROOT, env=h.child_env(AUDITOR_HOME=str(tmp_path / "home")),
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert released.is_set() and time.monotonic() - started >= 2
