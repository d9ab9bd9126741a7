"""Where auditor relies on Textual's internals, in one place.

Each piece says what it relies on; `tests/ui/test_compat.py` fails when a Textual version
changes that (then the piece is mended or dropped here, nowhere else). Everything else in
`auditor.ui` uses Textual's public API only.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from textual import events
from textual.widgets import Input, TextArea, Tree

Data = TypeVar("Data")


def breakpoint_classes(dimension: int, breakpoints: list[tuple[int, str]]) -> set[str]:
    """The class a screen gets for a size under its `HORIZONTAL_BREAKPOINTS` or
    `VERTICAL_BREAKPOINTS`: the class of the largest breakpoint not above the size.

    Relies on: the rule of Textual's `Screen` (which sets these classes on the first
    resize); a screen born with the class spares that resize a restyle of every widget."""
    for breakpoint, class_name in sorted(breakpoints, reverse=True):
        if dimension >= breakpoint:
            return {class_name}
    return set()


class RepaintingTree(Tree[Data], Generic[Data]):
    """A `Tree` whose style passes and resizes repaint its lines instead of rebuilding
    them and laying the whole screen out again.

    Tree's own handlers rebuild its lines and lay the screen out on every style pass
    (each focus change, each class set on the screen) and on every resize: three extra
    layouts and renders at start-up. A subclass whose labels keep their width through
    style changes (the width may depend on data only) loses nothing by skipping that.

    Relies on: `Tree.notify_style_update` and `Tree._on_resize` calling
    `Tree._invalidate`; `Tree._line_cache`, the cache of rendered lines, with `clear()`
    and `grow(lines)`.
    """

    def notify_style_update(self) -> None:
        super(Tree, self).notify_style_update()  # the widget's restyle, not Tree's
        self._line_cache.clear()
        self.refresh()

    def _on_resize(self, event: events.Resize) -> None:
        event.prevent_default()  # not Tree's handler
        self._line_cache.grow(event.size.height)


class _KeysInOrder:
    """A text field that runs its own key bindings (end, home, backspace, ctrl+u...) in
    its own queue, in the order the keys were typed.

    Textual inserts a typed character as soon as the field takes the key, but runs a key
    the field binds only after the key has bubbled up to the app: in a burst "end" then
    "QQ", the Qs were in the text before the cursor moved. Right after tab, while the
    field's text is still selected (Input's select-on-focus), "tab end QQ" typed at full
    speed replaced the text with "QQ", and "tab ctrl+u text" emptied the field.

    Relies on: `Widget._bindings.key_to_bindings` (the widget's own bindings by key, the
    keymap applied), and on Textual calling `_on_key` down the class's MRO until a handler
    prevents the default.
    """

    async def _on_key(self, event: events.Key) -> None:
        bindings = self._bindings.key_to_bindings.get(event.key, ())  # type: ignore[attr-defined]
        for binding in bindings:
            if binding.priority:
                continue
            if await self.app.run_action(binding.action, self):  # type: ignore[attr-defined]
                event.prevent_default()
                event.stop()
                return


class InOrderInput(_KeysInOrder, Input):
    """An `Input` whose bound keys act in the order they were typed (see `_KeysInOrder`)."""


class InOrderTextArea(_KeysInOrder, TextArea):
    """A `TextArea` whose bound keys act in the order they were typed."""
