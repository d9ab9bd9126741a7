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
