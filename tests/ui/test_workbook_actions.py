"""The NC report workbook through AuditorApp: `E` (or the palette) exports it from the
audit and findings screens; `I` (or the palette) asks for the auditee's workbook, reviews
it and applies it, after which the screen shows the new state. Each test checks the file
or the store, not only the screen."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from textual.widgets import DataTable

from auditor.domain.views import audit_document
from auditor.exchange.workbook_export import export_workbook
from auditor.ui.screens.ask_path import AskPathScreen
from auditor.ui.screens.audit import AuditScreen
from auditor.ui.screens.findings import FindingsScreen
from auditor.ui.screens.followup_review import FollowupReviewScreen
from auditor.ui.screens.help import HelpScreen

SIZE = (120, 40)


@pytest.fixture
def findings(store, audit):
    """A minor NC on 4.1 and an observation on 8.6."""
    _, nc = store.record_result(audit.id, "4.1", "minor", statement="No context review")
    _, obs = store.record_result(audit.id, "8.6", "observation")
    return nc.code, obs.code


@pytest.fixture
def in_tmp(settings, tmp_path, monkeypatch):
    """The app offers the exports folder (never the current one: nothing lands there)."""
    monkeypatch.chdir(tmp_path)
    return settings.exports_dir


def fill(source: Path, target: Path, edits: dict[tuple[str, str], object]) -> Path:
    """What the auditee does: type into the Findings sheet, found by header and id."""
    wb = openpyxl.load_workbook(source)
    ws = wb["Findings"]
    headers = {c.value: c.column for c in ws[1]}
    rows = {r[0].value: r[0].row for r in ws.iter_rows(min_row=2)}
    for (code, header), value in edits.items():
        ws.cell(row=rows[code], column=headers[header]).value = value
    wb.save(target)
    return target


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def palette(pilot, command: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*command)
    await pilot.pause(0.5)
    await pilot.press("enter")
    await pilot.pause()


async def test_E_on_the_audit_screen_exports_what_was_just_typed(
        make_app, store, audit, findings, in_tmp, notices_of):
    nc, obs = findings
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        shown = notices_of(app)
        await pilot.pause()
        assert app.screen.tree.current_ref == "4.2"  # the first item not assessed
        app.screen.query_one("#notes").focus()
        await pilot.press(*"Typed a moment ago")
        app.screen.tree.focus()
        await pilot.press("E")
        await pilot.pause()
        assert isinstance(app.screen, AskPathScreen)
        offered = app.screen.query_one("#ask-path-input").value
        assert offered.startswith(str(in_tmp)) and offered.endswith(".xlsx")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
    (written,) = in_tmp.glob("*.xlsx")
    assert shown == [f"NC report written to {written}"]
    assert not list(Path.cwd().glob("*.xlsx"))
    assert in_tmp.stat().st_mode & 0o777 == 0o700
    wb = openpyxl.load_workbook(written)
    assert wb.sheetnames[:4] == ["Summary", "Findings", "Checklist", "Evidence"]
    ids = [row[0] for row in wb["Findings"].iter_rows(min_row=2, values_only=True)]
    assert ids == [nc, obs]
    checklist = {row[0]: row for row in wb["Checklist"].iter_rows(min_row=2, values_only=True)}
    assert "Typed a moment ago" in checklist["4.2"]
    assert store.results(audit.id)["4.2"].notes == "Typed a moment ago"


async def test_the_palette_exports_from_the_findings_screen(
        make_app, store, audit, findings, in_tmp):
    nc, obs = findings
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("F")
        await pilot.pause()
        assert isinstance(app.screen, FindingsScreen)
        await palette(pilot, "Export NC report")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FindingsScreen)
    (written,) = in_tmp.glob("*.xlsx")
    sheet = openpyxl.load_workbook(written)["Findings"]
    assert [c.value for c in sheet[1]][:4] == ["Finding ID", "Clause", "Item", "Grade"]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [nc, obs]


async def test_I_on_the_findings_screen_reviews_and_applies_the_auditees_answers(
        make_app, store, audit, findings, tmp_path):
    nc, obs = findings
    exported = export_workbook(store, audit.id, tmp_path / "report.xlsx")
    back = fill(exported, tmp_path / "answered.xlsx", {
        (nc, "Root cause"): "Nobody owns the context review",
        (nc, "Corrective action"): "Name an owner in the management review",
        (nc, "Owner"): "Quality lead",
        (nc, "Due date"): datetime(2026, 6, 1),
        (nc, "Status"): "responded",
        (obs, "Auditee comment"): "Agreed"})
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("F")
        await pilot.pause()
        await pilot.press("I")
        await pilot.pause()
        assert isinstance(app.screen, AskPathScreen)
        await pilot.press(*str(back), "enter")
        await settle(pilot)
        assert isinstance(app.screen, FollowupReviewScreen)
        table = app.screen.query_one("#followup-changes", DataTable)
        assert table.row_count == 6
        assert store.finding(nc).status == "open"  # nothing before the confirmation
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, FindingsScreen)
        rows = app.screen.query_one("#findings-table", DataTable)
        assert [str(c) for c in rows.get_row(nc)[3:6]] == [
            "responded", "Quality lead", "2026-06-01"]
    finding = store.finding(nc)
    assert (finding.status, finding.root_cause, finding.corrective_action, finding.owner,
            finding.due_date.isoformat()) == (
        "responded", "Nobody owns the context review",
        "Name an owner in the management review", "Quality lead", "2026-06-01")
    assert store.finding(obs).auditee_comment == "Agreed"
    document = audit_document(store, audit.id)
    assert {f["id"]: f["status"] for f in document["findings"]} == {nc: "responded",
                                                                    obs: "open"}


async def test_the_palette_imports_on_the_audit_screen_which_then_shows_it(
        make_app, store, audit, findings, tmp_path):
    nc, _ = findings
    exported = export_workbook(store, audit.id, tmp_path / "report.xlsx")
    back = fill(exported, tmp_path / "answered.xlsx", {
        (nc, "Root cause"): "No owner", (nc, "Corrective action"): "Name one",
        (nc, "Status"): "responded"})
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.tree.current_ref == "4.2"  # the first item not assessed
        app.screen.go_to("4.1")
        await pilot.pause()
        await palette(pilot, "Import follow-up")
        assert isinstance(app.screen, AskPathScreen)
        await pilot.press(*str(back), "enter")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        assert {f.code: f.status for f in app.screen.findings}[nc] == "responded"
        shown = app.screen.query_one("#item-findings").get_option_at_index(0).prompt
        assert f"{nc}  minor NC · responded" in str(shown)
    assert store.finding(nc).root_cause == "No owner"


async def test_an_import_with_an_error_changes_nothing(
        make_app, store, audit, findings, tmp_path, notices_of):
    nc, obs = findings
    exported = export_workbook(store, audit.id, tmp_path / "report.xlsx")
    back = fill(exported, tmp_path / "answered.xlsx", {
        (nc, "Root cause"): "No owner",
        (nc, "Status"): "closed",  # the auditor's step, not the auditee's
        (obs, "Owner"): "Dev lead"})
    before = audit_document(store, audit.id)
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        shown = notices_of(app)
        await pilot.pause()
        await pilot.press("F")
        await pilot.pause()
        await pilot.press("I")
        await pilot.pause()
        await pilot.press(*str(back), "enter")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, FollowupReviewScreen)
        assert any(n.startswith("Nothing imported: fix the 1 problem(s)") for n in shown)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FindingsScreen)
    assert audit_document(store, audit.id) == before


async def test_a_path_that_is_no_file_is_said_at_the_field(make_app, audit, findings,
                                                           tmp_path):
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("I")
        await pilot.pause()
        await pilot.press(*str(tmp_path / "nowhere.xlsx"), "enter")
        await pilot.pause()
        assert isinstance(app.screen, AskPathScreen)
        error = str(app.screen.query_one("#ask-path-error").render())
        assert error == f"{tmp_path / 'nowhere.xlsx'}: no such file"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)


async def test_help_lists_the_workbook_keys_on_both_screens(make_app, audit):
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        for opened_with in (None, "F"):
            if opened_with:
                await pilot.press("escape")  # close the help first
                await pilot.pause()
                await pilot.press(opened_with)
                await pilot.pause()
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            table = app.screen.query_one(DataTable)
            rows = {tuple(str(c) for c in table.get_row_at(i))[1:] for i in range(table.row_count)}
            assert {("E", "Export NC report"), ("I", "Import follow-up")} <= rows


async def test_E_asks_where_and_a_path_that_will_not_do_is_said_and_kept(
        make_app, store, audit, findings, in_tmp, tmp_path):
    app = make_app(open_audit=audit.id)
    taken = tmp_path / "sent-back.xlsx"
    taken.write_bytes(b"the auditee's answers")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("E")
        await pilot.pause()
        field = app.screen.query_one("#ask-path-input")
        for typed, says in ((str(taken), "exists already"),
                            (str(tmp_path / "nowhere" / "x.xlsx"), "no such folder"),
                            (str(tmp_path / "report.pdf"), "must end in .xlsx")):
            field.value = typed
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, AskPathScreen)
            assert says in str(app.screen.query_one("#ask-path-error").render())
            assert field.value == typed
        (tmp_path / "reports").mkdir()
        field.value = ""
        await pilot.press(*f"{tmp_path}/repo")  # completes as typed: the right arrow takes it
        await pilot.pause(0.3)
        await pilot.press("right")
        await pilot.pause()
        assert field.value == f"{tmp_path}/reports/"
        field.value = str(tmp_path / "mine.xlsx")
        await pilot.press("enter")
        await settle(pilot)
    assert taken.read_bytes() == b"the auditee's answers"
    assert openpyxl.load_workbook(tmp_path / "mine.xlsx").sheetnames[0] == "Summary"
