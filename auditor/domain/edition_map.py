"""Which items of one checklist answer to which items of another: the link between two
editions of a standard (ISO/IEC 27001:2013 and 2022), so that an audit can be compared
with, and carry forward the findings of, an audit on the earlier edition.

A mapping is given to the domain as a value (read from files by `exchange.mapping_set`);
nothing here reads a file. Its links are pairs of refs with the relationship the source
gives (CISO Assistant's words): `equal`, `subset` (the earlier item is part of the later
one), `superset` (the earlier item covers more than the later one), `intersect`.

The rule, for audits on the previous checklist P and the current checklist C:

- a mapping applies when it links P to C, or C to P (then it is read backwards, subset
  and superset swapped); none applies: the audits are not compared;
- a link to a heading stands for every assessable item under it, on either side;
- an item of C maps from the items of P linked to it; its previous result is the most
  severe of theirs (a nonconformity under any of the earlier clauses is still one to
  follow), else `na` when one was `na`, else `not_assessed`;
- an item of C that nothing links to is unmapped (`new`); an item of P that links to
  nothing in C is unmapped too (`not_reassessed`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .checklist import Checklist
from .derived import RANK
from .vocab import Result

RELATIONSHIPS = ("equal", "subset", "superset", "intersect")
_BACKWARDS = {"subset": "superset", "superset": "subset"}


@dataclass(frozen=True)
class RefLink:
    source: str
    target: str
    relationship: str = "equal"


@dataclass(frozen=True)
class EditionMap:
    """Links from the refs of checklist `source_id` to those of checklist `target_id`."""

    source_id: str
    target_id: str
    links: tuple[RefLink, ...]
    title: str = ""
    origin: str = ""     # where the links come from (the mapping set's urn), for people

    def backwards(self) -> EditionMap:
        return EditionMap(
            source_id=self.target_id, target_id=self.source_id, title=self.title,
            origin=self.origin, links=tuple(
                RefLink(link.target, link.source,
                        _BACKWARDS.get(link.relationship, link.relationship))
                for link in self.links))


def linking(maps: Iterable[EditionMap], previous_id: str, current_id: str
            ) -> EditionMap | None:
    """The mapping from `previous_id` to `current_id`: one written that way first, else
    one written the other way, read backwards; None when no mapping links them."""
    maps = list(maps)
    for m in maps:
        if (m.source_id, m.target_id) == (previous_id, current_id):
            return m
    for m in maps:
        if (m.source_id, m.target_id) == (current_id, previous_id):
            return m.backwards()
    return None


def _assessable_under(checklist: Checklist) -> dict[str, tuple[str, ...]]:
    """For every ref, the assessable refs it stands for: itself, or those below it."""
    below: dict[str, list[str]] = {}
    chain: list[tuple[str, int]] = []
    for item, depth, _parent in checklist.walk():
        while chain and chain[-1][1] >= depth:
            chain.pop()
        below.setdefault(item.ref, [])
        if item.assessable:
            below[item.ref].append(item.ref)
            for ancestor, _d in chain:
                below[ancestor].append(item.ref)
        chain.append((item.ref, depth))
    return {ref: tuple(refs) for ref, refs in below.items()}


@dataclass(frozen=True)
class ItemLinks:
    """The mapping as it applies to two checklists: for each assessable ref of the
    current checklist, the assessable refs of the previous one it maps from (and how)."""

    previous_id: str
    current_id: str
    mapped_from: dict[str, tuple[tuple[str, str], ...]]   # current ref -> (old ref, relation)
    maps_to: dict[str, tuple[str, ...]]                  # previous ref -> current refs
    unmapped_previous: tuple[str, ...]
    unmapped_current: tuple[str, ...]
    title: str = ""


def item_links(mapping: EditionMap, previous: Checklist, current: Checklist) -> ItemLinks:
    """The mapping's links between the assessable items of the two checklists; links
    naming a ref that a checklist does not hold are passed over."""
    old_under = _assessable_under(previous)
    new_under = _assessable_under(current)
    mapped_from: dict[str, dict[str, str]] = {}
    maps_to: dict[str, dict[str, None]] = {}
    for link in mapping.links:
        for new_ref in new_under.get(link.target, ()):
            for old_ref in old_under.get(link.source, ()):
                mapped_from.setdefault(new_ref, {}).setdefault(old_ref, link.relationship)
                maps_to.setdefault(old_ref, {})[new_ref] = None
    new_refs = [i.ref for i in current.assessable_items()]
    old_refs = [i.ref for i in previous.assessable_items()]
    return ItemLinks(
        previous_id=previous.id, current_id=current.id,
        mapped_from={ref: tuple(mapped_from[ref].items()) for ref in new_refs
                     if ref in mapped_from},
        maps_to={ref: tuple(maps_to[ref]) for ref in old_refs if ref in maps_to},
        unmapped_previous=tuple(r for r in old_refs if r not in maps_to),
        unmapped_current=tuple(r for r in new_refs if r not in mapped_from),
        title=mapping.title)


def combined_result(results: Iterable[str]) -> str:
    """One previous result for an item that maps from several: the most severe ranked
    one, else `na` when one was `na`, else `not_assessed`."""
    values = list(results)
    ranked = [v for v in values if RANK.get(v)]
    if ranked:
        return max(ranked, key=lambda v: RANK[v])
    if any(v == Result.NA.value for v in values):
        return Result.NA.value
    return Result.NOT_ASSESSED.value


def refused_line(previous_audit: int, previous_id: str, current_audit: int,
                 current_id: str) -> str:
    return (f"audit {previous_audit} uses checklist {previous_id} and audit {current_audit} "
            f"uses {current_id}: only audits on the same checklist can be compared, or on "
            "two checklists that a requirement mapping links, and no mapping links these "
            "two; import one (auditor checklists import-mapping FILE)")
