"""The audit screen keeps the tree to a plan session's clauses: `t` the session running
now (by the app's clock, 2026-03-02 09:30 in the tests, read as local time), `t` again
every clause; `T` steps through the sessions in time order. The heading names the
session while it filters; `n` keeps to its items; going to a clause outside it shows
every clause again; the plan screen's changes are followed."""

from __future__ import annotations

import time

import pytest

from auditor.ui.screens.audit import AuditScreen

SIZE = (100, 30)


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def shown(app) -> set[str]:
    return set(app.screen.tree.nodes_by_ref)


def heading(app) -> str:
    return str(app.screen.query_one("#audit-heading").render())


async def test_t_keeps_the_tree_to_the_session_running_now(make_app, store, audit,
                                                          notices_of):
    store.add_session(audit.id, start="2026-03-02 09:00", minutes=60, refs="8.3")
    store.add_session(audit.id, start="2026-03-02 10:00", minutes=60, refs="4.2,8.6",
                      auditor="Sam [b]x[/")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        notices = notices_of(app)
        await pilot.pause()
        assert shown(app) == {"4", "4.1", "4.2", "8", "8.3", "8.3.4", "8.6"}
        assert "session" not in heading(app)
        await pilot.press("t")
        await pilot.pause()
        assert shown(app) == {"8", "8.3", "8.3.4"}
        assert app.screen.tree.current_ref == "8.3.4"
        assert "session 1 Mon 03-02 09:00-10:00 only" in heading(app)
        assert "Internal audit 2026" in heading(app)
        await pilot.press("c", "n")  # every item of the session assessed
        await pilot.pause()
        assert notices[-1] == "Every item of session 1 is assessed."
        await pilot.press("t")
        await pilot.pause()
        assert len(shown(app)) == 7 and "session" not in heading(app)

        await pilot.press("T")
        await pilot.pause()
        assert "session 1 Mon 03-02 09:00-10:00" in heading(app)
        await pilot.press("T")
        await pilot.pause()
        assert shown(app) == {"4", "4.2", "8", "8.6"}
        assert "session 2 Mon 03-02 10:00-11:00 only" in heading(app)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.tree.current_ref in {"4.2", "8.6"}
        app.screen.go_to("4.1")  # a search hit outside the session: every clause again
        await pilot.pause()
        assert app.screen.tree.current_ref == "4.1" and len(shown(app)) == 7
        assert "session" not in heading(app)
        await pilot.press("T", "T", "T")  # past the last: every clause
        await pilot.pause()
        assert len(shown(app)) == 7 and notices[-1] == "Every clause again."


async def test_no_session_now_or_no_plan_is_said(make_app, store, audit, notices_of):
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        notices = notices_of(app)
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert notices[-1] == "The audit plan has no sessions yet: P opens the plan."
        store.add_session(audit.id, start="2026-03-02 11:00", minutes=60, refs="4")
        await pilot.press("P", "escape")  # the plan screen was opened: read again
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert notices[-1] == ("No session of the plan runs now (2026-03-02 09:30): T steps "
                               "through the sessions.")
        assert len(shown(app)) == 7


async def test_the_filter_follows_the_plan_screens_changes(make_app, store, audit):
    store.add_session(audit.id, start="2026-03-02 09:00", minutes=60, refs="4")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert shown(app) == {"4", "4.1", "4.2"}
        store.update_session(audit.id, 1, refs="8.6")
        await pilot.press("P", "escape")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        assert shown(app) == {"8", "8.6"}
        store.remove_session(audit.id, 1)
        await pilot.press("P", "escape")
        await pilot.pause()
        assert len(shown(app)) == 7 and "session" not in heading(app)


async def test_a_narrow_heading_keeps_the_session_and_the_audit(make_app, store, audit,
                                                               text_of):
    store.update_audit(audit.id, {"title": "A very long audit title [b]that goes on[/b]"})
    store.add_session(audit.id, start="2026-03-02 09:00", minutes=60, refs="8")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        first = text_of(app).splitlines()[0]
        assert first.rstrip().endswith("session 1 Mon 03-02 09:00-10:00 only · audit 1"), first
        assert first.lstrip().startswith("A very long audi…") and len(first.rstrip()) <= 80


def test_sessions_at_the_same_hours_on_two_days_are_told_apart(store, audit):
    from auditor.ui.audit_navigation import audit_heading

    store.add_session(audit.id, start="2026-03-02 09:00", minutes=60, refs="8")
    store.add_session(audit.id, start="2026-03-03 09:00", minutes=60, refs="4")
    shown = [audit_heading(audit, store.checklist(audit.id), 80, s).plain
             for s in store.sessions(audit.id)]
    assert "session 1 Mon 03-02 09:00-10:00 only" in shown[0]
    assert "session 2 Tue 03-03 09:00-10:00 only" in shown[1]
    long = audit_heading(audit, store.checklist(audit.id), 80,
                         store.sessions(audit.id)[0]).plain
    assert len(long) <= 78 and long.endswith(f"only · audit {audit.id}")
