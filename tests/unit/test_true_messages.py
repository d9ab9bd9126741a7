"""A refusal says what is true: a pipe or a folder is not a missing file, a full disk is
not a question of permissions, a failing disk is not "try again", another application's
Alembic database is not a newer schema."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy.exc

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture
def audit(cli):
    r = cli("audits", "new", "--checklist", FIXTURES / "mini.yaml", "--title", "Q3",
            "--auditee", "Acme", "--json")
    assert r.code == 0, r.err
    return str(r.json()["id"])


def one_line(r) -> str:
    assert r.code == 1 and "Traceback" not in r.err, r.err
    lines = r.err.splitlines()
    assert len(lines) == 1, r.err
    return lines[0]


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "answers.xlsx"
    os.mkfifo(path)
    return path


def test_a_pipe_or_a_folder_is_not_called_missing(cli, audit, tmp_path, fifo):
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    for given, said in ((fifo, "is not a regular file"), (folder, "is a folder")):
        line = one_line(cli("record", audit, "4.1", "--result", "conform",
                            "--evidence-file", given))
        assert said in line and "no such file" not in line, line
        r = cli("followup", "import", audit, given)
        assert r.code == 1 and said in r.err and "no such file" not in r.err, r.err


def test_a_pipe_given_as_a_checklist_is_refused_not_waited_on(tmp_path, fifo):
    # Reading a FIFO waits for a writer for ever: before, `checklists validate` hung.
    done = subprocess.run([sys.executable, "-m", "auditor", "checklists", "validate",
                           str(fifo)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "is not a regular file" in done.stdout + done.stderr


def full_disk(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_is_not_a_question_of_permissions(cli, audit, tmp_path, monkeypatch):
    proof = tmp_path / "proof.txt"
    proof.write_text("sampled")
    from pathlib import Path as P

    real_open = P.open

    def open_full(self, mode="r", *args, **kwargs):  # the evidence copy's write
        if "w" in mode and self.name.startswith(".incoming"):
            full_disk()
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(P, "open", open_full)
    line = one_line(cli("record", audit, "4.1", "--result", "conform",
                        "--evidence-file", proof))
    assert "disk is full" in line and "permission" not in line, line
    monkeypatch.setattr(P, "open", real_open)

    from openpyxl import Workbook

    monkeypatch.setattr(Workbook, "save", full_disk)
    line = one_line(cli("export", audit, "-o", tmp_path / "nc.xlsx"))
    assert "disk is full" in line and "permission" not in line, line


@pytest.mark.parametrize(("driver_says", "advice", "not_said"), [
    ("database or disk is full", "free some space", "permission"),
    ("disk I/O error", "auditor restore FILE", "try again"),
    ("database is locked", "try again", "restore"),
])
def test_a_failing_database_gets_the_advice_that_fits(cli, audit, monkeypatch,
                                                      driver_says, advice, not_said):
    from auditor.domain.audits import AuditRegister

    def failing(*_args, **_kwargs):
        raise sqlalchemy.exc.OperationalError("SELECT", {}, sqlite3.OperationalError(
            driver_says))

    monkeypatch.setattr(AuditRegister, "audit_summaries", failing)
    line = one_line(cli("audits", "list"))
    assert driver_says in line and advice in line and not_said not in line, line


def test_another_applications_alembic_database_is_not_a_newer_schema(cli, tmp_path):
    db = tmp_path / "other.db"
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES ('3f2a9c1b7d4e')")
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")
        conn.commit()
    before = db.read_bytes()
    line = one_line(cli("--db", db, "audits", "list"))
    assert "none of auditor's" in line and "newer" not in line, line
    assert db.read_bytes() == before  # refused without a write
