"""The Statement of Applicability as a Word document: landscape, one row per Annex A
control read back with python-docx, flagged rows shaded, hostile text literal; the
command's refusals; LibreOffice converts it to PDF without an error."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from test_report import HOSTILE, pdf_text, squeeze

from auditor.exchange.checklist_yaml import load_checklist
from auditor.exchange.soa_docx import HEADERS, write_soa_docx

ISMS = Path(__file__).parent.parent / "fixtures" / "mini27001.yaml"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def soa_audit(store):
    audit = store.create_audit(load_checklist(ISMS), title="ISMS audit " + HOSTILE["markdown"],
                               auditee="Acme <b>Soft</b>")
    store.set_soa_entry(audit.id, "A.5.1", applicable="yes", status="implemented",
                        refs="POL-01 " + HOSTILE["html"], justification=HOSTILE["controls"])
    store.set_soa_entry(audit.id, "A.5.2", applicable="no", justification="=1+1 *x* [a](b)")
    store.set_soa_entry(audit.id, "A.5.3", applicable="no")
    _, finding = store.record_result(audit.id, "A.5.1", "minor", statement="Policy stale")
    return audit.id, finding.code


def _rows(path: Path) -> tuple[list[list[str]], list[bool], Any]:
    doc = Document(str(path))
    [grid] = doc.tables
    cells = [[c.text for c in row.cells] for row in grid.rows]
    shaded = ["FFE699" in row.cells[0]._tc.xml for row in grid.rows]
    return cells, shaded, doc


def test_every_control_is_a_row_and_the_flagged_are_shaded(store, soa_audit, tmp_path):
    audit, code = soa_audit
    target = tmp_path / "soa.docx"
    rows = write_soa_docx(store, audit, target)
    cells, shaded, doc = _rows(target)
    assert tuple(cells[0]) == HEADERS
    assert [r[0] for r in cells[1:]] == [r.ref for r in rows] == ["A.5.1", "A.5.2", "A.5.3",
                                                                "A.8.1"]
    by_ref = {r[0]: dict(zip(HEADERS, r)) for r in cells[1:]}
    assert by_ref["A.5.1"]["Applicable"] == "Yes"
    assert by_ref["A.5.1"]["Implementation status"] == "Implemented"
    assert by_ref["A.5.1"]["Findings"] == code
    assert by_ref["A.5.1"]["Auditee's references"] == "POL-01 " + HOSTILE["html"]
    assert by_ref["A.5.1"]["Justification"] == "bell nul escape[31m vt ff c1 del end"
    assert by_ref["A.5.2"]["Justification"] == "=1+1 *x* [a](b)"
    assert by_ref["A.5.3"]["To query"] == "excluded without justification"
    assert by_ref["A.8.1"]["To query"] == "applicability not stated"
    assert shaded == [False, False, False, True, True]
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    assert "Acme <b>Soft</b>" in section.footer.paragraphs[0].text
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "# Not a heading" in body and "2 flagged" in body
    assert oct(target.stat().st_mode & 0o777) == "0o600"


def test_the_command_writes_word_and_refuses_other_names(cli, tmp_path):
    r = cli("audits", "new", "--checklist", str(ISMS), "--title", "ISMS", "--auditee", "A",
            "--json")
    number = str(r.json()["id"])
    r = cli("soa", number, "-o", tmp_path / "soa.docx")
    assert r.code == 0 and "4 controls (4 flagged)" in r.out, r.err
    again = cli("soa", number, "-o", tmp_path / "soa.docx")
    assert again.code == 1 and "there already" in again.err and again.err.count("\n") == 1
    other = cli("soa", number, "-o", tmp_path / "soa.pdf")
    assert other.code == 1 and ".xlsx or .docx" in other.err and other.err.count("\n") == 1
    assert not (tmp_path / "soa.pdf").exists()
    r = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "T", "--auditee", "A",
            "--json")
    refused = cli("soa", str(r.json()["id"]), "-o", tmp_path / "qms.docx")
    assert refused.code == 1 and "no Annex A" in refused.err
    assert not (tmp_path / "qms.docx").exists()


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_word_soa(store, soa_audit, tmp_path):
    assert SOFFICE is not None
    source = tmp_path / "soa.docx"
    write_soa_docx(store, soa_audit[0], source)
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=180)
    assert result.returncode == 0 and "Error" not in result.stderr, result.stderr
    text = squeeze("".join(pdf_text((tmp_path / "soa.pdf").read_bytes())))
    for expected in ("A.8.1", "excluded without justification", "=1+1 *x* [a](b)",
                     "Acme <b>Soft</b>"):
        assert squeeze(expected) in text, expected
