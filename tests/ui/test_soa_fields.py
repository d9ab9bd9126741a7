"""The SoA line of an Annex A control in the item detail of an ISO/IEC 27001 audit:
applicability, justification, implementation status and the auditee's references, each
saved as entered (typing when it pauses, before leaving), through the store; the domain's
flags shown under the fields; hostile text kept literal; nothing of it on a checklist
without SoA notes, and read-only on a closed audit."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from auditor.exchange.library import find
from auditor.ui.screens.home import HomeScreen

SIZE = (110, 60)
HOSTILE = "[bold]x[/ \x1b]2;pwned\x07 [link=http://e.vil]y[/link]\\"


@pytest.fixture
def isms(store):
    return store.create_audit(find("iso27001-2022"), title="ISMS audit 2026",
                              auditee="Acme Soft")


def flags(app) -> str:
    return str(app.screen.query_one("#soa-flags").render())


async def test_the_soa_line_is_saved_as_entered(make_app, store, isms):
    app = make_app(open_audit=isms.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.go_to("A.5.1")
        await pilot.pause()
        screen = app.screen
        justification = screen.query_one("#soa-justification", Input)
        assert justification.disabled  # waits for applicable or excluded
        screen.query_one("#soa-applicable", Select).value = "no"
        await pilot.pause()
        assert store.soa_entries(isms.id)["A.5.1"].applicable is False
        assert "excluded without justification" in flags(app)
        assert not justification.disabled
        justification.focus()
        await pilot.press(*"Policies are [b]group[/b]-level")
        await pilot.pause(0.5)  # saved when typing pauses
        assert store.soa_entries(isms.id)["A.5.1"].justification == \
            "Policies are [b]group[/b]-level"
        assert "excluded" not in flags(app)
        screen.query_one("#soa-applicable", Select).value = "yes"
        await pilot.pause()
        assert "implementation status not stated" in flags(app)
        screen.query_one("#soa-status", Select).value = "partially_implemented"
        refs = screen.query_one("#soa-refs", Input)
        refs.focus()
        await pilot.press(*"ISP-01 rev 4")
        await pilot.press("escape", "escape")  # leaving at once: written before it goes
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    entry = store.soa_entries(isms.id)["A.5.1"]
    assert (entry.applicable, entry.status, entry.refs) == (
        True, "partially_implemented", "ISP-01 rev 4")
    [row] = [r for r in store.soa(isms.id) if r.ref == "A.5.1"]
    assert row.flags == ()
    assert store.verify_audit(isms.id)["problems"] == []


async def test_another_control_shows_its_own_line_and_hostile_text_stays_text(
        make_app, store, isms, text_of):
    store.set_soa_entry(isms.id, "A.5.2", applicable="yes", justification=HOSTILE,
                        status="implemented", refs="ISP-02")
    app = make_app(open_audit=isms.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.go_to("A.5.2")
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#soa-justification", Input).value == \
            "[bold]x[/ ]2;pwned [link=http://e.vil]y[/link]\\"
        assert screen.query_one("#soa-status", Select).value == "implemented"
        assert "\x1b" not in text_of(app)
        app.screen.go_to("A.5.3")
        await pilot.pause()
        assert screen.query_one("#soa-applicable", Select).value is Select.NULL
        assert screen.query_one("#soa-refs", Input).value == ""
        assert "applicability not stated" in flags(app)
        app.screen.go_to("5.1")  # a clause, not a control: no SoA line
        await pilot.pause()
        assert screen.query_one("#soa-fields").has_class("-empty")
    assert store.soa_entries(isms.id)["A.5.2"].justification == HOSTILE  # not rewritten


async def test_no_soa_line_without_soa_notes_and_read_only_when_closed(
        make_app, store, audit, isms):
    app = make_app(open_audit=audit.id)  # the mini checklist: no SoA notes
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.screen.query("#soa-fields")
    store.set_soa_entry(isms.id, "A.5.1", applicable="yes", status="implemented")
    store.close_audit(isms.id, "done")
    app = make_app(open_audit=isms.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.go_to("A.5.1")
        await pilot.pause()
        fields = app.screen.query_one("#soa-fields")
        assert all(w.disabled for w in fields.query("Select, Input"))
        assert app.screen.query_one("#soa-applicable", Select).value == "yes"
