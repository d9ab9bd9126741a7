"""The screens of the plan and of an item's records at 80x24 and 120x40: the plan of the
demo's current audit with four sessions (one led by someone outside the team, two at
once, items left out), the forms to add and to move a session, the tree kept to the
session now, the sample form and an item's samples. Fixed clock and UTC as in
test_snapshots_screens.py; look at the pictures before committing them."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from auditor.domain import unit
from auditor.domain.demo import fill_demo
from auditor.exchange.library import find
from auditor.ui.app import AuditorApp

FIXED_NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


class LogClock(datetime):
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
def planned(store):
    demo = fill_demo(store, find("iso9001-2015"), today=date(2026, 3, 2))
    audit = demo.current_id
    store.add_session(audit, start="2026-03-02 09:00", minutes=30, refs="4,5",
                      auditee_people="CEO, QA manager", place="Board room")
    store.add_session(audit, start="2026-03-02 09:30", minutes=90, refs="7.1,7.2,7.5",
                      auditee_people="HR lead; Head of engineering",
                      place="https://meet.example.com/acme-audit")
    store.add_session(audit, start="2026-03-02 10:00", minutes=60, refs="8.4",
                      auditor="Sam Okafor", auditee_people="Purchasing", place="Room 2")
    store.add_session(audit, start="2026-03-02 10:30", minutes=60, refs="8.3,8.5,9,10",
                      auditor="Alex Reviewer", auditee_people="Engineering managers",
                      place="Room 2")
    return audit


@pytest.fixture
def app_on(store, settings, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    relative = dataclasses.replace(settings, exports_dir=Path("exports"))

    def make(open_audit=None):
        return AuditorApp(store, settings=relative, open_audit=open_audit)

    return make


def snap(snap_compare, app, size, *pressed: str) -> bool:
    async def run(pilot) -> None:
        await pilot.pause()
        await pilot.press(*pressed)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    return snap_compare(app, terminal_size=size, run_before=run)


@SIZES
def test_plan(snap_compare, app_on, planned, size):
    assert snap(snap_compare, app_on(planned), size, "P")


@SIZES
def test_session_form_new(snap_compare, app_on, planned, size):
    assert snap(snap_compare, app_on(planned), size, "P", "n")


@SIZES
def test_session_form_move(snap_compare, app_on, planned, size):
    assert snap(snap_compare, app_on(planned), size, "P", "down", "m")


@SIZES
def test_audit_screen_filtered_to_the_session_now(snap_compare, app_on, planned, size):
    assert snap(snap_compare, app_on(planned), size, "t")


@SIZES
def test_sample_form(snap_compare, app_on, planned, size):
    assert snap(snap_compare, app_on(planned), size, "s")


@SIZES
def test_item_with_samples(snap_compare, app_on, planned, store, size):
    from auditor.domain.sampling import sample_of

    store.record_result(planned, "8.2.3.1", None, samples=[
        sample_of("Contracts signed in 2025", "38", "C-2025-004, C-2025-017, C-2025-031"),
        sample_of("Self-service orders, January", "", "", "25")])

    async def run(pilot) -> None:
        await pilot.pause()
        pilot.app.screen.detail.scroll_end(animate=False)  # the samples, under the notes
        await pilot.pause()

    assert snap_compare(app_on(planned), terminal_size=size, run_before=run)


@SIZES
def test_soa_line_in_the_item_detail(snap_compare, app_on, store, size):
    isms = store.create_audit(find("iso27001-2022"), title="ISMS audit 2026",
                              auditee="Brightwater Software Ltd")
    store.set_soa_entry(isms.id, "A.5.1", applicable="no")

    async def run(pilot) -> None:
        await pilot.pause()
        pilot.app.screen.go_to("A.5.1")
        await pilot.pause()
        fields = pilot.app.screen.query_one("#soa-fields")
        pilot.app.screen.detail.scroll_to_widget(fields, animate=False, top=True)
        await pilot.pause()

    assert snap_compare(app_on(isms.id), terminal_size=size, run_before=run)


@SIZES
def test_ask_path_report(snap_compare, app_on, planned, size):
    assert snap(snap_compare, app_on(planned), size, "R")


# The dialogs the plan screen and the item's forms open, on the smallest terminal: each
# fits 80x24 whole, its border and buttons shown and its sentences wrapped.
@pytest.mark.parametrize("pressed", [("P", "question_mark"),
                                     ("P", "n", "x", "escape"),
                                     ("s", "x", "escape")],
                         ids=["plan_help", "session_form_discard", "sample_form_discard"])
def test_dialog_fits_80x24(snap_compare, app_on, planned, pressed):
    assert snap(snap_compare, app_on(planned), (80, 24), *pressed)
