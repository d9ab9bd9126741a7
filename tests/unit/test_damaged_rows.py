"""Rows edited with plain sqlite3 (outside auditor) never give a traceback: every command
that reads them exits 1 with one line naming the table, row and column and saying what to
do, or succeeds where the damage is harmless."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

AUDITEE = "Brightwater Software Ltd"  # the demo's company
READERS = [
    ["audits", "list"], ["audits", "list", "--json"], ["audits", "show", "1"],
    ["audits", "show", "2", "--json"], ["audits", "verify", "1"], ["compare", "1", "2"],
    ["programme", AUDITEE], ["export", "2", "-o", "{tmp}/nc.xlsx"],
]
# Each damage, and the table and column the message must name when a command refuses
# (None: the damage is harmless, every reader succeeds).
DAMAGES = {
    "garbage created_at": ("UPDATE audit SET created_at = 'garbage' WHERE id = 1",
                           "audit 1, column created_at"),
    "garbage date": ("UPDATE audit SET planned_start = '2025-13-45' WHERE id = 2",
                     "audit 2, column planned_start"),
    "number in a timestamp": ("UPDATE item_result SET updated_at = 12345 "
                              "WHERE id = (SELECT min(id) FROM item_result)",
                              "column updated_at"),
    "text in a number": ("UPDATE audit SET snapshot_id = 'abc' WHERE id = 2",
                         "audit 2, column snapshot_id"),
    # Harmless to every reader: shown as stored (an empty title, the status 'bogus').
    "NULL in a required text": ("UPDATE audit SET title = NULL WHERE id = 2", None),
    "unknown audit status": ("UPDATE audit SET status = 'bogus' WHERE id = 2", None),
    "unknown result": ("UPDATE item_result SET result = 'bogus' "
                       "WHERE id = (SELECT min(id) FROM item_result)", "column result"),
    "unknown finding status": ("UPDATE finding SET status = 'bogus' "
                               "WHERE id = (SELECT min(id) FROM finding)", "column status"),
}


def run(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "auditor", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    done = run(db, "demo", "--no-tui")
    assert done.returncode == 0, done.stderr
    return db


def damaged(demo_db: Path, tmp_path: Path, sql: str) -> Path:
    db = tmp_path / "edited.db"
    shutil.copy(demo_db, db)
    with closing(sqlite3.connect(db)) as conn:
        # NULL into a NOT NULL column: only a schema edited by hand lets that in.
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("UPDATE sqlite_master SET sql = replace(sql, "
                     "'title VARCHAR NOT NULL', 'title VARCHAR') WHERE name = 'audit'")
        conn.commit()
    with closing(sqlite3.connect(db)) as conn:
        conn.execute(sql)
        conn.commit()
    return db


@pytest.mark.parametrize("damage", DAMAGES)
def test_every_reading_command_gives_one_line_and_no_traceback(demo_db, tmp_path, damage):
    sql, named = DAMAGES[damage]
    db = damaged(demo_db, tmp_path, sql)
    refused = 0
    for args in READERS:
        done = run(db, *(a.format(tmp=tmp_path) for a in args))
        what = f"{damage}: auditor {' '.join(args)}"
        assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, \
            f"{what}\n{done.stderr}"
        assert done.returncode in (0, 1), f"{what}: exit {done.returncode}"
        if done.returncode == 1:
            refused += 1
            lines = done.stderr.splitlines()
            assert len(lines) == 1, f"{what}\n{done.stderr}"
            if "damaged row" in lines[0]:
                assert named and named in lines[0] and "auditor restore" in lines[0], \
                    lines[0]
    if named is None:
        assert not refused, f"{damage}: harmless, yet {refused} commands refused"
    else:
        assert refused, f"{damage}: no command noticed the damage"


def test_a_garbage_created_at_names_its_row_for_every_command(demo_db, tmp_path):
    db = damaged(demo_db, tmp_path, DAMAGES["garbage created_at"][0])
    for args in (["audits", "list"], ["audits", "show", "1"], ["audits", "list", "--json"]):
        done = run(db, *args)
        assert done.returncode == 1
        assert done.stderr == ("auditor: the database has a damaged row: audit 1, column "
                               "created_at: 'garbage' is not a date and time (it was "
                               "changed outside auditor); restore a backup: auditor "
                               "restore FILE\n")


def test_a_title_that_is_not_utf8_is_refused_in_one_line(demo_db, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(demo_db, db)
    before = run(db, "audits", "list", "--json").stdout
    title = b"Q3 \xff audit".decode("utf-8", "surrogateescape")  # as argv brings it in
    done = run(db, "audits", "new", "--checklist", "iso9001-2015", "--title", title,
               "--auditee", "Acme")
    assert done.returncode == 1
    assert done.stderr.startswith("auditor: text ") and "not valid UTF-8" in done.stderr
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert run(db, "audits", "list", "--json").stdout == before  # nothing was added
