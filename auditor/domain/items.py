"""Item results: what the auditor records on each item of the checklist (a result, notes,
who was interviewed, documents seen), and the findings a result raises or cancels."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import and_, or_
from sqlmodel import col, select

from .base import Part
from .checks import check_result
from .errors import RuleViolation
from .evidence import EvidenceRegister, add_evidence
from .findings import apply_fields, move, raise_finding
from .models import Audit, ChangeLog, Finding, ItemResult, ItemSample
from .sampling import Sample, add_sample, check_sample
from .surveillance import load_results
from .unit import UnitOfWork, ident
from .vocab import RESULTS_WITH_FINDING, Entity, FindingStatus, Result

TEXT_FIELDS = ("notes", "interviewees", "documents")


def item_row(uow: UnitOfWork, audit: Audit, ref: str) -> ItemResult:
    """The item's row, made when the item is first touched."""
    uow.require_ref(audit, ref)
    row = uow.session.execute(
        select(ItemResult).where(col(ItemResult.audit_id) == audit.id,
                                 col(ItemResult.ref) == ref)
    ).scalar()
    if row is None:
        row = ItemResult(audit_id=ident(audit), ref=ref, updated_at=uow.now())
        uow.session.add(row)
    return row


def _blank_finding(uow: UnitOfWork, audit: Audit, ref: str, value: Result) -> Finding | None:
    """Pressing `o` twice raises one observation, not two."""
    if value not in (Result.OBSERVATION, Result.OFI):
        return None
    return uow.session.execute(
        select(Finding).where(
            col(Finding.audit_id) == audit.id, col(Finding.ref) == ref,
            col(Finding.grade) == value.value, col(Finding.statement) == "",
            col(Finding.status) == FindingStatus.OPEN.value,
        )
    ).scalar()


def _cancel_unanswered(uow: UnitOfWork, audit: Audit, ref: str) -> None:
    for finding in uow.session.execute(
        select(Finding).where(
            col(Finding.audit_id) == audit.id, col(Finding.ref) == ref,
            col(Finding.status) == FindingStatus.OPEN.value,
            col(Finding.root_cause) == "", col(Finding.corrective_action) == "",
        )
    ).scalars():
        move(uow, finding, FindingStatus.CANCELLED.value, note="result cleared",
             by_auditee=False)


class ItemRecords(Part):
    """The store's part for item results: one unit of work per call."""

    def results(self, audit_id: int) -> dict[str, ItemResult]:
        with self.core.reading() as uow:
            uow.audit(audit_id)
            rows = uow.session.execute(
                select(ItemResult).where(col(ItemResult.audit_id) == audit_id)).scalars()
            return {r.ref: r for r in rows}

    def samples(self, audit_id: int) -> dict[str, list[ItemSample]]:
        """Each item's sampling records, in the order they were recorded."""
        with self.core.reading() as uow:
            uow.audit(audit_id)
            found: dict[str, list[ItemSample]] = {}
            for row in uow.session.execute(
                select(ItemSample).where(col(ItemSample.audit_id) == audit_id)
                .order_by(col(ItemSample.number))
            ).scalars():
                found.setdefault(row.ref, []).append(row)
            return found

    def effective_results(self, audit_id: int) -> dict[str, Result]:
        """Each item's effective result (domain/derived.py)."""
        with self.core.reading() as uow:
            uow.audit(audit_id)
            return load_results(uow.session, [audit_id])[audit_id]

    def record_result(
        self,
        audit_id: int,
        ref: str,
        result: str | None,
        *,
        statement: str = "",
        note: str | None = None,
        files: Iterable[Path] = (),
        samples: Iterable[Sample] = (),
        **finding_fields: str,
    ) -> tuple[ItemResult, Finding | None]:
        """Record a result; `major`, `minor`, `observation` and `ofi` raise a finding.

        Evidence files are copied in first, so a missing file records nothing. Back to
        `not_assessed` cancels the item's findings that nobody has answered yet.
        `samples` are sampling records on the item; with them (or a note or files) the
        result may be None: the item keeps its result (a sample is often recorded before
        the result is decided).
        """
        value = check_result(result) if result is not None else None
        samples = [check_sample(s) for s in samples]
        files = list(files)
        if value is None:
            if statement or any(finding_fields.values()):
                raise RuleViolation("a finding's text needs a result that raises a finding",
                                    field="result")
            if not (samples or note or files):
                raise RuleViolation("nothing to record: give a result, a sample, a note or "
                                    "a file", field="result")
        if files:  # a closed audit refuses before anything is copied into the evidence folder
            with self.core.reading() as uow:
                uow.open_audit(audit_id)
        with EvidenceRegister(self.core).staged(files) as staged, \
                self.core.writing() as uow:
            audit = uow.open_audit(audit_id)
            row = item_row(uow, audit, ref)
            finding = None
            if value is not None:
                uow.set(row, audit.id, Entity.ITEM, ref, "result", value.value)
            if value is not None and value in RESULTS_WITH_FINDING:
                finding = _blank_finding(uow, audit, ref, value)
                if finding is None:
                    finding = raise_finding(uow, audit, ref, value.value,
                                            statement=statement, **finding_fields)
                elif statement or any(finding_fields.values()):
                    # The text typed for it fills the blank finding instead of being dropped.
                    typed = {"statement": statement, **finding_fields}
                    apply_fields(uow, finding, {k: v for k, v in typed.items() if v},
                                 by_auditee=False)
            elif value == Result.NOT_ASSESSED:
                _cancel_unanswered(uow, audit, ref)
            if note:
                joined = f"{row.notes}\n{note}" if row.notes else note
                uow.set(row, audit.id, Entity.ITEM, ref, "notes", joined)
            for stored in staged:
                add_evidence(uow, audit, ref=ref, finding=finding, kind="file", stored=stored)
            for sample in samples:
                add_sample(uow, audit, ref, sample)
            row.updated_at = uow.now()
            uow.session.add(row)
            uow.touch(audit)
            return row, finding

    def undo_result(self, audit_id: int, ref: str, result: str, *,
                    revive: Iterable[str] = (), cancel: Iterable[str] = ()) -> ItemResult:
        """Put an item back as it was before one result key: its earlier `result`, the
        findings that key cancelled open again (`revive`), and the blank finding it raised
        cancelled (`cancel`), in one transaction, each change in the log as any other."""
        value = check_result(result)
        with self.core.writing() as uow:
            audit = uow.open_audit(audit_id)
            row = item_row(uow, audit, ref)
            for code in (*revive, *cancel):
                finding = uow.finding(code)
                if finding.audit_id != audit.id or finding.ref != ref:
                    raise RuleViolation(f"{code} is not a finding of item {ref} of audit "
                                        f"{audit.id}", field="ref")
                target = FindingStatus.OPEN if code in revive else FindingStatus.CANCELLED
                move(uow, finding, target.value, note="undone", by_auditee=False)
            uow.set(row, audit.id, Entity.ITEM, ref, "result", value.value)
            row.updated_at = uow.now()
            uow.session.add(row)
            uow.touch(audit)
            return row

    def item_history(self, audit_id: int, ref: str) -> list[ChangeLog]:
        """Every change of the item as the auditor sees it: its own fields and the
        findings raised on it (created, graded, moved, cancelled), oldest first. The shown
        result follows the findings, so the item's history has to show them too."""
        with self.core.reading() as uow:
            uow.audit(audit_id)
            codes = select(Finding.code).where(col(Finding.audit_id) == audit_id,
                                               col(Finding.ref) == ref)
            query = select(ChangeLog).where(
                col(ChangeLog.audit_id) == audit_id,
                or_(and_(col(ChangeLog.entity) == Entity.ITEM.value,
                         col(ChangeLog.entity_id) == ref),
                    and_(col(ChangeLog.entity) == Entity.FINDING.value,
                         col(ChangeLog.entity_id).in_(codes))),
            ).order_by(col(ChangeLog.id))
            return list(uow.session.execute(query).scalars())

    def set_item_text(self, audit_id: int, ref: str, **fields: str) -> ItemResult:
        """Notes, interviewees, documents seen: the autosave path, one commit per call."""
        with self.core.writing() as uow:
            audit = uow.open_audit(audit_id)
            row = item_row(uow, audit, ref)
            for name, value in fields.items():
                if name not in TEXT_FIELDS:
                    raise RuleViolation(f"item field {name!r} is not one of {TEXT_FIELDS}",
                                        field=name)
                if not isinstance(value, str):
                    raise RuleViolation(f"{name}: expected text", field=name)
                uow.set(row, audit.id, Entity.ITEM, ref, name, value)
            row.updated_at = uow.now()
            uow.session.add(row)
            uow.touch(audit)
            return row
