"""The one store API that every caller uses: audits, item results, findings, evidence.

The store enforces the rules (vocabularies, statements, the closed-audit lock, status
transitions); callers only ask. Build one with `Store.open(url, evidence_dir, actor)`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, union
from sqlmodel import Session

from .checklist import Checklist
from .db import backup_sqlite, migrate, open_engine, restore_sqlite, sqlite_path
from .errors import AuditorError, RuleViolation
from .evidence import EvidenceMixin
from .findings import FindingsMixin
from .models import Audit, ChangeLog, ChecklistSnapshot, Evidence, Finding, ItemResult
from .surveillance import SurveillanceMixin, load_results
from .text import parse_day
from .trail import first_break
from .trail_replay import planned_header, record_mismatches
from .vocab import (
    OPEN_STATUSES,
    RESULTS_WITH_FINDING,
    AuditStatus,
    AuditType,
    Entity,
    FindingStatus,
    Grade,
    LogEvent,
    Result,
    check_choice,
    field_label,
)

TEXT_FIELDS = ("notes", "interviewees", "documents")


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


def check_result(result: str) -> Result:
    return check_choice(Result, result, "result")


def check_type(kind: str) -> AuditType:
    return check_choice(AuditType, kind, "audit type")


AUDIT_DAYS = ("planned_start", "planned_end", "actual_start", "actual_end")


def check_day(name: str, value: Any) -> date | None:
    """A date given as a date or as YYYY-MM-DD text (text.parse_day), as a rule."""
    try:
        return parse_day(value)
    except ValueError as exc:
        raise RuleViolation(f"{name}: {exc}", field=name) from None


def check_dates_in_order(audit: Audit) -> None:
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        first, last = getattr(audit, start), getattr(audit, end)
        if first and last and last < first:
            raise RuleViolation(f"the {field_label(end)} date is before the "
                                f"{field_label(start)} date", field=end)


class Store(FindingsMixin, EvidenceMixin, SurveillanceMixin):
    @classmethod
    def open(cls, url: str, evidence_dir: Path, actor: str, clock=None, *,
             busy_timeout_ms: int | None = None) -> Store:
        """`busy_timeout_ms`: how long a write waits for another program's lock (the
        TUI's is short: it keeps what was typed and tries again rather than freeze)."""
        engine = (open_engine(url) if busy_timeout_ms is None
                  else open_engine(url, busy_timeout_ms=busy_timeout_ms))
        if clock is None:
            return cls(engine, evidence_dir, actor)
        return cls(engine, evidence_dir, actor, clock)

    @property
    def database_path(self) -> Path | None:
        return sqlite_path(str(self.engine.url))

    # -- audits -------------------------------------------------------------------------

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
    ) -> Audit:
        if not title.strip():
            raise RuleViolation("an audit needs a title", field="title")
        if not auditee.strip():
            raise RuleViolation("an audit needs an auditee (the organisation audited)",
                                field="auditee")
        kind = check_type(type)
        planned_start = check_day("planned_start", planned_start)
        planned_end = check_day("planned_end", planned_end)
        if planned_start and planned_end and planned_end < planned_start:
            raise RuleViolation("the planned end date is before the planned start date",
                                field="planned_end")
        with self.writing() as session:
            if previous_id is not None:
                previous = self._audit(session, previous_id)
                if previous.auditee.strip().casefold() != auditee.strip().casefold():
                    raise RuleViolation(
                        f"audit {previous_id} is of {previous.auditee!r}, not {auditee!r}: "
                        "a follow-up audit must be of the same auditee", field="previous_id"
                    )
            now = self.now()
            audit = Audit(
                title=title.strip(),
                type=kind.value,
                auditee=auditee.strip(),
                scope=scope,
                site=site,
                lead_auditor=lead_auditor,
                team=team,
                planned_start=planned_start,
                planned_end=planned_end,
                status=AuditStatus.PLANNED.value,
                previous_id=previous_id,
                snapshot_id=self._snapshot_id(session, checklist),
                created_at=now,
                updated_at=now,
            )
            session.add(audit)
            session.flush()
            self._log(session, audit.id, Entity.AUDIT, audit.id, LogEvent.CREATED, None,
                      audit.title)
            # The whole planned header in one entry, so that `audits verify` can hold every
            # header field against the log, also those never changed afterwards.
            self._log(session, audit.id, Entity.AUDIT, audit.id, LogEvent.PLANNED, None,
                      json.dumps(planned_header(audit), ensure_ascii=False, sort_keys=True))
            return audit

    def audit(self, audit_id: int) -> Audit:
        with self.reading() as session:
            return self._audit(session, audit_id)

    def checklist(self, audit_id: int) -> Checklist:
        return self.checklist_for(self.audit(audit_id).snapshot_id)

    def snapshot(self, snapshot_id: int) -> ChecklistSnapshot:
        with self.reading() as session:
            return session.get(ChecklistSnapshot, snapshot_id)

    def audits(self) -> list[Audit]:
        with self.reading() as session:
            return list(
                session.execute(
                    select(Audit).order_by(Audit.updated_at.desc(), Audit.id.desc())
                ).scalars()
            )

    def audit_summaries(self) -> list[AuditSummary]:
        """Every audit with its progress and open findings, most recently changed first.

        Three grouped queries whatever the number of audits: the home screen and
        `audits list` cost the same with ten audits or a thousand per row shown."""
        with self.reading() as session:
            # An item counts as assessed as it shows (derived.effective_values): a recorded
            # result, or a finding that is not cancelled. UNION keeps each ref once.
            # tests/unit/test_derived.py holds this against the rule.
            shown = union(
                select(ItemResult.audit_id, ItemResult.ref)
                .where(ItemResult.result != Result.NOT_ASSESSED.value),
                select(Finding.audit_id, Finding.ref)
                .where(Finding.status != FindingStatus.CANCELLED.value),
            ).subquery()
            assessed = dict(
                session.execute(
                    select(shown.c.audit_id, func.count()).group_by(shown.c.audit_id)
                ).all()
            )
            open_findings = dict(
                session.execute(
                    select(Finding.audit_id, func.count())
                    .where(Finding.status.in_([s.value for s in OPEN_STATUSES]))
                    .group_by(Finding.audit_id)
                ).all()
            )
            rows = session.execute(
                select(Audit, ChecklistSnapshot.checklist_id, ChecklistSnapshot.version,
                       ChecklistSnapshot.title, ChecklistSnapshot.assessable_count)
                .join(ChecklistSnapshot, ChecklistSnapshot.id == Audit.snapshot_id)
                .order_by(Audit.updated_at.desc(), Audit.id.desc())
            ).all()
        return [
            AuditSummary(
                audit=audit,
                checklist_id=checklist_id,
                checklist_version=version,
                checklist_title=title,
                assessed=assessed.get(audit.id, 0),
                total=total,
                open_findings=open_findings.get(audit.id, 0),
            )
            for audit, checklist_id, version, title, total in rows
        ]

    def update_audit(self, audit_id: int, fields: dict[str, Any]) -> Audit:
        editable = {"title", "type", "scope", "site", "lead_auditor", "team", "planned_start",
                    "planned_end", "actual_start", "actual_end", "conclusion"}
        with self.writing() as session:
            audit = self._open_audit(session, audit_id)
            for name, value in fields.items():
                if name not in editable:
                    raise RuleViolation(f"audit field {name!r} cannot be changed here")
                if name == "type":
                    value = check_type(value).value
                elif name in AUDIT_DAYS:
                    value = check_day(name, value)
                elif name == "title" and (value is None or not str(value).strip()):
                    raise RuleViolation("an audit needs a title", field="title")
                elif not isinstance(value, str):
                    raise RuleViolation(f"{name}: expected text, got {type(value).__name__}",
                                        field=name)
                self._set(session, audit, audit.id, Entity.AUDIT, audit.id, name, value)
            check_dates_in_order(audit)
            audit.updated_at = self.now()
            session.add(audit)
            return audit

    def close_audit(self, audit_id: int, conclusion: str | None = None) -> Audit:
        with self.writing() as session:
            audit = self._open_audit(session, audit_id)
            if conclusion is not None:
                self._set(session, audit, audit.id, Entity.AUDIT, audit.id, "conclusion",
                          conclusion)
            now = self.now()
            if audit.actual_end is None:
                self._set(session, audit, audit.id, Entity.AUDIT, audit.id, "actual_end",
                          now.date())
            self._set(session, audit, audit.id, Entity.AUDIT, audit.id, "status",
                      AuditStatus.CLOSED.value)
            audit.closed_at = now
            audit.updated_at = now
            session.add(audit)
            return audit

    def reopen_audit(self, audit_id: int, reason: str) -> Audit:
        if not reason or not reason.strip():
            raise RuleViolation("reopening a closed audit needs a reason; it goes in the log",
                                field="reason")
        with self.writing() as session:
            audit = self._audit(session, audit_id)
            if audit.status != AuditStatus.CLOSED:
                raise RuleViolation(f"audit {audit_id} is not closed")
            self._log(session, audit.id, Entity.AUDIT, audit.id, LogEvent.REOPEN_REASON, None,
                      reason)
            self._set(session, audit, audit.id, Entity.AUDIT, audit.id, "status",
                      AuditStatus.IN_PROGRESS.value)
            audit.closed_at = None
            audit.updated_at = self.now()
            session.add(audit)
            return audit

    def delete_audit(self, audit_id: int, *, closed_confirmed: bool = False) -> None:
        """Delete an audit and its records; a closed audit needs `closed_confirmed`.
        The change log keeps the deletion (entries are never removed)."""
        with self.writing() as session:
            audit = self._audit(session, audit_id)
            if audit.status == AuditStatus.CLOSED and not closed_confirmed:
                raise RuleViolation(f"audit {audit_id} is closed; confirm twice to delete it")
            followers = session.execute(
                select(Audit).where(Audit.previous_id == audit_id)
            ).scalars().all()
            for follower in followers:
                self._set(session, follower, follower.id, Entity.AUDIT, follower.id,
                          "previous_id", None)
                session.add(follower)
            session.flush()
            for model in (Evidence, Finding, ItemResult):
                for row in session.execute(
                    select(model).where(model.audit_id == audit_id)
                ).scalars():
                    session.delete(row)
            session.flush()
            self._log(session, audit_id, Entity.AUDIT, audit_id, LogEvent.DELETED, audit.title,
                      None)
            session.delete(audit)

    # -- item results -------------------------------------------------------------------

    def _require_ref(self, audit: Audit, ref: str) -> None:
        item = self.checklist_for(audit.snapshot_id).item(ref)
        if item is None:
            raise RuleViolation(f"item {ref!r} is not in this audit's checklist")
        if not item.assessable:
            raise RuleViolation(f"item {ref!r} is a group heading; record on its items")

    def results(self, audit_id: int) -> dict[str, ItemResult]:
        with self.reading() as session:
            self._audit(session, audit_id)
            rows = session.execute(
                select(ItemResult).where(ItemResult.audit_id == audit_id)
            ).scalars()
            return {r.ref: r for r in rows}

    def _item_row(self, session: Session, audit: Audit, ref: str) -> ItemResult:
        self._require_ref(audit, ref)
        row = session.execute(
            select(ItemResult).where(ItemResult.audit_id == audit.id, ItemResult.ref == ref)
        ).scalar()
        if row is None:
            row = ItemResult(audit_id=audit.id, ref=ref, updated_at=self.now())
            session.add(row)
        return row

    def record_result(
        self,
        audit_id: int,
        ref: str,
        result: str,
        *,
        statement: str = "",
        note: str | None = None,
        files: Iterable[Path] = (),
        **finding_fields: str,
    ) -> tuple[ItemResult, Finding | None]:
        """Record a result; `major`, `minor`, `observation` and `ofi` raise a finding.

        Evidence files are copied in first, so a missing file records nothing. Back to
        `not_assessed` cancels the item's findings that nobody has answered yet.
        """
        value = check_result(result)
        files = list(files)
        if files:  # a closed audit refuses before anything is copied into the evidence folder
            with self.reading() as session:
                self._open_audit(session, audit_id)
        staged = [self.stage_file(Path(f)) for f in files]
        with self.writing() as session:
            audit = self._open_audit(session, audit_id)
            row = self._item_row(session, audit, ref)
            self._set(session, row, audit.id, Entity.ITEM, ref, "result", value.value)
            finding = None
            if value in RESULTS_WITH_FINDING:
                finding = self._reuse_blank_finding(session, audit, ref, value)
                if finding is None:
                    finding = self._raise_finding(session, audit, ref, value.value,
                                                  statement=statement, **finding_fields)
                elif statement or any(finding_fields.values()):
                    # The text typed for it fills the blank finding instead of being dropped.
                    typed = {"statement": statement, **finding_fields}
                    self._apply_fields(session, finding,
                                       {k: v for k, v in typed.items() if v},
                                       by_auditee=False)
            elif value == Result.NOT_ASSESSED:
                self._cancel_unanswered(session, audit, ref)
            if note:
                joined = f"{row.notes}\n{note}" if row.notes else note
                self._set(session, row, audit.id, Entity.ITEM, ref, "notes", joined)
            for stored in staged:
                self._add_evidence(session, audit, ref=ref, finding=finding, kind="file",
                                   stored=stored)
            row.updated_at = self.now()
            session.add(row)
            self._touch(session, audit)
            return row, finding

    def _reuse_blank_finding(self, session, audit, ref, value) -> Finding | None:
        """Pressing `o` twice raises one observation, not two."""
        if value not in (Result.OBSERVATION, Result.OFI):
            return None
        return session.execute(
            select(Finding).where(
                Finding.audit_id == audit.id, Finding.ref == ref,
                Finding.grade == value.value, Finding.statement == "",
                Finding.status == FindingStatus.OPEN.value,
            )
        ).scalar()

    def _cancel_unanswered(self, session: Session, audit: Audit, ref: str) -> None:
        for finding in session.execute(
            select(Finding).where(
                Finding.audit_id == audit.id, Finding.ref == ref,
                Finding.status == FindingStatus.OPEN.value,
                Finding.root_cause == "", Finding.corrective_action == "",
            )
        ).scalars():
            self._move(session, finding, FindingStatus.CANCELLED.value, note="result cleared",
                       by_auditee=False)

    def set_item_text(self, audit_id: int, ref: str, **fields: str) -> ItemResult:
        """Notes, interviewees, documents seen: the autosave path, one commit per call."""
        with self.writing() as session:
            audit = self._open_audit(session, audit_id)
            row = self._item_row(session, audit, ref)
            for name, value in fields.items():
                if name not in TEXT_FIELDS:
                    raise RuleViolation(f"item field {name!r} is not one of {TEXT_FIELDS}")
                if not isinstance(value, str):
                    raise RuleViolation(f"{name}: expected text")
                self._set(session, row, audit.id, Entity.ITEM, ref, name, value)
            row.updated_at = self.now()
            session.add(row)
            self._touch(session, audit)
            return row

    def effective_results(self, audit_id: int) -> dict[str, Result]:
        """Each item's effective result (domain/derived.py)."""
        with self.reading() as session:
            self._audit(session, audit_id)
            return load_results(session, [audit_id])[audit_id]

    # -- trail, backup ------------------------------------------------------------------

    def history(self, *, audit_id: int | None = None, entity: str | None = None,
                entity_id: str | None = None) -> list[ChangeLog]:
        with self.reading() as session:
            query = select(ChangeLog).order_by(ChangeLog.id)
            if audit_id is not None:
                query = query.where(ChangeLog.audit_id == audit_id)
            if entity is not None:
                query = query.where(ChangeLog.entity == entity)
            if entity_id is not None:
                query = query.where(ChangeLog.entity_id == str(entity_id))
            return list(session.execute(query).scalars())

    def verify_trail(self):
        """The first change-log entry whose hash chain breaks, or None."""
        with self.reading() as session:
            rows = session.execute(select(ChangeLog).order_by(ChangeLog.id)).scalars()
            return first_break(rows)

    def verify_audit(self, audit_id: int) -> dict[str, Any]:
        """Recompute the change log's hash chain and the audit's evidence files' SHA-256;
        report the first entry and every file that does not match."""
        from .evidence import file_sha256

        self.audit(audit_id)
        problems: list[str] = []
        broken = self.verify_trail()
        if broken is not None:
            problems.append(f"change log entry {broken.entry_id}: {broken.reason}; "
                            "the log was altered at or after this entry")
        files = 0
        for item in self.evidence(audit_id):
            path = self.evidence_path(item)
            if path is None:
                continue
            files += 1
            label = item.original_name or item.sha256
            if not path.is_file():
                problems.append(f"evidence file {label} ({item.sha256[:12]}) is missing from "
                                f"{self.evidence_dir}")
            elif file_sha256(path) != item.sha256:
                problems.append(f"evidence file {label} ({item.sha256[:12]}) does not match "
                                "its SHA-256: it was changed after it was attached")
        with self.reading() as session:
            entries = session.execute(
                select(func.count()).select_from(ChangeLog)
                .where(ChangeLog.audit_id == audit_id)
            ).scalar()
            if broken is None:  # a broken chain is the first problem; replaying it adds noise
                problems.extend(record_mismatches(session, audit_id))
        return {"audit": audit_id, "entries": entries, "files": files, "problems": problems}

    def backup(self, target: Path) -> Path:
        path = self.database_path
        if path is None:
            raise AuditorError("backup works on SQLite database files only")
        return backup_sqlite(path, Path(target))

    def restore(self, backup: Path) -> None:
        path = self.database_path
        if path is None:
            raise AuditorError("restore works on SQLite database files only")
        self.engine.dispose()
        restore_sqlite(Path(backup), path)
        self._checklists.clear()
        # A backup made by an older auditor is brought to the current schema at once, so
        # the store goes on working on the restored data.
        migrate(self.engine, path)


__all__ = ["Grade", "Result", "Store"]
