"""The command palette (ctrl+p): "go to clause REF" on the audit screen, and every action
bound to a key on the current screen, so a key one does not remember is found by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class ClauseCommands(Provider):
    """`Go to clause 8.3.4 Design and development controls` for every item of the audit."""

    async def startup(self) -> None:
        screen = self.screen
        checklist = getattr(screen, "checklist", None)
        self.items = [(i.ref, i.title) for i in checklist.all_items()] if checklist else []

    def _go(self, ref: str) -> None:
        self.screen.go_to(ref)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        typed = query.strip()
        for ref, title in self.items:
            text = f"Go to clause {ref} {title}"
            # A ref typed exactly comes first, before fuzzy matches on titles.
            score = 1.0 if typed in (ref, f"go to clause {ref}") else matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self._go, ref), text=text,
                          help=f"Move the cursor to {ref}")

    async def discover(self) -> Hits:
        for ref, title in self.items[:20]:
            text = f"Go to clause {ref} {title}"
            yield DiscoveryHit(text, partial(self._go, ref), text=text)


class ScreenActions(Provider):
    """The actions of the keys active where the palette was opened, with their keys."""

    def _actions(self):
        found = []
        seen = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.description or not active.enabled:
                continue
            if binding.action in ("command_palette",) or binding.description in seen:
                continue
            seen.add(binding.description)
            display = self.app.get_key_display(binding)
            found.append((binding.description, display, active.node, binding.action))
        return found

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for description, display, node, action in self._actions():
            score = matcher.match(description)
            if score > 0:
                yield Hit(score, matcher.highlight(description),
                          partial(node.run_action, action), text=description,
                          help=f"key: {display}")

    async def discover(self) -> Hits:
        for description, display, node, action in self._actions():
            yield DiscoveryHit(description, partial(node.run_action, action),
                               text=description, help=f"key: {display}")
