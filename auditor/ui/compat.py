"""Every use of Textual's private parts, in one place (Textual is held to 8.2.x in
pyproject.toml). Each is here because the public API has no way to do it, and
tests/ui/test_compat.py fails when a Textual release changes what is relied on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from textual._context import NoActiveAppError
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Tree


def terminal_height(screen: Screen) -> int:
    """The terminal's height while the screen is being built; 0 outside a running app
    (a screen made in a test before the app starts)."""
    try:
        return screen.app.size.height
    except NoActiveAppError:
        return 0


def breakpoint_classes(screen: Screen, height: int,
                       breakpoints: list[tuple[int, str]]) -> list[str]:
    """The classes Textual would set for `height` on its first resize. Set at birth, they
    spare the screen a second styling of every widget."""
    return list(screen._get_breakpoint_classes(height, breakpoints))


def repaint_tree_on_style(tree: Tree) -> None:
    """What `Tree.notify_style_update` does, minus its invalidation of every line and a
    new layout of the screen: a style changes how lines look, never how many there are."""
    Widget.notify_style_update(tree)
    tree._line_cache.clear()
    tree.refresh()


def keep_tree_lines_on_resize(tree: Tree, height: int) -> None:
    """Instead of Tree's resize handler, which re-lays the screen: the cached lines stay
    (kept by width) and only the cache grows to the new height."""
    tree._line_cache.grow(height)


@contextmanager
def frozen_gc() -> Iterator[None]:
    """While the app runs, what was alive before it (modules, the store, the checklists)
    is kept out of the collector's sight, so a full collection walks only what the
    session made. Process-wide, so taken by the command that runs the app, never by a
    constructor."""
    import gc

    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
