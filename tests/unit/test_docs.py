"""The user documentation (`docs/`, `README.md`) keeps up with the code: the workbook's
Findings headers, the checklist keys the loader accepts, every key bound on a screen, every
JSON field the commands print, every command. A change to any of them fails here until
the page that tells users about it is changed too."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = ("index.md", "keys.md", "checklist-format.md", "workbook.md", "json.md",
         "teams.md")


def page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The text under a heading (any level) up to the next heading."""
    match = re.search(rf"^#+ {re.escape(heading)}\s*$", text, re.M)
    assert match, f"no heading {heading!r}"
    following = re.search(r"^#+ ", text[match.end():], re.M)
    return text[match.end(): match.end() + following.start() if following else len(text)]


def table_rows(text: str) -> list[list[str]]:
    """The cells of every table body row (not the header row, not its separator)."""
    lines = text.splitlines()
    separator = re.compile(r"^\s*\|[-| :]+\|\s*$")
    rows = []
    for number, line in enumerate(lines):
        if not line.lstrip().startswith("|") or separator.match(line):
            continue
        if number + 1 < len(lines) and separator.match(lines[number + 1]):
            continue  # a header row
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def first_cells(text: str) -> list[str]:
    return [row[0] for row in table_rows(text)]


# -- pages and links ---------------------------------------------------------------------


def test_every_page_is_there_and_the_readme_links_to_it():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in PAGES:
        assert (DOCS / name).is_file(), name
        assert f"docs/{name}" in readme, f"README.md does not link to docs/{name}"
    index = page("index.md")
    for name in PAGES[1:]:
        assert f"({name})" in index, f"docs/index.md does not link to {name}"


def test_no_page_sends_users_to_files_they_do_not_have():
    for path in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        assert "../shared" not in text, path.name
        assert "DESIGN.md" not in text, path.name


def test_relative_links_lead_to_files_and_headings_that_exist():
    for path in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"^[a-z]+:", target):
                continue  # a web address
            file, _, anchor = target.partition("#")
            linked = (path.parent / file).resolve() if file else path
            assert linked.exists(), f"{path.name}: link to {target}"
            if anchor and linked.suffix == ".md":
                headings = re.findall(r"^#+ (.+)$", linked.read_text(encoding="utf-8"), re.M)
                slugs = {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-")
                         for h in headings}
                assert anchor in slugs, f"{path.name}: no heading for #{anchor}"


# -- the NC report workbook ----------------------------------------------------------------


def test_the_findings_headers_are_documented_in_order_with_who_fills_them():
    from auditor.exchange import workbook_layout as layout

    rows = table_rows(section(page("workbook.md"), "The Findings sheet"))
    documented = [row[1].strip("`") for row in rows if len(row) > 2 and row[0].isdigit()]
    assert documented == list(layout.HEADERS)
    who = {row[1].strip("`"): row[2] for row in rows if len(row) > 2 and row[0].isdigit()}
    assert [h for h in layout.HEADERS if who[h] == "auditee"] == list(layout.AUDITEE_HEADERS)


def test_the_sheets_and_the_statuses_an_auditee_may_set_are_documented():
    from auditor.domain.vocab import AUDITEE_STATUSES, FindingStatus
    from auditor.exchange import workbook_layout as layout
    from auditor.exchange.comparison_sheet import SHEET as COMPARISON
    from auditor.exchange.workbook_sheets import CHECKLIST_HEADERS, EVIDENCE_HEADERS

    text = page("workbook.md")
    sheets = first_cells(section(text, "Sheets"))
    assert sheets == ["`Summary`", f"`{layout.FINDINGS_SHEET}`", "`Checklist`", "`Evidence`",
                      f"`{COMPARISON}`", f"`{layout.STATE_SHEET}`"]
    for header in (*CHECKLIST_HEADERS, *EVIDENCE_HEADERS):
        assert f"`{header}`" in text, header
    status = section(text, "The Findings sheet")
    for value in FindingStatus:
        assert f"`{value.value}`" in status, value
    for value in AUDITEE_STATUSES:
        assert f"- `{value.value}`:" in status, value


# -- the checklist format ------------------------------------------------------------------


def test_the_checklist_keys_documented_are_exactly_those_the_loader_accepts():
    from auditor.exchange.checklist_yaml import ITEM_KEYS, TOP_KEYS

    text = page("checklist-format.md")
    top = {c.strip("`") for c in first_cells(section(text, "Top-level keys"))}
    item = {c.strip("`") for c in first_cells(section(text, "Item keys"))}
    assert top == TOP_KEYS
    assert item == ITEM_KEYS


def test_the_checklist_example_is_a_valid_checklist(tmp_path):
    from auditor.exchange.checklist_yaml import parse_checklist

    text = page("checklist-format.md")
    example = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert example
    checklist = parse_checklist(example.group(1), "example.yaml")
    assert checklist.assessable_items()


def test_the_validation_examples_are_what_validate_prints(cli, tmp_path, monkeypatch):
    """The `FILE:LINE: message` lines on the page come from real files: each is printed
    by `auditor checklists validate` for the file rebuilt here."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: My-Checklist\ntitle: Supplier visit\nversion: 1\ncolour: blue\nitems:\n"
        "  - ref: \"1\"\n    title: Purchasing\n    children:\n"
        "      - ref: \"1.1\"\n        title: Supplier selection\n        prompts:\n"
        "          - How are new suppliers chosen?\n        evidence: A list\n"
        "      - ref: \"1.1\"\n        title: Again\n        prompts: [x]\n"
        "      - ref: \"1.2\"\n  - ref: \"2\"\n    title: Nothing here\n")
    (tmp_path / "syntax.yaml").write_text("id: x\ntitle: [unclosed\n")
    (tmp_path / "empty.yaml").write_text("")
    monkeypatch.chdir(tmp_path)
    r = cli("checklists", "validate", "bad.yaml", "syntax.yaml", "empty.yaml")
    assert r.code == 1
    printed = set(r.err.splitlines())
    block = re.search(r"For example:\n\n```text\n(.*?)```",
                      section(page("checklist-format.md"), "Validation: `auditor checklists "
                                                           "validate`"), re.S)
    assert block
    for line in block.group(1).splitlines():
        assert line in printed, line


# -- keys ----------------------------------------------------------------------------------

# Each class with BINDINGS, and the heading of keys.md that lists its keys. A new screen
# fails here until its keys are on the page.
KEY_SECTIONS = {
    "AuditorApp": "Everywhere",
    "HomeScreen": "Home screen (the list of audits)",
    "NewAuditScreen": "New audit form",
    "EditAuditScreen": "Audit details form",
    "ClauseTree": "Clause tree (when the tree has the focus)",
    "AuditScreen": "Audit screen keys",
    "PreviousFindingsPanel": "Previous findings (surveillance audit, when the list has the "
                             "focus)",
    "FindingFormScreen": "Finding form",
    "FindingsScreen": "Findings screen",
    "CloseAuditScreen": "Close audit",
    "FollowupReviewScreen": "Import follow-up (review of the changes)",
    "ComparisonScreen": "Comparison screen",
    "ProgrammeScreen": "Programme screen",
    "ConfirmScreen": "Dialogs",
    "AskPathScreen": "Dialogs",
    "ChooseAuditsScreen": "Dialogs",
    "HistoryScreen": "Dialogs",
    "ReviewFindingScreen": "Dialogs",
    "HelpScreen": "Dialogs",
    "PlanScreen": "Audit plan screen",
    "SessionFormScreen": "Session form",
    "SampleFormScreen": "Sample form",
    "MergeReviewScreen": "Merge review (bundle import --review)",
}
KEY_NAMES = {"question_mark": "?", "slash": "/", "plus": "+", "minus": "-",
             "equals_sign": "="}


def bound_classes():
    pytest.importorskip("textual")
    import auditor.ui.app
    import auditor.ui.screens
    import auditor.ui.widgets

    modules = [auditor.ui.app] + [
        importlib.import_module(m.name)
        for package in (auditor.ui.screens, auditor.ui.widgets)
        for m in pkgutil.iter_modules(package.__path__, package.__name__ + ".")]
    for module in modules:
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and cls.__dict__.get("BINDINGS"):
                yield name, cls


def shown_keys(binding) -> list[str]:
    if binding.key_display:
        return [binding.key_display]
    return [KEY_NAMES.get(k.strip(), k.strip()) for k in binding.key.split(",")]


def test_every_key_on_every_screen_is_in_keys_md():
    from textual.binding import Binding

    text = page("keys.md")
    found = dict(bound_classes())
    assert {"AuditScreen", "ClauseTree", "HomeScreen", "FindingsScreen"} <= set(found)
    missing_sections = sorted(set(found) - set(KEY_SECTIONS))
    assert not missing_sections, f"classes with keys and no section in keys.md: " \
                                 f"{missing_sections}"
    problems = []
    for name, cls in found.items():
        rows = table_rows(section(text, KEY_SECTIONS[name]))
        for binding in cls.__dict__["BINDINGS"]:
            if isinstance(binding, tuple):
                binding = Binding(*binding)
            keys = shown_keys(binding)
            if not any(binding.description in row
                       and all(f"`{k}`" in " ".join(row) for k in keys) for row in rows):
                problems.append(f"{name}: {', '.join(keys)} {binding.description!r}")
    assert not problems, "keys.md lacks: " + "; ".join(problems)


# -- JSON ----------------------------------------------------------------------------------


def json_keys(value, found: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            found.add(key)
            json_keys(inner, found)
    elif isinstance(value, list):
        for inner in value:
            json_keys(inner, found)
    return found


def test_every_json_field_the_commands_print_on_demo_data_is_in_json_md(cli):
    assert cli("demo", "--no-tui").code == 0
    commands = [  # (the section of json.md, the command)
        ("audits list", ("audits", "list", "--json")),
        ("audits show", ("audits", "show", "1", "--json")),
        ("audits show", ("audits", "show", "2", "--json")),
        ("compare", ("compare", "1", "2", "--json")),
        ("programme", ("programme", "Brightwater Software Ltd", "--json")),
        ("checklists list", ("checklists", "list", "--json")),
        ("audits new", ("audits", "new", "--checklist", "iso9001-2015", "--title", "T",
                        "--auditee", "A", "--json")),
        ("record", ("record", "3", "4.1", "--result", "minor", "--statement", "s", "--json")),
        ("audits verify", ("audits", "verify", "1", "--json")),
    ]
    text = page("json.md")
    missing = []
    for name, args in commands:
        r = cli(*args)
        assert r.code == 0, (args, r.err)
        assert f"## `auditor {name} " in text, f"no section for {name}"
        for key in sorted(json_keys(r.json(), set())):
            if f"`{key}`" not in text:
                missing.append(f"{key} ({name})")
    assert not missing, "json.md lacks: " + ", ".join(missing)


def test_the_values_of_the_json_vocabularies_are_in_json_md():
    from auditor.domain.compare import Change
    from auditor.domain.vocab import AuditStatus, AuditType, FindingStatus, Grade, Result

    text = page("json.md")
    change = section(text, "`auditor compare OLD NEW --json`")
    for value in Change:
        assert f"| `{value.value}` |" in change, value
    for vocabulary in (AuditStatus, AuditType, FindingStatus, Grade, Result):
        for value in vocabulary:
            assert f"`{value.value}`" in text, value


# -- commands ------------------------------------------------------------------------------


def test_every_command_is_in_the_guide():
    import argparse

    from auditor.cli import build_parser

    def actions(parser):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                return action.choices
        return {}

    text = page("index.md")
    for name, sub in actions(build_parser()).items():
        inner = actions(sub)
        for command in ([f"{name} {a}" for a in inner] if inner else [name]):
            assert f"`auditor {command}" in text, command
