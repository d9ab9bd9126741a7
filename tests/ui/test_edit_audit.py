"""Correcting an audit's details from the audit screen (ctrl+e), and leaving a filled form
only after saying so."""

from __future__ import annotations

from datetime import date

from auditor.ui.screens.audit import AuditScreen
from auditor.ui.screens.confirm import ConfirmScreen
from auditor.ui.screens.edit_audit import EditAuditScreen
from auditor.ui.screens.home import HomeScreen
from auditor.ui.screens.new_audit import NewAuditScreen

SIZE = (100, 40)


async def retype(pilot, field: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#{field}")
    widget.scroll_visible(animate=False)
    widget.focus()
    await pilot.pause()
    if hasattr(widget, "clear"):
        widget.clear()
    await pilot.press(*text)


async def test_ctrl_e_changes_the_header_and_a_wrong_date_is_said_at_its_field(
        make_app, store, audit, text_of):
    store.update_audit(audit.id, {"planned_start": "2026-03-02", "planned_end": "2026-03-03"})
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, EditAuditScreen)
        await retype(pilot, "title", "Internal audit 2026 [rev 2]")
        await retype(pilot, "scope", "Release management")
        await pilot.press("enter", *"Incident handling")
        await retype(pilot, "planned_end", "2026-03-01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EditAuditScreen)  # refused, nothing lost
        error = str(app.screen.query_one("#planned_end-error").render())
        assert "before the planned start" in error
        assert store.audit(audit.id).title == "Internal audit 2026"
        await retype(pilot, "planned_end", "2026-03-04")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        assert "Internal audit 2026 [rev 2]" in text_of(app)
    saved = store.audit(audit.id)
    assert saved.title == "Internal audit 2026 [rev 2]"
    assert saved.scope == "Release management\nIncident handling"
    assert saved.planned_end == date(2026, 3, 4)


async def test_leaving_the_details_with_changes_asks_first(make_app, store, audit):
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        await retype(pilot, "site", "Leeds")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing: what was typed is still there
        await pilot.pause()
        assert isinstance(app.screen, EditAuditScreen)
        assert app.screen.query_one("#site").value == "Leeds"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
    assert store.audit(audit.id).site == ""


async def test_escape_on_a_filled_new_audit_form_asks_before_throwing_it_away(
        make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Supplier audit")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewAuditScreen)
        assert app.screen.query_one("#title").value == "Supplier audit"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert store.audits() == []
