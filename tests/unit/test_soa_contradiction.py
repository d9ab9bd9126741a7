"""An excluded control stated as implemented (partly, or planned) is a contradiction an
auditor queries: flagged by the domain's one rule, and so in the command's table and
JSON, the workbook, the Word document and the TUI's SoA fields. `soa set` on an audit
whose checklist has no Annex A controls says so, as `soa show` does (it said the control
was not in the checklist)."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from auditor.domain.errors import RuleViolation
from auditor.domain.soa import FLAG_TEXT, Flag, row_flags

ISMS = Path(__file__).parent.parent / "fixtures" / "mini27001.yaml"
CONTRADICTION = FLAG_TEXT[Flag.EXCLUDED_BUT_IMPLEMENTED]


@pytest.mark.parametrize(("status", "flags"), [
    ("implemented", (Flag.EXCLUDED_BUT_IMPLEMENTED,)),
    ("partially_implemented", (Flag.EXCLUDED_BUT_IMPLEMENTED,)),
    ("planned", (Flag.EXCLUDED_BUT_IMPLEMENTED,)),
    ("not_implemented", ()),
    ("", ()),
])
def test_an_excluded_control_in_use_is_flagged(status, flags):
    assert row_flags(False, "Thin clients only", status) == flags
    assert row_flags(True, "", status) == (() if status else (Flag.STATUS_NOT_STATED,))


def test_an_exclusion_without_justification_and_in_use_has_both_flags():
    assert row_flags(False, " ", "implemented") == (Flag.EXCLUDED_WITHOUT_JUSTIFICATION,
                                                    Flag.EXCLUDED_BUT_IMPLEMENTED)


@pytest.fixture
def audit_number(cli):
    r = cli("audits", "new", "--checklist", str(ISMS), "--title", "ISMS", "--auditee", "Acme",
            "--json")
    assert r.code == 0, r.err
    number = str(r.json()["id"])
    for ref, status in (("A.5.1", "implemented"), ("A.5.2", "not_implemented")):
        r = cli("soa", "set", number, ref, "--applicable", "no", "--justification",
                "=HYPERLINK(\"x\") <b>not</b> used", "--status", status)
        assert r.code == 0, r.err
    return number


def test_every_view_of_the_soa_carries_the_flag(cli, audit_number, tmp_path):
    rows = {r["ref"]: r for r in cli("soa", audit_number, "--json").json()["rows"]}
    assert rows["A.5.1"]["flags"] == ["excluded_but_implemented"]
    assert rows["A.5.2"]["flags"] == []
    table = cli("soa", audit_number)
    assert table.code == 0 and "excluded, yet" in " ".join(table.out.split())

    sheet = tmp_path / "soa.xlsx"
    assert cli("soa", audit_number, "-o", sheet).code == 0
    ws = load_workbook(sheet)["SoA"]
    by_ref = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    assert by_ref["A.5.1"][0].fill.fgColor.rgb.endswith("FFE699")
    assert any(c.value == CONTRADICTION for c in by_ref["A.5.1"])
    assert by_ref["A.5.1"][3].data_type == "s"  # the hostile justification stays text
    assert by_ref["A.5.2"][0].fill.fill_type is None

    word = tmp_path / "soa.docx"
    assert cli("soa", audit_number, "-o", word).code == 0
    [grid] = Document(str(word)).tables
    cells = {row.cells[0].text: [c.text for c in row.cells] for row in grid.rows}
    assert cells["A.5.1"][-1] == CONTRADICTION and cells["A.5.2"][-1] == ""
    assert "<b>not</b>" in cells["A.5.1"][3]


def test_soa_set_on_a_checklist_without_annex_a_says_what_soa_show_says(cli, store,
                                                                       mini_checklist):
    r = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "T", "--auditee", "A",
            "--json")
    number = str(r.json()["id"])
    shown = cli("soa", number)
    set_ = cli("soa", "set", number, "A.5.1", "--applicable", "yes")
    assert set_.code == 1 and set_.err.count("\n") == 1, set_.err
    assert "no Annex A controls" in set_.err and "not in this audit's checklist" not in set_.err
    assert set_.err == shown.err
    audit = store.create_audit(mini_checklist, title="T", auditee="A")
    with pytest.raises(RuleViolation, match="no Annex A controls"):
        store.set_soa_entry(audit.id, "A.5.1", applicable="no")
