"""The CISO Assistant converter on a small library in CISO Assistant's own format."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from auditor.exchange import ciso, ciso_text
from auditor.exchange.checklist_yaml import load_checklist

FIXTURE = Path(__file__).parents[1] / "fixtures" / "ciso-mini.yaml"
NODE = "urn:acme:risk:req_node:mini-sdf:"


@pytest.fixture(scope="module")
def library():
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    out = tmp_path_factory.mktemp("ciso") / "mini.yaml"
    result = ciso.import_ciso(FIXTURE, out)
    return result, load_checklist(out)


def test_written_file_is_the_conversion(converted):
    result, written = converted
    assert written == result.checklist
    assert written.content_hash() == result.checklist.content_hash()


def test_header_comes_from_library_and_framework(converted):
    _result, c = converted
    assert c.id == "ciso-mini-sdf"
    assert c.version == "2"
    assert c.title == c.standard == "Mini Secure Development Framework"
    assert "urn:acme:risk:library:mini-sdf" in c.description
    assert "Written for the auditor test suite" in c.description


def test_tree_follows_parent_urn(converted):
    _result, c = converted
    assert c.parents() == {
        "GOV": None,
        "GOV.POL": "GOV",
        "GOV.POL-1": "GOV.POL",
        "GOV.POL-2": "GOV.POL",
        "BLD": None,
        "BLD.REL": "BLD",
        "BLD.REL.1": "BLD.REL",   # no ref_id: its parent's ref and its place
    }
    assert max(depth for _i, depth, _p in c.walk()) == 2   # three levels


def test_groups_assessable_and_left_out_nodes(converted):
    result, c = converted
    assert [i.ref for i in c.assessable_items()] == ["GOV.POL-1", "GOV.POL-2", "BLD.REL",
                                                     "BLD.REL.1"]
    assert not c.item("GOV").assessable and not c.item("GOV.POL").assessable
    # an assessable node with children keeps both
    assert c.item("BLD.REL").assessable and c.item("BLD.REL").children
    # the informational leaf GOV.NOTE is no item: its text is in its parent's guidance
    assert c.item("GOV.NOTE") is None
    assert c.item("GOV").guidance == "GOV.NOTE\nThis section applies to every product team."
    assert result.report.moved_to_guidance == 1 and result.report.left_out == 0


def test_titles_from_name_or_description(converted):
    _result, c = converted
    assert c.item("GOV.POL-1").title == "Secure coding standard"
    assert c.item("GOV.POL").title == "Secure development rules are written down"
    assert c.item("BLD.REL.1").title == "Software bill of materials"


def test_guidance_is_what_the_prompt_does_not_say(converted):
    _result, c = converted
    # the description is the prompt, so the guidance is the annotation alone
    assert c.item("BLD.REL").guidance == ("Automated pipelines count when the approval "
                                          "step is recorded.")
    # with questions, the description is guidance before the annotation
    assert c.item("GOV.POL-2").guidance == ("Deviations from the standard are approved and "
                                            "time-limited.")
    assert c.item("GOV.POL-1").guidance == ("\u2022 Include input handling and secrets.\n"
                                            "\u2022 Review it once a year.")


def test_typical_evidence_split_into_lines(converted):
    _result, c = converted
    assert c.item("GOV.POL-1").evidence == (
        "The current coding standard with its review date",
        "Linter rules that enforce part of it",
        "A pull request where a reviewer cited it",
    )
    assert c.item("BLD.REL.1").evidence == ("SBOM attached to the last release",
                                               "Dependency scan report")
    assert c.item("GOV.POL-2").evidence == ("Exception register",)


def test_questions_kept_as_prompts_with_their_choices(converted):
    result, c = converted
    item = c.item("GOV.POL-2")
    assert item.prompts == (
        "Who approved the last exception to the coding standard?",
        "When does each open exception expire?",
    )
    assert item.choices == (("Yes", "No"),)   # the second question is answered freely
    assert item.choices_for(1) == ()
    assert result.report.questions == 2 and result.report.questions_with_choices == 1


def test_without_questions_the_requirement_text_is_asked_whole(converted):
    result, c = converted
    assert c.item("GOV.POL-1").prompts == (
        "The team keeps a secure coding standard that covers the languages it ships.",)
    assert c.item("BLD.REL.1").prompts == ("Software bill of materials",)
    assert result.report.prompts_from_text == 3 and result.report.prompts_made == 0
    assert not any(p.startswith("Show me") for i in c.all_items() for p in i.prompts)


def test_implementation_groups_become_tags(converted):
    _result, c = converted
    assert c.item("GOV.POL-1").tags == ("basic", "advanced")
    assert c.item("GOV.POL-2").tags == ("advanced",)


def test_legacy_question_block_and_framework_parent(library):
    data = copy.deepcopy(library)
    nodes = data["objects"]["framework"]["requirement_nodes"]
    sbom = nodes[-1]
    sbom["question"] = {"question_type": "unique_choice", "question_choices": ["Yes", "No"],
                        "questions": [{"urn": sbom["urn"] + ":question:1",
                                       "text": "Is an SBOM produced for every release?"}]}
    nodes[0]["parent_urn"] = data["objects"]["framework"]["urn"]
    c = ciso.convert(data, "lib.yaml").checklist
    assert c.item("BLD.REL.1").prompts == ("Is an SBOM produced for every release?",)
    assert c.item("BLD.REL.1").choices == (("Yes", "No"),)
    assert c.parents()["GOV"] is None


def test_numeric_ref_ids_and_version_are_text(library):
    data = copy.deepcopy(library)
    data["objects"]["framework"]["requirement_nodes"][2]["ref_id"] = 7
    c = ciso.convert(data, "lib.yaml", checklist_id="mine").checklist
    assert c.id == "mine" and c.item("7").title == "Secure coding standard"


def test_long_description_gives_shortened_title():
    text = "A " + "very " * 40 + "long requirement. Second sentence."
    data = {"version": 1, "objects": {"framework": {
        "urn": "urn:x:risk:framework:Long Name/2024", "name": "Long",
        "requirement_nodes": [{"urn": "urn:x:n:1", "assessable": True, "description": text}]}}}
    c = ciso.convert(data, "lib.yaml").checklist
    assert c.id == "ciso-long-name-2024"
    title = c.item("1").title
    assert len(title) <= ciso_text.TITLE_CHARS and title.endswith("\u2026")
    assert "Second sentence" not in title
    assert c.item("1").prompts == (text,)   # the prompt is never cut


# --- the command line ---------------------------------------------------------------------

def test_cli_converts_and_the_result_is_usable(cli, tmp_path):
    out = tmp_path / "mini.yaml"
    r = cli("checklists", "import-ciso", FIXTURE, "-o", out)
    assert r.code == 0, r.err
    assert "ciso-mini-sdf" in r.out and "4 assessable" in r.out
    assert cli("checklists", "validate", out).code == 0
    r = cli("audits", "new", "--checklist", out, "--title", "T", "--auditee", "Acme", "--json")
    assert r.code == 0, r.err
    assert cli("record", r.json()["id"], "GOV.POL-2", "--result", "conform").code == 0


def test_cli_id_option(cli, tmp_path):
    out = tmp_path / "mini.yaml"
    assert cli("checklists", "import-ciso", FIXTURE, "-o", out, "--id", "sdf-lite").code == 0
    assert load_checklist(out).id == "sdf-lite"
    r = cli("checklists", "import-ciso", FIXTURE, "-o", tmp_path / "x.yaml", "--id", "Bad Id")
    assert r.code == 1 and "--id 'Bad Id'" in r.err
    assert not (tmp_path / "x.yaml").exists()


def test_cli_without_output_is_a_usage_error(cli):
    assert cli("checklists", "import-ciso", FIXTURE).code == 2


def _break(library, change):
    data = copy.deepcopy(library)
    change(data)
    return yaml.safe_dump(data, sort_keys=False)


def _nodes(data):
    return data["objects"]["framework"]["requirement_nodes"]


def _set(node_index, key, value):
    def change(data):
        _nodes(data)[node_index][key] = value
    return change


def _drop(node_index, key):
    def change(data):
        del _nodes(data)[node_index][key]
    return change


def _cycle(data):
    nodes = _nodes(data)
    nodes[0]["parent_urn"] = nodes[2]["urn"]        # GOV under GOV.POL-1, which is under GOV


def _no_assessable(data):
    for node in _nodes(data):
        node["assessable"] = False


MALFORMED = {
    "not yaml": (lambda lib: "objects: [unclosed\n  framework: {", "not a YAML file"),
    # Past our own limit (100) and short of libyaml's (1,000 since 0.2.6), so our check speaks.
    "deeply nested yaml": (lambda lib: "[" * 150 + "]" * 150, "nested more than 100 levels"),
    "yaml list": (lambda lib: "- just\n- a list\n", "holds a list, not a CISO Assistant "
                  "library; import-ciso takes framework libraries"),
    "no framework": (lambda lib: _break(lib, lambda d: d["objects"].pop("framework")),
                     "a CISO Assistant library with no objects in it"),
    "nodes not a list": (lambda lib: _break(lib, lambda d: d["objects"]["framework"].update(
        requirement_nodes={"a": 1})), "requirement_nodes must be a list"),
    "node not a mapping": (lambda lib: _break(lib, lambda d: _nodes(d).append("text")),
                           "requirement node #9 is not a mapping"),
    "node without urn": (lambda lib: _break(lib, _drop(3, "urn")),
                         "requirement node #4 has no urn"),
    "duplicate urn": (lambda lib: _break(lib, _set(1, "urn", NODE + "gov")),
                      "appears twice"),
    "parent nowhere": (lambda lib: _break(lib, _set(2, "parent_urn", NODE + "missing")),
                       "points to no node"),
    "cycle": (lambda lib: _break(lib, _cycle), "form a cycle"),
    "self parent": (lambda lib: _break(lib, _set(5, "parent_urn", NODE + "bld")),
                    "form a cycle"),
    "duplicate ref": (lambda lib: _break(lib, _set(6, "ref_id", "GOV.POL-1")),
                      "ref 'GOV.POL-1' is used by two nodes"),
    "no assessable": (lambda lib: _break(lib, _no_assessable), "no assessable requirement"),
    "assessable not bool": (lambda lib: _break(lib, _set(2, "assessable", "maybe")),
                            "assessable must be true or false"),
    "name not text": (lambda lib: _break(lib, _set(2, "name", {"en": "x"})),
                      "name must be text"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_cli_malformed_library(cli, tmp_path, library, case):
    make, expected = MALFORMED[case]
    source = tmp_path / "broken.yaml"
    source.write_text(make(library), encoding="utf-8")
    out = tmp_path / "out.yaml"
    out.write_text("previous content\n", encoding="utf-8")
    r = cli("checklists", "import-ciso", source, "-o", out)
    assert r.code == 1
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert str(source) in lines[0] and expected in lines[0], lines[0]
    assert out.read_text(encoding="utf-8") == "previous content\n"   # untouched
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("levels", [1_000, 5_000, 100_000])
def test_cli_absurd_nesting_is_one_line(cli, tmp_path, levels):
    """Whoever refuses it first (our check or the YAML library's own limit), the user gets
    one line naming the file, exit 1, and the output left as it was. The library's wording
    is not ours to assert."""
    source = tmp_path / "deep.yaml"
    source.write_text("[" * levels + "]" * levels, encoding="utf-8")
    out = tmp_path / "out.yaml"
    out.write_text("previous content\n", encoding="utf-8")
    r = cli("checklists", "import-ciso", source, "-o", out)
    assert r.code == 1
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and f"{source}: " in lines[0], r.err
    assert "Traceback" not in r.err
    assert out.read_text(encoding="utf-8") == "previous content\n"


def test_deep_tree_is_refused(tmp_path):
    nodes = [{"urn": f"urn:x:n:{i}", "assessable": True, "name": f"N{i}",
              **({"parent_urn": f"urn:x:n:{i - 1}"} if i else {})} for i in range(60)]
    source = tmp_path / "deep.yaml"
    source.write_text(yaml.safe_dump({"version": 1, "objects": {"framework": {
        "urn": "urn:x:fw", "name": "Deep", "requirement_nodes": nodes}}}), encoding="utf-8")
    with pytest.raises(ciso.CisoImportError, match="nested deeper than 50 levels"):
        ciso.import_ciso(source, tmp_path / "out.yaml")
    assert not (tmp_path / "out.yaml").exists()


@pytest.mark.parametrize("case", ["missing", "folder", "not utf-8", "too large",
                                  "no output folder"])
def test_cli_unreadable_input_or_output(cli, tmp_path, monkeypatch, case):
    source, out = FIXTURE, tmp_path / "out.yaml"
    expected = {"missing": "no such file", "folder": "-o is the folder to write",
                "not utf-8": "not UTF-8", "too large": "larger than 20 MB",
                "no output folder": "does not exist"}[case]
    if case == "missing":
        source = tmp_path / "nope.yaml"
    elif case == "folder":
        source = tmp_path
    elif case == "not utf-8":
        source = tmp_path / "latin1.yaml"
        source.write_bytes("name: S\xe9curit\xe9\n".encode("latin-1"))
    elif case == "too large":
        monkeypatch.setattr(ciso, "MAX_BYTES", 100)
    else:
        out = tmp_path / "nowhere" / "out.yaml"
    r = cli("checklists", "import-ciso", source, "-o", out)
    assert r.code == 1
    assert len(r.err.strip().splitlines()) == 1 and expected in r.err, r.err
    assert not (tmp_path / "out.yaml").exists()


def test_output_folder_gets_the_checklist_named_by_its_id(cli, tmp_path):
    """`-o` the user's checklists folder installs the conversion in one step."""
    folder = tmp_path / "checklists"
    folder.mkdir()
    r = cli("checklists", "import-ciso", FIXTURE, "-o", folder, "--id", "sdf")
    assert r.code == 0, r.err
    assert load_checklist(folder / "sdf.yaml").id == "sdf"
    assert r.out.strip().splitlines()[-1] == f"1 of 1 libraries converted into {folder}"


def test_output_may_not_overwrite_the_library(cli, tmp_path):
    source = tmp_path / "lib.yaml"
    source.write_bytes(FIXTURE.read_bytes())
    r = cli("checklists", "import-ciso", source, "-o", source)
    assert r.code == 1 and "is the library being converted" in r.err
    assert source.read_bytes() == FIXTURE.read_bytes()
