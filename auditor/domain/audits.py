"""Audits: their header, their checklist snapshot, and the status a lead auditor moves
them through (planned, in progress, closed, reopened with a reason, deleted)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, union
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from .base import Part
from .checklist import Checklist
from .checks import check_day, check_text, check_type
from .errors import RuleViolation
from .models import (
    Audit,
    ChecklistSnapshot,
    DivergingOpinion,
    Evidence,
    Finding,
    ItemResult,
    ItemSample,
    PlanSession,
    SoaEntry,
)
from .trail_replay import planned_header
from .unit import ident
from .vocab import (
    OPEN_STATUSES,
    AuditStatus,
    AuditType,
    Entity,
    FindingStatus,
    LogEvent,
    Result,
    field_label,
)

AUDIT_DAYS = ("planned_start", "planned_end", "actual_start", "actual_end")
EDITABLE = {"title", "type", "scope", "site", "lead_auditor", "team", "planned_start",
            "planned_end", "actual_start", "actual_end", "conclusion", "objectives",
            "criteria"}


@dataclass(frozen=True)
class AuditSummary:
    audit: Audit
    checklist_id: str
    checklist_version: str
    checklist_title: str
    assessed: int
    total: int
    open_findings: int

    @property
    def progress(self) -> float:
        return self.assessed / self.total if self.total else 0.0


def check_dates_in_order(audit: Audit) -> None:
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        first, last = getattr(audit, start), getattr(audit, end)
        if first and last and last < first:
            raise RuleViolation(f"the {field_label(end)} date is before the "
                                f"{field_label(start)} date", field=end)


def _newest_first() -> tuple[Any, Any]:
    return col(Audit.updated_at).desc(), col(Audit.id).desc()


class AuditRegister(Part):
    """The store's part for audits: one unit of work per call."""

    # -- reading ----------------------------------------------------------------------

    def audit(self, audit_id: int) -> Audit:
        with self.core.reading() as uow:
            return uow.audit(audit_id)

    def checklist(self, audit_id: int) -> Checklist:
        return self.core.checklist_for(self.audit(audit_id).snapshot_id)

    def snapshot(self, snapshot_id: int) -> ChecklistSnapshot | None:
        with self.core.reading() as uow:
            return uow.session.get(ChecklistSnapshot, snapshot_id)

    def audits(self) -> list[Audit]:
        with self.core.reading() as uow:
            return list(uow.session.execute(
                select(Audit).order_by(*_newest_first())).scalars())

    def audit_summaries(self) -> list[AuditSummary]:
        """Every audit with its progress and open findings, most recently changed first.

        Three grouped queries whatever the number of audits: the home screen and
        `audits list` cost the same with ten audits or a thousand per row shown."""
        with self.core.reading() as uow:
            session = uow.session
            # An item counts as assessed as it shows (derived.effective_values): a recorded
            # result, or a finding that is not cancelled. UNION keeps each ref once.
            # tests/unit/test_derived.py holds this against the rule.
            shown = union(
                select(ItemResult.audit_id, ItemResult.ref)
                .where(col(ItemResult.result) != Result.NOT_ASSESSED.value),
                select(Finding.audit_id, Finding.ref)
                .where(col(Finding.status) != FindingStatus.CANCELLED.value),
            ).subquery()
            assessed: dict[int, int] = dict(session.execute(
                select(shown.c.audit_id, func.count()).group_by(shown.c.audit_id)).all())
            open_findings: dict[int, int] = dict(session.execute(
                select(Finding.audit_id, func.count())
                .where(col(Finding.status).in_([s.value for s in OPEN_STATUSES]))
                .group_by(col(Finding.audit_id))).all())
            rows = session.execute(
                sa_select(Audit, col(ChecklistSnapshot.checklist_id),
                          col(ChecklistSnapshot.version), col(ChecklistSnapshot.title),
                          col(ChecklistSnapshot.assessable_count))
                .join(ChecklistSnapshot,
                      col(ChecklistSnapshot.id) == col(Audit.snapshot_id))
                .order_by(*_newest_first())
            ).all()
        return [
            AuditSummary(audit=audit, checklist_id=checklist_id, checklist_version=version,
                         checklist_title=title, assessed=assessed.get(ident(audit), 0),
                         total=total, open_findings=open_findings.get(ident(audit), 0))
            for audit, checklist_id, version, title, total in rows
        ]

    # -- writing ----------------------------------------------------------------------

    def create_audit(
        self,
        checklist: Checklist,
        *,
        title: str,
        auditee: str,
        type: str = AuditType.INTERNAL.value,
        scope: str = "",
        site: str = "",
        lead_auditor: str = "",
        team: str = "",
        planned_start: date | None = None,
        planned_end: date | None = None,
        previous_id: int | None = None,
        objectives: str = "",
        criteria: str | None = None,
    ) -> Audit:
        """`criteria` not given (None) are the checklist's standard."""
        if not title.strip():
            raise RuleViolation("an audit needs a title", field="title")
        # As stored (base._without_nul): the follow-up check below compares with a stored
        # auditee, which never holds a NUL.
        auditee = check_text("auditee", auditee).replace("\x00", "")
        if not auditee.strip():
            raise RuleViolation("an audit needs an auditee (the organisation audited)",
                                field="auditee")
        kind = check_type(type)
        objectives = check_text("objectives", objectives)
        criteria = checklist.standard if criteria is None else check_text("criteria", criteria)
        planned_start = check_day("planned_start", planned_start)
        planned_end = check_day("planned_end", planned_end)
        if planned_start and planned_end and planned_end < planned_start:
            raise RuleViolation("the planned end date is before the planned start date",
                                field="planned_end")
        with self.core.writing() as uow:
            if previous_id is not None:
                previous = uow.audit(previous_id)
                if previous.auditee.strip().casefold() != auditee.strip().casefold():
                    raise RuleViolation(
                        f"audit {previous_id} is of {previous.auditee!r}, not {auditee!r}: "
                        "a follow-up audit must be of the same auditee", field="previous_id"
                    )
            now = self.core.now()
            audit = Audit(
                title=title.strip(), type=kind.value, auditee=auditee.strip(), scope=scope,
                site=site, lead_auditor=lead_auditor, team=team,
                planned_start=planned_start, planned_end=planned_end,
                objectives=objectives, criteria=criteria,
                status=AuditStatus.PLANNED.value, previous_id=previous_id,
                snapshot_id=self.core.snapshot_id(uow, checklist),
                created_at=now, updated_at=now,
            )
            uow.session.add(audit)
            uow.session.flush()
            uow.record(audit.id, Entity.AUDIT, audit.id, LogEvent.CREATED, None, audit.title)
            # The whole planned header in one entry, so that `audits verify` can hold every
            # header field against the log, also those never changed afterwards.
            uow.record(audit.id, Entity.AUDIT, audit.id, LogEvent.PLANNED, None,
                       json.dumps(planned_header(audit), ensure_ascii=False, sort_keys=True))
            return audit

    def update_audit(self, audit_id: int, fields: dict[str, Any]) -> Audit:
        with self.core.writing() as uow:
            audit = uow.open_audit(audit_id)
            for name, value in fields.items():
                if name not in EDITABLE:
                    raise RuleViolation(f"audit field {name!r} cannot be changed here",
                                        field=name)
                if name == "type":
                    value = check_type(value).value
                elif name in AUDIT_DAYS:
                    value = check_day(name, value)
                elif name == "title" and (value is None or not str(value).strip()):
                    raise RuleViolation("an audit needs a title", field="title")
                elif not isinstance(value, str):
                    raise RuleViolation(f"{name}: expected text, got {type(value).__name__}",
                                        field=name)
                uow.set(audit, audit.id, Entity.AUDIT, audit.id, name, value)
            check_dates_in_order(audit)
            audit.updated_at = self.core.now()
            uow.session.add(audit)
            return audit

    def close_audit(self, audit_id: int, conclusion: str | None = None) -> Audit:
        with self.core.writing() as uow:
            audit = uow.open_audit(audit_id)
            if conclusion is not None:
                uow.set(audit, audit.id, Entity.AUDIT, audit.id, "conclusion", conclusion)
            now = self.core.now()
            if audit.actual_end is None:
                uow.set(audit, audit.id, Entity.AUDIT, audit.id, "actual_end", now.date())
            uow.set(audit, audit.id, Entity.AUDIT, audit.id, "status",
                    AuditStatus.CLOSED.value)
            # The seal: the chain hash of the entry just written, the one that closed it.
            # It covers every entry before it, of every audit; the auditee's follow-up
            # entries after it leave it standing (change_trail.seal_check).
            audit.seal = uow.log.chain_head()
            audit.closed_at = now
            audit.updated_at = now
            uow.session.add(audit)
            return audit

    def reopen_audit(self, audit_id: int, reason: str) -> Audit:
        if not reason or not reason.strip():
            raise RuleViolation("reopening a closed audit needs a reason; it goes in the log",
                                field="reason")
        with self.core.writing() as uow:
            audit = uow.audit(audit_id)
            if audit.status != AuditStatus.CLOSED:
                raise RuleViolation(f"audit {audit_id} is not closed", field="status")
            uow.record(audit.id, Entity.AUDIT, audit.id, LogEvent.REOPEN_REASON, None, reason)
            uow.set(audit, audit.id, Entity.AUDIT, audit.id, "status",
                    AuditStatus.IN_PROGRESS.value)
            audit.closed_at = None
            audit.seal = None  # the next close seals again; the old seal still verifies
            audit.updated_at = self.core.now()
            uow.session.add(audit)
            return audit

    def delete_audit(self, audit_id: int, *, closed_confirmed: bool = False) -> None:
        """Delete an audit and its records; a closed audit needs `closed_confirmed`.
        The change log keeps the deletion (entries are never removed)."""
        with self.core.writing() as uow:
            session = uow.session
            audit = uow.audit(audit_id)
            if audit.status == AuditStatus.CLOSED and not closed_confirmed:
                raise RuleViolation(f"audit {audit_id} is closed; confirm twice to delete it")
            for follower in session.execute(
                select(Audit).where(col(Audit.previous_id) == audit_id)
            ).scalars().all():
                uow.set(follower, follower.id, Entity.AUDIT, follower.id, "previous_id", None)
                session.add(follower)
            session.flush()
            for model in (Evidence, Finding, ItemResult, ItemSample, PlanSession, SoaEntry,
                          DivergingOpinion):
                for row in session.execute(
                    select(model).where(col(model.audit_id) == audit_id)
                ).scalars():
                    session.delete(row)
            session.flush()
            uow.record(audit_id, Entity.AUDIT, audit_id, LogEvent.DELETED, audit.title, None)
            session.delete(audit)
