"""A real spreadsheet application opens the NC report: LibreOffice (headless) converts it
to CSV without a repair, shows every hostile text literally and evaluates nothing; a copy
saved by LibreOffice imports back with no change and no warning."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest
from nc_workbook_support import HOSTILE, build_audit

from auditor.exchange.followup_import import plan_followup
from auditor.exchange.workbook_export import export_workbook
from auditor.exchange.xlsx_text import workbook_text

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
]
ALL_SHEETS_CSV = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1'


def _convert(source: Path, target_format: str, outdir: Path, profile: Path) -> None:
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", target_format, "--outdir", str(outdir), str(source)],
        capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stderr, result.stderr


@pytest.fixture
def exported(store, mini_checklist, tmp_path):
    aid, codes = build_audit(store, mini_checklist, tmp_path)
    return store, aid, codes, export_workbook(store, aid, tmp_path / "report.xlsx")


def _sheet(outdir: Path, name: str) -> list[list[str]]:
    with (outdir / f"report-{name}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_libreoffice_shows_hostile_texts_literally_and_evaluates_nothing(exported, tmp_path):
    store, aid, codes, path = exported
    outdir = tmp_path / "csv"
    _convert(path, ALL_SHEETS_CSV, outdir, tmp_path / "profile")
    for name in ("Summary", "Findings", "Checklist", "Evidence"):
        assert (outdir / f"report-{name}.csv").is_file(), name

    findings = _sheet(outdir, "Findings")
    assert findings[0][:2] == ["Finding ID", "Clause"]
    rows = {r[0]: dict(zip(findings[0], r)) for r in findings[1:]}
    minor, major = rows[codes["minor"]], rows[codes["major"]]
    assert minor["Statement"].startswith("\n=1+1 context review missing")
    assert minor["Requirement"] == "+1+1" and minor["Process/area"] == "@SUM(A1:A2)"
    assert minor["Objective evidence"] == workbook_text(HOSTILE[8])
    assert major["Root cause"] == "-1+1" and major["Owner"] == "\n=1+1"
    assert major["Statement"] == HOSTILE[9] and major["Objective evidence"] == HOSTILE[10]
    assert major["Due date"] == "2026-01-15"
    assert rows[codes["observation"]]["Auditee comment"] == "x_x0041_y"

    checklist = {r[0]: r for r in _sheet(outdir, "Checklist")}
    notes = checklist["4.1"][3]
    for text in HOSTILE:
        assert workbook_text(text) in notes, text
    assert checklist["4.1"][4] == "\t=1+1"
    assert checklist["4.1"][5] == HOSTILE[2]
    assert "100,000 characters" in checklist["8.6"][3]

    summary = {r[0]: r[1] for r in _sheet(outdir, "Summary") if len(r) > 1}
    assert summary["Title"] == "=Internal audit 2026 / Q1"
    assert summary["Team"] == "=A, B"
    evidence = _sheet(outdir, "Evidence")
    assert [r[4:6] for r in evidence if r[2] == "document"][0] == ["=1+1", "=QM-01 rev 3"]
    cells = [c for sheet in ("Findings", "Checklist", "Summary", "Evidence")
             for row in _sheet(outdir, sheet) for c in row]
    assert "#NAME?" not in cells and "Err:" not in "".join(cells)


def test_a_copy_saved_by_libreoffice_imports_without_changes_or_warnings(exported, tmp_path):
    store, aid, _, path = exported
    outdir = tmp_path / "resaved"
    _convert(path, "xlsx:Calc MS Excel 2007 XML", outdir, tmp_path / "profile")
    plan = plan_followup(store, aid, outdir / "report.xlsx")
    assert (plan.errors, plan.warnings, plan.changes) == ([], [], [])
