"""The item detail's SoA line says what the domain flags: an excluded control stated as
implemented is queried there too (the widget reads `row_flags`, the one rule)."""

from __future__ import annotations

from auditor.domain.soa import FLAG_TEXT, Flag
from auditor.exchange.library import find


async def test_the_item_detail_flags_an_excluded_control_in_use(make_app, store):
    audit = store.create_audit(find("iso27001-2022"), title="ISMS", auditee="Acme")
    store.set_soa_entry(audit.id, "A.5.1", applicable="no", status="implemented",
                        justification="[bold]group[/bold] policies \x1b[31m")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=(110, 60)) as pilot:
        await pilot.pause()
        app.screen.go_to("A.5.1")
        await pilot.pause()
        shown = str(app.screen.query_one("#soa-flags").render())
        assert FLAG_TEXT[Flag.EXCLUDED_BUT_IMPLEMENTED] in shown
        assert "excluded without justification" not in shown
