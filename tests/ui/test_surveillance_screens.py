"""Pilot and snapshot tests of the surveillance widgets and screens."""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from auditor.domain.vocab import FindingStatus
from auditor.ui.widgets.previous_findings import PreviousFindingsPanel


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
    def __init__(self, store, audit_id):
        super().__init__()
        self.store = store
        self.audit_id = audit_id
        self.verified: list[PreviousFindingsPanel.Verified] = []

    def compose(self) -> ComposeResult:
        yield PreviousFindingsPanel(self.store, self.audit_id)

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
        await pilot.press("N")
        await pilot.pause()
        assert store.finding(minor.code).status == FindingStatus.NOT_EFFECTIVE
        [repeat] = store.findings(new.id)
        assert repeat.repeat_of == minor.code
        assert app.verified[-1].code == minor.code
        assert app.verified[-1].repeat == repeat.code
        # not_effective still counts as open: it stays listed
        assert panel.codes == [minor.code, obs.code]
        await pilot.press("down", "e")
        await pilot.pause()
        assert store.finding(obs.code).status == FindingStatus.CLOSED
        assert app.verified[-1].effective is True
        assert panel.codes == [minor.code]
        await pilot.press("e")
        await pilot.pause()
        assert store.finding(minor.code).status == FindingStatus.CLOSED
        assert panel.codes == []
        assert panel.has_class("-empty")
        await pilot.press("e")  # nothing left: a bell, no error
        await pilot.pause()
        assert len(app.verified) == 3


def test_previous_findings_refused_on_a_closed_audit(store, followed):
    asyncio.run(_refused_on_closed(store, followed))


async def _refused_on_closed(store, followed):
    _, new, minor, _ = followed
    store.close_audit(new.id)
    app = PanelHost(store, new.id)
    async with app.run_test() as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert store.finding(minor.code).status == FindingStatus.OPEN
        assert app.verified == []


def test_previous_findings_snapshot(snap_compare, store, followed):
    _, new, _, _ = followed
    assert snap_compare(PanelHost(store, new.id), terminal_size=(100, 12))
