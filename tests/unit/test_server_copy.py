"""`auditor db copy --to URL|--from URL`: a laptop's database moved to the team's server
and back, every audit with its change log (the chain and the seals verify on the target),
snapshots and evidence; a target holding audits refused unless --merge-new."""

from __future__ import annotations

import pytest
from store_support import FIXED_NOW

from auditor.domain.store import Store


@pytest.fixture
def laptop(tmp_path, mini_checklist):
    """A laptop's file: a closed audit with a seal, an open one with evidence and a
    hostile note."""
    db = tmp_path / "laptop" / "auditor.db"
    store = Store.open(f"sqlite:///{db}", db.parent / "evidence", "Dana",
                       clock=lambda: FIXED_NOW)
    try:
        closed = store.create_audit(mini_checklist, title="Closed [b]x", auditee="Acme").id
        store.record_result(closed, "4.1", "minor", statement="No review\x1b[2J record")
        seal = store.close_audit(closed, conclusion="Effective").seal
        open_ = store.create_audit(mini_checklist, title="Open", auditee="Acme").id
        minutes = tmp_path / "minutes.txt"
        minutes.write_text("management review minutes")
        store.record_result(open_, "4.2", "conform", note="=HYPERLINK(\"x\")",
                            files=[minutes])
        uuids = {a.uuid for a in store.audits()}
    finally:
        store.close()
    return db, seal, uuids


@pytest.fixture
def share(tmp_path, monkeypatch):
    folder = tmp_path / "team-evidence"
    folder.mkdir()
    return folder


def test_a_laptop_database_goes_to_the_server_whole(cli, laptop, pg_url, share, tmp_path):
    db, seal, uuids = laptop
    done = cli("--db", db, "db", "copy", "--to", pg_url, "--evidence", share)
    assert done.code == 0, done.err
    assert "copied 2 audit(s)" in done.out and "verifies on the target" in done.out
    server = Store.open(pg_url, share, "checker")
    try:
        assert {a.uuid for a in server.audits()} == uuids
        closed = next(a for a in server.audits() if a.status == "closed")
        assert closed.seal == seal
        assert server.verify_audit(closed.id, seal=seal)["problems"] == []
        assert len(list(share.iterdir())) == 1  # the evidence file, by its SHA-256
        assert server.findings(closed.id)[0].statement == "No review\x1b[2J record"
        # the next write goes on from the copied ids and chain
        opened = next(a for a in server.audits() if a.status != "closed")
        server.record_result(opened.id, "4.1", "conform")
        assert server.verify_trail() is None
        assert server.checklist(opened.id).item("4.1") is not None
    finally:
        server.close()


def test_a_target_holding_audits_is_refused_unless_merge_new(cli, laptop, pg_url, share,
                                                             tmp_path, mini_checklist):
    db, _, uuids = laptop
    server = Store.open(pg_url, share, "Lea")
    try:
        theirs = server.create_audit(mini_checklist, title="Server's own", auditee="B").uuid
    finally:
        server.close()
    done = cli("--db", db, "db", "copy", "--to", pg_url, "--evidence", share)
    assert done.code == 1 and "--merge-new" in done.err
    assert len(done.err.strip().splitlines()) == 1
    done = cli("--db", db, "db", "copy", "--to", pg_url, "--evidence", share, "--merge-new")
    assert done.code == 0, done.err
    again = cli("--db", db, "db", "copy", "--to", pg_url, "--evidence", share, "--merge-new")
    assert again.code == 0 and "copied 0 audit(s)" in again.out
    server = Store.open(pg_url, share, "checker")
    try:
        assert {a.uuid for a in server.audits()} == uuids | {theirs}
        for audit in server.audits():
            assert server.verify_audit(audit.id)["problems"] == []
    finally:
        server.close()


def test_the_server_comes_back_to_a_new_file(cli, laptop, pg_url, share, tmp_path):
    db, seal, uuids = laptop
    assert cli("--db", db, "db", "copy", "--to", pg_url, "--evidence", share).code == 0
    back = tmp_path / "back" / "auditor.db"
    done = cli("--db", back, "db", "copy", "--from", pg_url, "--evidence", share)
    assert done.code == 0, done.err
    store = Store.open(f"sqlite:///{back}", back.parent / "evidence", "checker")
    try:
        assert {a.uuid for a in store.audits()} == uuids
        for audit in store.audits():
            assert store.verify_audit(audit.id)["problems"] == []
    finally:
        store.close()


def test_a_server_target_needs_its_evidence_folder_named(cli, laptop, pg_url):
    done = cli("--db", laptop[0], "db", "copy", "--to", pg_url)
    assert done.code == 1 and "--evidence DIR" in done.err
