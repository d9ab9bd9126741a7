"""`auditor backup` and `auditor restore` on a team's server: pg_dump's custom format,
checked before anything is replaced, the database as it was dumped first."""

from __future__ import annotations

import stat

import pytest

from auditor.domain.store import Store


@pytest.fixture
def server(pg_url, tmp_path, monkeypatch, mini_checklist):
    share = tmp_path / "team-evidence"
    share.mkdir()
    monkeypatch.setenv("AUDITOR_EVIDENCE", str(share))
    store = Store.open(pg_url, share, "Lea")
    try:
        first = store.create_audit(mini_checklist, title="Kept [b]", auditee="Acme").id
        store.record_result(first, "4.1", "conform", note="seen\x1b[2J")
    finally:
        store.close()
    return pg_url, share, first


def titles(url, share) -> list[str]:
    store = Store.open(url, share, "checker")
    try:
        return sorted(a.title for a in store.audits())
    finally:
        store.close()


def test_backup_then_restore_puts_the_server_back_and_keeps_what_was(cli, server, tmp_path,
                                                                     mini_checklist):
    url, share, first = server
    target = tmp_path / "backups" / "team.dump"
    done = cli("--db", url, "backup", "-o", target)
    assert done.code == 0, done.err
    assert target.read_bytes()[:5] == b"PGDMP"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert cli("--db", url, "backup", "-o", target).code == 1  # never over a file
    store = Store.open(url, share, "Lea")
    try:
        store.create_audit(mini_checklist, title="Made after the backup", auditee="B")
    finally:
        store.close()
    done = cli("--db", url, "restore", target)
    assert done.code == 0, done.err
    assert titles(url, share) == ["Kept [b]"]
    kept = list(target.parent.glob("before-restore-*.dump"))
    assert len(kept) == 1 and kept[0].read_bytes()[:5] == b"PGDMP"
    assert cli("--db", url, "audits", "verify", str(first)).code == 0
    store = Store.open(url, share, "Lea")
    try:  # the ids go on after the restored ones
        store.record_result(first, "4.2", "na")
        assert store.verify_trail() is None
    finally:
        store.close()


@pytest.mark.parametrize("content", [b"SQLite format 3\x00" + b"\x00" * 100,
                                     b"PGDMP not really an archive", b"=cmd|' /C calc'!A0"])
def test_a_file_that_is_not_an_auditor_archive_changes_nothing(cli, server, tmp_path,
                                                              content):
    url, share, _ = server
    bad = tmp_path / "bad.dump"
    bad.write_bytes(content)
    done = cli("--db", url, "restore", bad)
    assert done.code == 1 and len(done.err.strip().splitlines()) == 1
    assert "Traceback" not in done.err
    assert titles(url, share) == ["Kept [b]"]
    assert not list(tmp_path.glob("before-restore-*"))


def test_without_pg_dump_on_path_one_clear_line(cli, server, tmp_path, monkeypatch):
    url = server[0]
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    done = cli("--db", url, "backup", "-o", tmp_path / "x.dump")
    assert done.code == 1
    assert "needs pg_dump, which is not on PATH" in done.err
    assert not (tmp_path / "x.dump").exists()
