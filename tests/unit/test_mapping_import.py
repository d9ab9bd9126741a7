"""`auditor checklists import-mapping` on small mapping sets in CISO Assistant's shape,
and `auditor compare` across two editions that a stored mapping links."""

from __future__ import annotations

import json

import pytest
import yaml

OLD_EDITION = """\
id: ciso-iso27001-2013
title: "ISO/IEC 27001:2013 [bold]converted[/bold]"
standard: ISO/IEC 27001:2013
version: "1"
items:
  - ref: "9"
    title: Performance evaluation
    children:
      - ref: "9.2"
        title: Internal audit
        prompts: [Show the audit programme.]
  - ref: A.9
    title: Access control
    children:
      - ref: A.9.2.3
        title: "Privileged access [red]rights[/red]"
        prompts: [Who holds admin rights?]
      - ref: A.14.2.3
        title: Technical review after platform changes
        prompts: [Show a review.]
"""

NODE_2013 = "urn:intuitem:risk:req_node:iso27001-2013:"
NODE_2022 = "urn:intuitem:risk:req_node:iso27001-2022:"


def mapping_set(pairs, **changes):
    data = {
        "urn": "urn:intuitem:risk:library:mapping-iso27001-2013-to-iso27001-2022",
        "locale": "en", "ref_id": "mapping-iso27001-2013-to-iso27001-2022",
        "name": "ISO/IEC 27001:2013 -> ISO/IEC 27001:2022", "version": 2,
        "objects": {"requirement_mapping_sets": [{
            "urn": "urn:intuitem:risk:req_mapping_set:iso27001-2013",
            "name": changes.pop("name", "ISO/IEC 27001:2013 -> ISO/IEC 27001:2022"),
            "source_framework_urn": "urn:intuitem:risk:framework:iso27001-2013",
            "target_framework_urn": "urn:intuitem:risk:framework:iso27001-2022",
            "requirement_mappings": [
                {"source_requirement_urn": NODE_2013 + s,
                 "target_requirement_urn": NODE_2022 + t, "relationship": rel,
                 "rationale": "syntactic", "stregth_of_relationship": None}
                for s, t, rel in pairs]}]}}
    return yaml.safe_dump(data, sort_keys=False)


PAIRS = [("9.2", "9.2.1", "superset"), ("9.2", "9.2.2", "superset"),
         ("a.9.2.3", "a.8.2", "equal"), ("a.5.1.1", "a.5.1", "subset"),
         ("a.14.2.4", "a.8.32", "not_related")]


@pytest.fixture
def home(cli, tmp_path):
    folder = tmp_path / "home" / "checklists"
    folder.mkdir(parents=True)
    (folder / "iso27001-2013-converted.yaml").write_text(OLD_EDITION, encoding="utf-8")
    return tmp_path / "home"


def test_import_mapping_links_the_converted_and_the_shipped_edition(cli, home, tmp_path):
    source = tmp_path / "mapping.yaml"
    source.write_text(mapping_set(PAIRS), encoding="utf-8")
    r = cli("checklists", "import-mapping", source)
    assert r.code == 0, r.err
    stored = home / "checklists" / "mappings" / "ciso-iso27001-2013--iso27001-2022.yaml"
    flat = " ".join(r.out.split())
    assert str(stored) in flat
    assert "3 links between items, from 4 requirement mappings" in flat
    assert "left out 1" in flat and "a.5.1.1" in flat
    data = yaml.safe_load(stored.read_text(encoding="utf-8"))
    assert (data["source"], data["target"]) == ("ciso-iso27001-2013", "iso27001-2022")
    assert data["links"] == [
        {"from": "9.2", "to": "9.2.1", "relationship": "superset"},
        {"from": "9.2", "to": "9.2.2", "relationship": "superset"},
        {"from": "A.9.2.3", "to": "A.8.2", "relationship": "equal"},   # case as our refs
    ]
    # The stored mapping is not taken for a checklist.
    listed = cli("checklists", "list", "--json")
    assert listed.code == 0 and listed.err == ""
    table = cli("checklists", "list")
    assert "mapping ciso-iso27001-2013 → iso27001-2022: 3 links (ISO/IEC 27001:2013 -> " \
           "ISO/IEC 27001:2022)" in " ".join(table.out.split())
    again = cli("checklists", "import-mapping", source, "--json")
    assert again.code == 0 and again.json()["links"] == 3


def test_source_and_target_named_by_hand(cli, home, tmp_path):
    source = tmp_path / "mapping.yaml"
    source.write_text(mapping_set(PAIRS), encoding="utf-8")
    r = cli("checklists", "import-mapping", source, "--source", "ciso-iso27001-2013",
            "--target", "iso27001-2022", "--json")
    assert r.code == 0, r.err
    r = cli("checklists", "import-mapping", source, "--source", "no-such")
    assert r.code == 1 and "--source 'no-such'" in r.err and "not installed" in r.err
    r = cli("checklists", "import-mapping", source, "--source", "iso27001-2022")
    assert r.code == 1 and "both checklist iso27001-2022" in r.err


def test_no_checklist_for_the_framework(cli, tmp_path):
    source = tmp_path / "mapping.yaml"
    source.write_text(mapping_set(PAIRS), encoding="utf-8")
    r = cli("checklists", "import-mapping", source)
    assert r.code == 1 and len(r.err.splitlines()) == 1
    assert "no installed checklist for framework urn:intuitem:risk:framework:iso27001-2013" \
        in r.err and "import-ciso" in r.err and "--source" in r.err


BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
objects: {requirement_mapping_sets: [{requirement_mappings: *d}]}
"""


@pytest.mark.parametrize("text, message", [
    ("objects:\n  framework:\n    urn: x\n", "not a CISO Assistant requirement mapping set "
                                             "(it holds framework)"),
    ("just: text\n", "not a CISO Assistant requirement mapping set (it holds no objects)"),
    (BOMB, "aliases"),
    ("[" * 5000 + "]" * 5000, "nest"),    # our limit or libyaml's own, whichever is first
    ("key: [unclosed\n", "not a YAML file"),
    ("objects:\n  requirement_mapping_sets:\n  - requirement_mappings: [1, 2]\n",
     "requirement mapping #1 is not a mapping of fields"),
    ("objects:\n  requirement_mapping_sets:\n  - requirement_mappings: {a: 1}\n",
     "requirement_mappings must be a list"),
    (mapping_set([("[red]x[/red]", "a.8.2\x1b[2J", "equal")]), "none of its 1 links"),
], ids=["a-framework", "not-a-library", "alias-bomb", "nesting", "syntax", "entry-not-a-map",
        "mappings-not-a-list", "hostile-refs"])
def test_a_file_that_is_not_a_mapping_set_is_one_line(cli, home, tmp_path, text, message):
    source = tmp_path / "bad [bold]name.yaml"
    source.write_text(text, encoding="utf-8")
    r = cli("checklists", "import-mapping", source)
    assert r.code == 1, r.out
    assert len(r.err.splitlines()) == 1 and message in r.err, r.err
    assert "Traceback" not in r.err and "\x1b" not in r.err
    assert not (home / "checklists" / "mappings").exists()


def test_a_huge_or_odd_file_is_refused_before_reading(cli, home, tmp_path):
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)
    r = cli("checklists", "import-mapping", huge)
    assert r.code == 1 and "larger than 20 MB" in r.err
    r = cli("checklists", "import-mapping", tmp_path)
    assert r.code == 1 and "is a folder" in r.err
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    r = cli("checklists", "import-mapping", binary)
    assert r.code == 1 and "not UTF-8" in r.err


# -- compare across editions ------------------------------------------------------------------


def _audits(cli):
    assert cli("audits", "new", "--checklist", "ciso-iso27001-2013", "--title", "2024",
               "--auditee", "Acme").code == 0
    assert cli("audits", "new", "--checklist", "iso27001-2022", "--title", "2025",
               "--auditee", "Acme", "--type", "surveillance", "--previous", "1").code == 0
    assert cli("record", "1", "9.2", "--result", "minor", "--statement",
               "No programme [red]at all[/red]").code == 0
    assert cli("record", "1", "A.9.2.3", "--result", "conform").code == 0
    assert cli("record", "2", "A.8.2", "--result", "major", "--statement", "Admins").code == 0
    assert cli("record", "2", "9.2.1", "--result", "conform").code == 0


def test_compare_across_editions_is_refused_without_a_mapping(cli, home):
    _audits(cli)
    r = cli("compare", "1", "2")
    assert r.code == 1 and len(r.err.splitlines()) == 1
    assert "no mapping links these two" in r.err and "import-mapping" in r.err


def test_compare_across_editions_with_the_imported_mapping(cli, home, tmp_path):
    _audits(cli)
    source = tmp_path / "mapping.yaml"
    source.write_text(mapping_set(PAIRS), encoding="utf-8")
    assert cli("checklists", "import-mapping", source).code == 0
    r = cli("compare", "1", "2", "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["mapping"]["title"] == "ISO/IEC 27001:2013 -> ISO/IEC 27001:2022"
    items = {i["ref"]: i for i in doc["items"]}
    assert items["9.2.1"]["mapped_from"] == ["9.2"] and items["9.2.1"]["change"] == "improved"
    assert items["A.8.2"]["mapped_from"] == ["A.9.2.3"]
    assert items["A.8.2"]["change"] == "regressed"
    assert items["A.14.2.3"]["only_in"] == "previous"
    assert items["A.5.1"]["only_in"] == "current" and items["A.5.1"]["mapped_from"] == []
    assert doc["findings"][0]["maps_to"] == ["9.2.1", "9.2.2"]
    text = cli("compare", "1", "2")
    assert text.code == 0, text.err
    flat = " ".join(text.out.split())
    assert "ciso-iso27001-2013 1 → iso27001-2022" in flat
    assert "[red]at all[/red]" in text.out or "[red]at" in text.out      # shown, not styled
    assert "Items of ciso-iso27001-2013 the mapping carries to no current item (1): " \
           "A.14.2.3" in flat
    assert "Items of iso27001-2022 no earlier item maps to" in flat
    workbook = tmp_path / "compare.xlsx"
    assert cli("compare", "1", "2", "-o", workbook).code == 0 and workbook.exists()
    from openpyxl import load_workbook

    rows = [list(r) for r in load_workbook(workbook).active.iter_rows(values_only=True)]
    header = next(r for r in rows if r[:2] == ["Ref", "Item"])
    assert header[6] == "Maps from"
    by_ref = {r[0]: r for r in rows[rows.index(header) + 1:] if r and r[0]}
    assert by_ref["9.2.1"][6] == "9.2" and by_ref["A.14.2.3"][5] == "previous"
    finding_header = next(r for r in rows if r[:2] == ["Finding ID", "Clause"])
    assert finding_header[6] == "Maps to"
    # The NC report of the later audit holds the comparison with the earlier edition too.
    report = tmp_path / "nc.xlsx"
    assert cli("export", "2", "-o", report).code == 0
    sheet = load_workbook(report)["Comparison"]
    assert "Maps from" in [c.value for row in sheet.iter_rows() for c in row]


def test_a_damaged_stored_mapping_is_skipped_with_a_line(cli, home, tmp_path):
    _audits(cli)
    folder = home / "checklists" / "mappings"
    folder.mkdir()
    (folder / "broken.yaml").write_text(json.dumps({"source": "x", "links": "no"}),
                                        encoding="utf-8")
    r = cli("compare", "1", "2")
    assert r.code == 1
    lines = r.err.splitlines()
    assert "broken.yaml: not a requirement mapping stored by auditor" in lines[0]
    assert "no mapping links these two" in lines[1]


def test_a_hostile_mapping_name_is_shown_as_typed_without_its_controls(cli, home, tmp_path):
    source = tmp_path / "mapping.yaml"
    source.write_text(mapping_set(PAIRS, name="Editions \x1b]0;owned\x07 [bold]map[/bold]"),
                      encoding="utf-8")
    assert cli("checklists", "import-mapping", source).code == 0
    listed = cli("checklists", "list")
    assert listed.code == 0, listed.err
    assert "\x1b" not in listed.out and "\x07" not in listed.out
    assert "[bold]map[/bold]" in listed.out
    _audits(cli)
    compared = cli("compare", "1", "2")
    assert compared.code == 0, compared.err
    assert "\x1b" not in compared.out and "[bold]map[/bold]" in compared.out


# -- links that cannot be read, hostile names ---------------------------------------------------


@pytest.mark.parametrize("relationship, said", [
    ("bogus", "relationship 'bogus'"), (None, "no relationship"),
    ("equal\x1b[2J", "relationship 'equal[2J'")])
def test_a_link_of_unknown_relationship_is_one_line_and_nothing_stored(
        cli, home, tmp_path, relationship, said):
    source = tmp_path / "mapping.yaml"
    pairs = [p for p in PAIRS if p[2] != "not_related"]
    pairs.insert(2, ("9.2", "9.3", relationship))
    source.write_text(mapping_set(pairs), encoding="utf-8")
    r = cli("checklists", "import-mapping", source)
    assert r.code == 1, r.out
    [line] = r.err.strip().splitlines()
    assert (f"{source}: requirement mapping #3 ({NODE_2013}9.2 -> {NODE_2022}9.3): {said}, "
            "which is not one of equal, subset, superset, intersect or not_related; "
            "nothing stored") in line
    assert "\x1b" not in r.err
    assert not (home / "checklists" / "mappings").exists()


def test_not_related_links_nothing_and_is_no_error(cli, home, tmp_path):
    source = tmp_path / "mapping.yaml"
    source.write_text(mapping_set(PAIRS), encoding="utf-8")
    r = cli("checklists", "import-mapping", source, "--json")
    assert r.code == 0, r.err
    assert r.json()["mappings_in_file"] == 4 and r.json()["links"] == 3


def test_control_characters_in_the_mapping_name_are_not_stored(cli, home, tmp_path):
    source = tmp_path / "mapping.yaml"
    source.write_text(mapping_set(PAIRS, name="2013\x1b[2J -> 2022\x07\x9b1m [bold]x[/"),
                      encoding="utf-8")
    r = cli("checklists", "import-mapping", source)
    assert r.code == 0, r.err
    stored = home / "checklists" / "mappings" / "ciso-iso27001-2013--iso27001-2022.yaml"
    text = stored.read_text(encoding="utf-8")
    assert not any(c in text for c in "\x1b\x07\x9b")
    assert yaml.safe_load(text)["mapping"] == "2013[2J -> 20221m [bold]x[/"
    listed = cli("checklists", "list")
    assert "(2013[2J -> 20221m [bold]x[/)" in " ".join(listed.out.split())
    assert not any(c in listed.out for c in "\x1b\x07\x9b")


# -- items found by the urn they were converted from -------------------------------------------


def _nzism_like() -> dict:
    """Headings without ref_id: the converter makes their refs (1.1, 1.2 ...), which the
    node urns (`...:node4`) do not name."""
    fw = "urn:test:risk:framework:nzlike"
    base = "urn:test:risk:req_node:nzlike:"
    return {"urn": "urn:test:risk:library:nzlike", "locale": "en", "version": 1,
            "objects": {"framework": {"urn": fw, "name": "NZ-like", "requirement_nodes": [
                {"urn": base + "1", "ref_id": "1", "name": "Access", "assessable": False},
                {"urn": base + "node3", "parent_urn": base + "1", "assessable": True,
                 "description": "Privileged accounts are reviewed."},
                {"urn": base + "node4", "parent_urn": base + "1", "assessable": True,
                 "description": "Admin rights are granted on approval."}]}}}


def test_a_node_without_ref_id_is_linked_by_its_urn(cli, home, tmp_path):
    library = tmp_path / "nzlike.yaml"
    library.write_text(yaml.safe_dump(_nzism_like()), encoding="utf-8")
    r = cli("checklists", "import-ciso", library, "-o", f"{home / 'checklists'}/")
    assert r.code == 0, r.err
    converted = yaml.safe_load((home / "checklists" / "ciso-nzlike.yaml").read_text())
    made = converted["items"][0]["children"][1]
    assert made["urn"] == "urn:test:risk:req_node:nzlike:node4"
    assert made["ref"] != "node4"                               # a ref made by its place
    data = yaml.safe_load(mapping_set([("9.2", "a.8.2", "equal")]))
    entry = data["objects"]["requirement_mapping_sets"][0]
    entry["source_framework_urn"] = "urn:test:risk:framework:nzlike"
    entry["requirement_mappings"] = [
        {"source_requirement_urn": "urn:test:risk:req_node:nzlike:node4",
         "target_requirement_urn": NODE_2022 + "a.8.2", "relationship": "equal"},
        {"source_requirement_urn": "urn:test:risk:req_node:nzlike:1",
         "target_requirement_urn": NODE_2022 + "a.5.15", "relationship": "superset"}]
    source = tmp_path / "mapping.yaml"
    source.write_text(yaml.safe_dump(data), encoding="utf-8")
    r = cli("checklists", "import-mapping", source, "--json")
    assert r.code == 0, r.err
    assert r.json()["links"] == 2 and r.json()["left_out"] == []
    stored = home / "checklists" / "mappings" / "ciso-nzlike--iso27001-2022.yaml"
    assert yaml.safe_load(stored.read_text())["links"] == [
        {"from": made["ref"], "to": "A.8.2", "relationship": "equal"},
        {"from": "1", "to": "A.5.15", "relationship": "superset"}]


def test_urn_loads_and_leaves_old_snapshots_and_their_hash_unchanged(tmp_path):
    from auditor.domain.checklist import Checklist, ChecklistItem
    from auditor.exchange.checklist_yaml import parse_checklist

    item = ChecklistItem(ref="1", title="T", prompts=("Q?",))
    assert "urn" not in item.to_dict()
    c = Checklist(id="x", title="X", standard="", version="1", items=(item,))
    assert c.to_json() == ('{"id":"x","items":[{"prompts":["Q?"],"ref":"1","title":"T"}],'
                           '"standard":"","title":"X","version":"1"}')
    with_urn = ChecklistItem(ref="1", title="T", prompts=("Q?",), urn="urn:x:node1")
    assert ChecklistItem.from_dict(with_urn.to_dict()) == with_urn
    loaded = parse_checklist("id: x\ntitle: X\nversion: '1'\nitems:\n- ref: '1'\n  title: T\n"
                             "  urn: urn:x:node1\n  prompts: [Q?]\n", "c.yaml")
    assert loaded.items[0].urn == "urn:x:node1"
