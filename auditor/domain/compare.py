"""What changed between two audits of the same checklist: item by item, finding by finding.

Items are matched by ref, using each audit's effective results (the most severe of the
recorded result and the grades of the item's findings that are not cancelled). Headings
(items without prompts) are not compared. The change of an item, with P its previous
result and C its current one:

- only in the current checklist version (`only_in="current"`): `new`;
- only in the previous checklist version (`only_in="previous"`): `not_reassessed`;
- P and C both ranked by the severity order (major > minor > observation > ofi > conform):
  `improved` when C is less severe, `regressed` when more severe, else `unchanged`;
- P unranked (`na` or `not_assessed`) and C ranked: `new` (there was nothing to compare);
- P ranked and C unranked: `not_reassessed` (there is nothing to compare it with now);
- both unranked: `not_assessed` when assessed in neither audit, `not_reassessed` for `na`
  before and not assessed now, `new` for not assessed before and `na` now, `unchanged`
  for `na` in both.

So `na` and `not_assessed` are never better or worse than anything (DESIGN 5), and
`unchanged` always means assessed in both audits: an item nobody looked at in either
audit is not "unchanged" (83 of a 27001 comparison's 94 "unchanged" items were that).

Findings: every finding of the previous audit that is not cancelled, with its status now
and `repeated_by`, the current audit's findings whose `repeat_of` names it. `repeats`
lists every current finding that repeats an earlier one (of the previous audit or of
any earlier audit of the chain). Different versions of one checklist are compared by ref.
Audits on different checklists are compared only through a requirement mapping that links
the two (`edition_map`): each current item then shows the earlier item(s) it maps from,
items on either side that the mapping leaves out are listed as only in their audit; with
no mapping given that links them, the comparison is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import select as sa_select
from sqlmodel import col, select

from .checklist import Checklist
from .derived import RANK, audit_date, effective_values
from .edition_map import EditionMap, ItemLinks, combined_result, item_links, linking, refused_line
from .errors import RuleViolation
from .models import Audit, Finding, ItemResult
from .unit import ident
from .vocab import OPEN_STATUSES, FindingStatus, Result, words

if TYPE_CHECKING:
    from .store import Store


class Change(StrEnum):
    IMPROVED = "improved"
    REGRESSED = "regressed"
    UNCHANGED = "unchanged"
    NEW = "new"
    NOT_REASSESSED = "not_reassessed"
    NOT_ASSESSED = "not_assessed"


CHANGE_LABELS: dict[Change, str] = words(Change)


_UNASSESSED = Result.NOT_ASSESSED.value


def classify(previous: str | None, current: str | None) -> Change:
    """The change of one item; None means the item is not in that side's checklist."""
    if previous is None:
        return Change.NEW
    if current is None:
        return Change.NOT_REASSESSED
    before, now = RANK[previous], RANK[current]
    if before and now:
        if now < before:
            return Change.IMPROVED
        if now > before:
            return Change.REGRESSED
        return Change.UNCHANGED
    if now:
        return Change.NEW
    if before:
        return Change.NOT_REASSESSED
    if previous == current:
        return Change.NOT_ASSESSED if current == _UNASSESSED else Change.UNCHANGED
    return Change.NOT_REASSESSED if current == _UNASSESSED else Change.NEW


@dataclass(frozen=True)
class AuditSide:
    id: int
    title: str
    auditee: str
    type: str
    status: str
    checklist_id: str
    checklist_version: str
    date: date | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "auditee": self.auditee,
            "type": self.type,
            "status": self.status,
            "checklist": {"id": self.checklist_id, "version": self.checklist_version},
            "date": self.date.isoformat() if self.date else None,
        }


class ItemChange(NamedTuple):
    """One item's change (a tuple: a large audit has thousands)."""

    ref: str
    title: str
    previous: str | None
    current: str | None
    change: Change
    only_in: str | None = None
    # Across editions: the refs of the previous checklist this item maps from.
    mapped_from: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"ref": self.ref, "title": self.title, "previous": self.previous,
                "current": self.current, "change": self.change.value, "only_in": self.only_in,
                "mapped_from": list(self.mapped_from)}


@dataclass(frozen=True)
class FindingFollowUp:
    """A finding of the previous audit, as it stands now."""

    id: str
    ref: str
    grade: str
    statement: str
    status: str
    repeated_by: tuple[str, ...] = ()
    # Across editions: the refs of the current checklist its item maps to.
    maps_to: tuple[str, ...] = ()

    @property
    def still_open(self) -> bool:
        return self.status in OPEN_STATUSES  # a StrEnum set holds the plain strings too

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "ref": self.ref, "grade": self.grade,
                "statement": self.statement, "status": self.status,
                "repeated_by": list(self.repeated_by), "maps_to": list(self.maps_to)}


@dataclass(frozen=True)
class RepeatFinding:
    """A finding of the current audit that repeats an earlier one."""

    id: str
    ref: str
    grade: str
    status: str
    repeat_of: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "ref": self.ref, "grade": self.grade, "status": self.status,
                "repeat_of": self.repeat_of}


@dataclass(frozen=True)
class Comparison:
    previous: AuditSide
    current: AuditSide
    items: tuple[ItemChange, ...]
    findings: tuple[FindingFollowUp, ...]
    repeats: tuple[RepeatFinding, ...]
    # The title of the requirement mapping that links two different checklists, else "".
    mapping: str = ""
    summary: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        counts = {c.value: 0 for c in Change}
        only = {"previous": 0, "current": 0}
        for item in self.items:
            counts[item.change] += 1  # a StrEnum member finds its plain-string key
            if item.only_in:
                only[item.only_in] += 1
        open_now = sum(1 for f in self.findings if f.still_open)
        object.__setattr__(self, "summary", {
            **counts,
            "only_in_previous": only["previous"],
            "only_in_current": only["current"],
            "repeat_findings": len(self.repeats),
            "previous_findings": len(self.findings),
            "previous_findings_open": open_now,
            "previous_findings_closed": sum(
                1 for f in self.findings if f.status == FindingStatus.CLOSED),
        })

    @property
    def versions_differ(self) -> bool:
        return self.previous.checklist_version != self.current.checklist_version

    @property
    def across_editions(self) -> bool:
        return self.previous.checklist_id != self.current.checklist_id

    def to_json(self) -> dict[str, Any]:
        return {
            "previous": self.previous.to_json(),
            "current": self.current.to_json(),
            "items": [i.to_json() for i in self.items],
            "findings": [f.to_json() for f in self.findings],
            "repeats": [r.to_json() for r in self.repeats],
            "summary": dict(self.summary),
            "mapping": {"title": self.mapping, "previous_checklist": self.previous.checklist_id,
                        "current_checklist": self.current.checklist_id}
            if self.across_editions else None,
        }


def _side(audit: Audit, checklist: Checklist) -> AuditSide:
    return AuditSide(id=ident(audit), title=audit.title, auditee=audit.auditee, type=audit.type,
                     status=audit.status, checklist_id=checklist.id,
                     checklist_version=checklist.version, date=audit_date(audit))


# Recent matchings, keyed by the checklists' identities; the store hands out one cached
# Checklist per snapshot, and keeping them here keeps their ids from being reused.
_MATCHED: dict[tuple[int, int], tuple[Checklist, Checklist, list]] = {}
_MATCHED_KEEP = 8


def _matched_refs(old: Checklist, new: Checklist) -> list[tuple[str, str, str | None]]:
    key = (id(old), id(new))
    cached = _MATCHED.get(key)
    if cached is None:
        if len(_MATCHED) >= _MATCHED_KEEP:
            _MATCHED.pop(next(iter(_MATCHED)))
        cached = _MATCHED[key] = (old, new, _match(old, new))
    return cached[2]


def _match(old: Checklist, new: Checklist) -> list[tuple[str, str, str | None]]:
    """(ref, title, only_in) for every assessable item of either version, in the current
    document order; an item only in the previous version follows the item it followed
    there."""
    if old is new:
        return [(i.ref, i.title, None) for i in new.assessable_items()]
    new_items = {i.ref: i for i in new.assessable_items()}
    old_items = old.assessable_items()
    after: dict[str | None, list[str]] = {}
    anchor: str | None = None
    old_titles = {}
    for item in old_items:
        old_titles[item.ref] = item.title
        if item.ref in new_items:
            anchor = item.ref
        else:
            after.setdefault(anchor, []).append(item.ref)
    rows: list[tuple[str, str, str | None]] = [
        (ref, old_titles[ref], "previous") for ref in after.get(None, ())]
    for ref, item in new_items.items():
        rows.append((ref, item.title, None if ref in old_titles else "current"))
        rows.extend((gone, old_titles[gone], "previous") for gone in after.get(ref, ()))
    return rows


def _mapped_items(links: ItemLinks, old: Checklist, new: Checklist,
                  before: dict[str, str], now: dict[str, str]) -> list[ItemChange]:
    """Every assessable item of the current checklist with what it maps from, then the
    previous checklist's items that map to none of them."""
    rows = []
    for item in new.assessable_items():
        current = now.get(item.ref, _UNASSESSED)
        sources = tuple(ref for ref, _relation in links.mapped_from.get(item.ref, ()))
        if not sources:
            rows.append(ItemChange(item.ref, item.title, None, current, Change.NEW, "current"))
            continue
        previous = combined_result(before.get(ref, _UNASSESSED) for ref in sources)
        rows.append(ItemChange(item.ref, item.title, previous, current,
                               classify(previous, current), None, sources))
    for ref in links.unmapped_previous:
        old_item = old.item(ref)
        rows.append(ItemChange(ref, old_item.title if old_item else ref,
                               before.get(ref, _UNASSESSED), None, Change.NOT_REASSESSED,
                               "previous"))
    return rows


def compare_audits(store: Store, old_id: int, new_id: int,
                   mappings: Iterable[EditionMap] = ()) -> Comparison:
    """Compare audit `old_id` (the previous one) with `new_id` (the current one); audits
    on different checklists through the one of `mappings` that links them."""
    if old_id == new_id:
        raise RuleViolation(f"audit {old_id} compared with itself: give two different audits")
    with store.reading() as uow:
        session = uow.session
        old = uow.audit(old_id)
        new = uow.audit(new_id)
        old_list = uow.checklist(old)
        new_list = uow.checklist(new)
        links = None
        if old_list.id != new_list.id:
            mapping = linking(mappings, old_list.id, new_list.id)
            if mapping is None:
                raise RuleViolation(refused_line(old_id, old_list.id, new_id, new_list.id))
            links = item_links(mapping, old_list, new_list)
        # Three reads whatever the size: the audits, every item row, every finding.
        conn = session.connection()
        item_rows = conn.execute(
            select(ItemResult.audit_id, ItemResult.ref, ItemResult.result)
            .where(col(ItemResult.audit_id).in_((old_id, new_id)))
        ).all()
        finding_rows = conn.execute(
            sa_select(col(Finding.audit_id), col(Finding.code), col(Finding.ref),
                      col(Finding.grade), col(Finding.statement), col(Finding.status),
                      col(Finding.repeat_of))
            .where(col(Finding.audit_id).in_((old_id, new_id)))
            .order_by(col(Finding.id))
        ).all()
    recorded: dict[int, dict[str, str]] = {old_id: {}, new_id: {}}
    for audit_id, ref, value in item_rows:
        recorded[audit_id][ref] = value
    cancelled = FindingStatus.CANCELLED.value
    graded: dict[int, list[tuple[str, str, str]]] = {old_id: [], new_id: []}
    old_findings, repeat_rows = [], []
    for audit_id, code, ref, grade, statement, status, repeat_of in finding_rows:
        if status == cancelled:
            continue
        graded[audit_id].append((ref, grade, status))
        if audit_id == old_id:
            old_findings.append((code, ref, grade, statement, status))
        elif repeat_of is not None:
            repeat_rows.append((code, ref, grade, status, repeat_of))
    before = effective_values(recorded[old_id], graded[old_id])
    now = effective_values(recorded[new_id], graded[new_id])
    items = []
    if links is not None:
        items = _mapped_items(links, old_list, new_list, before, now)
    else:
        for ref, title, only_in in _matched_refs(old_list, new_list):
            p = None if only_in == "current" else before.get(ref, _UNASSESSED)
            c = None if only_in == "previous" else now.get(ref, _UNASSESSED)
            items.append(ItemChange(ref, title, p, c, classify(p, c), only_in))
    repeats = tuple(RepeatFinding(*row) for row in repeat_rows)
    repeated_by: dict[str, list[str]] = {}
    for r in repeats:
        repeated_by.setdefault(r.repeat_of, []).append(r.id)
    maps_to = links.maps_to if links is not None else {}
    findings = tuple(
        FindingFollowUp(code, ref, grade, statement, status, tuple(repeated_by.get(code, ())),
                        maps_to.get(ref, ()))
        for code, ref, grade, statement, status in old_findings
    )
    return Comparison(previous=_side(old, old_list), current=_side(new, new_list),
                      items=tuple(items), findings=findings, repeats=repeats,
                      mapping=links.title if links is not None else "")
