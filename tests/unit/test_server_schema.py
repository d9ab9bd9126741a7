"""A team's PostgreSQL server: its schema is changed only by `auditor db upgrade`, a client
of another schema refuses with one line, and no password is ever shown."""

from __future__ import annotations

import sys

import pytest
from sqlalchemy.engine import make_url
from store_support import pg_admin

from auditor.domain.db import SCHEMA_HEAD
from auditor.domain.errors import DatabaseProblem
from auditor.domain.store import Store


@pytest.fixture(autouse=True)
def shared_evidence(tmp_path, monkeypatch):
    folder = tmp_path / "team-evidence"
    folder.mkdir()
    monkeypatch.setenv("AUDITOR_EVIDENCE", str(folder))
    return folder


@pytest.fixture
def empty_db(pg_server):
    """A database on the server with no schema yet, as a team's DBA hands it over."""
    with pg_admin(pg_server) as conn:
        conn.execute("DROP DATABASE IF EXISTS team_empty WITH (FORCE)")
        conn.execute("CREATE DATABASE team_empty")
    yield make_url(pg_server).set(database="team_empty").render_as_string(hide_password=False)
    with pg_admin(pg_server) as conn:
        conn.execute("DROP DATABASE IF EXISTS team_empty WITH (FORCE)")


def test_a_client_never_migrates_the_server_and_db_upgrade_does(cli, empty_db, tmp_path):
    refused = cli("--db", empty_db, "audits", "list")
    assert refused.code == 1
    assert "no auditor schema yet; run `auditor db upgrade`" in refused.err
    assert len(refused.err.strip().splitlines()) == 1
    done = cli("--db", empty_db, "db", "upgrade")
    assert done.code == 0, done.err
    assert f"schema none -> {SCHEMA_HEAD}" in done.out
    again = cli("--db", empty_db, "db", "upgrade")
    assert again.code == 0 and "nothing to do" in again.out
    assert cli("--db", empty_db, "audits", "list").code == 0


@pytest.mark.parametrize("revision,says", [
    ("0003", "older than this auditor's"), ("9999", "newer than this auditor knows")])
def test_a_client_of_another_schema_refuses_with_what_to_do(pg_url, tmp_path, revision,
                                                            says):
    database = make_url(pg_url).database
    with pg_admin(pg_url, database) as conn:
        conn.execute("UPDATE alembic_version SET version_num = %s", (revision,))
    with pytest.raises(DatabaseProblem) as refused:
        Store.open(pg_url, tmp_path / "evidence", "tester")
    text = str(refused.value)
    assert says in text and revision in text and "\n" not in text
    assert ("db upgrade" in text) == (revision == "0003")
    assert ("install the auditor release" in text)


def test_db_upgrade_refuses_a_newer_server_and_changes_nothing(cli, pg_url):
    database = make_url(pg_url).database
    with pg_admin(pg_url, database) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    done = cli("--db", pg_url, "db", "upgrade")
    assert done.code == 1 and "newer than this auditor knows" in done.err
    with pg_admin(pg_url, database) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9999"


def test_the_password_is_never_shown(cli, pg_server):
    url = make_url(pg_server).set(password="s3cret-Pa55", database="no_such_database")
    done = cli("--db", url.render_as_string(hide_password=False), "audits", "list")
    assert done.code == 1
    assert "s3cret-Pa55" not in done.err + done.out
    assert "cannot open the database" in done.err and "***" in done.err


def test_a_missing_driver_is_one_line_with_the_install(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import fails as if not installed
    done = cli("--db", "postgresql+psycopg://team@db.example/audits", "audits", "list")
    assert done.code == 1
    assert "pip install 'auditor[postgres]'" in done.err
    assert len(done.err.strip().splitlines()) == 1


def test_a_hostile_database_name_is_shown_as_text(cli, pg_server):
    url = make_url(pg_server).set(database="x\x1b]0;pwned\x07")
    done = cli("--db", url.render_as_string(hide_password=False), "audits", "list")
    assert done.code == 1
    assert "\x1b" not in done.err and "\x07" not in done.err


def test_a_server_needs_the_shared_evidence_folder_named(cli, pg_url, monkeypatch, tmp_path):
    monkeypatch.delenv("AUDITOR_EVIDENCE")
    done = cli("--db", pg_url, "audits", "list")
    assert done.code == 1 and len(done.err.strip().splitlines()) == 1
    assert "set AUDITOR_EVIDENCE" in done.err
    monkeypatch.setenv("AUDITOR_EVIDENCE", str(tmp_path / "not-mounted\x1b[2J"))
    done = cli("--db", pg_url, "audits", "list")
    assert done.code == 1 and "no such folder; mount the team's evidence share" in done.err
    assert "\x1b" not in done.err


def test_verify_names_evidence_referenced_but_absent_from_the_share(cli, pg_url, tmp_path,
                                                                    shared_evidence):
    made = cli("--db", pg_url, "audits", "new", "--checklist", "iso9001-2015", "--title",
               "Shared", "--auditee", "Acme Soft")
    assert made.code == 0, made.err
    attached = tmp_path / "minutes.txt"
    attached.write_text("management review minutes")
    done = cli("--db", pg_url, "record", "1", "9.3.1", "--result", "conform",
               "--evidence-file", attached)
    assert done.code == 0, done.err
    assert cli("--db", pg_url, "audits", "verify", "1").code == 0
    for stored in shared_evidence.rglob("*"):
        if stored.is_file():
            stored.unlink()
    done = cli("--db", pg_url, "audits", "verify", "1")
    assert done.code == 1
    assert "is missing from" in done.err and str(shared_evidence) in done.err


class Terminal:
    """Standard input as a terminal, so that auditor may ask."""

    def isatty(self) -> bool:
        return True


def test_a_password_the_server_wants_is_asked_on_a_terminal_and_never_shown(
        cli, pg_url, monkeypatch):
    import getpass

    import psycopg

    assert cli("--db", pg_url, "db", "grant", "pw_tester", "--as", "viewer").code == 0
    database = make_url(pg_url).database
    with pg_admin(pg_url, database) as conn:
        conn.execute("ALTER ROLE pw_tester PASSWORD 's3cret-Pa55'")
    url = make_url(pg_url).set(username="pw_tester")
    try:
        psycopg.connect(url.set(drivername="postgresql").render_as_string(
            hide_password=False)).close()
        pytest.skip("this server asks pw_tester for no password (tests/pg_cluster.py "
                    "makes one that does)")
    except psycopg.OperationalError:
        pass
    plain = url.render_as_string(hide_password=False)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    done = cli("--db", plain, "audits", "list")  # no terminal: nobody to ask
    assert done.code == 1 and len(done.err.strip().splitlines()) == 1
    assert "give it in PGPASSWORD or ~/.pgpass" in done.err
    asked: list[str] = []
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(getpass, "getpass", lambda prompt: asked.append(prompt) or
                        "s3cret-Pa55")
    listed = cli("--db", plain, "audits", "list")
    assert listed.code == 0, listed.err
    assert asked == [f"password of pw_tester on {make_url(pg_url).query['host']}: "]
    monkeypatch.setattr(getpass, "getpass", lambda prompt: "wrong-Pa55")
    done = cli("--db", plain, "audits", "list")
    assert done.code == 1 and "password authentication failed" in done.err
    for result in (listed, done):
        assert "Pa55" not in result.err + result.out
