"""Owner-only files (DESIGN section 7): the database (and SQLite's files beside it), the
evidence folder and its files, and every backup copy, whatever the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from auditor.domain.db import MIGRATIONS_DIR
from auditor.domain.store import Store


def build_0001(path) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o000], ids=["umask-022", "umask-000"])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


@pytest.fixture
def opened(tmp_path, umask, mini_checklist):
    home = tmp_path / "data" / "auditor"
    store = Store.open(f"sqlite:///{home / 'auditor.db'}", home / "evidence", "tester")
    audit = store.create_audit(mini_checklist, title="T", auditee="A")
    yield store, audit, home
    store.close()


def test_the_database_and_its_wal_files_are_owner_only(opened):
    store, audit, home = opened
    store.record_result(audit.id, "4.1", "conform")
    assert mode(home / "auditor.db") == 0o600
    for extra in ("auditor.db-wal", "auditor.db-shm"):
        if (home / extra).exists():
            assert mode(home / extra) == 0o600
    assert mode(home) == 0o700


def test_an_existing_database_is_made_owner_only(tmp_path, umask):
    path = tmp_path / "shared.db"
    Store.open(f"sqlite:///{path}", tmp_path / "ev", "t").close()
    path.chmod(0o644)
    Store.open(f"sqlite:///{path}", tmp_path / "ev", "t").close()
    assert mode(path) == 0o600


def test_the_evidence_folder_and_files_are_owner_only(opened, tmp_path):
    store, audit, home = opened
    src = tmp_path / "screenshot.png"
    src.write_bytes(b"\x89PNG data")
    src.chmod(0o644)
    store.record_result(audit.id, "4.1", "conform", files=[src])
    folder = home / "evidence"
    assert mode(folder) == 0o700
    [kept] = folder.iterdir()
    assert mode(kept) == 0o600


def test_an_existing_evidence_folder_is_made_owner_only(tmp_path, umask, mini_checklist):
    folder = tmp_path / "evidence"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    store = Store.open(f"sqlite:///{tmp_path / 'a.db'}", folder, "t")
    try:
        audit = store.create_audit(mini_checklist, title="T", auditee="A")
        src = tmp_path / "x.txt"
        src.write_text("x")
        store.record_result(audit.id, "4.1", "conform", files=[src])
    finally:
        store.close()
    assert mode(folder) == 0o700


def test_backups_are_owner_only(opened, tmp_path):
    store, _audit, home = opened
    copy = store.backup(tmp_path / "copies" / "deeper" / "b.db")
    assert mode(copy) == 0o600
    # every folder made on the way is owner-only, not only the last (umask 000 gave 0777)
    assert mode(tmp_path / "copies") == mode(tmp_path / "copies" / "deeper") == 0o700
    store.restore(copy)
    [kept] = home.glob("auditor.db.before-restore-*.bak")
    assert mode(kept) == 0o600
    assert mode(home / "auditor.db") == 0o600


def test_the_backup_before_a_migration_is_owner_only(tmp_path, umask):
    path = tmp_path / "old.db"
    build_0001(path)
    path.chmod(0o644)
    Store.open(f"sqlite:///{path}", tmp_path / "ev", "t").close()
    [bak] = tmp_path.glob("old.db.pre-0001-*.bak")
    assert mode(bak) == 0o600
    assert mode(path) == 0o600


def test_the_command_lines_default_database_is_owner_only(cli, tmp_path, umask):
    r = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "T", "--auditee", "A")
    assert r.code == 0, r.err
    assert mode(tmp_path / "home") == 0o700
    assert mode(tmp_path / "home" / "auditor.db") == 0o600
    assert cli("backup", "-o", tmp_path / "b.db").code == 0
    assert mode(tmp_path / "b.db") == 0o600
    assert cli("backup").code == 0  # the default place: backups/ in the data folder
    assert mode(tmp_path / "home" / "backups") == 0o700
    [default] = (tmp_path / "home" / "backups").iterdir()
    assert mode(default) == 0o600


def test_an_exports_temporary_files_stay_in_the_data_folder(cli, tmp_path, monkeypatch):
    """openpyxl writes each sheet to a temporary file first; a killed export left the
    audit's text in the shared $TMPDIR. They go to tmp/ in the data folder (owner-only),
    and what a killed run left there more than an hour ago is swept at the next start."""
    import time

    from openpyxl.worksheet import _writer

    made: list[Path] = []
    real = _writer.create_temporary_file

    def spy(suffix=""):
        name = real(suffix)
        made.append(Path(name))
        return name

    monkeypatch.setattr(_writer, "create_temporary_file", spy)
    home = tmp_path / "home"
    stale = home / "tmp" / "openpyxl.killed.xml"
    stale.parent.mkdir(parents=True)
    stale.write_text("notes of a killed export")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    fresh = home / "tmp" / "openpyxl.running.xml"  # another process's export, running now
    fresh.write_text("")
    assert cli("audits", "new", "--checklist", "iso9001-2015", "--title", "T",
               "--auditee", "A").code == 0
    assert cli("export", "1", "-o", tmp_path / "r.xlsx").code == 0
    assert made and {p.parent for p in made} == {home / "tmp"}
    assert mode(home / "tmp") == 0o700
    assert not stale.exists() and fresh.exists()
