"""Shared fixtures: a store on a fresh database, the small test checklist, a fixed clock,
and a runner for the command line in-process."""

from __future__ import annotations

import io
import json
import os
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from auditor.domain.store import Store
from auditor.exchange.checklist_yaml import load_checklist

FIXTURES = Path(__file__).parent / "fixtures"
FIXED_NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True, scope="session")
def log_key(tmp_path_factory):
    """Every test (and every process it starts, which inherits the environment) writes
    change logs with one key of the run's own, never the user's real key
    (`~/.config/auditor/log.key`); one for the whole run, so that a database a
    module-scoped fixture made still verifies in every test. Tests of the key itself set
    AUDITOR_KEY_FILE for themselves."""
    path = tmp_path_factory.mktemp("key") / "log.key"
    before = os.environ.get("AUDITOR_KEY_FILE")
    os.environ["AUDITOR_KEY_FILE"] = str(path)
    yield path
    if before is None:
        os.environ.pop("AUDITOR_KEY_FILE", None)
    else:
        os.environ["AUDITOR_KEY_FILE"] = before


@pytest.fixture
def mini_checklist():
    return load_checklist(FIXTURES / "mini.yaml")


@pytest.fixture
def store(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path / 'audit.db'}", tmp_path / "evidence", "tester",
                   clock=lambda: FIXED_NOW)
    yield s
    s.close()


@pytest.fixture
def audit(store, mini_checklist):
    return store.create_audit(mini_checklist, title="Internal audit 2026", auditee="Acme Soft")


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Run `auditor ...` in-process against a database in tmp_path."""
    monkeypatch.setenv("AUDITOR_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("AUDITOR_DB", raising=False)
    monkeypatch.setenv("AUDITOR_USER", "tester")
    monkeypatch.setenv("COLUMNS", "200")

    def run(*args: str) -> CliResult:
        from auditor.cli import main

        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as exc:  # argparse usage errors
                code = exc.code if isinstance(exc.code, int) else 1
        return CliResult(code, out.getvalue(), err.getvalue())

    return run
