"""The home screen: the audits most recent first, filter as you type, open, new, delete."""

from __future__ import annotations

from datetime import UTC, datetime

from auditor.ui.screens.audit import AuditScreen
from auditor.ui.screens.confirm import ConfirmScreen
from auditor.ui.screens.home import HomeScreen
from auditor.ui.screens.new_audit import NewAuditScreen

SIZE = (100, 30)
LATER = datetime(2026, 3, 5, 14, 0, tzinfo=UTC)


def rows(app):
    table = app.screen.query_one("#audits")
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def plan(store, checklist, title, auditee="Acme Soft", **kw):
    return store.create_audit(checklist, title=title, auditee=auditee, **kw)


async def test_audits_most_recent_first_with_their_figures(make_app, store, mini_checklist):
    first = plan(store, mini_checklist, "Internal audit 2026")
    second = plan(store, mini_checklist, "Supplier audit", auditee="Cloudy Hosting",
                  type="supplier")
    store.now = lambda: LATER  # the first audit is worked on later: it comes first
    store.record_result(first.id, "4.1", "minor", statement="No context review")
    store.record_result(first.id, "4.2", "conform")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        shown = rows(app)
    assert [r[0] for r in shown] == [str(first.id), str(second.id)]
    assert shown[0][1:] == ["Internal audit 2026\nAcme Soft", "internal\nmini",
                            "in progress\n2/4 50%", "1", "2026-03-05"]
    assert shown[1][2:4] == ["supplier\nmini", "planned\n0/4 0%"]


async def test_filter_as_you_type(make_app, store, mini_checklist):
    plan(store, mini_checklist, "Internal audit 2026")
    plan(store, mini_checklist, "Supplier audit", auditee="Cloudy Hosting", type="supplier")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"cloudy")
        assert [r[1] for r in rows(app)] == ["Supplier audit\nCloudy Hosting"]
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace",
                          "backspace", *"intern acme")
        assert [r[1] for r in rows(app)] == ["Internal audit 2026\nAcme Soft"]
        await pilot.press(*"zz")
        assert rows(app) == []
        assert "No audit matches" in str(app.screen.query_one("#home-empty").render())
        await pilot.press("escape")
        assert len(rows(app)) == 2
        assert app.focused is app.screen.query_one("#audits")


async def test_enter_opens_the_highlighted_audit(make_app, store, mini_checklist):
    plan(store, mini_checklist, "Older")
    newest = plan(store, mini_checklist, "Newest")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        assert app.screen.audit_id == newest.id


async def test_n_opens_the_new_audit_form(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "No audits yet" in str(app.screen.query_one("#home-empty").render())
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewAuditScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert store.audits() == []


async def test_delete_asks_first_and_no_keeps_the_audit(make_app, store, mini_checklist):
    keep = plan(store, mini_checklist, "Keep me")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert [a.id for a in store.audits()] == [keep.id]
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("enter")  # the safe answer has the focus on a dangerous question
        await pilot.pause()
        assert [a.id for a in store.audits()] == [keep.id]
        await pilot.press("delete", "y")
        await pilot.pause()
        assert rows(app) == []
    assert store.audits() == []


async def test_a_closed_audit_needs_a_second_confirmation(make_app, store, mini_checklist):
    closed = plan(store, mini_checklist, "Closed audit")
    store.close_audit(closed.id, conclusion="done")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("delete", "y")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert [a.id for a in store.audits()] == [closed.id]
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert [a.id for a in store.audits()] == [closed.id]
        await pilot.press("delete", "y")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert store.audits() == []


async def test_home_shows_changes_made_in_an_audit(make_app, store, mini_checklist):
    audit = plan(store, mini_checklist, "Internal audit 2026")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("c", "n", "c", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert rows(app)[0][3] == "in progress\n2/4 50%"
    assert len(store.results(audit.id)) == 2


async def test_compare_and_programme_open_from_home(make_app, store, mini_checklist):
    from auditor.ui.screens.choose_audits import ChooseAuditsScreen
    from auditor.ui.screens.comparison import ComparisonScreen
    from auditor.ui.screens.programme import ProgrammeScreen

    old = plan(store, mini_checklist, "Internal 2025")
    new = plan(store, mini_checklist, "Surveillance 2026", type="surveillance",
               previous_id=old.id)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProgrammeScreen)
        assert app.screen.auditee == "Acme Soft"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ChooseAuditsScreen)
        app.screen.dismiss((old.id, new.id))
        await pilot.pause()
        assert isinstance(app.screen, ComparisonScreen)
        await app.workers.wait_for_complete()
    assert len(store.audits()) == 2


async def test_back_home_the_cursor_is_on_the_audit_just_left(make_app, store, mini_checklist):
    older = plan(store, mini_checklist, "Older")
    plan(store, mini_checklist, "Newest")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen.audit_id == older.id
        store.now = lambda: LATER
        await pilot.press("c", "escape")  # a result: the older audit moves to the top
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert rows(app)[0][0] == str(older.id)
        assert app.screen.selected == older.id
