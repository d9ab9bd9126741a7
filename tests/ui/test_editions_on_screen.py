"""Across two editions on screen: the comparison screen and the previous findings panel
read the user's imported mapping (from the app's settings) and say where each item
comes from; markup in refs and titles is shown as typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import DataTable, Static

import auditor.ui
from auditor import config
from auditor.domain.checklist import Checklist
from auditor.domain.edition_map import EditionMap, RefLink
from auditor.exchange.mapping_set import store_mapping

APP_CSS = Path(auditor.ui.__file__).parent / "app.tcss"


def edition(cid, refs):
    return Checklist.from_dict({
        "id": cid, "title": f"Edition {cid}", "standard": "ISO/IEC 27001", "version": "1",
        "items": [{"ref": "G", "title": "Group", "children": [
            {"ref": r, "title": f"Item [b]{r}[/b]", "prompts": ["Ask?"]} for r in refs]}]})


OLD = edition("old-ed", ["9.2", "A.9.2.3", "A.14.2.3"])
NEW = edition("new-ed", ["9.2.1", "A.8.2", "A.5.7"])
MAP = EditionMap("old-ed", "new-ed", (RefLink("9.2", "9.2.1", "superset"),
                                      RefLink("A.9.2.3", "A.8.2", "equal")),
                 title="Old [red]to[/red] new")


@pytest.fixture
def mapped(tmp_path):
    home = tmp_path / "home"
    store_mapping(MAP, home / "checklists")
    return config.resolve(str(tmp_path / "audit.db"),
                          env={"AUDITOR_HOME": str(home), "AUDITOR_USER": "tester"})


@pytest.fixture
def two_editions(store):
    old = store.create_audit(OLD, title="2024", auditee="Acme Soft")
    _, nc = store.record_result(old.id, "9.2", "minor", statement="No programme")
    store.record_result(old.id, "A.9.2.3", "conform")
    store.close_audit(old.id)
    new = store.create_audit(NEW, title="2025", auditee="Acme Soft", type="surveillance",
                             previous_id=old.id)
    store.record_result(new.id, "A.8.2", "major", statement="Admins unchecked")
    return old, new, nc


class Host(App):
    CSS_PATH = APP_CSS

    def __init__(self, make, settings) -> None:
        super().__init__()
        self.make = make
        self.settings = settings
        self.results: list = []

    def on_mount(self) -> None:
        self.push_screen(self.make(), self.results.append)


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def _rows(screen, selector):
    table = screen.query_one(selector, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_comparison_screen_across_editions(store, two_editions, mapped):
    from auditor.ui.screens.comparison import ComparisonScreen

    old, new, nc = two_editions
    app = Host(lambda: ComparisonScreen(store, old.id, new.id), mapped)
    async with app.run_test(size=(120, 34)) as pilot:
        await _settle(pilot)
        screen = app.screen
        assert screen.comparison is not None and screen.comparison.across_editions
        rows = {r[0]: r for r in _rows(screen, "#comparison-items")}
        assert rows["9.2.1"][4] == "not reassessed (from 9.2)"
        assert rows["A.8.2"][4] == "regressed (from A.9.2.3)"
        assert rows["A.5.7"][4] == "new (not in the mapping)"
        assert rows["A.14.2.3"][4] == "not reassessed (not in the mapping)"
        findings = _rows(screen, "#comparison-findings")
        assert findings[0][:2] == [nc.code, "9.2 → 9.2.1"]
        summary = str(screen.query_one("#comparison-summary", Static).render())
        assert "old-ed → new-ed through the mapping “Old [red]to[/red] new”" in summary


async def test_comparison_screen_without_the_mapping_is_refused(store, two_editions,
                                                                 tmp_path):
    from auditor.ui.screens.comparison import ComparisonScreen

    old, new, _nc = two_editions
    bare = config.resolve(str(tmp_path / "audit.db"),
                          env={"AUDITOR_HOME": str(tmp_path / "empty"), "AUDITOR_USER": "t"})
    app = Host(lambda: ComparisonScreen(store, old.id, new.id), bare)
    async with app.run_test() as pilot:
        await _settle(pilot)
        assert app.screen.comparison is None and app.screen.has_class("-refused")
        summary = str(app.screen.query_one("#comparison-summary", Static).render())
        assert "import-mapping" in summary


async def test_previous_findings_panel_carries_across_editions(store, two_editions, mapped):
    from auditor.ui.widgets.previous_findings import PreviousFindingsPanel

    _old, new, nc = two_editions

    class PanelHost(App):
        CSS_PATH = APP_CSS

        def __init__(self) -> None:
            super().__init__()
            self.settings = mapped

        def compose(self):
            yield PreviousFindingsPanel(store, new.id)

    app = PanelHost()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        panel = app.query_one(PreviousFindingsPanel)
        assert panel.maps_to == {"9.2": ("9.2.1",), "A.9.2.3": ("A.8.2",)}
        detail = str(app.query_one(".previous-finding-detail", Static).render())
        assert f"{nc.code} on 9.2 (now 9.2.1)" in detail
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Still none", "ctrl+s")
        await pilot.pause()
        [repeat] = [f for f in store.findings(new.id) if f.repeat_of]
        assert repeat.ref == "9.2.1" and repeat.repeat_of == nc.code


async def test_choose_audits_offers_the_other_edition(store, two_editions, mapped, tmp_path):
    from auditor.ui.screens.choose_audits import ChooseAuditsScreen

    old, new, _nc = two_editions
    for settings, offered in ((mapped, [str(new.id)]), (None, [])):
        app = Host(lambda: ChooseAuditsScreen(store, highlight=old.id), settings)
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            await pilot.press("enter")                  # the previous audit: the old edition
            await pilot.pause()
            assert [r[0] for r in _rows(app.screen, "#choose-audits-table")] == offered
            prompt = str(app.screen.query_one("#choose-audits-prompt", Static).render())
            if offered:
                assert "or new-ed (linked by a mapping)" in prompt
                await pilot.press("enter")
                await pilot.pause()
                assert app.results == [(old.id, new.id)]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_comparison_across_editions_snapshot(snap_compare, store, two_editions, mapped, size):
    from auditor.ui.screens.comparison import ComparisonScreen

    old, new, _nc = two_editions

    async def ready(pilot):
        await _settle(pilot)

    assert snap_compare(Host(lambda: ComparisonScreen(store, old.id, new.id), mapped),
                        terminal_size=size, run_before=ready)
