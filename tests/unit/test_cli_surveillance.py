"""`auditor compare` and `auditor programme` against DESIGN section 5."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

FIXTURES = Path(__file__).parent.parent / "fixtures"
MINI = FIXTURES / "mini.yaml"


@pytest.fixture
def two_audits(cli):
    def new(*extra):
        r = cli("audits", "new", "--checklist", MINI, "--title", "Audit", "--auditee",
                "Acme Soft", "--json", *extra)
        assert r.code == 0, r.err
        return r.json()["id"]

    old = new()
    assert cli("record", old, "4.1", "--result", "conform").code == 0
    assert cli("record", old, "8.6", "--result", "minor", "--statement",
               "=HYPERLINK(\"x\") release not approved").code == 0
    assert cli("record", old, "4.2", "--result", "observation").code == 0
    assert cli("audits", "close", old).code == 0
    new_id = new("--previous", old, "--type", "surveillance")
    assert cli("record", new_id, "4.1", "--result", "major", "--statement", "Lost").code == 0
    assert cli("record", new_id, "8.6", "--result", "minor", "--statement", "Again").code == 0
    assert cli("record", new_id, "8.3.4", "--result", "conform").code == 0
    return old, new_id


def test_compare_json_has_designs_keys(cli, two_audits):
    old, new = two_audits
    r = cli("compare", old, new, "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert {"previous", "current", "items", "findings", "summary"} <= set(doc)
    assert doc["previous"]["id"] == old and doc["current"]["id"] == new
    for item in doc["items"]:
        assert {"ref", "previous", "current", "change"} <= set(item)
        assert item["change"] in {"improved", "regressed", "unchanged", "new",
                                  "not_reassessed"}
    changes = {i["ref"]: i["change"] for i in doc["items"]}
    assert changes == {"4.1": "regressed", "4.2": "not_reassessed", "8.3.4": "new",
                       "8.6": "unchanged"}
    for f in doc["findings"]:
        assert {"id", "ref", "grade", "status", "repeated_by"} <= set(f)
    nc = next(f for f in doc["findings"] if f["ref"] == "8.6")
    [repeat] = nc["repeated_by"]
    shown = cli("audits", "show", new, "--json").json()
    assert next(f for f in shown["findings"] if f["id"] == repeat)["repeat_of"] == nc["id"]
    summary = doc["summary"]
    assert {k: summary[k] for k in ("improved", "regressed", "unchanged", "new",
                                    "not_reassessed", "repeat_findings")} == {
        "improved": 0, "regressed": 1, "unchanged": 1, "new": 1, "not_reassessed": 1,
        "repeat_findings": 1}
    assert [f["id"] for f in shown["previous_findings"]] == [f["id"] for f in doc["findings"]]


def test_compare_text_and_workbook(cli, two_audits, tmp_path):
    old, new = two_audits
    r = cli("compare", old, new)
    assert r.code == 0, r.err
    assert "regressed" in r.out and "Repeat findings" in r.out
    target = tmp_path / "cmp.xlsx"
    r = cli("compare", old, new, "-o", target)
    assert r.code == 0, r.err
    ws = load_workbook(target)["Comparison"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    flat = [v for row in values for v in row if v is not None]
    assert ["Ref", "Item", "Previous", "Current", "Change", "Only in"] in [
        [v for v in row if v is not None] for row in values]
    assert "regressed" in flat
    # user text stays text, never a formula
    statement = next(v for v in flat if isinstance(v, str) and "HYPERLINK" in v)
    assert statement.startswith("=HYPERLINK")
    cell = next(c for row in ws.iter_rows() for c in row if c.value == statement)
    assert cell.data_type != "f"


def test_compare_refusals(cli, two_audits, tmp_path):
    old, new = two_audits
    other = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "Other",
                "--auditee", "Acme Soft", "--json").json()["id"]
    r = cli("compare", old, other)
    assert r.code == 1
    assert "only audits on the same checklist can be compared" in r.err
    assert len(r.err.strip().splitlines()) == 1
    r = cli("compare", old, 99)
    assert r.code == 1 and "no such audit" in r.err
    r = cli("compare", old, "x")
    assert r.code == 1 and "audit's number" in r.err
    r = cli("compare", old, new, "-o", tmp_path / "nope" / "c.xlsx")
    assert r.code == 1 and "no such folder" in r.err
    assert cli("compare", old).code == 2


def test_previous_audit_of_another_auditee_is_refused(cli, two_audits):
    old, _ = two_audits
    r = cli("audits", "new", "--checklist", MINI, "--title", "X", "--auditee", "Other Ltd",
            "--previous", old)
    assert r.code == 1
    assert "same auditee" in r.err
    assert len(cli("audits", "list", "--json").json()) == 2


def test_programme_json(cli, two_audits):
    old, new = two_audits
    r = cli("programme", "acme soft", "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["auditee"] == "Acme Soft"
    assert doc["years"] == 3
    assert [a["id"] for a in doc["audits"]] == [new, old]
    [mini] = doc["checklists"]
    items = {i["ref"]: i for i in mini["items"]}
    assert set(items) == {"4.1", "4.2", "8.3.4", "8.6"}
    assert items["4.1"]["times"] == 2
    assert items["4.1"]["last_result"] == "major"
    assert items["4.1"]["last_audit"] == new
    assert items["4.2"]["times"] == 1 and items["4.2"]["last_audit"] == old
    assert {"ref", "title", "last_audited", "last_result", "times", "covered"} <= set(
        items["8.6"])
    assert mini["not_covered"] == []
    assert doc["summary"]["covered"] == 4
    text = cli("programme", "Acme Soft", "--years", "1")
    assert text.code == 0 and "Not covered in the cycle (0)" in text.out


def test_programme_refusals(cli, two_audits):
    r = cli("programme", "Nobody")
    assert r.code == 1 and "no audits of it" in r.err
    r = cli("programme", "Acme Soft", "--years", "0")
    assert r.code == 1 and "at least one year" in r.err and "--years 0" in r.err
    assert cli("programme", "Acme Soft", "--years", "x").code == 2


def test_nc_report_of_a_follow_up_audit_has_a_comparison_sheet(cli, two_audits, tmp_path):
    old, new = two_audits
    follow = tmp_path / "new.xlsx"
    assert cli("export", new, "-o", follow).code == 0
    wb = load_workbook(follow)
    assert "Comparison" in wb.sheetnames
    flat = [c.value for row in wb["Comparison"].iter_rows() for c in row]
    assert "regressed" in flat and "Repeat findings in the current audit" in flat
    # the workbook still reads back: the extra sheet is no problem for the import
    r = cli("followup", "import", new, follow, "--dry-run")
    assert r.code == 0, r.err
    first = tmp_path / "old.xlsx"
    assert cli("export", old, "-o", first).code == 0
    assert "Comparison" not in load_workbook(first).sheetnames


def test_programme_cycle_messages_name_the_flag_only_on_the_command_line(store):
    """The TUI shows the domain's words; only the command line adds `--years`."""
    from auditor.domain.errors import RuleViolation
    from auditor.domain.programme import programme

    with pytest.raises(RuleViolation) as info:
        programme(store, "Acme Soft", years=0)
    assert info.value.field == "years" and "--" not in str(info.value)


def test_items_assessed_in_neither_audit_are_not_counted_as_unchanged(cli, tmp_path):
    def new(*extra):
        return cli("audits", "new", "--checklist", MINI, "--title", "Audit", "--auditee",
                   "Acme Soft", "--json", *extra).json()["id"]

    old = new()
    assert cli("record", old, "4.1", "--result", "conform").code == 0
    assert cli("record", old, "4.2", "--result", "na").code == 0
    assert cli("audits", "close", old).code == 0
    current = new("--previous", old, "--type", "surveillance")
    assert cli("record", current, "4.1", "--result", "conform").code == 0
    doc = cli("compare", old, current, "--json").json()
    changes = {i["ref"]: i["change"] for i in doc["items"]}
    assert changes == {"4.1": "unchanged", "4.2": "not_reassessed",
                       "8.3.4": "not_assessed", "8.6": "not_assessed"}
    assert (doc["summary"]["unchanged"], doc["summary"]["not_assessed"]) == (1, 2)
    target = tmp_path / "cmp.xlsx"
    assert cli("compare", old, current, "-o", target).code == 0
    rows = [[c.value for c in row] for row in load_workbook(target)["Comparison"].iter_rows()]
    assert ["Not assessed items", 2] in [[v for v in row if v is not None] for row in rows]
    header = next(row for row in rows if "Change" in row and "Ref" in row)
    ref, change = header.index("Ref"), header.index("Change")
    shown = {row[ref]: row[change] for row in rows[rows.index(header) + 1:] if row[ref]}
    assert shown["8.3.4"] == shown["8.6"] == "not assessed"
    assert shown["4.2"] == "not reassessed"
