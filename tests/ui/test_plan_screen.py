"""The audit plan from the audit screen (P): sessions added, edited, moved and deleted
through the form, each written at once and logged; the domain's warnings on the screen;
hostile text shown as typed; a closed audit's plan read-only."""

from __future__ import annotations

from auditor.domain.audit_plan import check_start
from auditor.ui.screens.audit import AuditScreen
from auditor.ui.screens.confirm import ConfirmScreen
from auditor.ui.screens.plan import PlanScreen
from auditor.ui.screens.session_form import SessionFormScreen

SIZE = (100, 36)
HOSTILE = "[bold]x[/ \x1b]2;pwned\x07 Room [link=http://e.vil]1[/link]\\"


async def typed(pilot, field: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#{field}")
    widget.focus()
    await pilot.pause()
    widget.clear()
    await pilot.press(*text)


async def open_plan(pilot) -> PlanScreen:
    await pilot.pause()
    await pilot.press("P")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PlanScreen)
    return pilot.app.screen


async def test_a_session_is_added_edited_moved_and_deleted(make_app, store, audit, text_of,
                                                          notices_of):
    store.update_audit(audit.id, {"lead_auditor": "Dana", "planned_start": "2026-03-02",
                                  "objectives": "Confirm the QMS"})
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        notices = notices_of(app)
        await open_plan(pilot)
        assert "No session yet: n adds one" in text_of(app)
        assert "no session planned yet: 4 assessable items in none" in text_of(app)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SessionFormScreen)
        assert form.query_one("#start").value == "2026-03-02 09:00"  # the planned start
        await typed(pilot, "minutes", "0")
        await typed(pilot, "refs", "4, 8.3")
        await typed(pilot, "auditee_people", "CTO; QA lead")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # refused at its field, nothing written, nothing lost
        assert "from 1 to 600" in str(form.query_one("#minutes-error").render())
        assert store.sessions(audit.id) == []
        await typed(pilot, "minutes", "90")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        [added] = store.sessions(audit.id)
        assert (added.minutes, added.refs, added.auditor) == (90, "4,8.3", "Dana")
        screen = text_of(app)
        assert "2026-03-02 09:00-10:30" in screen and "CTO; QA lead" in screen
        assert "1 assessable item in no session: 8: 8.6 (1 of 2)" in screen

        await pilot.press("n")  # the next starts where the last ends
        await pilot.pause()
        assert app.screen.query_one("#start").value == "2026-03-02 10:30"
        await typed(pilot, "minutes", "30")
        await typed(pilot, "refs", "8.6")
        await typed(pilot, "auditor", "Dana")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "No warnings: every assessable item is in a session" in text_of(app)

        await pilot.press("m")  # move the second session into the first: an overlap
        await pilot.pause()
        move = app.screen
        assert isinstance(move, SessionFormScreen) and move.move
        assert [i.id for i in move.query("Input")] == ["start"]
        await typed(pilot, "start", "2026-03-02 10:00")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        moved = store.sessions(audit.id)[1]
        assert (moved.number, moved.start, moved.minutes) == (
            2, check_start("2026-03-02 10:00"), 30)
        assert "Dana leads sessions 1 and 2 at once" in text_of(app)
        assert any("Dana leads sessions 1 and 2 at once" in n for n in notices)

        await pilot.press("up", "e")  # correct the first one: an end before the second
        await pilot.pause()
        assert app.screen.query_one("#refs").value == "4, 8.3"
        await typed(pilot, "minutes", "60")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "No warnings" in text_of(app) and "1 and 2 at once" not in text_of(app)

        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert [s.number for s in store.sessions(audit.id)] == [2]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
    assert store.verify_audit(audit.id)["problems"] == []


async def test_hostile_text_shows_as_typed_in_the_plan(make_app, store, audit, text_of):
    store.add_session(audit.id, start="2026-03-02 09:00", minutes=60, refs="4,8",
                      auditor=HOSTILE, auditee_people=HOSTILE, place=HOSTILE)
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_plan(pilot)
        screen = text_of(app)
        assert "\x1b" not in screen and "\x07" not in screen
        assert "Place: [bold]x[/ \\x1b]2;pwned\\x07 Room [link=http://e.vil]1[/link]\\" \
            in screen
        assert "is neither the lead auditor nor in the audit team" in screen
        await pilot.press("e")
        await pilot.pause()
        # A field shows what it can: the control characters are left out, the rest kept.
        assert app.screen.query_one("#place").value == \
            "[bold]x[/ ]2;pwned Room [link=http://e.vil]1[/link]\\"


async def test_leaving_a_typed_form_asks_and_a_closed_audit_refuses(make_app, store, audit,
                                                                     notices_of):
    store.add_session(audit.id, start="2026-03-02 09:00", minutes=60, refs="4")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        await pilot.press("e")
        await pilot.pause()
        await typed(pilot, "place", "Room 2")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        assert store.sessions(audit.id)[0].place == ""
    store.close_audit(audit.id, "done")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        notices = notices_of(app)
        await open_plan(pilot)
        for key in ("n", "e", "m", "delete"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, PlanScreen)
        assert notices.count(f"Audit {audit.id} is closed: its plan is read-only.") == 4
    assert len(store.sessions(audit.id)) == 1
