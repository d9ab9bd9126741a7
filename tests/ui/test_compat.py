"""What `auditor.ui.compat` relies on in Textual still holds. A failure here after a
Textual upgrade says which piece of compat.py to mend or drop."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Tree

from auditor.ui.compat import RepaintingTree, breakpoint_classes
from auditor.ui.screens.audit import AuditScreen

BREAKPOINTS = AuditScreen.VERTICAL_BREAKPOINTS


class Breakpoints(Screen):
    VERTICAL_BREAKPOINTS = BREAKPOINTS


class BreakpointsApp(App):
    def on_mount(self) -> None:
        self.push_screen(Breakpoints())


async def test_breakpoint_classes_are_the_ones_textual_sets():
    names = {name for _, name in BREAKPOINTS}
    for height in (10, 31, 32, 40):
        app = BreakpointsApp()
        async with app.run_test(size=(80, height)) as pilot:
            await pilot.pause()
            assert set(app.screen.classes) & names == breakpoint_classes(height, BREAKPOINTS)
    assert breakpoint_classes(5, [(10, "-wide")]) == set()


def fill(tree: Tree) -> Tree:
    tree.show_root = False
    for g in range(4):
        group = tree.root.add(f"group {g}", expand=True)
        for i in range(5):
            group.add_leaf(f"item {g}.{i}")
    return tree


class Trees(App):
    CSS = """
    Tree { width: 1fr; height: 1fr; }
    Screen.-alt Tree { color: red; }
    Screen.-alt Tree > .tree--cursor { background: blue; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield fill(Tree("plain", id="plain"))
            yield fill(RepaintingTree("ours", id="ours"))


def lines(tree: Tree) -> list[list[tuple[str, object]]]:
    return [[(seg.text, seg.style) for seg in tree.render_line(y)]
            for y in range(tree.size.height)]


async def test_tree_rebuilds_on_restyle_and_resize_and_repainting_tree_draws_the_same(
        monkeypatch):
    invalidated: list[str] = []
    rebuild = Tree._invalidate

    def counted(self) -> None:
        invalidated.append(self.id)
        rebuild(self)

    monkeypatch.setattr(Tree, "_invalidate", counted)
    app = Trees()
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        plain, ours = app.query_one("#plain", Tree), app.query_one("#ours", Tree)
        assert callable(ours._line_cache.clear) and callable(ours._line_cache.grow)
        for tree in (plain, ours):
            tree.cursor_line = 3
        invalidated.clear()
        for tree in (plain, ours):  # a style pass: the focus moves to the tree
            tree.focus()
            await pilot.pause()
            focused = lines(tree)
            if tree is plain:
                expected = focused
        # Tree rebuilds its lines on a style pass (what RepaintingTree skips) ...
        assert "plain" in invalidated and "ours" not in invalidated
        # ... and RepaintingTree draws the same lines without it,
        assert focused == expected
        # also when a class on the screen restyles the lines (the cached ones go).
        app.screen.add_class("-alt")
        await pilot.pause()
        plain.focus()
        await pilot.pause()
        restyled = lines(plain)
        assert restyled != expected
        ours.focus()
        await pilot.pause()
        assert lines(ours) == restyled
        invalidated.clear()
        await pilot.resize_terminal(70, 20)
        await pilot.pause()
        assert "plain" in invalidated and "ours" not in invalidated
        ours.focus()
        await pilot.pause()
        after_resize = lines(ours)
        plain.focus()
        await pilot.pause()
        assert after_resize == lines(plain)
