"""A sampling record from the audit screen (s on an item): a form that says what each
field wants, each problem said under its field, the record written through the store
and listed in the item's detail, hostile text shown as typed; refused on a group and on
a closed audit."""

from __future__ import annotations

from auditor.ui.screens.audit import AuditScreen
from auditor.ui.screens.confirm import ConfirmScreen
from auditor.ui.screens.sample_form import SampleFormScreen

SIZE = (110, 40)
HOSTILE = "[bold]x[/ \x1b]2;pwned\x07 [link=http://e.vil]y[/link]\\"


async def fill(pilot, **fields: str) -> None:
    for name, text in fields.items():
        widget = pilot.app.screen.query_one(f"#{name}")
        widget.focus()
        await pilot.pause()
        widget.clear()
        await pilot.press(*text)


async def test_a_sample_is_recorded_and_listed_on_the_item(make_app, store, audit, text_of):
    store.record_result(audit.id, "8.6", "conform")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.go_to("8.6")
        await pilot.press("s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SampleFormScreen)
        assert "what was sampled from, e.g. releases in Q3" in text_of(app)
        await fill(pilot, population="releases in Q3", population_size="2",
                   ids="4.2.0, 4.2.3 [b]x[/, 4.3")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # three from two: said at the ids, nothing written
        assert "3 sampled from a population of 2" in str(form.query_one("#ids-error").render())
        assert store.samples(audit.id) == {}
        await fill(pilot, population_size="42x")
        await pilot.press("enter")
        await pilot.pause()
        assert "'42x' is not a whole number" in str(
            form.query_one("#population_size-error").render())
        await fill(pilot, population_size="42")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        [sample] = store.samples(audit.id)["8.6"]
        assert (sample.population, sample.population_size, sample.sample_size,
                sample.ids) == ("releases in Q3", 42, 3, "4.2.0, 4.2.3 [b]x[/, 4.3")
        assert "releases in Q3: 42; sampled 3: 4.2.0, 4.2.3 [b]x[/, 4.3" in \
            str(app.screen.query_one("#item-files").render())
        assert store.results(audit.id)["8.6"].result == "conform"  # the result kept
    assert store.verify_audit(audit.id)["problems"] == []


async def test_hostile_sample_text_shows_literally(make_app, store, audit, text_of):
    from auditor.domain.sampling import Sample

    store.record_result(audit.id, "4.1", None,
                        samples=[Sample(HOSTILE, None, 1, HOSTILE)])
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        app.screen.go_to("4.1")
        await pilot.pause()
        shown = str(app.screen.query_one("#item-files").render())
        assert "[bold]x[/ \\x1b]2;pwned\\x07 [link=http://e.vil]y[/link]\\; sampled 1" in shown
        assert "\x1b" not in text_of(app)


async def test_escape_asks_when_typed_and_groups_and_closed_audits_refuse(
        make_app, store, audit, notices_of):
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        notices = notices_of(app)
        await pilot.pause()
        app.screen.go_to("4.1")
        await pilot.press("s")
        await pilot.pause()
        await fill(pilot, population="tickets")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        app.screen.go_to("4")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        assert notices[-1] == "4 is a group heading: record on its items."
    assert store.samples(audit.id) == {}
    store.close_audit(audit.id, "done")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        notices = notices_of(app)
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        assert notices[-1] == f"Audit {audit.id} is closed and read-only."


async def test_an_id_listed_twice_is_said_under_the_ids_and_nothing_recorded(
        make_app, store, audit):
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.go_to("8.6")
        await pilot.press("s")
        await pilot.pause()
        form = app.screen
        await fill(pilot, population="releases", ids="1,2,3,3,,4,5,6,7,8")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "sampled ids listed twice: 3; list each id once" in str(
            form.query_one("#ids-error").render())
        assert store.samples(audit.id) == {}
