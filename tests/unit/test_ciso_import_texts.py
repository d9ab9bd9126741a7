"""import-ciso, what each node shows: --lang counts a node as untranslated when any of
its texts (a question, an answer choice, its evidence) stays in the library's language;
each converted item keeps the urn of the node it came from."""

from __future__ import annotations

import pytest

from auditor.exchange import ciso

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


def _question(urn: str, text: str, *values: str) -> dict:
    return {urn: {"text": text, "choices": [{"urn": f"{urn}:c{n}", "value": v}
                                            for n, v in enumerate(values)]}}


def _node_in_french(number: str, **translated) -> dict:
    return node(number, ref_id=number, assessable=True, name="Sauvegarder",
                description="Les sauvegardes sont faites.",
                questions=_question(f"urn:test:q:{number}", "Sont-elles testées ?",
                                    "Oui", "Non"),
                translations={"en": translated})


def _en_questions(number: str, *, text: bool = True, choices: bool = True) -> dict:
    urn = f"urn:test:q:{number}"
    entry: dict = {}
    if text:
        entry["text"] = "Are they tested?"
    if choices:
        entry["choices"] = [{"urn": f"{urn}:c0", "value": "Yes"},
                            {"urn": f"{urn}:c1", "value": "No"}]
    return {urn: entry}


@pytest.mark.parametrize("translated, counted", [
    ({"name": "Back up", "description": "Backups are made.", "questions": "full"}, 0),
    ({"name": "Back up", "description": "Backups are made."}, 1),          # question not
    ({"name": "Back up", "description": "Backups are made.", "questions": "no text"}, 1),
    ({"name": "Back up", "description": "Backups are made.", "questions": "no choices"}, 1),
    ({"name": "Back up", "questions": "full"}, 1),                          # description not
])
def test_a_node_is_untranslated_when_any_text_it_shows_is(translated, counted):
    translated = dict(translated)
    kind = translated.pop("questions", None)
    if kind is not None:
        translated["questions"] = _en_questions(
            "1", text=kind != "no text", choices=kind != "no choices")
    data = library(_node_in_french("1", **translated), locale="fr")
    result = ciso.convert(data, "lib.yaml", lang="en")
    assert result.report.untranslated == counted
    if counted:
        assert "1 nodes without that translation" in "; ".join(result.report.dropped())


def test_untranslated_evidence_counts_too():
    full = {"name": "Back up", "description": "Backups are made.",
            "questions": _en_questions("1")}
    data = library(_node_in_french("1", **full), locale="fr")
    assert ciso.convert(data, "lib.yaml", lang="en").report.untranslated == 0
    data["objects"]["framework"]["requirement_nodes"][0]["typical_evidence"] = "Registre"
    assert ciso.convert(data, "lib.yaml", lang="en").report.untranslated == 1


def test_the_tester_case_name_and_description_but_not_the_question():
    """The question stays French among English texts: the node is counted, once."""
    data = library(_node_in_french("1", name="Back up", description="Backups are made."),
                   _node_in_french("2", name="Back up", description="Backups are made.",
                                   questions=_en_questions("2")), locale="fr")
    result = ciso.convert(data, "lib.yaml", lang="en")
    assert result.checklist.item("1").prompts == ("Sont-elles testées ?",)
    assert result.checklist.item("2").prompts == ("Are they tested?",)
    assert result.report.untranslated == 1


# --- hostile libraries on the console --------------------------------------------------------

HOSTILE = "[bold]x[/ \x1b[2J\x07\x9b1m\u202e"


def _hostile(tmp_path, name="hostile.yaml"):
    import yaml

    data = library(node("1", ref_id="1", assessable=True, name=HOSTILE,
                        description=f"desc {HOSTILE}", **{f"evil{HOSTILE}": "x"}),
                   name=HOSTILE, description=HOSTILE)
    data["version"] = HOSTILE
    data["name"] = HOSTILE
    source = tmp_path / name
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return source


def _no_raw_controls(*texts: str) -> None:
    for text in texts:
        assert not any(c in text for c in "\x1b\x07\x9b\u202e"), repr(text)


def test_hostile_texts_print_literally_one_file(cli, tmp_path):
    r = cli("checklists", "import-ciso", _hostile(tmp_path), "-o", tmp_path / "out.yaml")
    assert r.code == 0, r.err
    _no_raw_controls(r.out, r.err)
    flat = " ".join(r.out.split())
    assert "version [bold]x[/ [2J1m," in flat               # markup as text, controls out
    assert "evil[bold]x[/ \\x1b[2J\\x07\\x9b1m\\u202e of 1 nodes" in flat   # escaped


def test_hostile_texts_print_literally_in_a_folder_and_json(cli, tmp_path):
    import json

    libs = tmp_path / "libs"
    libs.mkdir()
    _hostile(libs, "a[bold]\x1b[2J.yaml")
    (libs / "other.yaml").write_text(json.dumps({"objects": {f"k{HOSTILE}": []}}),
                                     encoding="utf-8")
    out = tmp_path / "out"
    r = cli("checklists", "import-ciso", libs, "-o", f"{out}/")
    assert r.code == 0, r.err
    _no_raw_controls(r.out, r.err)
    assert "objects of kind k[bold]x[/ \\x1b[2J\\x07\\x9b1m\\u202e" in " ".join(r.out.split())
    r = cli("checklists", "import-ciso", libs, "-o", f"{out}/", "--json", "--replace")
    assert r.code == 0, r.err
    _no_raw_controls(r.out, r.err)
    rows = json.loads(r.out)
    assert "evil[bold]x[/ \\x1b[2J\\x07\\x9b1m\\u202e" in rows[0]["unused_fields"]
    assert rows[0]["version"] == "[bold]x[/ [2J1m"
