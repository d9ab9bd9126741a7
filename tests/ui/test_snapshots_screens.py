"""Every screen of the TUI at the smallest size it must work at (80x24) and at a roomy one
(120x40), on the demo company on the fixed clock (2026-03-02).

Each screen is reached the way a user reaches it (keys from home or the audit screen),
except the three that need a file: the follow-up review (a workbook answered by the
auditee), the export progress (held at a fixed stage) and the file dialog (a relative
exports folder, so no temporary path is on screen). The change log's times come from the
real clock and are shown in the local time zone, so the tests stop that clock and run in
UTC. Update with `pytest --snapshot-update` after a deliberate change, and look at the
pictures before committing them.
"""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest

from auditor.domain import unit
from auditor.domain.demo import fill_demo
from auditor.exchange.library import find
from auditor.exchange.workbook_export import export_workbook
from auditor.ui.app import AuditorApp
from auditor.ui.screens.export_progress import ExportProgressScreen
from auditor.ui.screens.followup_review import FollowupReviewScreen

FIXED_NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # the store's clock (tests/conftest.py)
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


class LogClock(datetime):
    """The change log's clock (the real one, on purpose) stopped at the fixed time."""

    @classmethod
    def now(cls, tz=None):
        return FIXED_NOW.replace(tzinfo=None) if tz is None else FIXED_NOW.astimezone(tz)


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch):
    monkeypatch.setattr(unit, "datetime", LogClock)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def demo(store):
    return fill_demo(store, find("iso9001-2015"), today=date(2026, 3, 2))


@pytest.fixture
def app_on(store, settings, tmp_path, monkeypatch):
    # The exports folder relative to a fixed working folder: the file dialog shows
    # `exports/...`, never a temporary path.
    monkeypatch.chdir(tmp_path)
    relative = dataclasses.replace(settings, exports_dir=Path("exports"))

    def make(open_audit=None):
        return AuditorApp(store, settings=relative, open_audit=open_audit)

    return make


async def settle(pilot) -> None:
    """Let workers finish and the tables lay out their columns."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def keys(*pressed: str):
    async def run(pilot) -> None:
        await pilot.pause()
        await pilot.press(*pressed)
        await settle(pilot)

    return run


def snap(snap_compare, app, size, *pressed: str) -> bool:
    return snap_compare(app, terminal_size=size, run_before=keys(*pressed))


# -- from home ----------------------------------------------------------------------------


@SIZES
def test_home(snap_compare, app_on, demo, size):
    assert snap(snap_compare, app_on(), size)


@SIZES
def test_new_audit(snap_compare, app_on, demo, size):
    assert snap(snap_compare, app_on(), size, "n")


@SIZES
def test_confirm_delete(snap_compare, app_on, demo, size):
    assert snap(snap_compare, app_on(), size, "delete")


@SIZES
def test_choose_audits(snap_compare, app_on, demo, size):
    assert snap(snap_compare, app_on(), size, "c")


@SIZES
def test_programme(snap_compare, app_on, demo, size):
    assert snap(snap_compare, app_on(), size, "p")


@SIZES
def test_home_help(snap_compare, app_on, demo, size):
    assert snap(snap_compare, app_on(), size, "question_mark")


# -- from the audit screen --------------------------------------------------------------


@SIZES
def test_finding_form(snap_compare, app_on, demo, size):
    assert snap(snap_compare, app_on(demo.current_id), size, "m")


@SIZES
def test_findings(snap_compare, app_on, demo, size):
    assert snap(snap_compare, app_on(demo.current_id), size, "F")


@SIZES
def test_finding_history(snap_compare, app_on, demo, size):
    assert snap(snap_compare, app_on(demo.current_id), size, "F", "h")


@SIZES
def test_close_audit(snap_compare, app_on, demo, size):
    assert snap(snap_compare, app_on(demo.current_id), size, "C")


@SIZES
def test_comparison(snap_compare, app_on, demo, size):
    assert snap(snap_compare, app_on(demo.current_id), size, "d")


@SIZES
def test_audit_help(snap_compare, app_on, demo, size):
    assert snap(snap_compare, app_on(demo.current_id), size, "question_mark")


@SIZES
def test_previous_findings_focused(snap_compare, app_on, demo, size):
    assert snap(snap_compare, app_on(demo.current_id), size, "p")


@SIZES
def test_review_finding(snap_compare, app_on, demo, size):
    assert snap(snap_compare, app_on(demo.current_id), size, "p", "v")


@SIZES
def test_ask_path_export(snap_compare, app_on, demo, size):
    assert snap(snap_compare, app_on(demo.current_id), size, "E")


# -- screens that need a file -----------------------------------------------------------


@pytest.fixture
def answered(store, demo, tmp_path):
    """The current audit's workbook as the auditee sends it back: one plan answered."""
    path = export_workbook(store, demo.current_id, tmp_path / "report.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["Findings"]
    headers = {c.value: c.column for c in sheet[1]}
    row = 2
    for header, value in (("Root cause", "No owner for the supplier list after the reorg"),
                          ("Corrective action", "Name an owner; quarterly review"),
                          ("Due date", datetime(2026, 6, 1)), ("Status", "responded")):
        sheet.cell(row=row, column=headers[header]).value = value
    target = tmp_path / "nc-report-answered.xlsx"
    book.save(target)
    return target


@SIZES
def test_followup_review(snap_compare, app_on, demo, answered, size):
    async def run(pilot) -> None:
        await pilot.pause()
        pilot.app.push_screen(FollowupReviewScreen(pilot.app.store, demo.current_id, answered))
        await settle(pilot)

    assert snap_compare(app_on(demo.current_id), terminal_size=size, run_before=run)


@SIZES
def test_export_progress(snap_compare, app_on, demo, size, monkeypatch):
    monkeypatch.setattr(ExportProgressScreen, "export", lambda self: None)

    async def run(pilot) -> None:
        await pilot.pause()
        screen = ExportProgressScreen(pilot.app.store, demo.current_id, Path("exports"))
        pilot.app.push_screen(screen)
        await pilot.pause()
        screen.show_progress(0.4, "writing the findings")
        await settle(pilot)

    assert snap_compare(app_on(demo.current_id), terminal_size=size, run_before=run)
