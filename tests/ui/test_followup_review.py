"""Pilot tests of the follow-up review (read in a worker, apply only without errors) and
of the export action (a worker with progress, the path notified)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from textual.app import App
from textual.widgets import Button, DataTable, Static

import auditor.ui
from auditor.domain.views import audit_document
from auditor.exchange.workbook_export import export_workbook
from auditor.ui.export_worker import start_export
from auditor.ui.screens.followup_review import FollowupReviewScreen

APP_CSS = Path(auditor.ui.__file__).parent / "app.tcss"
SIZE = (120, 36)


class Host(App):
    """Pushes one screen and keeps what it dismissed with."""

    CSS_PATH = APP_CSS

    def __init__(self, make_screen=None) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.results: list = []
        self.notes: list[str] = []

    def on_mount(self) -> None:
        if self.make_screen is not None:
            self.push_screen(self.make_screen(), self.results.append)

    def notify(self, message, *args, **kwargs) -> None:
        self.notes.append(str(message))
        super().notify(message, *args, **kwargs)


@pytest.fixture
def workbook(store, audit, tmp_path):
    _, nc = store.record_result(audit.id, "4.1", "minor", statement="No context review")
    _, obs = store.record_result(audit.id, "8.6", "observation")
    path = export_workbook(store, audit.id, tmp_path / "report.xlsx")
    return audit.id, nc.code, obs.code, path


def answer(source: Path, target: Path, edits: dict[tuple[str, str], object]) -> Path:
    wb = openpyxl.load_workbook(source)
    ws = wb["Findings"]
    headers = {c.value: c.column for c in ws[1]}
    rows = {r[0].value: r[0].row for r in ws.iter_rows(min_row=2)}
    for (code, header), value in edits.items():
        ws.cell(row=rows[code], column=headers[header]).value = value
    wb.save(target)
    return target


async def settle(pilot) -> None:
    """The worker done and its rows laid out: a table sizes its columns to new rows on a
    later refresh, and under load one pause was not always enough (the rows showed cut to
    their headers' widths)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for _ in range(20):
        table = pilot.app.screen.query("#followup-changes")
        if not table or all(c.get_render_width(table.first()) > len(str(c.label)) + 2
                            for c in table.first().ordered_columns) \
                or not table.first().row_count:
            break
        await pilot.pause(0.05)
    await pilot.pause()


async def test_review_shows_the_changes_and_applies_them(store, workbook, tmp_path):
    aid, nc, obs, path = workbook
    back = answer(path, tmp_path / "back.xlsx", {
        (nc, "Root cause"): "No owner", (nc, "Corrective action"): "Name one",
        (nc, "Due date"): datetime(2026, 6, 1), (nc, "Status"): "responded",
        (obs, "Statement"): "edited by the auditee"})
    app = Host(lambda: FollowupReviewScreen(store, aid, back))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#followup-changes", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[:3] for r in rows] == [[nc, "Root cause", "I2"],
                                         [nc, "Corrective action", "K2"],
                                         [nc, "Due date", "M2"], [nc, "Status", "N2"]]
        assert rows[3][3:] == ["open", "responded"]
        problems = str(app.screen.query_one("#followup-problems", Static).render())
        assert "warning: Findings!F3: Statement of" in problems
        assert not app.screen.query_one("#apply", Button).disabled
        assert store.finding(nc).status == "open"
        await pilot.press("a")
        await settle(pilot)
    assert app.results == [1]
    finding = store.finding(nc)
    assert (finding.status, finding.root_cause, finding.due_date.isoformat()) == (
        "responded", "No owner", "2026-06-01")
    assert "Imported 4 change(s) to 1 finding(s)" in app.notes
    assert store.finding(obs).statement == ""


async def test_review_with_errors_refuses_to_apply(store, workbook, tmp_path):
    aid, nc, obs, path = workbook
    back = answer(path, tmp_path / "back.xlsx", {(nc, "Status"): "closed",
                                                (obs, "Owner"): "Dev lead"})
    before = audit_document(store, aid)
    app = Host(lambda: FollowupReviewScreen(store, aid, back))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        problems = str(app.screen.query_one("#followup-problems", Static).render())
        assert "error: Findings!N2: status 'closed' may be set only by the auditor" in problems
        summary = str(app.screen.query_one("#followup-summary", Static).render())
        assert summary.startswith("1 problem(s) in back.xlsx: nothing can be imported")
        assert app.screen.query_one("#apply", Button).disabled
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, FollowupReviewScreen)
        assert any(n.startswith("Nothing imported: fix the 1 problem(s)") for n in app.notes)
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]
    assert audit_document(store, aid) == before


async def test_a_file_that_is_not_a_workbook_shows_one_error(store, workbook, tmp_path):
    aid, *_ = workbook
    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a workbook")
    app = Host(lambda: FollowupReviewScreen(store, aid, bad))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        problems = str(app.screen.query_one("#followup-problems", Static).render())
        assert f"error: {bad}: not a workbook" in problems
        assert app.screen.query_one("#followup-changes", DataTable).row_count == 0


async def test_no_changes_leaves_apply_off(store, workbook):
    aid, _, _, path = workbook
    app = Host(lambda: FollowupReviewScreen(store, aid, path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        summary = str(app.screen.query_one("#followup-summary", Static).render())
        assert summary.startswith("No changes")
        assert app.screen.query_one("#apply", Button).disabled


async def test_export_action_writes_in_a_worker_and_notifies_the_path(store, workbook, tmp_path):
    aid, *_ = workbook
    folder = tmp_path / "out"
    folder.mkdir()
    done: list = []
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        start_export(app, store, aid, folder, on_done=done.append)
        await settle(pilot)
        await pilot.pause()
    (written,) = list(folder.glob("*.xlsx"))
    assert done == [written]
    assert f"NC report written to {written}" in app.notes
    assert openpyxl.load_workbook(written).sheetnames[1] == "Findings"


async def test_export_action_reports_a_failure(store, workbook, tmp_path):
    aid, *_ = workbook
    done: list = []
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        start_export(app, store, aid, tmp_path / "missing", on_done=done.append)
        await settle(pilot)
        await pilot.pause()
    assert done == [None]
    assert any("no such folder" in n for n in app.notes)


async def test_review_shows_hostile_auditee_text_as_it_is(store, workbook, tmp_path, text_of):
    # An auditee's "[/] fixed" once stopped the review with a MarkupError; an escape
    # sequence in a cell is shown as its escape, never sent to the terminal.
    aid, nc, _obs, path = workbook
    back = answer(path, tmp_path / "back.xlsx", {
        (nc, "Root cause"): "[/] fixed [b]now", (nc, "Corrective action"): "Bell _x0007_ x"})
    app = Host(lambda: FollowupReviewScreen(store, aid, back))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = text_of(app)
        assert "[/] fixed [b]now" in shown, shown
        assert "\x07" not in shown and "\x1b" not in shown
