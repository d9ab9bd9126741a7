"""Checklist YAML (DESIGN section 4): typed models from valid files; every problem of a bad
file reported as FILE:LINE: message, all of them in one run, never a traceback."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from auditor.domain.errors import AuditorError
from auditor.exchange.checklist_yaml import (
    ChecklistError,
    dump_checklist,
    load_checklist,
    parse_checklist,
    validate_files,
)

GOOD = """\
id: demo-1
title: Demo checklist
standard: ISO 9001:2015
version: 1.2.0
items:
  - ref: "8"
    title: Operation
    children:
      - ref: "8.3.4"
        title: Design and development controls
        prompts:
          - How are design reviews planned and recorded for a release?
        evidence:
          - Pull-request reviews for a sampled release
        guidance: Look for reviews before the release date.
        tags: [software]
"""


def write(tmp_path: Path, text: str, name: str = "c.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ChecklistError) as refused:
        load_checklist(path)
    lines = [str(p) for p in refused.value.problems]
    assert str(refused.value).splitlines() == lines
    return lines


def test_a_valid_file_gives_the_typed_tree(tmp_path):
    c = load_checklist(write(tmp_path, GOOD))
    assert (c.id, c.title, c.standard, c.version) == (
        "demo-1", "Demo checklist", "ISO 9001:2015", "1.2.0")
    item = c.item("8.3.4")
    assert item.prompts == ("How are design reviews planned and recorded for a release?",)
    assert item.evidence == ("Pull-request reviews for a sampled release",)
    assert item.tags == ("software",) and item.assessable
    assert not c.item("8").assessable
    assert [i.ref for i in c.assessable_items()] == ["8.3.4"]


def test_unquoted_numbers_are_kept_as_written(tmp_path):
    text = GOOD.replace('ref: "8.3.4"', "ref: 8.30").replace("version: 1.2.0", "version: 2")
    c = load_checklist(write(tmp_path, text))
    assert c.version == "2" and c.item("8.30") is not None


def test_round_trip_through_our_own_writer(tmp_path):
    c = load_checklist(write(tmp_path, GOOD))
    again = parse_checklist(dump_checklist(c), "again.yaml")
    assert again == c and again.content_hash() == c.content_hash()


# -- one test per kind of problem, each with its line ------------------------------------------


def test_yaml_syntax_error(tmp_path):
    path = write(tmp_path, """\
        id: demo
        title: Demo
        version: 1.0.0
        items:
          - ref: "1"
            title: [unclosed
            prompts: [Why]
        """)
    [line] = problems_of(path)
    assert line.startswith(f"{path}:7: YAML syntax error")


def test_tab_indentation_is_a_syntax_error_with_its_line(tmp_path):
    path = tmp_path / "tabs.yaml"
    path.write_text("id: demo\ntitle: Demo\nversion: 1\nitems:\n\t- ref: '1'\n")
    [line] = problems_of(path)
    assert line.startswith(f"{path}:5: YAML syntax error")


def test_unknown_key(tmp_path):
    path = write(tmp_path, GOOD.replace("        tags: [software]\n",
                                        "        tags: [software]\n        owner: QA\n"))
    assert problems_of(path) == [
        f"{path}:17: unknown key 'owner' in item (allowed: children, choices, evidence, "
        "guidance, prompts, ref, related, soa, tags, title, urn)"]


def test_unknown_top_level_key(tmp_path):
    path = write(tmp_path, "author: me\n" + GOOD)
    [line] = problems_of(path)
    assert line.startswith(f"{path}:1: unknown key 'author' in checklist")


def test_missing_title_of_an_item(tmp_path):
    path = write(tmp_path, GOOD.replace("        title: Design and development controls\n", ""))
    assert problems_of(path) == [f"{path}:9: item 8.3.4 has no title"]


def test_missing_title_of_the_checklist(tmp_path):
    path = write(tmp_path, GOOD.replace("title: Demo checklist\n", ""))
    assert problems_of(path) == [f"{path}:1: checklist has no title"]


def test_empty_title(tmp_path):
    path = write(tmp_path, GOOD.replace("title: Operation", "title: ''"))
    assert problems_of(path) == [f"{path}:7: title of item 8 is empty"]


@pytest.mark.parametrize("old,new,line,message", [
    ("        tags: [software]", "        tags: software", 16,
     "tags of item 8.3.4 must be a list of texts, not text"),
    ("title: Operation", "title: [Operation]", 7, "title of item 8 must be text, not a list"),
    ("        guidance: Look for reviews before the release date.",
     "        guidance: {text: x}", 15, "guidance of item 8.3.4 must be text, not a mapping"),
    ("          - Pull-request reviews for a sampled release", "          - 42", 14,
     "evidence of item 8.3.4 entries must be text, not a number"),
    ("title: Demo checklist", "title: true", 2, "title must be text, not true/false"),
    ("    children:", "    children: yes\n    old_children:", 8,
     "children of item 8 must be a list of items, not true/false"),
], ids=["list-as-text", "text-as-list", "text-as-mapping", "number-in-list", "bool-title",
        "children-not-a-list"])
def test_wrong_type(tmp_path, old, new, line, message):
    path = write(tmp_path, GOOD.replace(old, new))
    assert f"{path}:{line}: {message}" in problems_of(path)


def test_items_must_be_mappings(tmp_path):
    path = write(tmp_path, GOOD + "  - just a line of text\n")
    assert problems_of(path) == [f"{path}:17: item must be a mapping of keys to values"]


def test_duplicate_ref(tmp_path):
    path = write(tmp_path, GOOD + (
        '      - ref: "8.3.4"\n'
        "        title: The same ref again\n"
        "        prompts: [Asked again]\n"))
    assert problems_of(path) == [f"{path}:17: duplicate ref '8.3.4' (first at line 9)"]


def test_no_assessable_item(tmp_path):
    # Headings whose leaves have no prompts: each such leaf is named at its line.
    path = write(tmp_path, """\
        id: demo
        title: Demo
        version: 1.0.0
        items:
          - ref: "1"
            title: A heading
            children:
              - ref: "1.1"
                title: A leaf without prompts
                prompts: []
        """)
    assert problems_of(path) == [
        f"{path}:8: item 1.1 has neither prompts nor children: give it prompts to make "
        "it assessable"]


def test_no_assessable_item_under_an_empty_heading(tmp_path):
    path = write(tmp_path, """\
        id: demo
        title: Demo
        version: 1.0.0
        items:
          - ref: "1"
            title: A heading
            children: []
        """)
    assert problems_of(path) == [f"{path}:7: children of item 1 is an empty list"]


def test_an_item_without_prompts_or_children(tmp_path):
    path = write(tmp_path, GOOD.replace(
        "        prompts:\n          - How are design reviews planned and recorded for a "
        "release?\n", ""))
    assert problems_of(path) == [
        f"{path}:9: item 8.3.4 has neither prompts nor children: give it prompts to make "
        "it assessable"]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_empty_file(tmp_path, text):
    path = tmp_path / "empty.yaml"
    path.write_text(text)
    assert problems_of(path) == [f"{path}:1: empty checklist: no id, title or items"]


def test_empty_mapping(tmp_path):
    path = write(tmp_path, "{}\n")
    assert problems_of(path) == [f"{path}:1: empty checklist: no id, title or items"]


def test_empty_items(tmp_path):
    path = write(tmp_path, "id: demo\ntitle: Demo\nversion: 1\nitems: []\n")
    assert problems_of(path) == [f"{path}:4: items is an empty list"]


def test_duplicate_key(tmp_path):
    path = write(tmp_path, GOOD.replace("title: Operation\n",
                                        "title: Operation\n    title: Again\n"))
    assert problems_of(path) == [f"{path}:8: duplicate key 'title' in item"]


def test_bad_id(tmp_path):
    path = write(tmp_path, GOOD.replace("id: demo-1", "id: Demo Checklist"))
    assert problems_of(path) == [
        f"{path}:1: id 'Demo Checklist' must be lower-case letters, digits, '.', '-' or '_'"]


def test_not_a_mapping_at_the_top(tmp_path):
    path = write(tmp_path, "- id: demo\n")
    assert problems_of(path) == [f"{path}:1: checklist must be a mapping of keys to values"]


# -- several problems at once, files that cannot be read ---------------------------------------


def test_several_problems_in_one_run_in_file_order(tmp_path):
    path = write(tmp_path, """\
        id: demo
        title: Demo
        version: 1.0.0
        colour: blue
        items:
          - ref: "1"
            prompts: [Why]
          - ref: "1"
            title: Same ref
            prompts: [Why]
            weight: 3
          - ref: "2"
            title: [not text]
            prompts: [Why]
        """)
    lines = problems_of(path)
    assert lines == [
        f"{path}:4: unknown key 'colour' in checklist (allowed: description, id, items, "
        "standard, title, version)",
        f"{path}:6: item 1 has no title",
        f"{path}:8: duplicate ref '1' (first at line 6)",
        f"{path}:11: unknown key 'weight' in item (allowed: children, choices, evidence, "
        "guidance, prompts, ref, related, soa, tags, title, urn)",
        f"{path}:13: title of item 2 must be text, not a list",
    ]


def test_validate_files_reports_every_file(tmp_path):
    good = write(tmp_path, GOOD, "good.yaml")
    bad = write(tmp_path, "id: x\n", "bad.yaml")
    missing = tmp_path / "missing.yaml"
    problems = [str(p) for p in validate_files([good, bad, missing])]
    assert problems == [f"{bad}:1: checklist has no title", f"{bad}:1: checklist has no version",
                        f"{bad}:1: checklist has no items", f"{missing}:1: no such file"]


def test_not_utf8_names_its_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(GOOD.encode() + "  - ref: '9'\n    title: Qualit\xe4t\n".encode("latin-1"))
    assert problems_of(path) == [f"{path}:18: not UTF-8 text"]


def test_a_folder_is_not_a_checklist(tmp_path):
    assert problems_of(tmp_path) == [f"{tmp_path}:1: is a folder, not a checklist file"]


def test_unsafe_yaml_tags_are_refused_not_run(tmp_path):
    path = write(tmp_path, GOOD.replace("title: Operation",
                                        "title: !!python/object/apply:os.system ['true']"))
    [line] = problems_of(path)
    assert line.startswith(f"{path}:7: title of item 8 must be text")


def test_problems_are_auditor_errors_so_the_cli_prints_them(tmp_path):
    assert issubclass(ChecklistError, AuditorError)


@pytest.mark.parametrize("text", [
    "id: [\n", "items:\n  - &a [*a]\n", "? [a, b]\n: c\n", "id: !!binary AAAA\n",
    "items: {}\n", "id: x\ntitle: y\nversion: 1\nitems:\n  - ref: {a: 1}\n    title: t\n",
    "a: b\n---\nc: d\n", "\ufeffid: x\n", "id: x\ntitle: y\nversion: 1\nitems:\n  - ref: ''\n",
])
def test_odd_input_gives_problems_never_a_traceback(tmp_path, text):
    path = tmp_path / "odd.yaml"
    path.write_text(text, encoding="utf-8")
    lines = problems_of(path)
    assert lines and all(line.startswith(f"{path}:") for line in lines)


def test_the_requirement_of_an_item_is_its_standard_and_clause():
    """What a new finding is prefilled against: the standard and the item's own ref; a
    checklist drawn from several standards, or an unknown ref, gives nothing to prefill."""
    from auditor.exchange.library import find

    iso27001, iso9001 = find("iso27001-2022"), find("iso9001-2015")
    assert iso27001.requirement_of("A.8.13") == "ISO/IEC 27001:2022 A.8.13"
    assert iso27001.requirement_of("8.1") == "ISO/IEC 27001:2022 8.1"
    assert iso9001.requirement_of("8.3.4") == "ISO 9001:2015 8.3.4"
    assert iso9001.requirement_of("99.9") == ""
    mixed = find("software-lifecycle")
    assert mixed.requirement_of(mixed.refs()[0]) == ""


@pytest.mark.parametrize("field,line,escaped,code", [
    ("ref", 9, r'"8.3.4\e]0;pwned\a"', "001B"),
    ("title", 10, r'"Design \e[2J controls"', "001B"),
    ("prompts", 12, r'"How are reviews\a recorded?"', "0007"),
    ("guidance", 15, r'"Look for \x9b31m reviews."', "009B"),
])
def test_a_control_character_in_checklist_text_is_refused_at_its_line(tmp_path, field, line,
                                                                      escaped, code):
    """An ESC or OSC sequence in a ref or a title reached the terminal from the TUI;
    `checklists validate` refuses it where it is written, line breaks and tabs aside."""
    lines = GOOD.splitlines()
    at = line - 1
    key, _, _value = lines[at].partition(": ")
    if field == "prompts":
        lines[at] = f"          - {escaped}"
    else:
        lines[at] = f"{key}: {escaped}"
    path = write(tmp_path, "\n".join(lines) + "\n")
    problems = problems_of(path)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}:{line}: ")
    assert f"control character U+{code}" in problems[0]


def test_line_breaks_and_tabs_in_guidance_are_text(tmp_path):
    path = write(tmp_path, GOOD.replace("guidance: Look for reviews before the release date.",
                                        'guidance: "Look for:\\n\\tthe review\\n\\tthe date"'))
    item = load_checklist(path).item("8.3.4")
    assert item is not None and item.guidance == "Look for:\n\tthe review\n\tthe date"
