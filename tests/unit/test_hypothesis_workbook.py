"""The NC report workbook on random input.

- Any text exports and reads back as text: whatever the finding fields hold, every
  Findings cell is a string (never a formula), reads back as `workbook_text` of the value
  (the documented cleaning: characters XML forbids dropped, CR as LF, capped length), and
  importing the untouched workbook changes nothing and warns of nothing.
- Random edits to a real exported workbook (any column, any value, unknown ids, rows
  deleted or repeated, sheets renamed or removed) are applied whole or refused whole:
  either every change the plan lists is in the database and nothing else changed, or the
  database is exactly as it was.
Each test prints how many examples it ran.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from auditor.domain.errors import AuditorError
from auditor.domain.store import Store
from auditor.exchange import workbook_layout as layout
from auditor.exchange.followup_import import apply_followup, plan_followup
from auditor.exchange.workbook_export import export_workbook
from auditor.exchange.xlsx_text import read_text, workbook_text

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                      HealthCheck.function_scoped_fixture])
TEXT = st.text(max_size=60)
FIELDS = ("statement", "objective_evidence", "root_cause", "correction",
          "corrective_action", "owner", "auditee_comment")
TABLES = ("audit", "item_result", "finding", "evidence", "change_log", "finding_counter")


def report(request, line: str) -> None:
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nhypothesis: {line}")


def dump(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}
    finally:
        conn.close()


def findings_sheet(path: Path):
    return openpyxl.load_workbook(path)[layout.FINDINGS_SHEET]


def rows_by_code(ws) -> tuple[dict[str, int], list]:
    headers = [c.value for c in ws[1]]
    column = {h: i for i, h in enumerate(headers)}
    rows = {}
    for row in ws.iter_rows(min_row=2):
        code = row[column[layout.ID_HEADER]].value
        if code:
            rows[str(code)] = row[0].row
    return rows, headers


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A migrated empty database, copied for each example."""
    folder = tmp_path_factory.mktemp("wb-template")
    Store.open(f"sqlite:///{folder / 'audit.db'}", folder / "evidence", "tester").close()
    return folder / "audit.db"


def test_any_text_exports_as_text_and_round_trips(template, mini_checklist, request):
    seen = []

    @settings(max_examples=60, **SETTINGS)
    @given(st.lists(st.fixed_dictionaries(dict.fromkeys(FIELDS, TEXT)), min_size=1,
                    max_size=3))
    def prop(texts):
        seen.append(1)
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "audit.db"
            shutil.copy(template, db)
            store = Store.open(f"sqlite:///{db}", Path(folder) / "evidence", "hypo")
            try:
                audit = store.create_audit(mini_checklist, title="T", auditee="A").id
                codes = {}
                for number, values in enumerate(texts):
                    finding = store.raise_finding(
                        audit, ("4.1", "4.2", "8.3.4")[number], "observation",
                        statement=values["statement"],
                        objective_evidence=values["objective_evidence"])
                    store.update_finding(finding.code, {
                        f: values[f] for f in ("root_cause", "correction",
                                               "corrective_action", "owner",
                                               "auditee_comment")}, by_auditee=True)
                    codes[finding.code] = values
                path = export_workbook(store, audit, Path(folder) / "report.xlsx")
                ws = findings_sheet(path)
                rows, headers = rows_by_code(ws)
                header_of = {c.field or "": c.header for c in layout.COLUMNS}
                header_of.update(statement="Statement", objective_evidence="Objective evidence")
                for code, values in codes.items():
                    for field, typed in values.items():
                        cell = ws.cell(row=rows[code], column=headers.index(header_of[field]) + 1)
                        assert cell.data_type != "f", (field, typed)
                        shown = read_text(cell.value)
                        if field == "statement":
                            assert shown.startswith(workbook_text(typed)), (typed, shown)
                        else:
                            assert shown == workbook_text(typed), (field, typed, shown)
                before = dump(db)
                plan = plan_followup(store, audit, path)
                assert (plan.errors, plan.warnings, plan.changes) == ([], [], [])
                assert apply_followup(store, audit, plan) == 0
                assert dump(db) == before
            finally:
                store.close()

    prop()
    report(request, f"workbook export, any text round-trips as text: {len(seen)} examples "
                    f"({len(seen) * len(FIELDS)}+ texts)")


# -- random edits, applied whole or refused whole ----------------------------------------


@pytest.fixture(scope="module")
def exported(template, tmp_path_factory):
    """An audit with four findings in different states, and its exported workbook."""
    from auditor.exchange.checklist_yaml import load_checklist

    folder = tmp_path_factory.mktemp("wb-exported")
    db = folder / "audit.db"
    shutil.copy(template, db)
    checklist = load_checklist(Path(__file__).parents[1] / "fixtures" / "mini.yaml")
    store = Store.open(f"sqlite:///{db}", folder / "evidence", "tester")
    try:
        audit = store.create_audit(checklist, title="T", auditee="A").id
        _, minor = store.record_result(audit, "4.1", "minor", statement="No context review")
        _, major = store.record_result(audit, "8.3.4", "major", statement="No reviews")
        store.update_finding(major.code, {"root_cause": "No rule", "corrective_action":
                                          "A rule"}, by_auditee=True)
        store.set_finding_status(major.code, "responded", by_auditee=True)
        _, obs = store.record_result(audit, "8.6", "observation")
        _, ofi = store.record_result(audit, "4.2", "ofi")
        path = export_workbook(store, audit, folder / "report.xlsx")
    finally:
        store.close()
    return db, path, audit, [minor.code, major.code, obs.code, ofi.code]


VALUE = st.one_of(
    TEXT.map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t)),  # what a spreadsheet can hold
    st.sampled_from(["responded", "implemented", "closed", "accepted", "open", "Responded",
                     " implemented ", "", "=1+1", "2026-04-30", "30/04/2026", "tomorrow"]),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    st.integers(-10**6, 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.none(),
)
PLAUSIBLE = st.one_of(  # what an auditee would type in their own columns
    st.tuples(st.integers(0, 3), st.sampled_from(["Root cause", "Correction",
                                                  "Corrective action", "Owner",
                                                  "Auditee comment"]),
              TEXT.map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t))),
    st.tuples(st.integers(0, 3), st.just("Due date"),
              st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31))),
    st.tuples(st.integers(0, 3), st.just("Status"),
              st.sampled_from(["responded", "implemented"])),
)
EDIT = st.one_of(PLAUSIBLE, PLAUSIBLE, PLAUSIBLE,
                 st.tuples(st.integers(-3, 7), st.sampled_from(layout.HEADERS[1:]), VALUE))
STRUCTURE = st.sampled_from(["none"] * 12 + ["delete-row", "repeat-row",
                             "rename-findings", "drop-state", "clear-id-header",
                             "swap-columns", "new-row"])


def edit_workbook(source: Path, target: Path, codes: list[str], edits, structure) -> None:
    wb = openpyxl.load_workbook(source)
    ws = wb[layout.FINDINGS_SHEET]
    rows, headers = rows_by_code(ws)
    for pick, header, value in edits:
        code = codes[pick % len(codes)] if pick >= 0 else f"NC-2099-{-pick:03d}"
        row = rows.get(code)
        if row is None:
            row = ws.max_row + 1
            ws.cell(row=row, column=headers.index(layout.ID_HEADER) + 1).value = code
            rows[code] = row
        cell = ws.cell(row=row, column=headers.index(header) + 1)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # typed as text, as after an apostrophe
    if structure == "delete-row":
        ws.delete_rows(2)
    elif structure == "repeat-row":
        last = ws.max_row + 1
        for column, cell in enumerate(ws[2], start=1):
            ws.cell(row=last, column=column).value = cell.value
    elif structure == "rename-findings":
        ws.title = "Findings (answered)"
    elif structure == "drop-state":
        del wb[layout.STATE_SHEET]
    elif structure == "clear-id-header":
        ws.cell(row=1, column=headers.index(layout.ID_HEADER) + 1).value = None
    elif structure == "swap-columns":
        a, b = headers.index("Root cause") + 1, headers.index("Owner") + 1
        for row in range(1, ws.max_row + 1):
            first, second = ws.cell(row=row, column=a), ws.cell(row=row, column=b)
            first.value, second.value = second.value, first.value
    elif structure == "new-row":
        ws.cell(row=ws.max_row + 1, column=headers.index("Owner") + 1).value = "orphan"
    wb.save(target)


FINDING_TIMES = {"updated_at", "responded_at", "accepted_at", "rejected_at",
                 "implemented_at", "closed_at", "not_effective_at", "cancelled_at"}


def test_random_edits_are_applied_whole_or_refused_whole(exported, request):
    db0, workbook, audit, codes = exported
    outcome = {"applied": 0, "no change": 0, "refused by the plan": 0,
               "refused by the store": 0}

    @settings(max_examples=200, **SETTINGS)
    @given(st.lists(EDIT, max_size=8), STRUCTURE)
    def prop(edits, structure):
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "audit.db"
            shutil.copy(db0, db)
            edited = Path(folder) / "answered.xlsx"
            edit_workbook(workbook, edited, codes, edits, structure)
            store = Store.open(f"sqlite:///{db}", Path(folder) / "evidence", "hypo")
            try:
                before = dump(db)
                findings_before = {f.code: f for f in store.findings(audit)}
                plan = plan_followup(store, audit, edited)
                assert dump(db) == before, "planning wrote to the database"
                for line in plan.errors + plan.warnings:
                    assert "\n" not in line and line.strip()
                if plan.errors:
                    with pytest.raises(AuditorError):
                        apply_followup(store, audit, plan)
                    assert dump(db) == before
                    outcome["refused by the plan"] += 1
                    return
                try:
                    changed = apply_followup(store, audit, plan)
                except AuditorError as exc:
                    assert "\n" not in str(exc)
                    assert dump(db) == before, "a refused import changed the database"
                    outcome["refused by the store"] += 1
                    return
                planned = {(c.finding, c.field): c.new for c in plan.changes}
                assert changed == len({c.finding for c in plan.changes})
                for (code, field), new in planned.items():
                    assert getattr(store.finding(code), field) == new, (code, field)
                for code, old in findings_before.items():
                    now = store.finding(code)
                    for column in type(now).model_fields:
                        if column in FINDING_TIMES or (code, column) in planned:
                            continue
                        if column in ("verified_by", "verified_on"):
                            continue
                        assert getattr(now, column) == getattr(old, column), (code, column)
                assert store.verify_audit(audit)["problems"] == []
                outcome["applied" if planned else "no change"] += 1
            finally:
                store.close()

    prop()
    report(request, f"follow-up import, random edits: {sum(outcome.values())} examples ("
                    + ", ".join(f"{k}: {v}" for k, v in outcome.items()) + ")")
