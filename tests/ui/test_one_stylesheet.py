"""The one stylesheet rule: every style of the TUI lives in auditor/ui/app.tcss, so a
theme or layout change is made in one place. No module under auditor/ui defines `CSS` or
`DEFAULT_CSS`, only the app names a stylesheet (`CSS_PATH`), and it is the only .tcss."""

from __future__ import annotations

import ast
from pathlib import Path

import auditor.ui

UI = Path(auditor.ui.__file__).parent
STYLE_NAMES = {"CSS", "DEFAULT_CSS", "CSS_PATH"}


def style_assignments(path: Path, root: Path = UI) -> list[str]:
    """`file:line name` for every assignment to a style attribute, at any level."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        else:
            continue
        for target in targets:
            name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", None)
            if name in STYLE_NAMES:
                found.append((node.lineno, name))
    return [f"{path.relative_to(root)}:{line} {name}" for line, name in sorted(found)]


def test_no_module_under_ui_defines_css_of_its_own():
    modules = sorted(UI.rglob("*.py"))
    assert len(modules) > 20  # the walk found the package
    found = [hit for path in modules for hit in style_assignments(path)]
    assert [(hit.split(":")[0], hit.split()[-1]) for hit in found] == [("app.py", "CSS_PATH")]


def test_the_app_names_the_one_stylesheet():
    from auditor.ui.app import AuditorApp

    assert AuditorApp.CSS_PATH == "app.tcss"
    assert [p.relative_to(UI) for p in UI.rglob("*.tcss")] == [Path("app.tcss")]


def test_the_check_sees_a_style_string(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('class A:\n    DEFAULT_CSS = "A { height: 1; }"\n'
                      'B.CSS = "B { width: 2; }"\n')
    assert style_assignments(sample, tmp_path) == ["sample.py:2 DEFAULT_CSS", "sample.py:3 CSS"]
