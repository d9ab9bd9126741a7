"""Surveillance: an audit that follows a previous one of the same auditee.

Two things the auditor needs while auditing the follow-up:

- the previous audit's result and findings beside each item ("last time: minor,
  NC-2025-004"), shown but never copied as a current result;
- the verification, on site, of the previous findings that are not closed. Effective
  closes the previous finding; not effective marks it `not_effective` and raises a repeat
  finding in the current audit, because a nonconformity that comes back means the
  corrective action failed (iso-facts 5.3).

On-site verification is the one path that may close a nonconformity from any open
status (open, responded, accepted, rejected, implemented, not_effective): the auditor
looked at the process itself, so the auditee's paperwork steps are no precondition. It
lives here rather than in `vocab.allowed_moves` because it is only reachable from a
follow-up audit, with that audit open.

When the audit followed used another checklist (an earlier edition) and a requirement
mapping links the two (`edition_map`), the previous results are shown on the current
items they map to, each saying which earlier item(s) it comes from, and a repeat finding
is raised on the first current item the earlier item maps to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from .base import Part
from .derived import effective_results
from .edition_map import EditionMap, ItemLinks, combined_result, item_links, linking
from .errors import RuleViolation
from .findings import raise_finding, record_verification
from .models import Audit, Finding, ItemResult
from .unit import UnitOfWork
from .vocab import (
    NONCONFORMITY_GRADES,
    OPEN_STATUSES,
    Entity,
    FindingStatus,
    Grade,
    LogEvent,
    Result,
)


@dataclass(frozen=True)
class PreviousResult:
    """What the previous audit showed on one item."""

    ref: str
    audit_id: int
    result: Result
    findings: tuple[str, ...]
    # Across editions: the refs of the earlier checklist this item maps from.
    mapped_from: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The line shown beside the item, e.g. `last time: minor, NC-2025-004`, and
        across editions `last time (as A.9.2.3): minor, NC-2025-004`."""
        parts = [self.result.value, *self.findings]
        where = f" (as {', '.join(self.mapped_from)})" if self.mapped_from else ""
        return f"last time{where}: " + ", ".join(parts)


def load_results(session: Session, audit_ids: list[int]) -> dict[int, dict[str, Result]]:
    """Effective results of several audits in two queries (never one per item), read as
    plain rows on the session's connection."""
    if not audit_ids:
        return {}
    conn = session.connection()
    recorded: dict[int, list[tuple[str, str]]] = {a: [] for a in audit_ids}
    for audit_id, ref, result in conn.execute(
        select(ItemResult.audit_id, ItemResult.ref, ItemResult.result)
        .where(col(ItemResult.audit_id).in_(audit_ids))
    ).all():
        recorded[audit_id].append((ref, result))
    graded: dict[int, list[tuple[str, str, str]]] = {a: [] for a in audit_ids}
    for audit_id, ref, grade, status in conn.execute(
        select(Finding.audit_id, Finding.ref, Finding.grade, Finding.status)
        .where(col(Finding.audit_id).in_(audit_ids))
    ).all():
        graded[audit_id].append((ref, grade, status))
    return {a: effective_results(recorded[a], graded[a]) for a in audit_ids}


def repeat_statement(old: Finding) -> str:
    note = (f"Repeat of {old.code}: the corrective action was verified not effective "
            "in this audit.")
    return f"{old.statement.rstrip()}\n\n{note}" if old.statement.strip() else note


def _check_verifiable(current: Audit, old: Finding) -> None:
    if current.previous_id is None:
        raise RuleViolation(
            f"audit {current.id} follows no previous audit, so it has no previous "
            f"findings to verify; {old.code} belongs to audit {old.audit_id}"
        )
    if old.audit_id != current.previous_id:
        raise RuleViolation(
            f"{old.code} belongs to audit {old.audit_id}, not to audit "
            f"{current.previous_id} that audit {current.id} follows"
        )
    if FindingStatus(old.status) not in OPEN_STATUSES:
        raise RuleViolation(
            f"{old.code} is {old.status}: only findings still open can be verified",
            field="status"
        )


def _verify_move(uow: UnitOfWork, current: Audit, old: Finding, target: FindingStatus,
                 note: str, verified_by: str | None = None,
                 verified_on: object = None) -> None:
    now = uow.now()
    audit_id, code = old.audit_id, old.code
    uow.set(old, audit_id, Entity.FINDING, code, "status", target.value)
    setattr(old, f"{target.value}_at", now)
    record_verification(uow, old, by=verified_by, on=verified_on,
                        note=note.strip() or f"verified on site in audit {current.id}")
    uow.record(current.id, Entity.FINDING, code, LogEvent.VERIFIED_IN_AUDIT, None,
               f"{current.id}: {target.value}")
    old.updated_at = now
    uow.session.add(old)


def _links(uow: UnitOfWork, current: Audit, previous_id: int,
           mappings: Iterable[EditionMap]) -> ItemLinks | None:
    """How the previous audit's items map to the current one's, when their checklists
    differ and a mapping links them; None otherwise (items are then matched by ref)."""
    new_list = uow.checklist(current)
    old_list = uow.checklist(uow.audit(previous_id))
    if old_list.id == new_list.id:
        return None
    mapping = linking(mappings, old_list.id, new_list.id)
    return item_links(mapping, old_list, new_list) if mapping is not None else None


def _raise_repeat(uow: UnitOfWork, current: Audit, old: Finding,
                  links: ItemLinks | None = None) -> Finding:
    existing = uow.session.execute(
        select(Finding).where(
            col(Finding.audit_id) == current.id,
            col(Finding.repeat_of) == old.code,
            col(Finding.status) != FindingStatus.CANCELLED.value,
        ).order_by(col(Finding.id))
    ).scalar()
    if existing is not None:
        return existing
    ref = old.ref
    if links is not None:
        mapped = links.maps_to.get(old.ref, ())
        if not mapped:
            raise RuleViolation(
                f"{old.code} is on item {old.ref} of {links.previous_id}, which the mapping "
                f"carries to no item of {links.current_id}; raise the repeat finding by hand "
                "on the item that replaced it")
        ref = mapped[0]
    item = uow.checklist(current).item(ref)
    if item is None or not item.assessable:
        raise RuleViolation(
            f"{old.code} is on item {old.ref}, which audit {current.id}'s checklist "
            "does not hold; raise the repeat finding by hand on the item that replaced it"
        )
    grade = Grade(old.grade) if old.grade in NONCONFORMITY_GRADES else Grade.MINOR
    repeat = raise_finding(
        uow, current, ref, grade.value,
        statement=repeat_statement(old),
        requirement=old.requirement,
        process_area=old.process_area,
    )
    # Repeat detection picks the nearest nonconformity on the item; this one repeats
    # exactly the finding that was verified.
    uow.set(repeat, current.id, Entity.FINDING, repeat.code, "repeat_of", old.code)
    uow.session.add(repeat)
    return repeat


class Surveillance(Part):
    """The store's part for a follow-up audit: the previous audit beside each item, and
    the on-site verification of its open findings."""

    def previous_results(self, audit_id: int, mappings: Iterable[EditionMap] = ()
                         ) -> dict[str, PreviousResult]:
        """Per ref, the previous audit's effective result and its findings there (not
        cancelled). Empty when the audit follows none; refs the previous audit did not
        assess and raised nothing on are left out. When the previous audit used another
        checklist that one of `mappings` links to this one, per ref of this audit."""
        with self.core.reading() as uow:
            current = uow.audit(audit_id)
            previous_id = current.previous_id
            if previous_id is None:
                return {}
            links = _links(uow, current, previous_id, mappings)
            shown = load_results(uow.session, [previous_id])[previous_id]
            codes: dict[str, list[str]] = {}
            for ref, code in uow.session.execute(
                select(Finding.ref, Finding.code)
                .where(col(Finding.audit_id) == previous_id,
                       col(Finding.status) != FindingStatus.CANCELLED.value)
                .order_by(col(Finding.id))
            ):
                codes.setdefault(ref, []).append(code)
        refs = {ref for ref, r in shown.items() if r != Result.NOT_ASSESSED} | set(codes)
        if links is not None:
            return _mapped_previous(links, previous_id, shown, codes, refs)
        return {
            ref: PreviousResult(ref=ref, audit_id=previous_id,
                                result=shown.get(ref, Result.NOT_ASSESSED),
                                findings=tuple(codes.get(ref, ())))
            for ref in refs
        }

    def verify_previous_finding(
        self, current_audit_id: int, code: str, effective: bool, note: str = "", *,
        verified_by: str | None = None, verified_on: object = None,
        mappings: Iterable[EditionMap] = (),
    ) -> Finding | None:
        """Verify on site a finding of the previous audit. Effective closes it and returns
        None; not effective marks it `not_effective` and returns the repeat finding raised
        on the same item of the current audit (the existing one when already raised), or
        across editions on the first item it maps to."""
        with self.core.writing() as uow:
            current = uow.open_audit(current_audit_id)
            old = uow.finding(code)
            _check_verifiable(current, old)
            if effective:
                _verify_move(uow, current, old, FindingStatus.CLOSED, note, verified_by,
                             verified_on)
                uow.touch(current)
                return None
            links = _links(uow, current, old.audit_id, mappings)
            repeat = _raise_repeat(uow, current, old, links)
            _verify_move(uow, current, old, FindingStatus.NOT_EFFECTIVE, note, verified_by,
                         verified_on)
            uow.touch(current)
            return repeat


def _mapped_previous(links: ItemLinks, previous_id: int, shown: dict[str, Result],
                     codes: dict[str, list[str]], refs: set[str]) -> dict[str, PreviousResult]:
    """The previous results keyed by the current refs they map to."""
    out = {}
    for ref, sources in links.mapped_from.items():
        earlier = tuple(old for old, _relation in sources)
        if not any(old in refs for old in earlier):
            continue
        result = combined_result(shown.get(old, Result.NOT_ASSESSED).value for old in earlier)
        found = tuple(dict.fromkeys(c for old in earlier for c in codes.get(old, ())))
        out[ref] = PreviousResult(ref=ref, audit_id=previous_id, result=Result(result),
                                  findings=found, mapped_from=earlier)
    return out
