"""Under a held lock (another connection's BEGIN EXCLUSIVE) or a full disk (SQLite's
'database or disk is full', injected at the engine), the TUI's main writes keep the app
running, keep what was typed, say so in one line, change nothing, and write once the
fault is gone."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from test_busy_database import hold_the_lock
from textual.widgets import Static, TextArea

from auditor.commands.tui import open_ui_store
from auditor.domain.vocab import Result
from auditor.ui.app import AuditorApp
from auditor.ui.screens.close_audit import CloseAuditScreen
from auditor.ui.screens.confirm import ConfirmScreen
from auditor.ui.screens.finding_form import FindingFormScreen
from auditor.ui.widgets.clause_tree import ClauseTree

SIZE = (120, 40)
WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def another_program_holds_the_lock(settings, ui):
    holder = hold_the_lock(settings.db_url.removeprefix("sqlite:///"), 120)
    try:
        yield
    finally:
        holder.kill()
        holder.wait()


@contextmanager
def the_disk_is_full(settings, ui):
    def refuse(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(WRITES):
            raise sqlite3.OperationalError("database or disk is full")

    event.listen(ui.engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(ui.engine, "before_cursor_execute", refuse)


FAULTS = {"locked": (another_program_holds_the_lock, "another program is writing"),
          "disk full": (the_disk_is_full, "the disk is full")}


@pytest.fixture
def ui(settings, store):
    opened = open_ui_store(settings)
    yield opened
    opened.close()


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_result_key_is_refused_in_one_line_and_works_after(
        settings, store, audit, ui, notices_of, fault):
    fails, reason = FAULTS[fault]
    app = AuditorApp(ui, settings=settings, open_audit=audit.id)
    notices = notices_of(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one(ClauseTree).focus()
        with fails(settings, ui):
            await pilot.press("c")
            await pilot.pause()
            assert app.is_running
            assert len(notices) == 1 and notices[0].startswith("Not saved"), notices
            assert reason in notices[0] and "\n" not in notices[0]
            assert "4.1" not in store.results(audit.id)  # nothing written
        await pilot.press("c")
        await pilot.pause()
        assert store.results(audit.id)["4.1"].result == Result.CONFORM


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_finding_form_stays_open_with_its_text_and_saves_after(
        settings, store, audit, ui, fault):
    fails, reason = FAULTS[fault]
    app = AuditorApp(ui, settings=settings, open_audit=audit.id)
    typed = "Design reviews not recorded"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(FindingFormScreen(app.store, audit.id, "8.3.4", grade="minor"))
        await pilot.pause()
        form = app.screen
        await pilot.press(*typed)
        with fails(settings, ui):
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.is_running and app.screen is form
            assert form.query_one("#statement", TextArea).text == typed
            error = form.query_one("#form-error", Static)
            line = str(error.render())
            assert error.has_class("shown") and reason in line and "\n" not in line, line
            assert store.findings(audit.id) == []
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not form
        assert [f.statement for f in store.findings(audit.id)] == [typed]


@pytest.mark.parametrize("fault", FAULTS)
async def test_deleting_an_audit_is_refused_and_works_after(
        settings, store, audit, ui, notices_of, fault):
    fails, reason = FAULTS[fault]
    app = AuditorApp(ui, settings=settings)
    notices = notices_of(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        with fails(settings, ui):
            await pilot.press("delete")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("y")
            await pilot.pause()
            assert app.is_running
            assert [a.id for a in store.audits()] == [audit.id]
            assert len(notices) == 1 and reason in notices[0], notices
        await pilot.press("delete", "y")
        await pilot.pause()
        assert store.audits() == []


def close_error(screen) -> str:
    error = screen.query_one("#close-error", Static)
    return str(error.render()) if error.has_class("shown") else ""


@pytest.mark.parametrize("fault", FAULTS)
async def test_closing_keeps_the_typed_conclusion_and_closes_after(
        settings, store, audit, ui, fault):
    fails, reason = FAULTS[fault]
    app = AuditorApp(ui, settings=settings, open_audit=audit.id)
    typed = "Conforms; document control is weak"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(CloseAuditScreen(app.store, audit.id))
        await pilot.pause()
        dialog = app.screen
        await pilot.press(*typed)
        with fails(settings, ui):
            # Leaving tries to keep the conclusion: refused, it stays on screen.
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is dialog and dialog.conclusion == typed
            assert reason in close_error(dialog) and "\n" not in close_error(dialog)
            await pilot.press("ctrl+s", "y")
            await pilot.pause()
            assert app.is_running and app.screen is dialog and dialog.conclusion == typed
            assert reason in close_error(dialog)
            assert store.audit(audit.id).status != "closed"
            assert store.audit(audit.id).conclusion == ""
        await pilot.press("ctrl+s", "y")
        await pilot.pause()
        assert app.screen is not dialog
    closed = store.audit(audit.id)
    assert (closed.status, closed.conclusion) == ("closed", typed)


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_conclusion_refused_on_leaving_is_kept_once_it_can_be(
        settings, store, audit, ui, fault):
    fails, _reason = FAULTS[fault]
    app = AuditorApp(ui, settings=settings, open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(CloseAuditScreen(app.store, audit.id))
        await pilot.pause()
        dialog = app.screen
        await pilot.press(*"Draft")
        with fails(settings, ui):
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is dialog
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not dialog
    assert store.audit(audit.id).conclusion == "Draft"
