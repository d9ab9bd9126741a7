"""`auditor db grant ROLE --as lead|auditor|viewer`: what each role can and cannot do,
shown by connecting as that role with plain SQL (psycopg), as a person with their own
SQL client would; and the change log records the role that wrote each entry."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy.engine import make_url
from store_support import FIXED_NOW

from auditor.domain.errors import AuditorError
from auditor.domain.store import Store

ROLES = {"vera_viewer": "viewer", "ann_auditor": "auditor", "lea_lead": "lead"}


def as_role(url: str, role: str) -> psycopg.Connection:
    plain = make_url(url).set(drivername="postgresql", username=role)
    return psycopg.connect(plain.render_as_string(hide_password=False), autocommit=True)


def role_url(url: str, role: str) -> str:
    return make_url(url).set(username=role).render_as_string(hide_password=False)


def refused(conn: psycopg.Connection, statement: str, *params) -> str:
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as caught:
        conn.execute(statement, params or None)
    return str(caught.value)


@pytest.fixture
def team(pg_url, cli, tmp_path, monkeypatch, mini_checklist):
    """The lead's database with one closed and one open audit, and the three roles."""
    evidence = tmp_path / "team-evidence"
    evidence.mkdir()
    monkeypatch.setenv("AUDITOR_EVIDENCE", str(evidence))
    for role, level in ROLES.items():
        done = cli("--db", pg_url, "db", "grant", role, "--as", level)
        assert done.code == 0, done.err
        assert f"granted {level}" in done.out
    store = Store.open(pg_url, evidence, "Lea Lead", clock=lambda: FIXED_NOW)
    try:
        closed = store.create_audit(mini_checklist, title="Closed", auditee="Acme").id
        store.record_result(closed, "4.1", "conform")
        store.close_audit(closed, conclusion="Effective")
        open_ = store.create_audit(mini_checklist, title="Open", auditee="Acme").id
        store.record_result(open_, "4.1", "conform")
    finally:
        store.close()
    return pg_url, evidence, closed, open_


def test_a_viewer_reads_everything_and_writes_nothing(team):
    url, _, closed, open_ = team
    with as_role(url, "vera_viewer") as conn:
        assert conn.execute("SELECT count(*) FROM audit").fetchone()[0] == 2
        assert conn.execute("SELECT count(*) FROM change_log").fetchone()[0] > 0
        refused(conn, "UPDATE item_result SET notes = 'x' WHERE audit_id = %s", open_)
        refused(conn, "INSERT INTO change_log (at, actor, entity, entity_id, field, prev_hash,"
                      " hash) VALUES ('t', 'vera', 'audit', '1', 'note', '', '')")
        refused(conn, "DELETE FROM finding")
        refused(conn, "UPDATE audit SET title = 'mine' WHERE id = %s", open_)


def test_an_auditor_records_but_never_alters_the_log_nor_reopens_or_deletes(team):
    url, _, closed, open_ = team
    with as_role(url, "ann_auditor") as conn:
        conn.execute("UPDATE item_result SET notes = 'seen' WHERE audit_id = %s", (open_,))
        # An entry claiming another role is recorded under the role that wrote it.
        row = conn.execute(
            "INSERT INTO change_log (at, actor, entity, entity_id, field, prev_hash, hash, "
            "db_role) VALUES ('t', 'Lea Lead', 'audit', '1', 'note', '', '', 'lea_lead') "
            "RETURNING db_role").fetchone()
        assert row[0] == "ann_auditor"
        refused(conn, "UPDATE change_log SET new = 'forged'")
        refused(conn, "DELETE FROM change_log")
        refused(conn, "DELETE FROM log_anchor")
        assert "only a lead may reopen" in refused(
            conn, "UPDATE audit SET status = 'in_progress' WHERE id = %s", closed)
        assert "only a lead may delete" in refused(conn, "DELETE FROM audit WHERE id = %s",
                                                   open_)
        refused(conn, "UPDATE alembic_version SET version_num = '9999'")


def test_a_lead_reopens_and_deletes_but_cannot_alter_the_log_either(team):
    url, _, closed, open_ = team
    with as_role(url, "lea_lead") as conn:
        conn.execute("UPDATE audit SET status = 'in_progress' WHERE id = %s", (closed,))
        refused(conn, "UPDATE change_log SET actor = 'someone else'")
        refused(conn, "DELETE FROM change_log")


def test_through_the_app_each_entry_names_its_role_and_a_refusal_is_one_line(team):
    url, evidence, closed, open_ = team
    ann = Store.open(role_url(url, "ann_auditor"), evidence, "Ann Auditor")
    try:
        ann.record_result(open_, "4.2", "na")
        with pytest.raises(AuditorError) as no:
            ann.reopen_audit(closed, "more evidence came")
        assert "only a lead may reopen" in str(no.value) and "\n" not in str(no.value)
        assert ann.audit(closed).status == "closed"
    finally:
        ann.close()
    lea = Store.open(role_url(url, "lea_lead"), evidence, "Lea Lead")
    try:
        lea.reopen_audit(closed, "more evidence came")
        lea.delete_audit(open_)
        assert lea.verify_audit(closed)["problems"] == []
    finally:
        lea.close()
    with as_role(url, "vera_viewer") as conn:
        roles = dict(conn.execute(
            "SELECT field, db_role FROM change_log WHERE entity_id IN ('4.2', %s) "
            "ORDER BY id", (str(closed),)).fetchall())
    assert roles["result"] == "ann_auditor" and roles["reopen_reason"] == "lea_lead"


def test_granting_again_moves_a_role_to_exactly_one_level(team, cli):
    url = team[0]
    assert cli("--db", url, "db", "grant", "ann_auditor", "--as", "viewer").code == 0
    with as_role(url, "ann_auditor") as conn:
        refused(conn, "UPDATE item_result SET notes = 'x'")


@pytest.mark.parametrize("name", ['x"; DROP TABLE audit; --', "Dana", "pg_monitor",
                                  "auditor_lead", "a\x1b[2Jb"])
def test_a_role_name_that_is_not_a_plain_login_is_refused_with_one_line(cli, pg_url, name):
    done = cli("--db", pg_url, "db", "grant", name, "--as", "viewer")
    assert done.code == 1 and len(done.err.strip().splitlines()) == 1
    assert "lower-case letters" in done.err and "\x1b" not in done.err


def test_grant_on_a_database_file_says_it_has_no_roles(cli):
    done = cli("db", "grant", "dana", "--as", "viewer")
    assert done.code == 1 and "file permissions" in done.err
