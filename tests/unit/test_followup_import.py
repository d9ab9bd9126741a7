"""The follow-up round trip: export, the auditee fills their columns, import. Every error
names sheet and cell and changes nothing; edited auditor columns are warnings."""

from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime

import openpyxl
import pytest
from nc_workbook_support import as_text, build_audit, fill, locate

from auditor.domain.errors import AuditorError
from auditor.domain.store import Store
from auditor.domain.views import audit_document
from auditor.exchange import followup_import
from auditor.exchange.followup_import import apply_followup, plan_followup
from auditor.exchange.workbook_export import export_workbook

pytestmark = pytest.mark.both_engines


@pytest.fixture
def setup(store, mini_checklist, tmp_path):
    aid, codes = build_audit(store, mini_checklist, tmp_path)
    path = export_workbook(store, aid, tmp_path / "report.xlsx")
    return store, aid, codes, path


def _snapshot(store, aid):
    return audit_document(store, aid), len(store.history())


def _refused(store, aid, path, *expected):
    """Plan and apply must both refuse; the database must be exactly as before."""
    before = _snapshot(store, aid)
    plan = plan_followup(store, aid, path)
    assert plan.errors, plan
    for line in expected:
        assert line in plan.errors, plan.errors
    with pytest.raises(AuditorError):
        apply_followup(store, aid, plan)
    assert _snapshot(store, aid) == before
    return plan


GOOD = {"Root cause": "No owner for the context review",
        "Corrective action": "Name an owner; add the review to the management calendar",
        "Correction": "Review done on 2026-03-10",
        "Owner": "=Quality manager",
        "Due date": datetime(2026, 5, 31),
        "Status": "responded",
        "Auditee comment": "@auditor: see attached plan"}


def _good(code):
    return {(code, header): value for header, value in GOOD.items()}


# -- the round trip ----------------------------------------------------------------------


def test_clean_round_trip_through_the_command_line(cli, tmp_path):
    created = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "Q1",
                  "--auditee", "Acme", "--json").json()
    aid = created["id"]
    assert cli("record", aid, "8.3.4", "--result", "minor", "--statement",
               "=no design review records").code == 0
    assert cli("record", aid, "8.5.1", "--result", "observation").code == 0
    doc = cli("audits", "show", aid, "--json").json()
    nc, obs = (f["id"] for f in doc["findings"])
    assert cli("export", aid, "-o", tmp_path / "r.xlsx").code == 0
    fill(tmp_path / "r.xlsx", tmp_path / "back.xlsx",
         {**_good(nc), (obs, "Auditee comment"): "+noted", (obs, "Owner"): "-Dev lead"})

    result = cli("followup", "import", aid, tmp_path / "back.xlsx")
    assert result.code == 0, result.err
    assert "NC-2026-001" in result.out and "imported 9 change(s) to 2 finding(s)" in result.out

    after = {f["id"]: f for f in cli("audits", "show", aid, "--json").json()["findings"]}
    assert after[nc]["root_cause"] == GOOD["Root cause"]
    assert after[nc]["corrective_action"] == GOOD["Corrective action"]
    assert after[nc]["correction"] == GOOD["Correction"]
    assert after[nc]["owner"] == "=Quality manager"
    assert after[nc]["due_date"] == "2026-05-31"
    assert after[nc]["status"] == "responded"
    assert after[nc]["auditee_comment"] == "@auditor: see attached plan"
    assert after[nc]["statement"] == "=no design review records"
    assert after[obs]["auditee_comment"] == "+noted" and after[obs]["owner"] == "-Dev lead"
    assert after[obs]["status"] == "open"
    again = cli("followup", "import", aid, tmp_path / "back.xlsx")
    assert again.code == 0 and "no changes" in again.out


def test_responded_and_implemented_set_status_and_timestamps(setup, tmp_path):
    store, aid, codes, path = setup
    nc = codes["minor"]
    fill(path, tmp_path / "1.xlsx", _good(nc))
    plan = plan_followup(store, aid, tmp_path / "1.xlsx")
    assert not plan.errors and apply_followup(store, aid, plan) == 1
    finding = store.finding(nc)
    assert finding.status == "responded" and finding.responded_at is not None
    assert [e.new for e in store.history(entity="finding", entity_id=nc)
            if e.field == "status"] == ["responded"]

    store.set_finding_status(nc, "accepted")
    export_workbook(store, aid, tmp_path / "2.xlsx")
    fill(tmp_path / "2.xlsx", tmp_path / "3.xlsx", {(nc, "Status"): "implemented"})
    plan = plan_followup(store, aid, tmp_path / "3.xlsx")
    assert [(c.field, c.old, c.new) for c in plan.changes] == [
        ("status", "accepted", "implemented")]
    apply_followup(store, aid, plan)
    finding = store.finding(nc)
    assert finding.status == "implemented" and finding.implemented_at is not None


def test_dry_run_writes_nothing(setup, tmp_path):
    store, aid, codes, path = setup
    fill(path, tmp_path / "1.xlsx", _good(codes["minor"]))
    before = _snapshot(store, aid)
    plan = plan_followup(store, aid, tmp_path / "1.xlsx")
    assert len(plan.changes) == len(GOOD)
    assert _snapshot(store, aid) == before


def test_dry_run_on_the_command_line(cli, tmp_path):
    aid = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "Q1",
              "--auditee", "Acme", "--json").json()["id"]
    cli("record", aid, "8.3.4", "--result", "minor", "--statement", "no records")
    cli("export", aid, "-o", tmp_path / "r.xlsx")
    fill(tmp_path / "r.xlsx", tmp_path / "back.xlsx", _good("NC-2026-001"))
    before = cli("audits", "show", aid, "--json").json()
    result = cli("followup", "import", aid, tmp_path / "back.xlsx", "--dry-run")
    assert result.code == 0 and "dry run" in result.out and "Root cause" in result.out
    assert cli("audits", "show", aid, "--json").json() == before


def test_reordered_columns_sorted_filtered_and_hidden_rows(setup, tmp_path):
    store, aid, codes, path = setup
    wb = openpyxl.load_workbook(path)
    ws = wb["Findings"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    order = list(reversed(range(len(rows[0]))))  # every column in reverse order
    body = sorted(rows[1:], key=lambda r: r[0], reverse=True)
    ws.delete_rows(1, ws.max_row)
    for r, values in enumerate([rows[0]] + body, start=1):
        for c, index in enumerate(order, start=1):
            as_text(ws.cell(row=r, column=c), values[index])
    ws.auto_filter.ref = f"A1:M{len(rows)}"
    ws.row_dimensions[2].hidden = True
    locate(ws, codes["minor"], "Root cause").value = "Filtered away but answered"
    hidden_code = ws.cell(row=2, column=len(rows[0])).value
    locate(ws, hidden_code, "Owner").value = "Hidden row owner"
    wb.save(tmp_path / "moved.xlsx")
    plan = plan_followup(store, aid, tmp_path / "moved.xlsx")
    assert not plan.errors and not plan.warnings, (plan.errors, plan.warnings)
    assert {(c.finding, c.field, c.new) for c in plan.changes} == {
        (codes["minor"], "root_cause", "Filtered away but answered"),
        (hidden_code, "owner", "Hidden row owner")}
    assert next(c.cell for c in plan.changes if c.field == "root_cause").startswith(
        "Findings!G")  # Root cause is column G after the reversal, too


def test_a_cell_left_as_exported_does_not_undo_a_later_change(setup, tmp_path):
    store, aid, codes, path = setup
    store.update_finding(codes["major"], {"root_cause": "Changed by the auditor later"})
    plan = plan_followup(store, aid, path)
    assert not plan.errors and plan.changes == []


# -- errors: one line naming sheet and cell, nothing changed -----------------------------


def test_not_a_workbook(setup, tmp_path):
    store, aid, _, _ = setup
    bad = tmp_path / "notes.xlsx"
    bad.write_text("root cause: none")
    _refused(store, aid, bad,
             f"{bad}: not a workbook (an .xlsx file is a zip archive; this is not one)")


def test_a_zip_that_is_not_a_workbook(setup, tmp_path):
    store, aid, _, _ = setup
    bad = tmp_path / "other.xlsx"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("readme.txt", "hello")
    _refused(store, aid, bad, f"{bad}: not an xlsx workbook (no [Content_Types].xml inside)")


def test_a_file_too_large(setup, tmp_path):
    store, aid, _, _ = setup
    big = tmp_path / "big.xlsx"
    with big.open("wb") as fh:
        fh.truncate(21 * 1024 * 1024)
    plan = _refused(store, aid, big)
    assert plan.errors == [f"{big}: 21.0 MB is too large for an NC report workbook "
                           "(limit 20 MB)"]


def test_a_workbook_that_unpacks_too_large(setup, tmp_path, monkeypatch):
    store, aid, _, path = setup
    monkeypatch.setattr(followup_import, "MAX_UNPACKED_BYTES", 10_000)
    plan = _refused(store, aid, path)
    assert "unpacks to more than" in plan.errors[0]


def test_an_xml_bomb_is_refused_by_defusedxml(setup, tmp_path):
    store, aid, _, path = setup
    assert openpyxl.xml.DEFUSEDXML is True
    bomb = tmp_path / "bomb.xlsx"
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bomb, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = f"<!DOCTYPE workbook [{entities}]>".encode() + data
            dst.writestr(item, data)
    plan = _refused(store, aid, bomb)
    assert plan.errors[0].startswith(f"{bomb}: cannot be read as a workbook (its XML "
                                     "declares entities or a DTD, refused as unsafe")


def test_a_workbook_of_another_audit(setup, mini_checklist, tmp_path):
    store, aid, codes, _ = setup
    other = store.create_audit(mini_checklist, title="Other", auditee="Acme Soft")
    other_path = export_workbook(store, other.id, tmp_path / "other.xlsx")
    _refused(store, aid, other_path,
             f"_auditor!B2: this workbook is of audit {other.id}, not audit {aid}")


def test_a_workbook_of_the_same_number_in_another_database(setup, mini_checklist, tmp_path):
    store, aid, _, _ = setup
    elsewhere = Store.open(f"sqlite:///{tmp_path / 'other.db'}", tmp_path / "ev2", "x",
                           clock=lambda: datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    try:
        twin = elsewhere.create_audit(mini_checklist, title="=Internal audit 2026 / Q1",
                                      auditee="@Acme Soft")
        assert twin.id == aid
        path = export_workbook(elsewhere, twin.id, tmp_path / "twin.xlsx")
    finally:
        elsewhere.close()
    _refused(store, aid, path, f"_auditor!B3: this workbook is of an audit {aid} in "
                               "another database, not of this one")


def test_a_workbook_without_the_hidden_sheet(setup, tmp_path):
    store, aid, codes, path = setup
    wb = openpyxl.load_workbook(path)
    del wb["_auditor"]
    locate(wb["Findings"], codes["minor"], "Root cause").value = "x"
    wb.save(tmp_path / "stripped.xlsx")
    plan = _refused(store, aid, tmp_path / "stripped.xlsx")
    assert plan.errors[0].startswith("_auditor: sheet missing")


def test_unknown_finding_id(setup, tmp_path):
    store, aid, codes, path = setup
    edits = {**_good(codes["minor"]), (codes["ofi"], "Finding ID"): "NC-2026-999"}
    fill(path, tmp_path / "1.xlsx", edits)
    _refused(store, aid, tmp_path / "1.xlsx",
             "Findings!A5: unknown finding id 'NC-2026-999'; finding ids must stay as exported")


def test_a_finding_of_another_audit(setup, mini_checklist, tmp_path):
    store, aid, codes, path = setup
    other = store.create_audit(mini_checklist, title="Other", auditee="Acme Soft")
    _, stranger = store.record_result(other.id, "4.1", "observation")
    fill(path, tmp_path / "1.xlsx", {(codes["ofi"], "Finding ID"): stranger.code})
    _refused(store, aid, tmp_path / "1.xlsx",
             f"Findings!A5: finding {stranger.code} belongs to audit {other.id}, "
             f"not audit {aid}")


def test_a_status_only_the_auditor_may_set(setup, tmp_path):
    store, aid, codes, path = setup
    fill(path, tmp_path / "1.xlsx", {**_good(codes["minor"]), (codes["major"], "Status"): "closed"})
    _refused(store, aid, tmp_path / "1.xlsx",
             "Findings!N3: status 'closed' may be set only by the auditor")


def test_a_status_that_is_no_status(setup, tmp_path):
    store, aid, codes, path = setup
    fill(path, tmp_path / "1.xlsx", {**_good(codes["minor"]), (codes["major"], "Status"): "done"})
    _refused(store, aid, tmp_path / "1.xlsx",
             "Findings!N3: 'done' is not a status; the auditee may set responded or implemented")


def test_a_move_the_lifecycle_does_not_allow(setup, tmp_path):
    store, aid, codes, path = setup
    fill(path, tmp_path / "1.xlsx",
         {**_good(codes["minor"]), (codes["observation"], "Status"): "implemented"})
    _refused(store, aid, tmp_path / "1.xlsx",
             f"Findings!N4: {codes['observation']}: cannot go from open to implemented "
             "(allowed: responded)")


def test_responded_without_root_cause_and_corrective_action(setup, tmp_path):
    store, aid, codes, path = setup
    fill(path, tmp_path / "1.xlsx", {(codes["minor"], "Status"): "responded",
                                     (codes["ofi"], "Owner"): "Dev lead"})
    _refused(store, aid, tmp_path / "1.xlsx",
             f"Findings!N2: {codes['minor']}: responded needs a root cause and a corrective "
             "action")


def test_a_due_date_that_is_not_a_date(setup, tmp_path):
    store, aid, codes, path = setup
    fill(path, tmp_path / "1.xlsx", {**_good(codes["minor"]), (codes["major"], "Due date"):
                                     "end of May"})
    _refused(store, aid, tmp_path / "1.xlsx",
             "Findings!M3: due date 'end of May' is not a date; enter a date such as 2026-04-30")


def test_a_due_date_typed_as_iso_text_is_a_date(setup, tmp_path):
    store, aid, codes, path = setup
    fill(path, tmp_path / "1.xlsx", {(codes["major"], "Due date"): "2026-06-30"})
    plan = plan_followup(store, aid, tmp_path / "1.xlsx")
    assert [(c.field, c.old, c.new) for c in plan.changes] == [
        ("due_date", date(2026, 1, 15), date(2026, 6, 30))]


def test_a_finding_twice(setup, tmp_path):
    store, aid, codes, path = setup
    fill(path, tmp_path / "1.xlsx", {(codes["ofi"], "Finding ID"): codes["minor"]})
    _refused(store, aid, tmp_path / "1.xlsx",
             f"Findings!A5: finding {codes['minor']} appears again (first in row 2); "
             "keep one row per finding")


def test_no_finding_id_column(setup, tmp_path):
    store, aid, codes, path = setup
    wb = openpyxl.load_workbook(path)
    wb["Findings"]["A1"].value = "Ref"
    wb.save(tmp_path / "1.xlsx")
    _refused(store, aid, tmp_path / "1.xlsx",
             "Findings!A1: no 'Finding ID' header; the import finds findings by their id")


def test_all_errors_are_listed_at_once(setup, tmp_path):
    store, aid, codes, path = setup
    fill(path, tmp_path / "1.xlsx", {(codes["major"], "Status"): "closed",
                                     (codes["observation"], "Due date"): "soon"})
    plan = _refused(store, aid, tmp_path / "1.xlsx")
    assert len(plan.errors) == 2


def test_a_cli_error_exits_1_with_one_line_per_problem(cli, tmp_path):
    aid = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "Q1",
              "--auditee", "Acme", "--json").json()["id"]
    cli("record", aid, "8.3.4", "--result", "minor", "--statement", "no records")
    cli("export", aid, "-o", tmp_path / "r.xlsx")
    fill(tmp_path / "r.xlsx", tmp_path / "back.xlsx", {("NC-2026-001", "Status"): "closed",
                                                       ("NC-2026-001", "Owner"): "QM"})
    before = cli("audits", "show", aid, "--json").json()
    result = cli("followup", "import", aid, tmp_path / "back.xlsx")
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        "auditor: Findings!N2: status 'closed' may be set only by the auditor")
    assert "Traceback" not in result.err
    assert cli("audits", "show", aid, "--json").json() == before


# -- warnings: reported, ignored, the rest applies ----------------------------------------


def test_an_edited_auditor_column_is_a_warning_and_ignored(setup, tmp_path):
    store, aid, codes, path = setup
    fill(path, tmp_path / "1.xlsx", {**_good(codes["minor"]),
                                     (codes["major"], "Statement"): "Not a finding at all",
                                     (codes["major"], "Grade"): "Observation"})
    plan = plan_followup(store, aid, tmp_path / "1.xlsx")
    assert not plan.errors
    assert plan.warnings == [
        f"Findings!D3: Grade of {codes['major']} was edited; auditor columns are not "
        "imported, the audit keeps its own",
        f"Findings!F3: Statement of {codes['major']} was edited; auditor columns are not "
        "imported, the audit keeps its own",
    ]
    before = audit_document(store, aid)
    apply_followup(store, aid, plan)
    after = audit_document(store, aid)
    major_before = next(f for f in before["findings"] if f["id"] == codes["major"])
    major_after = next(f for f in after["findings"] if f["id"] == codes["major"])
    assert major_after == major_before
    assert next(f for f in after["findings"] if f["id"] == codes["minor"])["status"] == \
        "responded"


def test_a_missing_auditee_column_is_a_warning(setup, tmp_path):
    store, aid, codes, path = setup
    wb = openpyxl.load_workbook(path)
    ws = wb["Findings"]
    ws.delete_cols(15)  # Auditee comment
    locate(ws, codes["ofi"], "Owner").value = "Dev lead"
    wb.save(tmp_path / "1.xlsx")
    plan = plan_followup(store, aid, tmp_path / "1.xlsx")
    assert plan.warnings == ["Findings: no 'Auditee comment' column; that field is left as "
                             "the audit has it"]
    assert [(c.field, c.new) for c in plan.changes] == [("owner", "Dev lead")]


def test_a_row_without_id_and_an_empty_status_are_warnings(setup, tmp_path):
    store, aid, codes, path = setup
    wb = openpyxl.load_workbook(path)
    ws = wb["Findings"]
    ws["I9"] = "A new problem the auditee found"
    locate(ws, codes["ofi"], "Status").value = None
    wb.save(tmp_path / "1.xlsx")
    before = _snapshot(store, aid)
    plan = plan_followup(store, aid, tmp_path / "1.xlsx")
    assert plan.warnings == [
        "Findings!A9: a row without a finding id; it is ignored",
        f"Findings!N5: status of {codes['ofi']} is empty; it stays open",
    ]
    assert not plan.errors and plan.changes == []
    apply_followup(store, aid, plan)
    assert _snapshot(store, aid) == before


def test_the_store_reads_only_the_findings_asked_for(setup, mini_checklist):
    store, aid, codes, _ = setup
    other = store.create_audit(mini_checklist, title="Other", auditee="Acme Soft")
    _, stranger = store.record_result(other.id, "4.1", "observation")
    found = store.findings(aid, codes=[codes["ofi"], codes["minor"], stranger.code, "X-1"])
    assert [f.code for f in found] == [codes["minor"], codes["ofi"]]
    assert store.findings(aid, codes=[]) == []


def test_a_closed_findings_auditee_answers_are_final(setup, tmp_path):
    # The import rewrote the root cause and corrective action of a finding verified and
    # closed, in a closed audit, exit 0. The answers the verification judged stay.
    store, aid, codes, _ = setup
    code = codes["minor"]
    store.update_finding(code, {"root_cause": "No owner", "corrective_action": "Name one"},
                         by_auditee=True)
    store.set_finding_status(code, "responded", by_auditee=True)
    store.set_finding_status(code, "accepted")
    store.set_finding_status(code, "implemented", by_auditee=True)
    store.set_finding_status(code, "closed", note="checked on site")
    store.close_audit(aid)
    report = export_workbook(store, aid, tmp_path / "closed.xlsx")
    fill(report, tmp_path / "1.xlsx", {(code, "Root cause"): "Rewritten later",
                                       (code, "Corrective action"): "Something else"})
    plan = _refused(store, aid, tmp_path / "1.xlsx")
    assert any(f"{code} is closed: its root cause is final" in e for e in plan.errors), \
        plan.errors
    assert any(f"{code} is closed: its corrective action is final" in e for e in plan.errors)
    assert store.finding(code).root_cause == "No owner"


def test_control_characters_in_an_answer_are_left_out_and_said(setup, tmp_path):
    """A cell's _x001B_ and _x0007_ were decoded into a real ESC and BEL and stored; the
    findings screen then retitled and cleared the auditor's terminal. They are taken in
    without them, the cell named in a warning; tabs and line breaks are text."""
    store, aid, codes, path = setup
    fill(path, tmp_path / "1.xlsx", {
        (codes["major"], "Root cause"): "Rush _x001B_]0;pwned_x0007_ before\tthe release",
        (codes["major"], "Corrective action"): "Gate\nin CI"})
    plan = plan_followup(store, aid, tmp_path / "1.xlsx")
    assert not plan.errors
    new = {c.field: c.new for c in plan.changes}
    assert new["root_cause"] == "Rush ]0;pwned before\tthe release"
    assert new["corrective_action"] == "Gate\nin CI"
    assert [w for w in plan.warnings if "control characters" in w] == [
        f"Findings!I3: Root cause of {codes['major']} held control characters; they are "
        "left out"]
    apply_followup(store, aid, plan)
    stored = store.finding(codes["major"]).root_cause
    assert "\x1b" not in stored and "\x07" not in stored
