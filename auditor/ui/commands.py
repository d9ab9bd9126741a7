"""The command palette (ctrl+p): "go to clause REF" on the audit screen, words found in
what was recorded (this audit's notes, findings and evidence on the audit screen, every
audit's on home), and every action bound to a key on the current screen, so a key one
does not remember is found by name."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from auditor.ui.plain import controls_shown

# An auditor types a ref they read off the plan: `8.1` means clause 8.1, not A.8.1, and
# `A.5.1` means A.5.1 before A.5.10. So a typed ref ranks in tiers, each in checklist
# order (the position's tiny step keeps equal tiers from tying), above any fuzzy match.
EXACT, PREFIX, WITHIN = 1.0, 0.98, 0.96
FUZZY_CEILING = 0.9
_STEP = 1e-6


def fuzzy(score: float) -> float:
    """Textual's fuzzy score (0 upwards, unbounded) squeezed below the ref tiers, order kept."""
    return FUZZY_CEILING * score / (1.0 + score)


def ref_score(ref: str, typed: str, position: int) -> float:
    """The rank of `ref` for what was typed (casefolded), or 0 when the ref does not hold it."""
    if not typed:
        return 0.0
    folded = ref.casefold()
    if folded == typed:
        return EXACT
    if folded.startswith(typed):
        return PREFIX - position * _STEP
    if typed in folded:
        return WITHIN - position * _STEP
    return 0.0


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
        typed = query.strip().casefold().removeprefix("go to clause").strip()
        for position, (ref, title) in enumerate(self.items):
            text = f"Go to clause {ref} {title}"
            score = ref_score(ref, typed, position) or fuzzy(matcher.match(text))
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
            score = fuzzy(matcher.match(description))
            if score > 0:
                yield Hit(score, matcher.highlight(description),
                          partial(node.run_action, action), text=description,
                          help=f"key: {display}")

    async def discover(self) -> Hits:
        for description, display, node, action in self._actions():
            yield DiscoveryHit(description, partial(node.run_action, action),
                               text=description, help=f"key: {display}")


# Found words rank below a typed ref and above fuzzy matches of clause titles.
FOUND = 0.94


class TextSearch(Provider):
    """`Found in 8.3.4 notes: …restore drill…`: words in what was recorded. On the audit
    screen, in this audit (the cursor goes to the item); elsewhere, in every audit (the
    audit opens on the item). Two characters at least: one finds everything."""

    async def search(self, query: str) -> Hits:
        from auditor.domain.search import search

        if len(query.strip()) < 2:
            return
        screen = self.screen
        audit_id = getattr(screen, "audit_id", None)
        store = getattr(self.app, "store", None)
        if store is None:
            return
        for position, hit in enumerate(search(store, query, audit_id)):
            where = f"{hit.ref} {hit.where}" if audit_id is not None else \
                f"audit {hit.audit_id} · {hit.ref} {hit.where}"
            text = controls_shown(f"Found in {where}: {hit.snippet}")
            yield Hit(FOUND - position * _STEP, Text(text), partial(self._open, hit),
                      text=text, help="Go to the item")

    def _open(self, hit) -> None:
        screen = self.screen
        if getattr(screen, "audit_id", None) == hit.audit_id and hasattr(screen, "go_to"):
            if hit.ref:
                screen.go_to(hit.ref)
            return
        self.app.open_audit_screen(hit.audit_id, hit.ref or None)
