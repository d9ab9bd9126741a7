"""What auditor/ui/compat.py relies on in Textual's private parts. Each test fails when a
Textual release changes that behaviour, so an upgrade is caught here, not on a screen."""

from __future__ import annotations

import gc

from textual.app import App
from textual.screen import Screen
from textual.widgets import Tree

from auditor.ui import compat
from auditor.ui.app import AuditorApp
from auditor.ui.widgets.clause_tree import ClauseTree


def test_a_screen_built_outside_a_running_app_has_no_height():
    assert compat.terminal_height(Screen()) == 0


def test_breakpoint_classes_are_chosen_by_height():
    screen = Screen()
    points = [(0, "-short"), (32, "-tall")]
    assert compat.breakpoint_classes(screen, 24, points) == ["-short"]
    assert compat.breakpoint_classes(screen, 40, points) == ["-tall"]


async def test_the_tree_repaints_on_a_style_change_without_invalidating_its_lines():
    """Textual's Tree throws its lines away on each style pass; ours only repaints, and a
    resize keeps the line cache (it grows)."""
    invalidated = []

    class Probe(Tree):
        def _invalidate(self) -> None:
            invalidated.append(True)
            super()._invalidate()

    class Host(App):
        def compose(self):
            yield Probe("root")

    async with Host().run_test(size=(40, 10)) as pilot:
        tree = pilot.app.query_one(Probe)
        tree.root.add_leaf("a")
        await pilot.pause()
        invalidated.clear()
        compat.repaint_tree_on_style(tree)
        assert invalidated == []
        Tree.notify_style_update(tree)  # what we replace does invalidate
        assert invalidated == [True]
        compat.keep_tree_lines_on_resize(tree, 30)
        assert tree._line_cache.maxsize >= 30
    assert ClauseTree.notify_style_update is not Tree.notify_style_update


def test_the_app_leaves_the_collector_alone_and_the_runner_restores_it(store):
    frozen = gc.get_freeze_count()
    AuditorApp(store)
    assert gc.get_freeze_count() == frozen  # a constructor sets no process-wide state
    with compat.frozen_gc():
        assert gc.get_freeze_count() > frozen
    assert gc.get_freeze_count() == 0
