"""The CISO Assistant converter on the cases real libraries raise: nodes without ref_id,
texts without questions, answer choices, translations, text of non-assessable nodes, and
files that are not frameworks. Each library is made here, in our own words."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.exchange import ciso
from auditor.exchange.checklist_yaml import load_checklist

FW = "urn:test:risk:framework:sample"


def node(urn: str, parent: str | None = None, **fields) -> dict:
    out = {"urn": f"urn:test:node:{urn}", "assessable": fields.pop("assessable", False)}
    if parent is not None:
        out["parent_urn"] = f"urn:test:node:{parent}"
    out.update(fields)
    return out


def library(*nodes: dict, locale: str = "en", **framework) -> dict:
    return {"urn": "urn:test:risk:library:sample", "locale": locale, "version": 3,
            "name": "Sample", "objects": {"framework": {
                "urn": FW, "name": framework.pop("name", "Sample framework"),
                "requirement_nodes": list(nodes), **framework}}}


def convert(data: dict, lang: str | None = None):
    return ciso.convert(data, "lib.yaml", lang=lang)


# --- refs ---------------------------------------------------------------------------------

def test_nodes_without_ref_id_never_clash():
    """The NZISM shape: a heading without ref_id between a section and its paragraphs,
    whose urns end like real refs. The old converter made '1' twice and refused."""
    data = library(
        node("1", ref_id="1", name="About the manual"),
        node("1.1", "1", ref_id="1.1", name="Using it"),
        node("1.1:1", "1.1", name="Objective"),                  # made ref, urn ends '1'
        node("1.1.1", "1.1:1", ref_id="1.1.1", assessable=True,
             description="The manual is read by every new administrator."),
        node("node9", "1.1", name="Context"),
        node("1.1.2", "node9", ref_id="1.1.2", assessable=True,
             description="The scope is written down."),
    )
    result = convert(data)
    c = result.checklist
    # "1.1.1" and "1.1.2" are real refs, so the headings take letters instead
    assert c.parents() == {"1": None, "1.1": "1", "1.1.a": "1.1", "1.1.1": "1.1.a",
                           "1.1.b": "1.1", "1.1.2": "1.1.b"}
    assert c.item("1.1.a").title == "Objective"
    assert result.report.refs_made == 2
    assert convert(data).checklist == c   # the same refs on every import


def test_refs_are_spoken_positions_and_titles_are_never_the_ref():
    data = library(
        node("a"), node("b"),
        node("c", name="Operations"),
        node("c1", "c"),
        node("c2", "c", description="Backups. They are restored once a quarter."),
        node("c21", "c2", assessable=True, description="Restores are tested."),
        node("c11", "c1", assessable=True, name="Change approval"),
    )
    result = convert(data)
    c = result.checklist
    assert [i.ref for i in c.all_items()] == ["3", "3.1", "3.1.1", "3.2", "3.2.1"]
    assert c.item("3.2").title == "Backups"
    assert c.item("3.1").title == ciso_text_no_title()
    assert all(i.title != i.ref for i in c.all_items())
    # "a" and "b" hold nothing assessable: left out, and said so
    assert result.report.left_out == 2


def ciso_text_no_title() -> str:
    from auditor.exchange.ciso_text import NO_TITLE
    return NO_TITLE


def test_a_heading_without_ref_takes_the_clause_its_children_share():
    """The NIST SP 800-171 shape: families without ref_id over 3.1.1, 3.1.2, ..."""
    data = library(
        node("fam1", name="Access Control"),
        node("a1", "fam1", ref_id="3.1.1", assessable=True, description="Limit access."),
        node("a2", "fam1", ref_id="3.1.2", assessable=True, description="Limit functions."),
        node("fam2", name="Awareness"),
        node("b1", "fam2", ref_id="3.2.1", assessable=True, description="Train users."),
        node("fam3", name="Mixed"),   # children of two clauses: its place instead
        node("c1", "fam3", ref_id="4.1.1", assessable=True, description="One."),
        node("c2", "fam3", ref_id="4.2.1", assessable=True, description="Two."),
    )
    c = convert(data).checklist
    assert [i.ref for i in c.items] == ["3.1", "3.2", "3"]


def test_a_real_clash_in_the_library_names_both_urns():
    data = library(node("x", ref_id="A.1", assessable=True, name="One"),
                   node("y", ref_id="A.1", assessable=True, name="Two"))
    with pytest.raises(ciso.CisoImportError) as exc:
        convert(data)
    assert "ref 'A.1' is used by two nodes ('urn:test:node:x' and 'urn:test:node:y')" \
        in str(exc.value)


def test_made_ref_steps_aside_for_a_real_one_with_a_count():
    # position 1 under top: "1" is real elsewhere, "a" too, so the count is used
    data = library(node("r", ref_id="1", assessable=True, name="Real one"),
                   node("s", ref_id="a", assessable=True, name="Real a"),
                   node("t", assessable=True, name="Made"))
    refs = [i.ref for i in convert(data).checklist.all_items()]
    assert refs == ["1", "a", "3"]
    data = library(node("t", assessable=True, name="Made"),
                   node("r", ref_id="1", assessable=True, name="Real one"),
                   node("s", ref_id="a", assessable=True, name="Real a"))
    assert [i.ref for i in convert(data).checklist.all_items()] == ["1-2", "1", "a"]


# --- prompts ------------------------------------------------------------------------------

def test_requirement_text_is_asked_whole_never_cut_or_wrapped():
    long = ("Les sauvegardes sont chiffr\u00e9es et test\u00e9es. " * 30).strip()
    data = library(node("m", ref_id="M", assessable=True, name="Sauvegardes",
                        description=long),
                   node("n", ref_id="N", assessable=True, name="Journalisation"),
                   node("o", ref_id="O", assessable=True),
                   locale="fr")
    result = convert(data)
    c = result.checklist
    assert c.item("M").prompts == (long,) and len(long) > 400
    assert c.item("N").prompts == ("Journalisation",)
    # nothing but a ref: one sentence in the library's language
    assert c.item("O").prompts == ("Montrez comment l\u2019exigence O est satisfaite.",)
    assert result.report.prompts_made == 1
    words = " ".join(p for i in c.all_items() for p in i.prompts)
    assert "Show me" not in words and "requirement" not in words


def test_no_prompt_in_a_language_we_do_not_write():
    data = library(node("o", ref_id="O", assessable=True),
                   node("p", ref_id="P", assessable=True, name="Varmuuskopiot"),
                   locale="fi")
    result = convert(data)
    assert [i.ref for i in result.checklist.all_items()] == ["P"]
    assert result.report.without_text == 1
    assert "1 assessable nodes with no text at all" in " ".join(result.report.dropped())


# --- answer choices -----------------------------------------------------------------------

MATURITY = [{"urn": f"urn:test:q:1:choice:{n}", "value": f"{n} {label}", "add_score": n}
            for n, label in enumerate(["Nothing written", "Informal", "Written",
                                       "Applied and reviewed"], 1)]


def _with_choices() -> dict:
    return library(
        node("g", ref_id="G", name="Governance"),
        node("g1", "g", ref_id="G.1", assessable=True, name="Policy", questions={
            "urn:test:q:1": {"type": "unique_choice", "text": "Is the policy approved?",
                             "choices": MATURITY},
            "urn:test:q:2": {"type": "text", "text": "Who approved it?"}}),
        node("g2", "g", ref_id="G.2", assessable=True, name="Review", question={
            "question_type": "unique_choice", "question_choices": ["Yes", "No"],
            "questions": [{"urn": "urn:test:q:3", "text": "Was it reviewed this year?"}]}),
    )


def test_answer_choices_are_kept_per_question(tmp_path):
    result = convert(_with_choices())
    c = result.checklist
    assert c.item("G.1").prompts == ("Is the policy approved?", "Who approved it?")
    assert c.item("G.1").choices == (("1 Nothing written", "2 Informal", "3 Written",
                                      "4 Applied and reviewed"),)
    assert c.item("G.2").choices == (("Yes", "No"),)
    assert result.report.questions == 3 and result.report.questions_with_choices == 2
    assert result.report.choice_scores == 4
    # written, validated and read back with its choices
    source = tmp_path / "lib.yaml"
    source.write_text(yaml.safe_dump(_with_choices()), encoding="utf-8")
    ciso.import_ciso(source, tmp_path / "out.yaml")
    assert load_checklist(tmp_path / "out.yaml").item("G.1").choices == c.item("G.1").choices


def test_item_detail_shows_each_prompt_with_its_choices():
    from auditor.ui.widgets.item_detail import _asked

    item = convert(_with_choices()).checklist.item("G.1")
    assert _asked(item).plain.splitlines() == [
        "\u2022 Is the policy approved?",
        "    \u25e6 1 Nothing written", "    \u25e6 2 Informal", "    \u25e6 3 Written",
        "    \u25e6 4 Applied and reviewed",
        "\u2022 Who approved it?"]


# --- translations -------------------------------------------------------------------------

def _french() -> dict:
    en = {"en": {"name": "Train the teams", "description": "Every administrator is trained.",
                 "annotation": "Ask for the attendance sheet."}}
    return {
        "urn": "urn:test:risk:library:fr", "locale": "fr", "version": 1,
        "translations": {"en": {"name": "Hygiene", "copyright": "Open licence"}},
        "copyright": "Licence ouverte",
        "objects": {"framework": {
            "urn": FW, "name": "Hygi\u00e8ne", "translations": {"en": {"name": "Hygiene"}},
            "implementation_groups_definition": [
                {"ref_id": "R", "name": "renforc\u00e9",
                 "translations": {"en": {"name": "strengthened"}}}],
            "requirement_nodes": [
                node("1", ref_id="1", assessable=True, name="Former les \u00e9quipes",
                     description="Chaque administrateur est form\u00e9.",
                     annotation="Demander la feuille de pr\u00e9sence.",
                     implementation_groups=["R"], translations=en),
                node("2", ref_id="2", assessable=True, name="Sauvegarder",
                     questions={"urn:test:q:9": {
                         "text": "Les sauvegardes sont-elles test\u00e9es ?",
                         "choices": [{"urn": "urn:test:q:9:c:1", "value": "Oui"},
                                     {"urn": "urn:test:q:9:c:2", "value": "Non"}]}},
                     translations={"en": {"name": "Back up", "questions": {
                         "urn:test:q:9": {"text": "Are backups tested?", "choices": [
                             {"urn": "urn:test:q:9:c:1", "value": "Yes"},
                             {"urn": "urn:test:q:9:c:2", "value": "No"}]}}}}),
                node("3", ref_id="3", assessable=True, name="Journaliser"),
            ]}}}


def test_lang_picks_the_translation():
    result = convert(_french(), lang="en")
    c = result.checklist
    assert c.id == "ciso-sample-en" and c.title == "Hygiene"
    one = c.item("1")
    assert (one.title, one.prompts, one.guidance, one.tags) == (
        "Train the teams", ("Every administrator is trained.",),
        "Ask for the attendance sheet.", ("strengthened",))
    assert c.item("2").prompts == ("Are backups tested?",)
    assert c.item("2").choices == (("Yes", "No"),)
    # a node without the translation keeps its own text, and is counted
    assert c.item("3").title == "Journaliser" and result.report.untranslated == 1
    assert "Copyright: Open licence" in c.description and result.language == "en"


def test_without_lang_the_library_language_is_kept():
    result = convert(_french())
    c = result.checklist
    assert c.id == "ciso-sample" and result.language == "fr"
    assert c.item("1").prompts == ("Chaque administrateur est form\u00e9.",)
    assert convert(_french(), lang="fr").checklist == c


def test_a_language_the_library_lacks_is_refused_with_those_it_has():
    with pytest.raises(ciso.CisoImportError, match="no 'de' translation in this library "
                       r"\(its text is in 'fr'; translations: en\)"):
        convert(_french(), lang="de")


# --- what is kept, moved and dropped -------------------------------------------------------

def test_text_of_non_assessable_children_goes_into_the_parent_guidance():
    """The NIST SSDF shape: "Example N" nodes without ref_id under each practice."""
    data = library(
        node("po", ref_id="PO", name="Prepare"),
        node("po1", "po", ref_id="PO.1.1", assessable=True,
             description="Security requirements are written down.",
             annotation="Read the last review.", reference_controls=["urn:x:c:1"],
             threats=["urn:x:t:1", "urn:x:t:2"]),
        node("ex", "po1", description="Example 1: a policy.\nExample 2: a checklist."),
        node("ex2", "po1", ref_id="PO.1.1.N", name="Note",
             description="Applies to contractors too.",
             typical_evidence="Contractor agreement\nInduction record"),
    )
    result = convert(data)
    item = result.checklist.item("PO.1.1")
    assert not item.children
    assert item.guidance == ("Read the last review.\n\n"
                             "Example 1: a policy.\nExample 2: a checklist.\n\n"
                             "PO.1.1.N Note\nApplies to contractors too.\n\n"
                             "\u2022 Contractor agreement\n\u2022 Induction record")
    report = result.report
    assert report.moved_to_guidance == 2 and report.left_out == 0
    assert report.unused == {"reference_controls": 1, "threats": 1}
    dropped = " ".join(report.dropped())
    assert "reference_controls of 1 nodes (links to CISO Assistant reference controls)" \
        in dropped
    assert "threats of 1 nodes (links to CISO Assistant threats)" in dropped


def test_cli_prints_what_was_kept_and_dropped(cli, tmp_path):
    data = library(node("top", name="Introduction", description="Read me first."),
                   node("x", ref_id="X", assessable=True, name="Do it",
                        questions={"q": {"text": "Done?", "choices": MATURITY}}))
    source = tmp_path / "lib.yaml"
    source.write_text(yaml.safe_dump(data), encoding="utf-8")
    r = cli("checklists", "import-ciso", source, "-o", tmp_path / "out.yaml")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert "1 items, 1 assessable, language en" in lines[0]
    assert lines[1] == "kept: 1 of 1 questions with their answer choices"
    assert lines[2] == ("dropped: 1 nodes in branches with nothing assessable (text not "
                        "kept); 4 scores of answer choices (an audit records a result, "
                        "not a score)")
    r = cli("checklists", "import-ciso", source, "-o", tmp_path / "out.yaml", "--json")
    [row] = r.json()
    assert (row["left_out"], row["choice_scores"], row["questions_with_choices"]) == (1, 4, 1)


# --- the checklist format's answer choices ----------------------------------------------

CHOICES_CHECKLIST = """\
id: maturity
title: Maturity
version: "1"
items:
  - ref: "1"
    title: Policy
    prompts:
      - Is the policy approved?
      - Who approved it?
      - When was it last read?
    choices:
      - ["1 No", "2 Draft", "3 Approved"]
      - []
"""


def test_choices_load_one_list_per_prompt(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(CHOICES_CHECKLIST, encoding="utf-8")
    item = load_checklist(path).item("1")
    assert item.choices == (("1 No", "2 Draft", "3 Approved"),)   # trailing [] dropped
    assert [item.choices_for(i) for i in range(3)] == [("1 No", "2 Draft", "3 Approved"),
                                                       (), ()]


@pytest.mark.parametrize("choices, expected", [
    ("[[a], [b], [c], [d]]", "choices of item 1 gives 4 lists of answers for 3 prompt(s)"),
    ('"Yes or no"', "choices of item 1 must be a list with one list of answers per prompt"),
    ("[maybe, perhaps]", "choices of item 1 (prompt 1) must be a list of answers, not text; "
                  "write [] for none"),
    ('[["\\e[31mred"]]', "choices of item 1 (prompt 1) holds the control character U+001B"),
])
def test_bad_choices_are_one_line_each(tmp_path, choices, expected):
    from auditor.exchange.checklist_yaml import ChecklistError

    text = CHOICES_CHECKLIST.split("    choices:")[0] + f"    choices: {choices}\n"
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ChecklistError) as exc:
        load_checklist(path)
    assert expected in str(exc.value)


def test_a_checklist_without_choices_keeps_its_snapshot_and_hash():
    from auditor.domain.checklist import Checklist, ChecklistItem

    item = ChecklistItem(ref="1", title="T", prompts=("Q?",))
    assert "choices" not in item.to_dict()
    c = Checklist(id="x", title="X", standard="", version="1", items=(item,))
    # the hash an audit created before choices existed stored for this checklist
    assert c.content_hash() == Checklist.from_json(c.to_json()).content_hash()
    assert c.to_json() == ('{"id":"x","items":[{"prompts":["Q?"],"ref":"1","title":"T"}],'
                           '"standard":"","title":"X","version":"1"}')
    with_choices = ChecklistItem(ref="1", title="T", prompts=("Q?",), choices=(("Y", "N"),))
    assert ChecklistItem.from_dict(with_choices.to_dict()) == with_choices


# --- any tree -----------------------------------------------------------------------------

REF_PARTS = ["1", "2", "a", "b", "1.1", "1.a", "1-2", "A.1", "3.1"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=-1, max_value=30),   # parent index
                          st.one_of(st.none(), st.sampled_from(REF_PARTS)),
                          st.booleans(), st.text(max_size=12)),
                min_size=1, max_size=25))
def test_any_tree_converts_to_a_valid_checklist_with_unique_refs(rows):
    """Whatever refs a library gives and leaves out, the made ones never clash, every
    written checklist validates, and the same library gives the same checklist."""
    from auditor.exchange.checklist_yaml import dump_checklist, parse_checklist

    nodes = []
    for index, (parent, ref, assessable, text) in enumerate(rows):
        fields = {"assessable": assessable, "description": text or None}
        if ref is not None:
            fields["ref_id"] = f"{ref}.{index}" if ref in {r for r, *_ in nodes} else ref
        nodes.append((fields.get("ref_id"), node(str(index), str(parent)
                                                 if 0 <= parent < index else None, **fields)))
    given_refs = [r for r, _n in nodes if r is not None]
    data = library(*(n for _r, n in nodes))
    try:
        result = convert(data)
    except ciso.CisoImportError as exc:
        assert "nothing to audit" in str(exc) or "two nodes" in str(exc), exc
        assert "two nodes" not in str(exc) or len(set(given_refs)) < len(given_refs)
        return
    refs = result.checklist.refs()
    assert len(refs) == len(set(refs))
    assert parse_checklist(dump_checklist(result.checklist)) == result.checklist
    assert convert(data).checklist == result.checklist
