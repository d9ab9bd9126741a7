"""Who is recorded: AUDITOR_USER, else the name set once with `auditor user NAME`, else the
login name; the new audit's lead auditor defaults to a name a person set."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from auditor import config
from auditor.domain.errors import RuleViolation


def test_the_name_set_once_is_used_and_auditor_user_goes_first(tmp_path):
    env = {"AUDITOR_HOME": str(tmp_path)}
    assert config.resolve(env=env).actor_source == "login"
    written = config.save_name(env, '  Dana "DK" Keller  ')
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    settings = config.resolve(env=env)
    assert (settings.actor, settings.actor_source) == ('Dana "DK" Keller', str(written))
    both = config.resolve(env={**env, "AUDITOR_USER": "Sam"})
    assert (both.actor, both.actor_source) == ("Sam", "AUDITOR_USER")


@pytest.mark.parametrize("name", ["", "   ", "Dana\x1b]0;x\x07", "two\nlines", "x" * 101,
                                  "bad\udcff"])
def test_a_name_that_is_not_a_name_is_refused_and_nothing_written(tmp_path, name):
    env = {"AUDITOR_HOME": str(tmp_path)}
    with pytest.raises(RuleViolation, match="printable characters"):
        config.save_name(env, name)
    assert not config.config_file(env).exists()


def test_a_broken_config_file_falls_back_to_the_login_name(tmp_path):
    env = {"AUDITOR_HOME": str(tmp_path)}
    config.config_file(env).write_bytes(b"name = [unclosed\xff")
    assert config.resolve(env=env).actor_source == "login"


def test_auditor_user_sets_and_shows_it_and_the_log_records_it(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("AUDITOR_USER")
    r = cli("user", "Dana Keller")
    assert r.code == 0 and "recorded as Dana Keller" in r.out
    shown = cli("user")
    assert "recorded as Dana Keller" in shown.out and "config.toml" in shown.out
    new = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "T", "--auditee",
              "A", "--json")
    assert new.code == 0, new.err
    db = tmp_path / "home" / "auditor.db"
    actors = {a for (a,) in sqlite3.connect(db).execute("SELECT actor FROM change_log")}
    assert actors == {"Dana Keller"}
    bad = cli("user", "Dana\x07")
    assert bad.code == 1 and len(bad.err.splitlines()) == 1
