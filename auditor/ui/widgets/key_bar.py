"""The footer of every screen: the keys that work where the focus is, in one line.

Textual's `Footer` mounts a widget per key and re-mounts them all whenever the focus
moves; on the audit screen that was a third of the start-up time, so no screen uses it.
This bar is one widget whose text is rebuilt from the screen's active bindings, and a
click on a key presses it.

It fits its width rather than being cut at the right (at 80 columns the audit screen lost
`F Findings` and `^q Quit`): first the padding round the keys goes, then the
descriptions, from the left, where the one-letter result keys are; `?` lists them all.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Static

from auditor.ui.plain import markup_safe

# The theme's footer colours, so the bar looks like Textual's footer in every theme.
KEY = "bold $footer-key-foreground on $footer-key-background"
DISABLED = "$text-disabled"


class KeyBar(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=True)
        self._shown = ""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self.show_keys)

    def on_resize(self) -> None:
        self.show_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        if screen is self.screen:
            self.show_keys()

    def show_keys(self) -> None:
        parts = []
        seen: set[str] = set()
        palette = None
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if key == self.app.COMMAND_PALETTE_BINDING:
                palette = (key, "palette")
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            parts.append((key, binding.description, active.enabled,
                          self.app.get_key_display(binding)))
        width = self.size.width or 80
        text = ""
        for padded, bare in ((True, 0), *((False, n) for n in range(len(parts) + 1))):
            text, length = self._line(parts, palette, padded=padded, bare=bare)
            if length <= width:
                break
        if text != self._shown:  # the bindings signal fires more often than keys change
            self._shown = text
            self.update(text, layout=False)  # one line, docked: its size never changes

    @staticmethod
    def _line(parts, palette, *, padded: bool, bare: int) -> tuple[str, int]:
        """The bar's markup and its width in cells; the first `bare` keys without their
        descriptions."""
        pad = " " if padded else ""
        chunks, length = [], 0
        for n, (key, description, enabled, display) in enumerate(parts):
            style = KEY if enabled else DISABLED
            words = "" if n < bare else description
            label = f"{pad}{display}{pad}" + (" " if words and not padded else "")
            chunks.append(f"[@click=app.simulate_key({key!r})][{style}]{markup_safe(label)}[/]"
                          f"{markup_safe(words)}[/]")
            length += cell_len(label) + cell_len(words) + 1
        text = " ".join(chunks)
        if palette is not None:
            key, words = (" ^p ", "palette") if padded else ("^p", "")
            text += f"  [@click=app.command_palette][{KEY}]{key}[/]{words}[/]"
            length += 2 + cell_len(key) + cell_len(words)
        return text, length
