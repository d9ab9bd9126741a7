"""Shared fixtures: a store on a fresh database, the small test checklist, a fixed clock,
and a runner for the command line in-process."""

from __future__ import annotations

import io
import itertools
import json
import os
import sys
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from auditor.domain.store import Store
from auditor.exchange.checklist_yaml import load_checklist

sys.path.insert(0, str(Path(__file__).parent))  # pg_cluster, also run alone by .ci/run

# Test modules import these from store_support, never from `conftest`: in a whole run
# that name is whichever conftest.py was loaded last (tests/ui has its own).
from store_support import FIXED_NOW, FIXTURES, pg_admin, raw_sql, store_url  # noqa: F401


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


ENGINES = ("sqlite", "postgresql")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "both_engines: the module's `store` (and `db_url`) run on SQLite and on "
        "PostgreSQL")


def pytest_generate_tests(metafunc):
    if "db_engine" in metafunc.fixturenames and \
            metafunc.definition.get_closest_marker("both_engines"):
        metafunc.parametrize("db_engine", ENGINES, indirect=True)


@pytest.fixture
def db_engine(request):
    """The engine of this test's database: SQLite unless the module is marked
    `both_engines`, which runs each of its tests on both."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    """The superuser URL of a PostgreSQL cluster's `auditor` database: AUDITOR_TEST_PG
    (.ci/run starts one), else a throwaway cluster started here; skipped with the reason
    where none can be (never in CI, which fails instead)."""
    import pg_cluster

    given = os.environ.get("AUDITOR_TEST_PG")
    if given:
        yield given
        return
    problem = None
    try:
        import psycopg  # noqa: F401
    except ImportError:
        problem = "the psycopg driver is not installed (pip install 'auditor[postgres]')"
    if problem is None and pg_cluster.binaries() is None:
        problem = "PostgreSQL is not installed (no initdb); .ci/run installs it"
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must test on PostgreSQL: {problem}")
        pytest.skip(problem)
    folder = Path(tempfile.mkdtemp(prefix="auditor-pg-"))
    try:
        yield pg_cluster.start(folder)
    finally:
        pg_cluster.stop(folder)


@pytest.fixture(scope="session")
def pg_template(pg_server):
    """A database brought to the schema once by `db upgrade`; each test gets a copy."""
    from sqlalchemy.engine import make_url

    from auditor.domain.server import upgrade_server

    with pg_admin(pg_server) as conn:
        conn.execute("DROP DATABASE IF EXISTS auditor_template WITH (FORCE)")
        conn.execute("CREATE DATABASE auditor_template")
    url = make_url(pg_server).set(database="auditor_template")
    upgrade_server(url.render_as_string(hide_password=False))
    return "auditor_template"


_pg_databases = itertools.count(1)


@pytest.fixture
def pg_url(pg_server, pg_template):
    """The URL of a fresh, upgraded database of its own, dropped afterwards."""
    from sqlalchemy.engine import make_url

    name = f"t{os.getpid()}_{next(_pg_databases)}"
    with pg_admin(pg_server) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {pg_template} STRATEGY FILE_COPY")
    yield make_url(pg_server).set(database=name).render_as_string(hide_password=False)
    with pg_admin(pg_server) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def db_url(db_engine, tmp_path, request):
    if db_engine == "postgresql":
        return request.getfixturevalue("pg_url")
    return f"sqlite:///{tmp_path / 'audit.db'}"


@pytest.fixture
def store(db_url, tmp_path):
    s = Store.open(db_url, tmp_path / "evidence", "tester", clock=lambda: FIXED_NOW)
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
