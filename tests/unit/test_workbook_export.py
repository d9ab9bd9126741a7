"""The NC report workbook read back with openpyxl: sheets, headers, protection, validation,
frozen panes, filters, conditional formatting, dates, the hidden sheet, and not one cell
of user text stored as a formula."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from nc_workbook_support import HOSTILE, LONG_NOTE, build_audit

from auditor.domain.errors import AuditorError
from auditor.domain.vocab import GRADE_LABELS, FindingStatus, Grade
from auditor.exchange import workbook_layout as layout
from auditor.exchange.workbook_export import default_filename, export_workbook
from auditor.exchange.xlsx_text import MAX_CELL_UNITS, read_text, workbook_text

# DESIGN section 6, in this order: Requirement and Process/area have columns of their own.
HEADERS = ["Finding ID", "Clause", "Item", "Grade", "Requirement", "Statement",
           "Objective evidence", "Process/area", "Root cause", "Correction",
           "Corrective action", "Owner", "Due date", "Status", "Auditee comment"]


@pytest.fixture
def exported(store, mini_checklist, tmp_path):
    aid, codes = build_audit(store, mini_checklist, tmp_path)
    path = export_workbook(store, aid, tmp_path / "report.xlsx")
    wb = openpyxl.load_workbook(path)
    yield store, aid, codes, path, wb
    wb.close()


def _texts(wb):
    return [read_text(c.value) for ws in wb.worksheets for row in ws.iter_rows()
            for c in row if isinstance(c.value, str)]


def test_sheets_and_the_hidden_state_sheet(exported):
    store, aid, codes, path, wb = exported
    assert wb.sheetnames == ["Summary", "Findings", "Checklist", "Evidence", "_auditor"]
    assert [ws.sheet_state for ws in wb.worksheets] == ["visible"] * 4 + ["veryHidden"]
    assert wb.active.title == "Findings"
    state = wb["_auditor"]
    assert state["A2"].value == "audit_id" and state["B2"].value == str(aid)
    assert state["B3"].value == layout.audit_fingerprint(store, aid)
    assert state["B5"].value == str(len(codes))
    hash_rows = list(state.iter_rows(min_row=layout.HASH_HEADER_ROW, values_only=True))
    assert hash_rows[0] == ("Finding ID", "|".join(HEADERS[1:]))
    assert sorted(r[0] for r in hash_rows[1:]) == sorted(codes.values())
    assert all(len(r[1].split("|")) == len(HEADERS) - 1 for r in hash_rows[1:])


def test_findings_headers_frozen_filtered_and_printable(exported):
    *_, wb = exported
    ws = wb["Findings"]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:O5"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"
    assert ws.column_dimensions["F"].width >= 40
    assert ws["F2"].alignment.wrap_text


def _locked(ws, cell) -> bool:
    """As a spreadsheet application sees it: an empty cell that was not written takes
    its column's style."""
    if cell.has_style:
        return cell.protection.locked
    return ws.column_dimensions[cell.column_letter].protection.locked


def test_only_the_auditees_columns_are_unlocked(exported):
    *_, wb = exported
    ws = wb["Findings"]
    assert ws.protection.sheet
    assert not ws.protection.autoFilter  # filtering stays allowed
    for row in ws.iter_rows(min_row=2, max_row=6):  # row 6: below the findings
        for cell in row:
            header = HEADERS[cell.column - 1]
            unlocked = header in layout.AUDITEE_HEADERS
            assert _locked(ws, cell) is not unlocked, (cell.coordinate, header)
    for cell in ws[1]:
        assert cell.protection.locked
    assert ws.column_dimensions["M"].number_format == "yyyy-mm-dd"
    assert ws.column_dimensions["I"].alignment.wrap_text


def test_status_drop_down_offers_the_auditees_statuses_and_the_current_one(exported):
    store, aid, codes, _, wb = exported
    ws = wb["Findings"]
    store.set_finding_status(codes["ofi"], "cancelled")  # after export: the workbook is as exported
    validations = ws.data_validations.dataValidation
    for row in range(2, 6):
        cell = f"N{row}"
        covering = [dv for dv in validations if cell in dv.sqref]
        assert len(covering) == 1, cell
        dv = covering[0]
        choices = dv.formula1.strip('"').split(",")
        assert dv.type == "list" and dv.showErrorMessage
        assert ws[cell].value in choices
        assert {"responded", "implemented"} <= set(choices)
        assert set(choices) - {"responded", "implemented"} <= {ws[cell].value}


def test_due_dates_are_real_dates(exported):
    _, _, codes, _, wb = exported
    ws = wb["Findings"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == codes["major"])
    due = row[HEADERS.index("Due date")]
    assert due.is_date and due.value == datetime(2026, 1, 15)
    assert due.number_format == "yyyy-mm-dd"
    other = next(r for r in ws.iter_rows(min_row=2) if r[0].value == codes["minor"])
    assert other[HEADERS.index("Due date")].value is None


def test_overdue_rows_are_highlighted_by_a_formula_on_due_date_and_status(exported):
    *_, wb = exported
    ws = wb["Findings"]
    ranges = {str(cf.sqref): cf.rules for cf in ws.conditional_formatting}
    assert list(ranges) == ["A2:O5"]
    (rule,) = ranges["A2:O5"]
    formula = rule.formula[0]
    assert "$M2<TODAY()" in formula and "ISNUMBER($M2)" in formula
    assert '$N2="open"' in formula and '"closed"' not in formula and '"cancelled"' not in formula
    assert rule.dxf.fill is not None


def test_not_one_cell_holds_a_formula_and_hostile_texts_read_back_literally(exported):
    *_, path, wb = exported
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)
    texts = "\n".join(_texts(wb))
    for text in HOSTILE:
        assert workbook_text(text) in texts, text
    assert "\x07" not in texts and "\x00" not in texts


def test_a_100000_character_note_is_cut_with_a_marker(exported):
    *_, wb = exported
    ws = wb["Checklist"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "8.6")
    note = read_text(row[3].value)
    assert len(note.encode("utf-16-le")) // 2 <= MAX_CELL_UNITS
    assert note.startswith(LONG_NOTE[:30_000]) and "100,000 characters" in note


def test_findings_rows_carry_the_ncr_fields(exported):
    store, _, codes, _, wb = exported
    ws = wb["Findings"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    minor = rows[codes["minor"]]
    assert minor[1:4] == ("4.1", "Understanding the organization and its context",
                          GRADE_LABELS[Grade.MINOR])
    at = {h: HEADERS.index(h) for h in HEADERS}
    statement = read_text(minor[at["Statement"]])
    assert statement.startswith("\n=1+1 context review missing")
    # its own columns, text never a formula, and no longer folded into the statement
    assert read_text(minor[at["Requirement"]]) == "+1+1"
    assert read_text(minor[at["Process/area"]]) == "@SUM(A1:A2)"
    assert "Requirement:" not in statement and "Process/area:" not in statement
    assert minor[at["Status"]] == "open"
    major = rows[codes["major"]]
    assert read_text(major[at["Root cause"]]) == "-1+1"
    assert read_text(major[at["Owner"]]) == "\n=1+1"


def test_summary_has_facts_counts_and_a_chart_by_clause(exported):
    store, aid, _, path, wb = exported
    ws = wb["Summary"]
    pairs = {read_text(a): b for a, b in ws.iter_rows(min_col=1, max_col=2, values_only=True)
             if a}
    # the counts by status stand beside those by grade
    pairs |= {read_text(a): b for a, b in ws.iter_rows(min_col=4, max_col=5, values_only=True)
              if a}
    assert read_text(pairs["Title"]) == "=Internal audit 2026 / Q1"
    assert read_text(pairs["Auditee"]) == "@Acme Soft"
    assert pairs["Progress"] == "4 of 4 items assessed"
    assert pairs[GRADE_LABELS[Grade.MAJOR]] == 1 and pairs[GRADE_LABELS[Grade.MINOR]] == 1
    assert pairs[GRADE_LABELS[Grade.GOOD_PRACTICE]] == 0
    assert pairs[FindingStatus.OPEN.value] == 4 and pairs[FindingStatus.CLOSED.value] == 0
    assert pairs["4 Context of the organization"] == 2 and pairs["8 Operation"] == 2
    assert len(ws._charts) == 1
    with zipfile.ZipFile(path) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
    assert "barChart" in chart and "Summary" in chart
    assert ws.protection.sheet


def test_checklist_lists_every_item_with_result_and_notes(exported):
    store, aid, _, _, wb = exported
    ws = wb["Checklist"]
    assert [c.value for c in ws[1]] == ["Ref", "Title", "Result", "Notes", "Interviewees",
                                        "Documents"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == store.checklist(aid).refs()
    by_ref = {r[0]: r for r in rows}
    assert by_ref["4.1"][2] == "minor NC" and by_ref["4"][2] is None
    assert read_text(by_ref["4.1"][4]) == "\t=1+1"
    assert read_text(by_ref["4.1"][5]) == HOSTILE[2]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:F{len(rows) + 1}"


def test_evidence_register_has_names_and_hashes(exported):
    store, aid, codes, _, wb = exported
    ws = wb["Evidence"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    files = [r for r in rows if r[2] == "file"]
    (stored,) = [e for e in store.evidence(aid) if e.sha256]
    assert files == [("4.1", codes["minor"], "file", "=cmd screenshot.png", None, None,
                      stored.size, stored.sha256)]
    document = next(r for r in rows if r[2] == "document")
    assert read_text(document[4]) == "=1+1" and read_text(document[5]) == "=QM-01 rev 3"


def test_default_file_name_is_safe(store, mini_checklist):
    audit = store.create_audit(mini_checklist, title="Q1/2026: Prüfung <ISO 9001> ../x",
                               auditee="Acme", planned_start=date(2026, 4, 1))
    assert default_filename(audit) == "Q1-2026-Prufung-ISO-9001-..-x-2026-04-01.xlsx"
    bare = store.create_audit(mini_checklist, title="/// ===", auditee="Acme")
    assert default_filename(bare) == f"audit-{bare.id}-2026-03-02.xlsx"


def test_export_refuses_a_missing_folder_or_another_suffix(store, audit, tmp_path):
    with pytest.raises(AuditorError, match="no such folder"):
        export_workbook(store, audit.id, tmp_path / "nope" / "r.xlsx")
    with pytest.raises(AuditorError, match="must end in .xlsx"):
        export_workbook(store, audit.id, tmp_path / "r.csv")
    assert list(tmp_path.glob("*.xlsx")) == []


def test_an_audit_without_findings_exports(store, audit, tmp_path):
    path = export_workbook(store, audit.id, tmp_path / "empty.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb["Findings"].max_row == 1
    assert wb["Summary"]._charts == []


def test_export_reports_progress(store, audit, tmp_path):
    seen = []
    export_workbook(store, audit.id, tmp_path / "r.xlsx", progress=lambda f, s: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_cli_export_writes_the_default_name_in_the_current_folder(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    created = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "Q1 audit",
                  "--auditee", "Acme", "--start", "2026-03-02", "--json").json()
    result = cli("export", created["id"])
    assert result.code == 0, result.err
    assert (tmp_path / "Q1-audit-2026-03-02.xlsx").is_file()
    assert "Q1-audit-2026-03-02.xlsx" in result.out
    again = cli("export", created["id"])  # never over a workbook sent back with that name
    assert again.code == 0 and (tmp_path / "Q1-audit-2026-03-02-2.xlsx").is_file()
    assert cli("export", "99").code == 1


def test_control_characters_in_the_title_leave_every_part_well_formed(store, mini_checklist,
                                                                    tmp_path):
    """A vertical tab in an audit title made docProps/core.xml malformed: auditor could not
    read its own export back. Every XML part parses, and the import reads the workbook."""
    import zipfile
    from xml.etree import ElementTree

    from auditor.exchange.followup_import import plan_followup

    aid, _codes = build_audit(store, mini_checklist, tmp_path)
    store.update_audit(aid, {"title": "Q3\x0b audit\x01 [/b] \x1b]0;pwned\x07"})
    path = export_workbook(store, aid, tmp_path / "report.xlsx")
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(zf.read(name))  # raises on a malformed part
        core = zf.read("docProps/core.xml").decode()
    assert "Q3 audit [/b] ]0;pwned" in core
    plan = plan_followup(store, aid, path)
    assert not plan.errors
