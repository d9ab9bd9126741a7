"""Workbooks small on disk that claim a lot: each is read or refused quickly, a refusal is
one line naming the part (or the cell), and the audit is left exactly as it was.

The bombs are small versions of bench/workbook_bombs.py (limits lowered where building
the full size would be slow); one full-size bomb runs through the command line in a
subprocess whose peak memory is checked."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import warnings
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from nc_workbook_support import build_audit, fill, locate

from auditor.domain.errors import AuditorError
from auditor.domain.views import audit_document
from auditor.exchange import followup_import
from auditor.exchange import xlsx_limits as limits
from auditor.exchange.followup_import import apply_followup, plan_followup
from auditor.exchange.workbook_export import export_workbook
from auditor.exchange.xlsx_reader import WorkbookReader

ROOT = Path(__file__).resolve().parents[2]
MEASURE = """import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
sys.exit(code)
"""


@pytest.fixture
def setup(store, mini_checklist, tmp_path):
    aid, codes = build_audit(store, mini_checklist, tmp_path)
    path = export_workbook(store, aid, tmp_path / "report.xlsx")
    return store, aid, codes, path


def _parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return WorkbookReader(archive).parts


def _rewrite(source: Path, target: Path,
             parts: dict[str, Callable[[bytes], bytes] | bytes], extra: int = 0) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as dst:
        names = set(src.namelist())
        for item in src.infolist():
            data = src.read(item.filename)
            change = parts.get(item.filename)
            if change is not None:
                data = change(data) if callable(change) else change
            dst.writestr(item.filename, data)
        for name, change in parts.items():
            if name not in names:
                dst.writestr(name, change if isinstance(change, bytes) else change(b""))
        for n in range(extra):
            dst.writestr(f"x/{n}", b"")
    return target


def _refused(store, aid, path, expected: str | None = None):
    """Plan and apply refuse with one line; the audit is exactly as before."""
    before = audit_document(store, aid), len(store.history())
    plan = plan_followup(store, aid, path)
    assert len(plan.errors) == 1, plan.errors
    if expected is not None:
        assert plan.errors == [expected]
    with pytest.raises(AuditorError):
        apply_followup(store, aid, plan)
    assert (audit_document(store, aid), len(store.history())) == before
    return plan.errors[0]


def _dimension(xml: bytes) -> bytes:
    xml = re.sub(rb"<dimension[^>]*/>", b"", xml)
    return xml.replace(b"<sheetViews>", b'<dimension ref="A1:XFD1048576"/><sheetViews>', 1)


def _add_row(xml: bytes, row: bytes) -> bytes:
    return xml.replace(b"</sheetData>", row + b"</sheetData>", 1)


def _inline(ref: str, text: bytes) -> bytes:
    return b'<c r="' + ref.encode() + b'" t="inlineStr"><is><t>' + text + b"</t></is></c>"


def _strings(count: int, text: bytes = b"x") -> bytes:
    return (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + (b"<si><t>" + text + b"</t></si>") * count + b"</sst>")


def _with_strings(xml: bytes) -> bytes:
    rel = (b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/'
           b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
    return xml.replace(b"</Relationships>", rel + b"</Relationships>", 1)


# -- the declared dimension, rows and columns ------------------------------------------------


def test_a_declared_dimension_is_not_trusted(setup, tmp_path):
    # A Findings sheet claiming A1:XFD1048576 took gigabytes: only the cells are read.
    store, aid, codes, path = setup
    answered = fill(path, tmp_path / "answered.xlsx", {(codes["ofi"], "Owner"): "Dev lead"})
    sheets = _parts(answered)
    bomb = _rewrite(answered, tmp_path / "bomb.xlsx", {sheets["Findings"]: _dimension,
                                                      sheets["_auditor"]: _dimension})
    start = time.perf_counter()
    plan = plan_followup(store, aid, bomb)
    assert time.perf_counter() - start < 5
    assert not plan.errors, plan.errors
    assert [(c.finding, c.field, c.new) for c in plan.changes] == [
        (codes["ofi"], "owner", "Dev lead")]


@pytest.mark.parametrize("ref", ["XFD1048576", "AO2", "A10001"])
def test_a_value_beyond_the_rows_and_columns_is_refused_naming_the_cell(setup, tmp_path,
                                                                        ref):
    store, aid, _, path = setup
    sheet = _parts(path)["Findings"]
    row = re.sub(r"[A-Z]+", "", ref).encode()
    bomb = _rewrite(path, tmp_path / "bomb.xlsx", {sheet: lambda x: _add_row(
        _dimension(x), b'<row r="' + row + b'">' + _inline(ref, b"x") + b"</row>")})
    _refused(store, aid, bomb, f"Findings!{ref}: a value beyond AN10000; an NC report uses "
                               "at most 10,000 rows and 40 columns")


def test_too_many_cells_in_the_hidden_sheet_are_refused_before_the_identity_check(
        setup, tmp_path, monkeypatch):
    # The hidden sheet is read first of all, so it is bounded like the Findings sheet.
    store, aid, _, path = setup
    monkeypatch.setattr(limits, "MAX_CELLS", 500)
    sheet = _parts(path)["_auditor"]
    bomb = _rewrite(path, tmp_path / "bomb.xlsx",
                    {sheet: lambda x: _add_row(x, b'<row r="9000">' + b"<c/>" * 600 + b"</row>")})
    _refused(store, aid, bomb, f"{bomb}: {sheet} (sheet _auditor) holds more than 500 cells; "
                               "an NC report has at most 500")


def test_too_many_cells_in_the_findings_sheet(setup, tmp_path, monkeypatch):
    store, aid, _, path = setup
    monkeypatch.setattr(limits, "MAX_CELLS", 500)
    sheet = _parts(path)["Findings"]
    bomb = _rewrite(path, tmp_path / "bomb.xlsx",
                    {sheet: lambda x: _add_row(x, b'<row r="9000">' + b"<c/>" * 600 + b"</row>")})
    _refused(store, aid, bomb, f"{bomb}: {sheet} (sheet Findings) holds more than 500 cells; "
                               "an NC report has at most 500")


def test_a_bomb_in_a_sheet_the_import_does_not_read_is_never_unpacked(setup, tmp_path):
    store, aid, codes, path = setup
    sheet = _parts(path)["Checklist"]
    bomb = _rewrite(path, tmp_path / "bomb.xlsx", {sheet: lambda x: _add_row(
        _dimension(x), b'<row r="9000">' + b"<c/>" * 3_000_000 + b"</row>")})
    plan = plan_followup(store, aid, bomb)
    assert not plan.errors and plan.changes == []


def test_many_unknown_finding_ids_are_counted_not_each_looked_up(setup, tmp_path,
                                                                 monkeypatch):
    # 9,900 made-up ids took over a minute: each was looked up in every other audit.
    store, aid, _, path = setup
    monkeypatch.setattr(followup_import, "MAX_UNKNOWN_LISTED", 3)
    sheet = _parts(path)["Findings"]
    rows = b"".join(b'<row r="%d">' % n + _inline(f"A{n}", b"NC-2026-9%03d" % n) + b"</row>"
                    for n in range(100, 110))
    bomb = _rewrite(path, tmp_path / "bomb.xlsx", {sheet: lambda x: _add_row(x, rows)})
    looked_up = []
    real = followup_import._unknown
    monkeypatch.setattr(followup_import, "_unknown",
                        lambda *a: looked_up.append(a[1]) or real(*a))
    before = audit_document(store, aid)
    plan = plan_followup(store, aid, bomb)
    assert plan.errors == [
        *(f"Findings!A{n}: unknown finding id 'NC-2026-9{n}'; finding ids must stay as "
          "exported" for n in (100, 101, 102)),
        "Findings!A103: and 7 more finding ids this audit does not have, down to A109; "
        "finding ids must stay as exported"]
    assert len(looked_up) == 3
    assert audit_document(store, aid) == before


def test_many_rows_without_an_id_are_one_warning_after_the_first(setup, tmp_path,
                                                                  monkeypatch):
    store, aid, _, path = setup
    monkeypatch.setattr(followup_import, "MAX_UNKNOWN_LISTED", 2)
    sheet = _parts(path)["Findings"]
    rows = b"".join(b'<row r="%d">' % n + _inline(f"I{n}", b"an answer") + b"</row>"
                    for n in range(100, 110))
    plan = plan_followup(store, aid, _rewrite(path, tmp_path / "rows.xlsx",
                                              {sheet: lambda x: _add_row(x, rows)}))
    assert not plan.errors and plan.warnings == [
        "Findings!A100: a row without a finding id; it is ignored",
        "Findings!A101: a row without a finding id; it is ignored",
        "Findings!A102: and 8 more rows without a finding id, down to A109; they are ignored"]


# -- styles and shared strings ---------------------------------------------------------------


def test_too_many_cell_styles(setup, tmp_path):
    store, aid, _, path = setup
    xfs = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>' * 5_001
    bomb = _rewrite(path, tmp_path / "bomb.xlsx", {"xl/styles.xml": lambda x: re.sub(
        rb"(<cellXfs[^>]*>)", lambda m: m.group(1) + xfs, x, count=1)})
    _refused(store, aid, bomb, f"{bomb}: xl/styles.xml holds more than 5,000 cell styles "
                               "(cellXfs); an NC report has at most 5,000")


@pytest.mark.parametrize(("container", "element"), [
    ("fonts", b"<font/>"), ("fills", b"<fill/>"), ("borders", b"<border/>"),
    ("numFmts", b'<numFmt numFmtId="300" formatCode="0.0"/>'), ("dxfs", b"<dxf/>"),
    ("cellStyleXfs", b"<xf/>"), ("cellStyles", b'<cellStyle name="x" xfId="0"/>')])
def test_too_many_styles_of_each_kind(setup, tmp_path, monkeypatch, container, element):
    store, aid, _, path = setup
    monkeypatch.setitem(limits.MAX_STYLES, container, (20, limits.MAX_STYLES[container][1]))
    tag = container.encode()

    def more(xml: bytes) -> bytes:
        if b"<" + tag not in xml:
            xml = xml.replace(b"</styleSheet>", b"<" + tag + b"></" + tag + b"></styleSheet>")
        xml = re.sub(b"<" + tag + rb"( [^>]*)?/>", b"<" + tag + b"></" + tag + b">", xml)
        return re.sub(b"(<" + tag + rb"(?: [^>]*)?>)", lambda m: m.group(1) + element * 21,
                      xml, count=1)

    line = _refused(store, aid, _rewrite(path, tmp_path / "bomb.xlsx", {"xl/styles.xml": more}))
    assert line.endswith(f"xl/styles.xml holds more than 20 {limits.MAX_STYLES[container][1]}"
                         f" ({container}); an NC report has at most 20"), line


def test_too_many_shared_strings(setup, tmp_path, monkeypatch):
    store, aid, _, path = setup
    monkeypatch.setattr(limits, "MAX_SHARED_STRINGS", 1_000)
    bomb = _rewrite(path, tmp_path / "bomb.xlsx", {
        "xl/sharedStrings.xml": _strings(1_001),
        "xl/_rels/workbook.xml.rels": _with_strings})
    _refused(store, aid, bomb, f"{bomb}: xl/sharedStrings.xml holds more than 1,000 shared "
                               "strings; an NC report has at most 1,000")


def test_a_shared_string_longer_than_a_cell_holds(setup, tmp_path):
    store, aid, _, path = setup
    bomb = _rewrite(path, tmp_path / "bomb.xlsx", {
        "xl/sharedStrings.xml": _strings(2, b"s" * 40_000),
        "xl/_rels/workbook.xml.rels": _with_strings})
    _refused(store, aid, bomb, f"{bomb}: xl/sharedStrings.xml shared string 0 has more than "
                               "32,767 characters; no spreadsheet cell holds more than 32,767")


def test_shared_strings_are_read_as_openpyxl_reads_them(setup, tmp_path):
    # Excel and LibreOffice keep text in shared strings: an answer there is imported.
    store, aid, codes, path = setup
    sheet = _parts(path)["Findings"]
    row = next(r for r, c in enumerate(_rows(path, "Findings"), start=1)
               if c and c[0] == codes["ofi"])
    table = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b"<si><t>Dev </t></si><si><r><t>Dev</t></r><r><t xml:space=\"preserve\"> lead"
             b"</t></r><rPh><t>phonetic</t></rPh></si></sst>")

    def owner(xml: bytes) -> bytes:
        cell = b'<c r="L' + str(row).encode() + b'" t="s"><v>1</v></c>'
        xml = re.sub(b'<c r="L' + str(row).encode() + rb'"[^>]*/>', b"", xml)
        return re.sub(b'(<row r="' + str(row).encode() + b'"[^>]*>)',
                      lambda m: m.group(1) + cell, xml, count=1)

    answered = _rewrite(path, tmp_path / "answered.xlsx", {
        sheet: owner, "xl/sharedStrings.xml": table,
        "xl/_rels/workbook.xml.rels": _with_strings})
    plan = plan_followup(store, aid, answered)
    assert not plan.errors, plan.errors
    assert [(c.finding, c.field, c.new) for c in plan.changes] == [
        (codes["ofi"], "owner", "Dev lead")]


def _rows(path: Path, sheet: str) -> list[tuple]:
    with zipfile.ZipFile(path) as archive:
        return WorkbookReader(archive).rows(sheet)


# -- cells, nesting, tags, elements, text, parts -----------------------------------------------


def test_a_cell_longer_than_a_spreadsheet_cell_holds_is_refused_naming_it(setup, tmp_path):
    # openpyxl cuts a longer text when it writes it: the cell is written here by hand
    store, aid, _, path = setup
    sheet = _parts(path)["Findings"]

    def root_cause(xml: bytes) -> bytes:
        xml = re.sub(rb'<c r="I2"[^>]*/>|<c r="I2".*?</c>', b"", xml, count=1)
        return re.sub(rb'(<row r="2"[^>]*>)', lambda m: m.group(1) + _inline(
            "I2", b"r" * 1_000_000), xml, count=1)

    bomb = _rewrite(path, tmp_path / "bomb.xlsx", {sheet: root_cause})
    _refused(store, aid, bomb, "Findings!I2: more than 32,767 characters; no spreadsheet cell "
                               "holds more than 32,767")


def test_a_cell_as_long_as_a_spreadsheet_cell_holds_is_imported(setup, tmp_path):
    store, aid, codes, path = setup
    full = fill(path, tmp_path / "full.xlsx", {(codes["ofi"], "Root cause"): "r" * 32_767})
    plan = plan_followup(store, aid, full)
    assert not plan.errors and [len(c.new) for c in plan.changes] == [32_767]


def test_deep_nesting_is_refused(setup, tmp_path):
    store, aid, _, path = setup
    sheet = _parts(path)["Findings"]
    deep = b"<r>" * 100_000 + b"x" + b"</r>" * 100_000
    bomb = _rewrite(path, tmp_path / "bomb.xlsx", {sheet: lambda x: _add_row(
        x, b'<row r="90">' + _inline("A90", deep) + b"</row>")})
    _refused(store, aid, bomb, f"{bomb}: {sheet} nests XML more than 32 deep; an NC report's "
                               "is at most about 10 deep")


def test_a_huge_tag_is_refused_before_it_is_held(setup, tmp_path):
    store, aid, _, path = setup
    bomb = _rewrite(path, tmp_path / "bomb.xlsx", {"xl/styles.xml": lambda x: x.replace(
        b"<styleSheet ", b'<styleSheet bomb="' + b"b" * 3_000_000 + b'" ', 1)})
    _refused(store, aid, bomb, f"{bomb}: xl/styles.xml holds a tag, comment or instruction "
                               "longer than 1 MB; an NC report's are at most a few KB")


def test_too_many_elements(setup, tmp_path, monkeypatch):
    store, aid, _, path = setup
    monkeypatch.setattr(limits, "MAX_ELEMENTS", 2_000)
    bomb = _rewrite(path, tmp_path / "bomb.xlsx", {"xl/workbook.xml": lambda x: x.replace(
        b"</workbook>", b"<extLst>" + b"<ext/>" * 3_000 + b"</extLst></workbook>")})
    _refused(store, aid, bomb, f"{bomb}: xl/workbook.xml takes the workbook past 2,000 XML "
                               "elements; an NC report has far fewer")


def test_too_much_text(setup, tmp_path, monkeypatch):
    store, aid, codes, path = setup
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 20_000)
    bomb = fill(path, tmp_path / "bomb.xlsx", {(codes["ofi"], "Root cause"): "r" * 15_000,
                                               (codes["minor"], "Root cause"): "r" * 15_000})
    sheet = _parts(bomb)["Findings"]
    _refused(store, aid, bomb, f"{bomb}: {sheet} takes the workbook's text past 20,000 "
                               "characters; an NC report's is far shorter")


def test_too_many_zip_entries(setup, tmp_path, monkeypatch):
    store, aid, _, path = setup
    monkeypatch.setattr(followup_import, "MAX_PARTS", 50)
    bomb = _rewrite(path, tmp_path / "bomb.xlsx", {}, extra=60)
    count = len(zipfile.ZipFile(bomb).namelist())
    _refused(store, aid, bomb, f"{bomb}: holds {count} parts; an NC report workbook has at "
                               "most 50")


# -- due dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "shown"), [
    (-5, "1899-12-25"), ("0001-01-01", "0001-01-01"), (datetime(2062, 5, 1), "2062-05-01"),
    (datetime(2024, 12, 31), "2024-12-31"), (2_958_465, "9999-12-31")])
def test_a_due_date_outside_the_window_is_refused_naming_the_cell(setup, tmp_path, typed,
                                                                  shown):
    # The audit was created on 2026-03-02: due dates from 2025-01-01 to 2036-12-31.
    store, aid, codes, path = setup
    bomb = fill(path, tmp_path / "bomb.xlsx", {(codes["major"], "Due date"): typed})
    _refused(store, aid, bomb, f"Findings!M3: due date {shown} is outside 2025-01-01 to "
                               "2036-12-31 (from the year before the audit to ten years after "
                               "it); enter the date the action is due")


@pytest.mark.parametrize("day", [datetime(2025, 1, 1), datetime(2036, 12, 31), "2030-02-28"])
def test_a_due_date_inside_the_window_is_imported(setup, tmp_path, day):
    store, aid, codes, path = setup
    answered = fill(path, tmp_path / "answered.xlsx", {(codes["major"], "Due date"): day})
    plan = plan_followup(store, aid, answered)
    assert not plan.errors and [c.field for c in plan.changes] == ["due_date"]


def test_a_huge_date_serial_is_refused_without_a_library_warning(setup, tmp_path):
    store, aid, codes, path = setup
    bomb = fill(path, tmp_path / "bomb.xlsx", {(codes["major"], "Due date"): 1e10})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _refused(store, aid, bomb, "Findings!M3: due date serial 10000000000 is not a date "
                                   "any calendar holds; enter a date such as 2026-04-30")
    assert [str(w.message) for w in caught] == []


def test_the_command_line_shows_no_warning_for_a_huge_serial(cli, tmp_path):
    aid = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "Q1",
              "--auditee", "Acme", "--json").json()["id"]
    cli("record", aid, "8.3.4", "--result", "minor", "--statement", "no records")
    cli("export", aid, "-o", tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    cell = locate(wb["Findings"], "NC-2026-001", "Due date")
    cell.value, cell.number_format = 10**10, "yyyy-mm-dd"  # a date cell, as Excel has it
    wb.save(tmp_path / "back.xlsx")
    before = cli("audits", "show", aid, "--json").json()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = cli("followup", "import", aid, tmp_path / "back.xlsx")
    assert result.code == 1 and [str(w.message) for w in caught] == []
    assert result.err.splitlines() == [
        "auditor: Findings!M2: due date serial 10000000000 is not a date any calendar "
        "holds; enter a date such as 2026-04-30",
        f"auditor: nothing was imported: 1 problem(s) in {tmp_path / 'back.xlsx'}"]
    assert cli("audits", "show", aid, "--json").json() == before


# -- a full-size bomb, in a subprocess with its memory measured -------------------------------


def test_a_full_size_shared_strings_bomb_stays_small_and_quick(cli, tmp_path):
    # 5 million shared strings in 200 KB: the import held 1.44 GB for 110 s.
    aid = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "Q1",
              "--auditee", "Acme", "--json").json()["id"]
    cli("record", aid, "8.3.4", "--result", "minor", "--statement", "no records")
    cli("export", aid, "-o", tmp_path / "r.xlsx")
    bomb = _rewrite(tmp_path / "r.xlsx", tmp_path / "bomb.xlsx", {
        "xl/sharedStrings.xml": _strings(5_000_000),
        "xl/_rels/workbook.xml.rels": _with_strings})
    assert bomb.stat().st_size < 300 * 1024
    before = cli("audits", "show", aid, "--json").json()
    # the user's own settings: a library's UserWarning would show, as it did for a serial
    env = {**os.environ, "AUDITOR_HOME": str(tmp_path / "home"), "AUDITOR_USER": "tester"}
    start = time.perf_counter()
    with (tmp_path / "err.txt").open("wb") as err_file:
        # A small Python runs the import and reports RUSAGE_CHILDREN: a child forked from
        # this (large) test process would count this process's memory as its own peak.
        child = subprocess.run(
            [sys.executable, "-c", MEASURE, str(tmp_path / "usage.txt"), sys.executable,
             "-m", "auditor", "followup", "import", str(aid), str(bomb)],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err_file, timeout=120)
    wall = time.perf_counter() - start
    peak_kb, cpu = (float(v) for v in (tmp_path / "usage.txt").read_text().split())
    peak_mb = peak_kb / 1024
    err = (tmp_path / "err.txt").read_text()
    assert child.returncode == 1, err
    assert err.splitlines()[0] == (
        f"auditor: {bomb}: xl/sharedStrings.xml holds more than 200,000 shared strings; an "
        "NC report has at most 200,000")
    assert "Warning" not in err
    assert peak_mb < 300, peak_mb
    # about 1 s of work after the start-up (it was 110 s); CPU time, as the wall time of a
    # shared machine counts the others' work too
    assert cpu < 20, (cpu, wall)
    assert cli("audits", "show", aid, "--json").json() == before


def test_the_limits_are_documented_as_they_are():
    text = (ROOT / "docs" / "workbook.md").read_text(encoding="utf-8")
    table = text.split("### Limits", 1)[1]
    values = {row.split("|")[1].strip(): row.split("|")[2].strip()
              for row in table.splitlines() if row.startswith("| ") and "---" not in row}
    mb = 1024 * 1024
    assert values["file"] == (f"{limits.MAX_FILE_BYTES // mb} MB, "
                              f"{limits.MAX_UNPACKED_BYTES // mb} MB unpacked, "
                              f"{limits.MAX_PARTS:,} parts")
    assert values["rows with a value, in `Findings` and `_auditor`"] == f"{limits.MAX_ROWS:,}"
    assert values["columns with a value"].startswith(f"{limits.MAX_COLUMNS} ")
    assert values["cells in one sheet"] == f"{limits.MAX_CELLS:,}"
    assert values["characters in a cell"] == f"{limits.MAX_CELL_CHARS:,}"
    assert values["characters read in all"] == f"{limits.MAX_TEXT_CHARS:,}"
    assert values["shared strings"] == f"{limits.MAX_SHARED_STRINGS:,}"
    assert values["cell styles, cell style templates"] == (
        f"{limits.MAX_STYLES['cellXfs'][0]:,} each")
    assert values["number formats"] == f"{limits.MAX_STYLES['numFmts'][0]:,}"
    assert values["XML elements in all parts read"] == f"{limits.MAX_ELEMENTS:,}"
    assert values["XML nesting"] == f"{limits.MAX_DEPTH}"
    assert values["one tag, comment or instruction"] == f"{limits.MAX_TOKEN_BYTES // mb} MB"
