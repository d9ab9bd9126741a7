"""The Statement of Applicability (DESIGN section 9): one row per Annex A control with the
auditee's decision, justification, status and references beside the audit's result and
findings (a pure function), flags for what to query; entries in the change log, held
against the records by `audits verify`, refused on a closed audit; the command line
with one-line refusals, JSON and a workbook whose user text is never a formula."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from auditor.domain.errors import AuditLocked, RuleViolation
from auditor.domain.models import Finding, SoaEntry
from auditor.domain.soa import Flag, check_status, soa_rows
from auditor.domain.vocab import Result
from auditor.exchange.checklist_yaml import load_checklist

FIXTURES = Path(__file__).parent.parent / "fixtures"
ISMS = FIXTURES / "mini27001.yaml"
NOW = datetime(2026, 3, 2, tzinfo=UTC)


@pytest.fixture
def isms():
    return load_checklist(ISMS)


def entry(ref, applicable, justification="", status="", refs=""):
    return SoaEntry(audit_id=1, ref=ref, applicable=applicable, justification=justification,
                    status=status, refs=refs, updated_at=NOW)


# -- the pure rows ---------------------------------------------------------------------------


def test_one_row_per_annex_a_control_with_its_flags(isms):
    entries = {"A.5.1": entry("A.5.1", True, status="implemented", refs="POL-01"),
               "A.5.2": entry("A.5.2", False),
               "A.5.3": entry("A.5.3", True)}
    findings = [Finding(code="NC-1", audit_id=1, ref="A.5.3", grade="minor",
                        created_at=NOW, updated_at=NOW),
                Finding(code="OBS-2", audit_id=1, ref="A.5.3", grade="observation",
                        status="cancelled", created_at=NOW, updated_at=NOW)]
    rows = soa_rows(isms, entries, {"A.5.3": Result.MINOR}, findings)
    assert [r.ref for r in rows] == ["A.5.1", "A.5.2", "A.5.3", "A.8.1"]  # not 6.1.3
    by_ref = {r.ref: r for r in rows}
    assert by_ref["A.5.1"].flags == () and by_ref["A.5.1"].references == "POL-01"
    assert by_ref["A.5.2"].flags == (Flag.EXCLUDED_WITHOUT_JUSTIFICATION,)
    assert by_ref["A.5.3"].flags == (Flag.STATUS_NOT_STATED,)
    assert by_ref["A.5.3"].result == Result.MINOR and by_ref["A.5.3"].findings == ("NC-1",)
    assert by_ref["A.8.1"].applicable is None
    assert by_ref["A.8.1"].flags == (Flag.APPLICABILITY_NOT_STATED,)
    assert by_ref["A.8.1"].result == Result.NOT_ASSESSED


def test_an_exclusion_with_a_justification_is_not_flagged(isms):
    rows = soa_rows(isms, {"A.8.1": entry("A.8.1", False, "No endpoints: thin clients")},
                    {}, [])
    assert rows[-1].flags == ()


def test_a_checklist_without_annex_a_is_refused(mini_checklist):
    with pytest.raises(RuleViolation, match="no Annex A controls"):
        soa_rows(mini_checklist, {}, {}, [])


def test_statuses_by_value_or_label():
    assert check_status("Partially implemented") == "partially_implemented"
    assert check_status("not_implemented") == "not_implemented"
    with pytest.raises(RuleViolation, match="one of implemented"):
        check_status("done")


# -- the store -------------------------------------------------------------------------------


@pytest.fixture
def soa_audit(store, isms):
    return store.create_audit(isms, title="ISMS audit", auditee="Acme Soft").id


def test_entries_are_set_logged_and_verify(store, soa_audit):
    store.set_soa_entry(soa_audit, "A.5.1", applicable="yes", status="implemented",
                        refs="POL-01")
    store.set_soa_entry(soa_audit, "A.5.2", applicable=False, justification="Not needed")
    store.set_soa_entry(soa_audit, "A.5.1", applicable=True, justification="Risk R-3")
    entries = store.soa_entries(soa_audit)
    assert (entries["A.5.1"].status, entries["A.5.1"].refs, entries["A.5.1"].justification) \
        == ("implemented", "POL-01", "Risk R-3")  # what is not given stays
    assert [r.flags for r in store.soa(soa_audit)][:2] == [(), ()]
    assert store.verify_audit(soa_audit)["problems"] == []


def test_an_entry_changed_behind_the_stores_back_is_found(store, soa_audit, tmp_path):
    store.set_soa_entry(soa_audit, "A.5.2", applicable="no", justification="Not needed")
    conn = sqlite3.connect(tmp_path / "audit.db")
    conn.execute("UPDATE soa_entry SET justification = 'forged'")
    conn.commit()
    conn.close()
    problems = store.verify_audit(soa_audit)["problems"]
    assert any("SoA entry A.5.2: justification" in p for p in problems), problems


@pytest.mark.parametrize(("ref", "kwargs", "message"), [
    ("A.9.9", {"applicable": "yes"}, "not in this audit's checklist"),
    ("6.1.3", {"applicable": "yes"}, "not an Annex A control"),
    ("A.5", {"applicable": "yes"}, "group heading"),
    ("A.5.1", {"applicable": "maybe"}, "answer yes or no"),
    ("A.5.1", {"applicable": "yes", "status": "done"}, "status 'done'"),
])
def test_bad_input_is_refused_and_changes_nothing(store, soa_audit, ref, kwargs, message):
    with pytest.raises(RuleViolation, match=message):
        store.set_soa_entry(soa_audit, ref, **kwargs)
    assert store.soa_entries(soa_audit) == {}


def test_a_closed_audit_refuses_and_delete_removes_entries(store, soa_audit, tmp_path):
    store.set_soa_entry(soa_audit, "A.5.1", applicable="yes", status="planned")
    store.close_audit(soa_audit, "Done")
    with pytest.raises(AuditLocked):
        store.set_soa_entry(soa_audit, "A.5.1", applicable="no", justification="x")
    assert store.soa_entries(soa_audit)["A.5.1"].applicable is True
    store.delete_audit(soa_audit, closed_confirmed=True)
    conn = sqlite3.connect(tmp_path / "audit.db")
    assert conn.execute("SELECT COUNT(*) FROM soa_entry").fetchone()[0] == 0
    conn.close()


# -- the command line ------------------------------------------------------------------------


@pytest.fixture
def cli_audit(cli):
    r = cli("audits", "new", "--checklist", str(ISMS), "--title", "ISMS", "--auditee", "Acme",
            "--json")
    if r.code != 0:  # a checklist is named by its id once installed
        pytest.fail(r.err)
    return str(r.json()["id"])


def test_the_cli_sets_shows_and_refuses_with_one_line(cli, cli_audit):
    ok = cli("soa", "set", cli_audit, "A.5.1", "--applicable", "yes", "--status",
             "implemented", "--refs", "POL-01")
    assert ok.code == 0, ok.err
    for args, message in [
            (("A.9.9", "--applicable", "yes"), "not in this audit's checklist"),
            (("6.1.3", "--applicable", "yes"), "not an Annex A control"),
            (("A.5.2", "--applicable", "perhaps"), "answer yes or no"),
            (("A.5.2", "--applicable", "yes", "--status", "soon"), "status 'soon'")]:
        r = cli("soa", "set", cli_audit, *args)
        assert r.code == 1 and message in r.err and r.err.count("\n") == 1, (args, r.err)
    r = cli("soa", cli_audit, "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["flagged"] == 3
    first = doc["rows"][0]
    assert set(first) == {"ref", "title", "applicable", "justification", "status",
                          "references", "result", "findings", "flags"}
    assert (first["ref"], first["applicable"], first["status"], first["references"]) == (
        "A.5.1", True, "implemented", "POL-01")
    assert doc["rows"][1]["applicable"] is None
    assert doc["rows"][1]["flags"] == ["applicability_not_stated"]
    table = cli("soa", cli_audit)
    assert table.code == 0 and "3 of 4 controls flagged" in table.out
    assert cli("audits", "verify", cli_audit).code == 0


def test_soa_on_a_checklist_without_annex_a_is_one_line(cli):
    r = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "T", "--auditee", "A",
            "--json")
    number = str(r.json()["id"])
    for args in (("soa", number), ("soa", number, "--json")):
        out = cli(*args)
        assert out.code == 1 and out.err.count("\n") == 1 and "no Annex A" in out.err


def test_the_workbook_holds_text_never_formulas(cli, cli_audit, tmp_path):
    cli("soa", "set", cli_audit, "A.5.2", "--applicable", "no", "--justification", "=1+1")
    target = tmp_path / "soa.xlsx"
    r = cli("soa", cli_audit, "-o", target)
    assert r.code == 0, r.err
    wb = load_workbook(target)
    assert wb.sheetnames == ["SoA"]
    ws = wb["SoA"]
    headers = [c.value for c in ws[1]]
    assert headers[:5] == ["Ref", "Control", "Applicable", "Justification",
                           "Implementation status"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:I5"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    cell = ws["D3"]
    assert cell.value == "=1+1" and cell.data_type == "s"
    assert ws["A2"].fill.fgColor.rgb.endswith("FFE699")  # flagged: applicability missing
    assert ws["A3"].fill.fill_type is None  # excluded with a justification: not flagged
    again = cli("soa", cli_audit, "-o", target)
    assert again.code == 1 and "there already" in again.err
