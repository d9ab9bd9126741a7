"""Where an audit stands, item by item and group by group: what the clause tree shows.

`AuditProgress` holds each item's shown result (the most severe of its recorded result
and its live findings' grades: `derived.effective_result`), rolls it up the checklist
tree (assessed/total and the worst result under each group), finds the next item not yet
assessed and answers the tree's filters. It is updated one item at a time, so a key press
re-computes one item and its ancestors, never the whole checklist.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from .checklist import Checklist
from .derived import effective_result
from .vocab import OPEN_STATUSES, FindingStatus, Result, severity_rank, words

if TYPE_CHECKING:
    from .store import Store


class ItemFilter(StrEnum):
    ALL = "all"
    NOT_ASSESSED = "not_assessed"
    FINDINGS = "findings"


FILTER_LABELS: dict[ItemFilter, str] = words(ItemFilter, capital=True)


@dataclass(frozen=True)
class LiveFinding:
    """The little of a finding that the tree needs."""

    code: str
    grade: str
    status: str


@dataclass(frozen=True)
class NodeStatus:
    """One node of the tree: its own shown result when it is assessable, and over its
    subtree (itself included) how many assessable items are assessed, out of how many,
    the worst result, and how many live findings hang there."""

    result: Result | None
    assessed: int
    total: int
    worst: Result | None
    findings: int


def shown_result(recorded: str | None, findings: Iterable[LiveFinding]) -> Result:
    """The result an item shows (the effective result of domain/derived.py)."""
    return effective_result(recorded, ((f.grade, f.status) for f in findings))


class AuditProgress:
    def __init__(
        self,
        checklist: Checklist,
        recorded: Mapping[str, str],
        findings: Iterable[tuple[str, LiveFinding]],
    ) -> None:
        self.checklist = checklist
        self._order: list[str] = []
        self._parent: dict[str, str | None] = {}
        self._children: dict[str, list[str]] = {}
        self._assessable: set[str] = set()
        for item, _depth, parent in checklist.walk():
            self._order.append(item.ref)
            self._parent[item.ref] = parent.ref if parent else None
            self._children[item.ref] = [c.ref for c in item.children]
            if item.assessable:
                self._assessable.add(item.ref)
        self._position = {ref: i for i, ref in enumerate(self._order)}
        self._findings: dict[str, list[LiveFinding]] = {}
        for ref, finding in findings:
            self._findings.setdefault(ref, []).append(finding)
        self._recorded: dict[str, str] = dict(recorded)
        self._shown: dict[str, Result] = {
            ref: shown_result(self._recorded.get(ref), self._findings.get(ref, ()))
            for ref in self._assessable
        }
        self._status: dict[str, NodeStatus] = {}
        # Children before parents: the reverse of the depth-first order.
        for ref in reversed(self._order):
            self._status[ref] = self._roll_up(ref)

    @classmethod
    def of(cls, checklist: Checklist, rows: Mapping, findings: Iterable) -> AuditProgress:
        """From the store's item rows (by ref) and findings, as already read."""
        return cls(checklist, {ref: row.result for ref, row in rows.items()},
                   [(f.ref, LiveFinding(f.code, f.grade, f.status)) for f in findings])

    # -- reading --------------------------------------------------------------------------

    def shown(self, ref: str) -> Result:
        return self._shown.get(ref, Result.NOT_ASSESSED)

    def status(self, ref: str) -> NodeStatus:
        return self._status[ref]

    def findings(self, ref: str) -> list[LiveFinding]:
        return list(self._findings.get(ref, ()))

    def is_assessable(self, ref: str) -> bool:
        return ref in self._assessable

    @property
    def assessed(self) -> int:
        return sum(1 for r in self._shown.values() if r != Result.NOT_ASSESSED)

    @property
    def total(self) -> int:
        return len(self._assessable)

    @property
    def open_findings(self) -> int:
        """Findings that still need work (`not_effective` counts as open)."""
        return sum(1 for found in self._findings.values() for f in found
                   if f.status in OPEN_STATUSES)

    def ancestors(self, ref: str) -> list[str]:
        chain = []
        parent = self._parent.get(ref)
        while parent is not None:
            chain.append(parent)
            parent = self._parent.get(parent)
        return chain

    # -- changing -------------------------------------------------------------------------

    def update(self, ref: str, recorded: str | None,
               findings: Iterable[LiveFinding]) -> list[str]:
        """One item changed: its recorded result and its findings as they now stand.
        Returns the refs whose status may have changed (the item and its ancestors)."""
        if recorded is None:
            self._recorded.pop(ref, None)
        else:
            self._recorded[ref] = recorded
        self._findings[ref] = list(findings)
        if ref in self._assessable:
            self._shown[ref] = shown_result(self._recorded.get(ref), self._findings[ref])
        changed = [ref, *self.ancestors(ref)]
        for node in changed:
            self._status[node] = self._roll_up(node)
        return changed

    def _roll_up(self, ref: str) -> NodeStatus:
        own = self._shown.get(ref) if ref in self._assessable else None
        assessed = 1 if own is not None and own != Result.NOT_ASSESSED else 0
        total = 1 if own is not None else 0
        worst = own if severity_rank(own) > 0 else None
        findings = sum(1 for f in self._findings.get(ref, ()) if _is_live(f))
        for child in self._children[ref]:
            sub = self._status[child]
            assessed += sub.assessed
            total += sub.total
            findings += sub.findings
            if severity_rank(sub.worst) > severity_rank(worst):
                worst = sub.worst
        return NodeStatus(own, assessed, total, worst, findings)

    # -- navigating and filtering ---------------------------------------------------------

    def next_not_assessed(self, after: str | None = None,
                          among: Collection[str] | None = None) -> str | None:
        """The next assessable item not yet assessed, in checklist order after `after`,
        wrapping round to the start; None when every item is assessed. `among` keeps to
        those refs (a plan session's)."""
        start = self._position[after] + 1 if after in self._position else 0
        count = len(self._order)
        for step in range(count):
            ref = self._order[(start + step) % count]
            if ref in self._assessable and self._shown[ref] == Result.NOT_ASSESSED and \
                    ref != after and (among is None or ref in among):
                return ref
        return None

    def matches(self, ref: str, kind: ItemFilter) -> bool:
        """Whether an item itself passes the filter (groups pass through their items)."""
        if kind == ItemFilter.ALL:
            return True
        if kind == ItemFilter.NOT_ASSESSED:
            return ref in self._assessable and self._shown[ref] == Result.NOT_ASSESSED
        return any(_is_live(f) for f in self._findings.get(ref, ()))

    def visible(self, kind: ItemFilter) -> set[str]:
        """The refs the tree shows under a filter: the matching items and their ancestors."""
        if kind == ItemFilter.ALL:
            return set(self._order)
        shown: set[str] = set()
        for ref in self._order:
            if self.matches(ref, kind):
                shown.add(ref)
                shown.update(self.ancestors(ref))
        return shown


def _is_live(finding: LiveFinding) -> bool:
    return finding.status != FindingStatus.CANCELLED


def progress_for(store: Store, audit_id: int) -> AuditProgress:
    """An audit's progress as the store holds it now: two queries."""
    return AuditProgress.of(store.checklist(audit_id), store.results(audit_id),
                            store.findings(audit_id))


def matches_query(query: str, fields: Iterable[str]) -> bool:
    """Filter-as-you-type: every word of the query appears in one of the fields,
    ignoring case."""
    words = query.casefold().split()
    if not words:
        return True
    haystack = " ".join(str(f) for f in fields).casefold()
    return all(word in haystack for word in words)
