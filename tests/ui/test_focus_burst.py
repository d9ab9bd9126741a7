"""Keys typed in one burst, right after a focus change, act on the field as it is.

Textual inserts a character the moment the field takes its key but ran the keys a field
binds (end, ctrl+u, home...) only after they had bubbled up to the app: "tab end QQ" typed
at full speed replaced the text the tab had selected with "QQ". Pilot's `press` waits
after each key, so the burst is posted to the app at once, as a terminal delivers it."""

from __future__ import annotations

from textual import events
from textual.keys import _character_to_key

from auditor.ui.screens.plan import PlanScreen
from auditor.ui.screens.sample_form import SampleFormScreen
from auditor.ui.screens.session_form import SessionFormScreen

SIZE = (110, 40)


def burst(app, *keys: str) -> None:
    """The keys posted to the app with no pause between them."""
    for key in keys:
        char = key if len(key) == 1 else None
        app.post_message(events.Key(_character_to_key(key) if char else key, char))


async def test_sample_form_keys_after_tab_act_on_the_text(make_app, store, audit):
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.go_to("8.6")
        await pilot.press("s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SampleFormScreen)
        await pilot.press(*"abc")
        await pilot.press("shift+tab")
        await pilot.pause(0.5)
        burst(app, "tab", "end", "Q", "Q")
        await pilot.pause()
        assert form.query_one("#population").value == "abcQQ"
        burst(app, "tab", *"12", "shift+tab", "home", *"[b]")
        await pilot.pause()
        assert form.query_one("#population_size").value == "12"
        assert form.query_one("#population").value == "[b]abcQQ"
        burst(app, "tab", "ctrl+u", *"text")
        await pilot.pause()
        assert form.query_one("#population_size").value == "text"


async def test_plan_session_form_keeps_the_order_of_keys(make_app, store, audit):
    store.update_audit(audit.id, {"planned_start": "2026-03-02"})
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SessionFormScreen)
        start = form.query_one("#start").value
        burst(app, "tab", "shift+tab", "end", "backspace", "5")
        await pilot.pause()
        assert form.query_one("#start").value == start[:-1] + "5"
        burst(app, "tab", "ctrl+u", "6", "shift+tab", "tab", "end", "0")
        await pilot.pause()
        assert form.query_one("#minutes").value == "60"  # added to, not replaced
