"""Values are shown as words, never as the stored vocabulary (`in_progress`,
`good_practice`, `not_effective`), and dates are never cut, on every screen that shows
them, at 80x24 and 120x40, over the demo's two audits (every grade and status)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from auditor.domain.demo import fill_demo
from auditor.exchange.library import find
from auditor.ui.screens.audit import AuditScreen
from auditor.ui.screens.home import HomeScreen

RAW = re.compile(r"\b(in_progress|good_practice|not_effective|not_assessed|not_reassessed)\b")
CUT_DATE = re.compile(r"\b\d{4}-\d{2}-?(?!\d)(?!-\d)")


@pytest.fixture
def demo(store):
    return fill_demo(store, find("iso9001-2015"), today=date(2026, 3, 2))


def words_only(screen: str) -> None:
    assert not RAW.findall(screen), screen
    assert not CUT_DATE.findall(screen), screen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_screen_shows_words_and_whole_dates(make_app, demo, text_of, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        words_only(text_of(app))
        assert "in progress" in text_of(app)
        app.open_audit_screen(demo.current_id)
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        await pilot.press("p")  # previous findings: grades, statuses, due dates
        await pilot.pause()
        shown = text_of(app)
        words_only(shown)
        # The highlighted previous finding is shown whole, wrapped: its due date, its
        # statement and the auditee's root cause, so that it is not verified blind.
        assert "NC-2025-002 on 8.3.4" in shown and "due 2025-04-21" in shown
        assert "Statement: Design reviews were" in shown and "Root cause:" in shown
        await pilot.press("escape", "F")  # this audit's findings
        await pilot.pause()
        words_only(text_of(app))
        await pilot.press("escape", "d")  # comparison with the previous audit
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        words_only(text_of(app))
