"""The shipped checklist library: valid, complete against the clause and control lists of
the reference folder, and every assessable item ready to be asked."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from auditor.exchange import library
from auditor.exchange.checklist_yaml import load_checklist

REPO = Path(__file__).parents[2]
SHIPPED_DIR = REPO / "checklists"
REFERENCE = REPO.parent / "shared" / "reference"
SHIPPED = ("certification-readiness", "iso27001-2022", "iso9001-2015", "partner-evaluation",
           "software-lifecycle")
THEMES = {"Organizational": ("organizational", 37), "People": ("people", 8),
          "Physical": ("physical", 14), "Technological": ("technological", 34)}


def _reference(name: str) -> list[dict[str, str]]:
    path = REFERENCE / name
    if not path.is_file():
        pytest.skip(f"reference list {path} is not available (it sits in ../shared/reference "
                    "beside the repository)")
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def checklists():
    return {p.stem: load_checklist(p) for p in sorted(SHIPPED_DIR.glob("*.yaml"))}


@pytest.fixture(scope="module")
def iso9001(checklists):
    return checklists["iso9001-2015"]


@pytest.fixture(scope="module")
def iso27001(checklists):
    return checklists["iso27001-2022"]


def test_the_five_checklists_are_shipped_and_valid(checklists):
    assert sorted(checklists) == sorted(SHIPPED)
    for stem, checklist in checklists.items():
        assert checklist.id == stem          # the file name is the id: `find` relies on it
    found, problems = library.installed(None)
    assert problems == []
    assert sorted(e.checklist.id for e in found) == sorted(SHIPPED)


@pytest.mark.parametrize("stem", SHIPPED)
def test_refs_unique(checklists, stem):
    refs = checklists[stem].refs()
    assert len(refs) == len(set(refs))


@pytest.mark.parametrize("stem", SHIPPED)
def test_every_assessable_item_has_prompts_and_evidence(checklists, stem):
    checklist = checklists[stem]
    assert checklist.assessable_items()
    for item in checklist.assessable_items():
        assert item.prompts, item.ref
        assert item.evidence, f"{stem} {item.ref} has no evidence suggestion"


@pytest.mark.parametrize("stem", SHIPPED)
def test_related_refs_resolve_in_one_style(checklists, stem):
    """Bare refs point into the file itself; another standard's clause carries its prefix
    ("9001:8.3.4", "27001:6.1.2"); Annex A controls are written "A.5.1"."""
    checklist = checklists[stem]
    targets = {
        "9001": set(checklists["iso9001-2015"].refs()),
        "27001": set(checklists["iso27001-2022"].refs()),
    }
    own_standard = {"iso9001-2015": "9001", "iso27001-2022": "27001"}.get(stem)
    for item in checklist.all_items():
        for ref in item.related:
            assert ref != item.ref, f"{stem} {item.ref} relates to itself"
            prefix, _, clause = ref.rpartition(":")
            if re.fullmatch(r"A\.[5-8]\.\d+", ref):
                assert ref in targets["27001"], f"{stem} {item.ref}: {ref}"
            elif prefix:
                assert prefix in targets and prefix != own_standard, f"{stem} {item.ref}: {ref}"
                assert clause in targets[prefix], f"{stem} {item.ref}: {ref} does not exist"
            else:
                assert own_standard, f"{stem} {item.ref}: bare ref {ref} needs its standard"
                assert ref in checklist.refs(), f"{stem} {item.ref}: {ref} does not exist"


# --- ISO 9001:2015 ------------------------------------------------------------------------

def test_9001_holds_every_clause_with_its_official_title_and_parent(iso9001):
    rows = _reference("iso9001_2015_clauses.csv")
    assert len(rows) == 91
    parents = iso9001.parents()
    titles = {r["number"]: r["title"] for r in rows}
    for row in rows:
        number = row["number"]
        item = iso9001.item(number)
        assert item is not None, f"9001 clause {number} is missing"
        assert parents[number] == (row["parent"] or None), f"9001 {number} parent"
        if row["titled"] == "True":
            assert item.title == row["title"], f"9001 {number} title"
        else:   # untitled numbered paragraph: titled from its parent
            assert item.title.startswith(titles[row["parent"]]), f"9001 {number} title"
            assert item.title != titles[row["parent"]]
        if row["leaf"] == "True":
            assert item.assessable, f"9001 {number} must be assessable"
    assert sum(r["titled"] == "True" for r in rows) == 75


def test_9001_items_have_two_prompts(iso9001):
    for item in iso9001.assessable_items():
        assert len(item.prompts) >= 2, f"9001 {item.ref}"


SOFTWARE_CLAUSES = ("8.2", "8.3", "8.4", "8.5.2", "8.5.6", "8.6", "8.7", "9.1.2", "10.2")


@pytest.mark.parametrize("clause", SOFTWARE_CLAUSES)
def test_9001_software_guidance_where_the_life_cycle_meets_the_clause(iso9001, clause):
    """Requirements, design and development with V&V, configuration and change control,
    release, nonconforming outputs, customer feedback, outsourced and open-source software
    (section 7 of the facts file) each carry guidance for a software organisation."""
    items = [i for i in iso9001.assessable_items()
             if i.ref == clause or i.ref.startswith(clause + ".")]
    assert items
    for item in items:
        assert item.guidance, f"9001 {item.ref} has no guidance"


@pytest.mark.parametrize("clause, controls", [
    ("8.3.4", {"A.8.25", "A.8.28", "A.8.29"}),
    ("8.4.1", {"A.5.19", "A.5.21", "A.8.30"}),
    ("8.5.2", {"A.8.9", "A.8.32"}),
    ("8.5.6", {"A.8.32"}),
    ("8.6", {"A.8.29", "A.8.32"}),
])
def test_9001_names_the_closely_related_27001_controls(iso9001, clause, controls):
    assert controls & set(iso9001.item(clause).related), f"9001 {clause}"


# --- ISO/IEC 27001:2022 -------------------------------------------------------------------

def test_27001_holds_every_clause_with_its_official_title_and_parent(iso27001):
    rows = _reference("iso27001_2022_clauses.csv")
    parents = iso27001.parents()
    for row in rows:
        number = row["number"]
        item = iso27001.item(number)
        assert item is not None, f"27001 clause {number} is missing"
        assert item.title == row["title"], f"27001 {number} title"
        assert parents[number] == (row["parent"] or None), f"27001 {number} parent"
        assert item.assessable == (row["leaf"] == "True"), f"27001 {number} assessable"
    assert sum(r["leaf"] == "True" for r in rows) == 30
    for row in rows:
        if row["leaf"] == "True":
            assert len(iso27001.item(row["number"]).prompts) >= 2, f"27001 {row['number']}"


def test_27001_holds_every_annex_a_control_with_title_and_theme(iso27001):
    rows = _reference("iso27001_2022_annexA.csv")
    assert len(rows) == 93
    parents = iso27001.parents()
    theme_tags = {tag for tag, _count in THEMES.values()}
    for row in rows:
        control = row["control"]
        item = iso27001.item(control)
        assert item is not None, f"control {control} is missing"
        assert item.title == row["title"], f"control {control} title"
        assert parents[control] == control.rsplit(".", 1)[0], f"control {control} parent"
        tag, _count = THEMES[row["theme"]]
        assert set(item.tags) & theme_tags == {tag}, f"control {control} theme"
        assert item.prompts and item.evidence, f"control {control}"
        assert item.soa.strip(), f"control {control} has no Statement of Applicability note"
    counts = dict.fromkeys(theme_tags, 0)
    for item in iso27001.all_items():
        if re.fullmatch(r"A\.[5-8]\.\d+", item.ref):
            for tag in set(item.tags) & theme_tags:
                counts[tag] += 1
    assert counts == dict(THEMES.values())


def test_27001_has_no_extra_controls(iso27001):
    rows = _reference("iso27001_2022_annexA.csv")
    controls = {i.ref for i in iso27001.all_items() if re.fullmatch(r"A\.[5-8]\.\d+", i.ref)}
    assert controls == {r["control"] for r in rows}


# --- the command line ---------------------------------------------------------------------

def test_checklists_list_shows_all_five_with_counts(cli, checklists):
    r = cli("checklists", "list", "--json")
    assert r.code == 0, r.err
    rows = {row["id"]: row for row in r.json()}
    assert sorted(rows) == sorted(SHIPPED)
    for cid, row in rows.items():
        checklist = checklists[cid]
        assessable = checklist.assessable_items()
        assert row["items"] == len(checklist.all_items())
        assert row["assessable"] == len(assessable)
        assert row["prompts"] == sum(len(i.prompts) for i in assessable)
        assert row["evidence"] == sum(len(i.evidence) for i in checklist.all_items())
        assert row["version"] == checklist.version and row["source"] == "shipped"
    assert rows["iso27001-2022"]["assessable"] == 30 + 93
