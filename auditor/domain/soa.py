"""The Statement of Applicability (ISO/IEC 27001 6.1.3 d)): for every Annex A control of
the audit's checklist, the auditee's decision (applicable or excluded), its
justification, how far the control is implemented and the auditee's references; beside
it the audit's result for the control and its findings (`soa_rows`, pure), and what an
auditor must query: applicability not stated, an exclusion without a justification, an
applicable control without an implementation status, an excluded control stated as
implemented, partly implemented or planned.

Entries are written through the unit of work, each field in the change log under the
entity `soa` and the control's ref, and held against the records by `audits verify`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlmodel import col, select

from .base import Part
from .checklist import Checklist, ChecklistItem
from .checks import check_text
from .errors import RuleViolation
from .models import Finding, SoaEntry
from .surveillance import load_results
from .unit import UnitOfWork
from .vocab import IMPLEMENTATION_LABELS, Entity, FindingStatus, ImplementationStatus, Result

ANNEX_A = "A."
YES = ("yes", "y", "true")
NO = ("no", "n", "false")


class Flag(StrEnum):
    APPLICABILITY_NOT_STATED = "applicability_not_stated"
    EXCLUDED_WITHOUT_JUSTIFICATION = "excluded_without_justification"
    STATUS_NOT_STATED = "status_not_stated"
    EXCLUDED_BUT_IMPLEMENTED = "excluded_but_implemented"


FLAG_TEXT: dict[Flag, str] = {
    Flag.APPLICABILITY_NOT_STATED: "applicability not stated",
    Flag.EXCLUDED_WITHOUT_JUSTIFICATION: "excluded without justification",
    Flag.STATUS_NOT_STATED: "applicable, implementation status not stated",
    Flag.EXCLUDED_BUT_IMPLEMENTED: "excluded, yet stated as implemented, partly "
                                   "implemented or planned",
}
# An excluded control in one of these is a contradiction: either it applies or its status
# is wrong ("not implemented" agrees with an exclusion).
IN_USE = frozenset({ImplementationStatus.IMPLEMENTED, ImplementationStatus.PARTIAL,
                    ImplementationStatus.PLANNED})


@dataclass(frozen=True)
class SoaRow:
    ref: str
    title: str
    applicable: bool | None  # None: not stated
    justification: str
    status: str  # an ImplementationStatus value; "" while not stated
    references: str
    result: Result
    findings: tuple[str, ...]
    flags: tuple[Flag, ...]


def annex_a_controls(checklist: Checklist) -> list[ChecklistItem]:
    """The checklist's assessable items whose refs start with `A.`, in checklist order."""
    return [i for i in checklist.assessable_items() if i.ref.startswith(ANNEX_A)]


def soa_controls(checklist: Checklist) -> frozenset[str]:
    """The controls whose SoA line the auditor records during the audit: the Annex A
    controls of a checklist whose items carry SoA notes (the shipped ISO/IEC 27001);
    none for any other checklist."""
    if not any(item.soa for item in checklist.all_items()):
        return frozenset()
    return frozenset(item.ref for item in annex_a_controls(checklist))


def require_annex_a(checklist: Checklist) -> list[ChecklistItem]:
    controls = annex_a_controls(checklist)
    if not controls:
        raise RuleViolation(f"checklist {checklist.id} {checklist.version} has no Annex A "
                            "controls (refs A.x); a Statement of Applicability needs an "
                            "ISO/IEC 27001 checklist")
    return controls


def row_flags(applicable: bool | None, justification: str, status: str) -> tuple[Flag, ...]:
    """What an auditor queries in a control's line: every such point, in this order."""
    if applicable is None:
        return (Flag.APPLICABILITY_NOT_STATED,)
    if applicable:
        return () if status else (Flag.STATUS_NOT_STATED,)
    flags = []
    if not justification.strip():
        flags.append(Flag.EXCLUDED_WITHOUT_JUSTIFICATION)
    if status in IN_USE:
        flags.append(Flag.EXCLUDED_BUT_IMPLEMENTED)
    return tuple(flags)


def soa_rows(checklist: Checklist, entries: Mapping[str, SoaEntry],
             results: Mapping[str, Result], findings: Iterable[Finding]) -> list[SoaRow]:
    """One row per Annex A control; refused (one line) when the checklist has none.
    Cancelled findings are left out."""
    controls = require_annex_a(checklist)
    codes: dict[str, list[str]] = {}
    for f in findings:
        if f.status != FindingStatus.CANCELLED:
            codes.setdefault(f.ref, []).append(f.code)
    rows = []
    for item in controls:
        entry = entries.get(item.ref)
        applicable = entry.applicable if entry else None
        justification = entry.justification if entry else ""
        status = entry.status if entry else ""
        rows.append(SoaRow(
            ref=item.ref, title=item.title, applicable=applicable,
            justification=justification, status=status,
            references=entry.refs if entry else "",
            result=results.get(item.ref, Result.NOT_ASSESSED),
            findings=tuple(codes.get(item.ref, ())),
            flags=row_flags(applicable, justification, status)))
    return rows


# -- input checks ------------------------------------------------------------------------


def check_applicable(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = value.strip().casefold() if isinstance(value, str) else ""
    if text in YES:
        return True
    if text in NO:
        return False
    raise RuleViolation(f"applicable {value!r}: answer yes or no", field="applicable")


def check_status(value: Any) -> str:
    """An implementation status, by value or label (case and `_`/space ignored); empty
    text clears it."""
    if isinstance(value, str):
        text = " ".join(value.replace("_", " ").split()).casefold()
        if not text:
            return ""
        for status, label in IMPLEMENTATION_LABELS.items():
            if text in (status.value.replace("_", " "), label.casefold()):
                return status.value
    choices = ", ".join(s.value for s in ImplementationStatus)
    raise RuleViolation(f"status {value!r}: one of {choices}", field="status")


def check_control(checklist: Checklist, ref: str) -> str:
    require_annex_a(checklist)  # what `soa show` says: not "A.5.1 is not in the checklist"
    item = checklist.item(ref)
    if item is None:
        raise RuleViolation(f"ref {ref!r} is not in this audit's checklist ({checklist.id} "
                            f"{checklist.version})", field="ref")
    if not ref.startswith(ANNEX_A):
        raise RuleViolation(f"ref {ref!r} is not an Annex A control (their refs start with "
                            "A.)", field="ref")
    if not item.assessable:
        raise RuleViolation(f"ref {ref!r} is a group heading; state each control below it",
                            field="ref")
    return ref


# -- the store's part ----------------------------------------------------------------------


def _entries(uow: UnitOfWork, audit_id: int) -> dict[str, SoaEntry]:
    return {e.ref: e for e in uow.session.execute(
        select(SoaEntry).where(col(SoaEntry.audit_id) == audit_id)).scalars()}


class Applicability(Part):
    """The store's part for the Statement of Applicability: one unit of work per call."""

    def soa_entries(self, audit_id: int) -> dict[str, SoaEntry]:
        with self.core.reading() as uow:
            uow.audit(audit_id)
            return _entries(uow, audit_id)

    def soa(self, audit_id: int) -> list[SoaRow]:
        """The audit's Statement of Applicability (`soa_rows`)."""
        with self.core.reading() as uow:
            audit = uow.audit(audit_id)
            checklist = uow.checklist(audit)
            require_annex_a(checklist)
            findings = uow.session.execute(
                select(Finding).where(col(Finding.audit_id) == audit_id)
                .order_by(col(Finding.id))).scalars()
            return soa_rows(checklist, _entries(uow, audit_id),
                            load_results(uow.session, [audit_id])[audit_id], findings)

    def set_soa_entry(self, audit_id: int, ref: str, *, applicable: Any,
                      justification: str | None = None, status: str | None = None,
                      refs: str | None = None) -> SoaEntry:
        """State a control's line; what is not given (None) stays as it was."""
        decided = check_applicable(applicable)
        why = None if justification is None else check_text("justification",
                                                            justification).strip()
        how = None if status is None else check_status(status)
        where = None if refs is None else check_text("refs", refs).strip()
        with self.core.writing() as uow:
            audit = uow.open_audit(audit_id)
            check_control(uow.checklist(audit), ref)
            entry = _entries(uow, audit_id).get(ref)
            if entry is None:
                entry = SoaEntry(audit_id=audit_id, ref=ref, updated_at=uow.now())
            changed = uow.set(entry, audit_id, Entity.SOA, ref, "applicable", decided)
            for field, value in (("justification", why), ("status", how), ("refs", where)):
                if value is not None:
                    changed = uow.set(entry, audit_id, Entity.SOA, ref, field, value) or changed
            if changed:
                entry.updated_at = uow.now()
                audit.updated_at = uow.now()
                uow.session.add(audit)
            uow.session.add(entry)
            uow.session.flush()
            return entry
