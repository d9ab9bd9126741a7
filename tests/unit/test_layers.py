"""Layers (DESIGN section 2): the domain imports neither Textual nor openpyxl, and commands
that need no TUI do not load Textual. Checked in fresh interpreters, on `sys.modules`."""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import auditor.domain

HEAVY = ("textual", "openpyxl")
ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "mini.yaml"
MODULE_CHECK = (
    "import json, sys\n"
    "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & "
    f"{set(HEAVY)!r})))\n"
)


def domain_modules() -> list[str]:
    found = [m.name for m in pkgutil.walk_packages(auditor.domain.__path__, "auditor.domain.")]
    # The migration scripts run inside Alembic's context; importing them alone is no use.
    return sorted(m for m in found if ".migrations" not in m)


def python(code: str, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "AUDITOR_HOME": str(home), "AUDITOR_USER": "tester"}
    env.pop("AUDITOR_DB", None)
    return subprocess.run([sys.executable, *args, "-c", code], capture_output=True, text=True,
                          env=env, timeout=120)


def loaded(result: subprocess.CompletedProcess) -> list[str]:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_domain_has_modules_to_check():
    modules = domain_modules()
    assert {"auditor.domain.store", "auditor.domain.models", "auditor.domain.db",
            "auditor.domain.findings", "auditor.domain.views"} <= set(modules)


def test_importing_every_domain_module_loads_neither(tmp_path):
    imports = "".join(f"import {m}\n" for m in domain_modules())
    assert loaded(python(imports + MODULE_CHECK, tmp_path)) == []


def test_the_store_at_work_loads_neither(tmp_path):
    code = (
        "from auditor.domain.store import Store\n"
        "from auditor.domain.views import audit_document\n"
        "from auditor.exchange.checklist_yaml import load_checklist\n"
        f"s = Store.open('sqlite:///{tmp_path / 'a.db'}', {str(tmp_path / 'ev')!r}, 't')\n"
        f"c = load_checklist({str(MINI)!r})\n"
        "a = s.create_audit(c, title='T', auditee='A')\n"
        "s.record_result(a.id, '4.1', 'minor', statement='s')\n"
        "audit_document(s, a.id); s.verify_audit(a.id); s.close()\n"
    )
    result = python(code + MODULE_CHECK, tmp_path)
    assert loaded(result) == []


def run_commands(*commands: list[str]) -> str:
    """A script that runs `auditor` commands in one process, output swallowed, after
    planning an audit to run them on."""
    calls = "".join(f"    assert main({c!r}) == 0\n" for c in (
        ["audits", "new", "--checklist", "iso9001-2015", "--title", "T", "--auditee", "A"],
        *commands))
    return ("import io, contextlib\n"
            "from auditor.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n" + calls)


def test_auditor_audits_list_loads_neither(tmp_path):
    code = run_commands(["audits", "list"], ["audits", "list", "--json"])
    assert loaded(python(code + MODULE_CHECK, tmp_path)) == []


def test_auditor_audits_show_json_loads_neither(tmp_path):
    code = run_commands(["record", "1", "4.1", "--result", "minor", "--statement", "s"],
                        ["audits", "show", "1", "--json"], ["audits", "show", "1"])
    assert loaded(python(code + MODULE_CHECK, tmp_path)) == []


def test_json_output_loads_no_printing_and_no_checklist_reader(tmp_path):
    # Start-up (bench/startup.py): a command that prints JSON needs no rich, and one that
    # reads the database needs no YAML reader; both are imported inside the commands.
    first = python(
        "import io, contextlib\n"
        "from auditor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['audits', 'new', '--checklist', 'iso9001-2015', '--title', 'T',\n"
        "                 '--auditee', 'A']) == 0\n", tmp_path)
    assert first.returncode == 0, first.stderr
    code = (
        "import io, contextlib, json, sys\n"
        "from auditor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['audits', 'list', '--json']) == 0\n"
        "    assert main(['audits', 'show', '1', '--json']) == 0\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'rich', 'yaml', 'textual', 'openpyxl'})))\n"
    )
    assert loaded(python(code, tmp_path)) == []


def test_python_m_auditor_audits_list_runs_without_them(tmp_path):
    # The real entry point, in a process of its own; a site hook could not show its
    # modules, so the check is that it works while both packages are made unimportable.
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    for name in HEAVY:
        (blocker / f"{name}.py").write_text(f"raise ImportError('{name} must not load')\n")
    env = {**os.environ, "AUDITOR_HOME": str(tmp_path / "home"), "AUDITOR_USER": "tester",
           "PYTHONPATH": os.pathsep.join([str(blocker), str(ROOT)]), "COLUMNS": "120"}
    env.pop("AUDITOR_DB", None)
    for args in (["audits", "new", "--checklist", "iso9001-2015", "--title", "T",
                  "--auditee", "Acme"],
                 ["audits", "list"], ["audits", "show", "1", "--json"],
                 ["record", "1", "4.1", "--result", "conform"], ["checklists", "list"]):
        r = subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True,
                           text=True, env=env, timeout=120)
        assert r.returncode == 0, (args, r.stderr)
    r = subprocess.run([sys.executable, "-m", "auditor", "audits", "list", "--json"],
                       capture_output=True, text=True, env=env, timeout=120)
    assert [a["auditee"] for a in json.loads(r.stdout)] == ["Acme"]
