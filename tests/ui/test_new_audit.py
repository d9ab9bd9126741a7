"""Planning a new audit: the form creates it in the store; wrong input is said at the field
and nothing typed is lost."""

from __future__ import annotations

from datetime import date

from textual.widgets import OptionList, Select

from auditor.domain.errors import RuleViolation
from auditor.ui.screens.audit import AuditScreen
from auditor.ui.screens.new_audit import NewAuditScreen

SIZE = (100, 40)


async def open_form(pilot):
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(pilot.app.screen, NewAuditScreen)
    await pilot.app.workers.wait_for_complete()  # the installed checklists are read
    await pilot.pause()


async def type_into(pilot, field: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#{field}")
    widget.scroll_visible(animate=False)
    widget.focus()
    await pilot.pause()
    await pilot.press(*text)


async def choose(pilot, field: str, value) -> None:
    pilot.app.screen.query_one(f"#{field}", Select).value = value
    await pilot.pause()


def prompts(select: Select) -> list[str]:
    """The lines of a Select's drop-down (its public option list; the first is the blank
    choice's prompt when it has one)."""
    return [str(option.prompt) for option in select.query_one(OptionList).options]


def error_at(app, field: str) -> str:
    error = app.screen.query_one(f"#{field}-error")
    return str(error.render()) if error.has_class("shown") else ""


async def test_the_form_creates_the_audit_and_opens_it(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        checklists = app.screen.query_one("#checklist", Select)
        offered = {prompt.split()[0] for prompt in prompts(checklists)}
        assert {"iso9001-2015", "iso27001-2022", "mini"} <= offered
        await choose(pilot, "checklist", "mini")
        await type_into(pilot, "title", "Internal audit 2026")
        await type_into(pilot, "auditee", "Acme Soft")
        await type_into(pilot, "scope", "Release management")
        await type_into(pilot, "planned_start", "2026-03-02")
        await type_into(pilot, "planned_end", "2026-03-03")
        await type_into(pilot, "lead_auditor", "Dana Whitfield")
        await type_into(pilot, "team", "Sam Okafor")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
    [audit] = store.audits()
    assert (audit.title, audit.auditee, audit.type, audit.scope) == (
        "Internal audit 2026", "Acme Soft", "internal", "Release management")
    assert (audit.planned_start, audit.planned_end) == (date(2026, 3, 2), date(2026, 3, 3))
    assert (audit.lead_auditor, audit.team) == ("Dana Whitfield", "Sam Okafor")
    assert store.checklist(audit.id).id == "mini"


async def test_wrong_input_is_shown_at_its_field_and_kept(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        await type_into(pilot, "auditee", "Acme Soft")
        await type_into(pilot, "planned_start", "2026-13-01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NewAuditScreen)
        assert "choose the checklist" in error_at(app, "checklist")
        assert "title" in error_at(app, "title")
        assert "YYYY-MM-DD" in error_at(app, "planned_start")
        assert error_at(app, "auditee") == ""
        assert app.screen.query_one("#planned_start").value == "2026-13-01"
        assert app.screen.query_one("#auditee").value == "Acme Soft"
        assert store.audits() == []

        await choose(pilot, "checklist", "mini")
        await type_into(pilot, "title", "Audit")
        app.screen.query_one("#planned_start").value = "2026-03-05"
        await type_into(pilot, "planned_end", "2026-03-01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "before the start" in error_at(app, "planned_end")
        assert error_at(app, "planned_start") == ""
        assert store.audits() == []

        app.screen.query_one("#planned_end").value = "2026-03-06"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
    [audit] = store.audits()
    assert (audit.planned_start, audit.planned_end) == (date(2026, 3, 5), date(2026, 3, 6))


async def test_a_surveillance_audit_follows_the_previous_audit_of_its_auditee(
        make_app, store, mini_checklist):
    other = store.create_audit(mini_checklist, title="Other org", auditee="Cloudy Hosting")
    older = store.create_audit(mini_checklist, title="Internal 2025", auditee="Acme Soft")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        previous = app.screen.query_one("#previous_id", Select)
        assert previous.disabled
        await type_into(pilot, "title", "Surveillance 2026")
        await type_into(pilot, "auditee", "acme soft")
        await choose(pilot, "type", "surveillance")
        assert not previous.disabled
        assert previous.value == older.id
        offered = {prompt.split(":")[0] for prompt in prompts(previous)}
        assert str(older.id) in offered and str(other.id) not in offered
        # The checklist of the audit followed is proposed.
        assert app.screen.query_one("#checklist", Select).value == "mini"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
    new = max(store.audits(), key=lambda a: a.id)
    assert (new.type, new.previous_id) == ("surveillance", older.id)


async def test_a_rule_the_store_enforces_is_shown_at_the_field_it_names(
        make_app, store, monkeypatch):
    """The store's refusal names its field (`RuleViolation.field`): the form shows it at
    that input, whatever its words; with no field, or one the form has no input for, on
    the form's own error line."""
    refusals = iter([
        RuleViolation("these dates do not go together", field="planned_end"),
        RuleViolation("that audit is of another organisation", field="previous_id"),
        RuleViolation("something about the audit as a whole", field=None),
        RuleViolation("a field the form does not show", field="checklist_snapshot"),
    ])

    def refuse(*_args, **_kwargs):
        raise next(refusals)

    monkeypatch.setattr(store, "create_audit", refuse)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        await choose(pilot, "checklist", "mini")
        await type_into(pilot, "title", "Audit")
        await type_into(pilot, "auditee", "Acme Soft")
        for field, words in (("planned_end", "do not go together"),
                             ("previous_id", "another organisation"),
                             ("form", "as a whole"),
                             ("form", "does not show")):
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, NewAuditScreen)
            shown = {name: error_at(app, name) for name in
                     ("planned_end", "previous_id", "form", "title")}
            assert words in shown.pop(field)
            assert set(shown.values()) == {""}, shown


async def test_back_home_from_a_new_audit_the_cursor_is_on_that_audit(
        make_app, store, mini_checklist):
    from auditor.ui.screens.home import HomeScreen

    # Two audits are there already; the cursor sits on the second row (the older one).
    store.create_audit(mini_checklist, title="First", auditee="Acme Soft")
    store.create_audit(mini_checklist, title="Second", auditee="Acme Soft")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down")
        assert app.screen.selected == 1
        await open_form(pilot)
        await choose(pilot, "checklist", "mini")
        await type_into(pilot, "title", "Third")
        await type_into(pilot, "auditee", "Acme Soft")
        await type_into(pilot, "planned_start", "2026-03-02")
        await type_into(pilot, "planned_end", "2026-03-03")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        new_id = app.screen.audit_id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.selected == new_id
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.audit_id == new_id


async def test_the_lead_auditor_defaults_to_the_name_the_auditor_set(store, tmp_path, text_of):
    from auditor import config
    from auditor.ui.app import AuditorApp

    home = tmp_path / "named"
    env = {"AUDITOR_HOME": str(home)}
    config.save_name(env, "Dana Keller")
    settings = config.resolve(str(tmp_path / "audit.db"), env=env)
    app = AuditorApp(store, settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "recording as Dana Keller" in text_of(app)
        await open_form(pilot)
        assert app.screen.query_one("#lead_auditor").value == "Dana Keller"


async def test_a_login_name_is_not_offered_as_lead_auditor(make_app, store):
    app = make_app()  # AUDITOR_USER is set in these tests: a person's choice
    app.settings = type(app.settings)(**{**app.settings.__dict__, "actor_source": "login"})
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        assert app.screen.query_one("#lead_auditor").value == ""
