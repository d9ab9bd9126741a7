"""Pilot and snapshot tests of the surveillance widgets and screens."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable

import auditor.ui
from auditor.domain.vocab import FindingStatus
from auditor.ui.widgets.previous_findings import PreviousFindingsPanel

APP_CSS = Path(auditor.ui.__file__).parent / "app.tcss"


@pytest.fixture
def followed(store, mini_checklist):
    old = store.create_audit(mini_checklist, title="2025", auditee="Acme Soft")
    _, minor = store.record_result(old.id, "8.3.4", "minor",
                                   statement="Design reviews not recorded")
    _, obs = store.record_result(old.id, "8.6", "observation", statement="Release notes thin")
    store.close_audit(old.id)
    new = store.create_audit(mini_checklist, title="2026", auditee="Acme Soft",
                             type="surveillance", previous_id=old.id)
    return old, new, minor, obs


class PanelHost(App):
    CSS_PATH = APP_CSS

    def __init__(self, store, audit_id):
        super().__init__()
        self.store = store
        self.audit_id = audit_id
        self.verified: list[PreviousFindingsPanel.Verified] = []

    def compose(self) -> ComposeResult:
        yield PreviousFindingsPanel(self.store, self.audit_id, id="previous-findings")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def on_previous_findings_panel_verified(self, message) -> None:
        self.verified.append(message)


def test_previous_findings_verify_actions(store, followed):
    asyncio.run(_verify_actions(store, followed))


async def _verify_actions(store, followed):
    _, new, minor, obs = followed
    app = PanelHost(store, new.id)
    async with app.run_test() as pilot:
        panel = app.query_one(PreviousFindingsPanel)
        assert panel.codes == [minor.code, obs.code]
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Still no review records", "ctrl+s")
        await pilot.pause()
        assert store.finding(minor.code).status == FindingStatus.NOT_EFFECTIVE
        assert store.finding(minor.code).verification_note == "Still no review records"
        [repeat] = store.findings(new.id)
        assert repeat.repeat_of == minor.code
        assert app.verified[-1].code == minor.code
        assert app.verified[-1].repeat == repeat.code
        # not_effective still counts as open: it stays listed
        assert panel.codes == [minor.code, obs.code]
        await pilot.press("down", "v")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert store.finding(obs.code).status == FindingStatus.CLOSED
        assert app.verified[-1].effective is True
        assert panel.codes == [minor.code]
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("escape")  # cancelled: nothing recorded
        await pilot.pause()
        assert store.finding(minor.code).status == FindingStatus.NOT_EFFECTIVE
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert store.finding(minor.code).status == FindingStatus.CLOSED
        assert panel.codes == []
        assert panel.has_class("-empty")
        await pilot.press("v")  # nothing left: a bell, no error
        await pilot.pause()
        assert len(app.verified) == 3


def test_previous_findings_refused_on_a_closed_audit(store, followed):
    asyncio.run(_refused_on_closed(store, followed))


async def _refused_on_closed(store, followed):
    _, new, minor, _ = followed
    store.close_audit(new.id)
    app = PanelHost(store, new.id)
    async with app.run_test() as pilot:
        await pilot.press("v")
        await pilot.pause()
        assert store.finding(minor.code).status == FindingStatus.OPEN
        assert app.verified == []


def test_previous_findings_snapshot(snap_compare, store, followed):
    _, new, _, _ = followed
    assert snap_compare(PanelHost(store, new.id), terminal_size=(100, 24))


# -- comparison, programme, choosing two audits ------------------------------------------


class ScreenHost(App):
    """Pushes one screen and keeps what it dismissed with."""

    CSS_PATH = APP_CSS

    def __init__(self, make_screen) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.results: list = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(), self.results.append)


async def settle(pilot) -> None:
    """Let the worker finish and the tables lay out their columns."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


@pytest.fixture
def compared(store, followed, mini_checklist):
    old, new, minor, obs = followed
    store.record_result(new.id, "4.1", "conform")
    store.record_result(new.id, "8.6", "conform")
    store.verify_previous_finding(new.id, minor.code, False, "Still no records")
    return old, new, minor, obs


def table_rows(screen, selector):
    table = screen.query_one(selector, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def test_comparison_screen_filters_by_change(store, compared):
    asyncio.run(_comparison_filters(store, compared))


async def _comparison_filters(store, compared):
    from auditor.ui.screens.comparison import ComparisonScreen

    old, new, minor, obs = compared
    app = ScreenHost(lambda: ComparisonScreen(store, old.id, new.id))
    async with app.run_test(size=(120, 34)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ComparisonScreen)
        rows = table_rows(screen, "#comparison-items")
        assert [(r[0], r[4]) for r in rows] == [
            ("4.1", "new"), ("4.2", "not assessed"), ("8.3.4", "unchanged"),
            ("8.6", "improved")]
        findings = table_rows(screen, "#comparison-findings")
        [repeat] = store.findings(new.id)
        assert [r[0] for r in findings] == [minor.code, obs.code]
        assert findings[0][3] == "not effective" and findings[0][4] == repeat.code
        await pilot.press("f")  # regressed: none here
        assert screen.current_filter == "regressed"
        assert table_rows(screen, "#comparison-items") == []
        await pilot.press("f")
        assert [r[0] for r in table_rows(screen, "#comparison-items")] == ["8.6"]
        await pilot.press("f")
        assert [r[0] for r in table_rows(screen, "#comparison-items")] == ["4.1"]
        await pilot.press("a")
        assert len(table_rows(screen, "#comparison-items")) == 4
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ComparisonScreen)


def test_comparison_screen_refuses_different_checklists(store, followed):
    asyncio.run(_comparison_refused(store, followed))


async def _comparison_refused(store, followed):
    from auditor.domain.checklist import Checklist
    from auditor.ui.screens.comparison import ComparisonScreen

    old, *_ = followed
    other = store.create_audit(Checklist.from_dict({
        "id": "other", "title": "Other", "standard": "", "version": "1",
        "items": [{"ref": "1", "title": "One", "prompts": ["?"]}]}),
        title="Other", auditee="Acme Soft")
    app = ScreenHost(lambda: ComparisonScreen(store, old.id, other.id))
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.screen.comparison is None
        assert app.screen.has_class("-refused")
        assert table_rows(app.screen, "#comparison-items") == []


def test_comparison_screen_snapshot(snap_compare, store, compared):
    from auditor.ui.screens.comparison import ComparisonScreen

    old, new, *_ = compared

    async def ready(pilot):
        await settle(pilot)

    assert snap_compare(ScreenHost(lambda: ComparisonScreen(store, old.id, new.id)),
                        terminal_size=(120, 30), run_before=ready)


def test_choose_two_audits(store, compared, mini_checklist):
    asyncio.run(_choose(store, compared, mini_checklist))


async def _choose(store, compared, mini_checklist):
    from auditor.domain.checklist import Checklist
    from auditor.ui.screens.choose_audits import ChooseAuditsScreen

    old, new, *_ = compared
    store.create_audit(Checklist.from_dict({
        "id": "other", "title": "Other", "standard": "", "version": "1",
        "items": [{"ref": "1", "title": "One", "prompts": ["?"]}]}),
        title="Other", auditee="Acme Soft")
    app = ScreenHost(lambda: ChooseAuditsScreen(store, highlight=old.id))
    async with app.run_test() as pilot:
        await pilot.pause()
        assert len(table_rows(app.screen, "#choose-audits-table")) == 3
        await pilot.press("enter")  # the highlighted audit: the previous one
        await pilot.pause()
        # only audits on the same checklist remain
        assert [r[0] for r in table_rows(app.screen, "#choose-audits-table")] == [str(new.id)]
        await pilot.press("escape")  # back to the first choice
        await pilot.pause()
        assert len(table_rows(app.screen, "#choose-audits-table")) == 3
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [(old.id, new.id)]


def test_programme_screen(store, compared):
    asyncio.run(_programme(store, compared))


async def _programme(store, compared):
    from datetime import date

    from auditor.ui.screens.programme import ProgrammeScreen

    app = ScreenHost(lambda: ProgrammeScreen(store, "acme soft", today=date(2026, 3, 2)))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        rows = table_rows(screen, "#programme-items")
        assert [(r[1], r[5]) for r in rows] == [("4.1", "1"), ("4.2", "0"),
                                                ("8.3.4", "2"), ("8.6", "2")]
        await pilot.press("u")
        assert [r[1] for r in table_rows(screen, "#programme-items")] == ["4.2"]
        await pilot.press("minus")
        await settle(pilot)
        assert screen.years == 2 and screen.plan.years == 2
        await pilot.press("u")
        assert len(table_rows(screen, "#programme-items")) == 4
