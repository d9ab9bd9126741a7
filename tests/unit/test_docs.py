"""The user documentation in docs/ says what the code does: every workbook header, every
checklist key, every key bound on a screen, every JSON field the commands print."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def _doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def test_the_readme_and_docs_stand_alone():
    for path in [ROOT / "README.md", *DOCS.glob("*.md")]:
        text = path.read_text(encoding="utf-8")
        assert "../shared" not in text and "DESIGN.md" not in text, path
        for target in re.findall(r"\]\((?!https?:)([^)#]+)", text):
            assert (path.parent / target).exists(), f"{path.name}: broken link {target}"


def test_every_findings_header_is_documented_in_order():
    from auditor.exchange import workbook_layout

    text = _doc("workbook.md")
    positions = [text.find(f"`{h}`") for h in workbook_layout.HEADERS]
    assert -1 not in positions, [h for h, p in zip(workbook_layout.HEADERS, positions)
                                 if p == -1]
    assert positions == sorted(positions)


def test_every_checklist_key_is_documented():
    from auditor.exchange.checklist_yaml import ITEM_KEYS, TOP_KEYS

    text = _doc("checklist-format.md")
    missing = [k for k in sorted(TOP_KEYS | ITEM_KEYS) if f"| `{k}` |" not in text]
    assert missing == []


def _bindings():
    from textual.binding import Binding

    import auditor.ui.screens as screens
    import auditor.ui.widgets as widgets

    for package in (screens, widgets):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for obj in vars(module).values():
                if isinstance(obj, type) and obj.__module__ == module.__name__:
                    for b in getattr(obj, "BINDINGS", []):
                        if isinstance(b, Binding) and b.description and b.id:
                            yield obj.__name__, b


def test_every_bound_key_is_documented():
    text = _doc("keys.md")
    names = {"question_mark": "?", "shift+n": "shift+n", "plus,equals_sign": "+",
             "minus": "-", "n,escape": "n", "d,delete": "d"}
    missing = []
    for owner, b in _bindings():
        key = b.key_display or names.get(b.key, b.key.split(",")[0])
        if f"`{key}`" not in text:
            missing.append((owner, b.key, b.description))
    assert missing == []


def _keys(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _keys(v)
    elif isinstance(value, list):
        for v in value:
            yield from _keys(v)


@pytest.mark.parametrize("argv", [
    ("checklists", "list", "--json"),
    ("audits", "list", "--json"),
    ("audits", "show", "2", "--json"),
    ("compare", "1", "2", "--json"),
    ("programme", "Brightwater Software Ltd", "--json"),
])
def test_every_json_field_is_documented(cli, argv):
    assert cli("demo", "--no-tui").code == 0
    r = cli(*argv)
    assert r.code == 0, r.err
    text = _doc("json.md")
    missing = sorted({k for k in _keys(r.json()) if f"`{k}`" not in text})
    assert missing == []
