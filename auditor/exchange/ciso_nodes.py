"""A framework's requirement nodes as our tree of items.

The nodes are a flat list linked by `parent_urn`. Each kept node becomes one item:

- its ref is its `ref_id`; a node without one takes the clause its numbered children
  share ("3.1" over 3.1.1, 3.1.2), or else is named by its place: its parent's ref and
  its position among its parent's children ("1.1.2", a top node "3"). Where that is
  the ref of another node, a letter takes the number's place ("1.1.b"), then a count
  ("1.1.2-2"): unique by construction and the same on every import of the same file.
  Two nodes that give the same `ref_id` are a clash in the library itself, refused with
  both urns named.
- an assessable node asks its questions (with their answer choices); without questions,
  its own text is what to check, whole.
- a non-assessable node with something assessable below it is a group; one without
  passes its text up into its parent's guidance, as one more paragraph; at the top of
  the tree there is no parent, and its branch is left out (counted).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from auditor.domain.checklist import ChecklistItem
from auditor.domain.text import one_line, without_controls

from .ciso_report import Report
from .ciso_text import (
    Language,
    Malformed,
    evidence,
    only_ref_prompt,
    plain,
    questions,
    title_from,
    untranslated,
)

MAX_DEPTH = 50      # levels of requirement nodes
_NUMBERED = re.compile(r"^(.+)\.\d+$")


@dataclass
class _Built:
    item: ChecklistItem | None   # None: the node passes its text up instead
    passed_up: str = ""
    branch: int = 0              # nodes whose text is in passed_up


class Tree:
    def __init__(self, framework: dict, nodes: list, language: Language,
                 report: Report) -> None:
        self.framework_urn = framework.get("urn")
        self.language = language
        self.report = report
        self.groups = _group_names(framework, language)
        self.nodes: dict[str, dict] = {}
        self.order: list[str] = []
        for index, node in enumerate(nodes, 1):
            if not isinstance(node, dict):
                raise Malformed(f"requirement node #{index} is not a mapping of fields")
            urn = node.get("urn")
            if not isinstance(urn, str) or not urn.strip():
                raise Malformed(f"requirement node #{index} has no urn")
            urn = urn.strip()
            if urn in self.nodes:
                raise Malformed(f"requirement node urn {urn!r} appears twice")
            self.nodes[urn] = node
            self.order.append(urn)
        self.refs: dict[str, str] = {}

    # -- the tree ------------------------------------------------------------------------

    def parent(self, urn: str) -> str | None:
        parent = self.nodes[urn].get("parent_urn")
        if parent is None or (isinstance(parent, str) and not parent.strip()):
            return None
        if not isinstance(parent, str):
            raise Malformed(f"node {urn!r}: parent_urn must be a urn")
        parent = parent.strip()
        if parent == self.framework_urn:   # some libraries hang top nodes on the framework
            return None
        if parent not in self.nodes:
            raise Malformed(f"node {urn!r}: parent_urn {parent!r} points to no node "
                            "in this framework")
        return parent

    def preorder(self) -> tuple[list[str], list[str], dict[str, list[str]]]:
        roots: list[str] = []
        below: dict[str, list[str]] = {urn: [] for urn in self.order}
        for urn in self.order:
            parent = self.parent(urn)
            (below[parent] if parent else roots).append(urn)
        seen: list[str] = []
        stack = [(urn, 1) for urn in reversed(roots)]
        while stack:
            urn, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise Malformed(f"node {urn!r} is nested deeper than {MAX_DEPTH} levels")
            seen.append(urn)
            stack.extend((child, depth + 1) for child in reversed(below[urn]))
        if len(seen) < len(self.order):
            reached = set(seen)
            stranded = next(u for u in self.order if u not in reached)
            raise Malformed(f"parent_urn links form a cycle through node "
                            f"{self._on_cycle(stranded)!r}")
        return seen, roots, below

    def _on_cycle(self, urn: str) -> str:
        visited: set[str] = set()
        while urn not in visited:
            visited.add(urn)
            urn = self.parent(urn) or urn
        return urn

    # -- refs ----------------------------------------------------------------------------

    def given_ref(self, urn: str) -> str:
        return one_line(plain(self.nodes[urn], "ref_id", f"node {urn!r}"))

    def make_refs(self, order: list[str], roots: list[str],
                  below: dict[str, list[str]]) -> None:
        owner: dict[str, str] = {}
        for urn in self.order:
            ref = self.given_ref(urn)
            if not ref:
                continue
            if ref in owner:
                raise Malformed(f"ref {ref!r} is used by two nodes ({owner[ref]!r} and "
                                f"{urn!r}); refs must be unique")
            owner[ref] = urn
            self.refs[urn] = ref
        taken = set(owner)
        position = {child: n for siblings in [roots, *below.values()]
                    for n, child in enumerate(siblings, 1)}
        for urn in order:   # parents first, so a made ref can build on a made ref
            if urn in self.refs:
                continue
            parent = self.parent(urn)
            base = f"{self.refs[parent]}." if parent else ""
            shared = _shared_prefix([owner_ref for child in below[urn]
                                     if (owner_ref := self.given_ref(child))])
            ref = shared if shared and shared not in taken else \
                next(c for c in _candidates(base, position[urn]) if c not in taken)
            taken.add(ref)
            self.refs[urn] = ref

    # -- items ---------------------------------------------------------------------------

    def build(self) -> list[ChecklistItem]:
        order, roots, below = self.preorder()
        self.make_refs(order, roots, below)
        built: dict[str, _Built] = {}
        for urn in reversed(order):   # children before their parent
            built[urn] = self._node(urn, [built[c] for c in below[urn]])
        items = []
        for urn in roots:
            top = built[urn]
            if top.item is not None:
                items.append(top.item)
            else:
                self.report.left_out += top.branch
        return items

    def _node(self, urn: str, children: list[_Built]) -> _Built:
        node = self.nodes[urn]
        what = f"node {urn!r}"
        assessable = node.get("assessable", False)
        if not isinstance(assessable, bool):
            raise Malformed(f"{what}: assessable must be true or false")
        self.report.count_unused(node)
        block = self.language.block(node)
        if self.language.lang and untranslated(node, block, what):
            self.report.untranslated += 1
        name = self.language.text(node, "name", what, block)
        description = self.language.text(node, "description", what, block)
        annotation = self.language.text(node, "annotation", what, block)
        kept = tuple(c.item for c in children if c.item is not None)
        passed = [c.passed_up for c in children if c.item is None and c.passed_up]
        branch = sum(c.branch for c in children if c.item is None)
        ref = self.refs[urn]
        prompts: tuple[str, ...] = ()
        choices: tuple[tuple[str, ...], ...] = ()
        asked = ""
        if assessable:
            prompts, choices, asked = self._prompts(node, what, block, ref,
                                                    name, description, annotation)
        if not prompts and not kept:
            given = self.given_ref(urn)
            heading = " ".join(t for t in (given, name) if t)
            shown = "\n".join(f"\u2022 {line}" for line in
                              evidence(self._evidence_field(node, block), what))
            body = "\n\n".join(t for t in (description, annotation, shown) if t)
            own = "\n".join(t for t in (heading, body) if t)
            return _Built(None, "\n\n".join(t for t in (own, *passed) if t), branch + 1)
        self.report.moved_to_guidance += branch
        if not self.given_ref(urn):
            self.report.refs_made += 1
        question_texts = [p for p in prompts if p != asked]
        title = title_from(name, description, annotation, *question_texts)
        # A text already shown (as the prompt, or whole as the title) is not repeated.
        already = {asked, title}
        guidance = "\n\n".join(t for t in (description, annotation) if t and t not in already)
        item = ChecklistItem(
            ref=ref, title=title, prompts=prompts, choices=choices,
            evidence=evidence(self._evidence_field(node, block), what),
            guidance="\n\n".join(t for t in (guidance, *passed) if t),
            tags=self._tags(node), children=kept,
            # as import-mapping reads urns, so that the two meet
            urn=one_line(without_controls(urn)))
        return _Built(item)

    def _prompts(self, node: dict, what: str, block: dict | None, ref: str, name: str,
                 description: str, annotation: str
                 ) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], str]:
        """The prompts, their answer choices, and which of the node's own texts (if any)
        became the prompt."""
        found = questions(node, what, self.language, block)
        if found:
            self.report.questions += len(found)
            self.report.questions_with_choices += sum(1 for _t, c, _q in found if c)
            self.report.choice_scores += sum(
                1 for _t, _c, q in found for choice in (q.get("choices") or [])
                if isinstance(choice, dict) and choice.get("add_score") is not None)
            choices = tuple(c for _t, c, _q in found)
            while choices and not choices[-1]:
                choices = choices[:-1]
            return tuple(t for t, _c, _q in found), choices, ""
        own = description or name or annotation
        if own:
            self.report.prompts_from_text += 1
            return (own,), (), own
        made = only_ref_prompt(self.language.code, ref)
        if made is None:
            self.report.without_text += 1
            return (), (), ""
        self.report.prompts_made += 1
        return (made,), (), ""

    def _evidence_field(self, node: dict, block: dict | None):
        if block is not None and block.get("typical_evidence"):
            return block["typical_evidence"]
        return node.get("typical_evidence")

    def _tags(self, node: dict) -> tuple[str, ...]:
        """Implementation groups (e.g. basic / important / essential) as tags, so an
        auditor can filter a tiered framework down to the tier being audited."""
        groups = node.get("implementation_groups")
        if not isinstance(groups, list):
            return ()
        names = [self.groups.get(str(g), str(g)).strip() for g in groups
                 if isinstance(g, (str, int))]
        return tuple(dict.fromkeys(one_line(n) for n in names if n.strip()))


def _shared_prefix(refs: list[str]) -> str:
    """The clause its numbered children share ("3.1" for 3.1.1, 3.1.2, ...): the
    standard's own number for a heading the library left without one."""
    heads = {m.group(1) for m in (_NUMBERED.match(r) for r in refs) if m}
    if len(heads) == 1 and all(_NUMBERED.match(r) for r in refs):
        return heads.pop()
    return ""


def _candidates(base: str, n: int) -> Iterator[str]:
    """Refs for the n-th child of `base`, the first one free to be taken: its number, its
    letter, then the number with a count (endless, so one is always free)."""
    yield f"{base}{n}"
    yield f"{base}{_letters(n)}"
    yield from (f"{base}{n}-{count}" for count in itertools.count(2))


def _letters(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa: a position written as letters."""
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def _group_names(framework: dict, language: Language) -> dict[str, str]:
    definitions = framework.get("implementation_groups_definition")
    if not isinstance(definitions, list):
        return {}
    names = {}
    for d in definitions:
        if isinstance(d, dict) and d.get("ref_id") is not None:
            ref = str(d["ref_id"])
            names[ref] = one_line(language.text(d, "name", "implementation group") or ref)
    return names
