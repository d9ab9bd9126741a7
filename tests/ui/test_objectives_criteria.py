"""The audit plan's objectives and criteria in the TUI: several lines each in the new-audit
form (the criteria follow the chosen checklist's standard until written) and in the audit
details form (ctrl+e), saved through the store, hostile text kept literal."""

from __future__ import annotations

from textual.widgets import Select, TextArea

from auditor.ui.screens.audit import AuditScreen
from auditor.ui.screens.edit_audit import EditAuditScreen
from auditor.ui.screens.new_audit import NewAuditScreen

SIZE = (100, 40)
HOSTILE = "[bold]x[/ \x1b]2;pwned\x07 [link=http://e.vil]y[/link]\\"


async def type_into(pilot, field: str, text: str, clear: bool = False) -> None:
    widget = pilot.app.screen.query_one(f"#{field}")
    widget.scroll_visible(animate=False)
    widget.focus()
    await pilot.pause()
    if clear:
        widget.clear()
    await pilot.press(*text)


async def test_a_new_audit_takes_objectives_and_criteria(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewAuditScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        criteria = app.screen.query_one("#criteria", TextArea)
        app.screen.query_one("#checklist", Select).value = "mini"
        await pilot.pause()
        assert criteria.text == "ISO 9001:2015"  # the checklist's standard
        app.screen.query_one("#checklist", Select).value = "iso27001-2022"
        await pilot.pause()
        assert criteria.text.startswith("ISO/IEC 27001")  # followed while not written
        await type_into(pilot, "title", "ISMS audit 2026")
        await type_into(pilot, "auditee", "Acme Soft")
        await type_into(pilot, "objectives", "Confirm the ISMS [b]works[/b]")
        await pilot.press("enter", *"Check supplier controls")
        criteria.focus()
        criteria.move_cursor(criteria.document.end)
        await pilot.press("enter", *"ISP-01 rev 4")
        app.screen.query_one("#checklist", Select).value = "mini"
        await pilot.pause()
        assert criteria.text.endswith("ISP-01 rev 4")  # written: no longer followed
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        audit = store.audit(app.screen.audit_id)
    assert audit.objectives == "Confirm the ISMS [b]works[/b]\nCheck supplier controls"
    assert audit.criteria.startswith("ISO/IEC 27001") and \
        audit.criteria.endswith("\nISP-01 rev 4")


async def test_objectives_and_criteria_are_corrected_in_the_details(make_app, store, audit):
    store.update_audit(audit.id, {"objectives": HOSTILE})
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, EditAuditScreen)
        objectives = app.screen.query_one("#objectives", TextArea)
        # What a field can show: the control characters are left out, the rest as typed.
        assert objectives.text == "[bold]x[/ ]2;pwned [link=http://e.vil]y[/link]\\"
        assert app.screen.query_one("#criteria", TextArea).text == "ISO 9001:2015"
        await type_into(pilot, "objectives", "Release control", clear=True)
        await pilot.press("enter", *"Support")
        await type_into(pilot, "criteria", "", clear=True)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
    saved = store.audit(audit.id)
    assert (saved.objectives, saved.criteria) == ("Release control\nSupport", "")
    assert store.verify_audit(audit.id)["problems"] == []
