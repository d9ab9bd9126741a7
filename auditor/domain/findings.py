"""Findings: human ids, the NCR fields, the status lifecycle and repeat detection."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from .base import StoreBase
from .errors import AuditLocked, NotFound, RuleViolation
from .models import Audit, Finding, FindingCounter
from .vocab import (
    AUDITEE_STATUSES,
    GRADE_PREFIX,
    NONCONFORMITY_GRADES,
    AuditStatus,
    Entity,
    FindingStatus,
    Grade,
    LogEvent,
    allowed_moves,
    check_choice,
)

AUDITOR_FIELDS = ("grade", "statement", "requirement", "objective_evidence", "process_area")
AUDITEE_FIELDS = (
    "root_cause",
    "correction",
    "corrective_action",
    "owner",
    "due_date",
    "auditee_comment",
)
VERIFICATION_FIELDS = ("verified_by", "verified_on", "verification_note")


def check_grade(grade: str) -> Grade:
    return check_choice(Grade, grade, "grade")


def check_status(status: str) -> FindingStatus:
    return check_choice(FindingStatus, status, "status")


def _check_field_value(name: str, value: Any) -> Any:
    if name in ("due_date", "verified_on"):
        if value is None or isinstance(value, date):
            return value
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                raise RuleViolation(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None
        raise RuleViolation(f"{name}: {value!r} is not a date (YYYY-MM-DD)")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RuleViolation(f"{name}: expected text, got {type(value).__name__}")
    return value


class FindingsMixin(StoreBase):
    # -- reading ----------------------------------------------------------------------

    def finding(self, code: str) -> Finding:
        with self.reading() as session:
            return self._finding(session, code)

    def findings(self, audit_id: int, codes: Iterable[str] | None = None) -> list[Finding]:
        """The audit's findings in id order; with `codes`, only those of them that are in
        this audit (the follow-up import reads only the findings whose cells changed)."""
        with self.reading() as session:
            self._audit(session, audit_id)
            query = select(Finding).where(Finding.audit_id == audit_id).order_by(Finding.id)
            if codes is None:
                return list(session.execute(query).scalars())
            wanted = list(dict.fromkeys(codes))
            found: list[Finding] = []
            for start in range(0, len(wanted), 500):  # well below SQLite's variable limit
                found.extend(session.execute(
                    query.where(Finding.code.in_(wanted[start:start + 500]))).scalars())
            return sorted(found, key=lambda f: f.id)

    def previous_open_findings(self, audit_id: int) -> list[Finding]:
        """The previous audit's findings that still need verifying (not closed or
        cancelled): what a surveillance audit puts in front of the auditor."""
        with self.reading() as session:
            audit = self._audit(session, audit_id)
            if audit.previous_id is None:
                return []
            return list(
                session.execute(
                    select(Finding)
                    .where(
                        Finding.audit_id == audit.previous_id,
                        Finding.status.not_in(
                            [FindingStatus.CLOSED.value, FindingStatus.CANCELLED.value]
                        ),
                    )
                    .order_by(Finding.id)
                ).scalars()
            )

    def _finding(self, session: Session, code: str) -> Finding:
        found = session.execute(select(Finding).where(Finding.code == code)).scalar()
        if found is None:
            raise NotFound(f"finding {code}: no such finding; `auditor audits show` lists them")
        return found

    # -- raising ------------------------------------------------------------------------

    def _next_code(self, session: Session, grade: Grade) -> str:
        prefix = GRADE_PREFIX[grade]
        year = self.now().year
        counter = session.get(FindingCounter, (prefix, year))
        if counter is None:
            counter = FindingCounter(prefix=prefix, year=year, last=0)
        counter.last += 1
        session.add(counter)
        return f"{prefix}-{year}-{counter.last:03d}"

    def _raise_finding(
        self,
        session: Session,
        audit: Audit,
        ref: str,
        grade: str,
        *,
        statement: str = "",
        requirement: str = "",
        objective_evidence: str = "",
        process_area: str = "",
    ) -> Finding:
        g = check_grade(grade)
        if g in NONCONFORMITY_GRADES and not (statement or "").strip():
            raise RuleViolation(
                f"a {g.value} nonconformity needs a statement: say what was found against "
                "which requirement"
            )
        self._require_ref(audit, ref)
        now = self.now()
        finding = Finding(
            code=self._next_code(session, g),
            audit_id=audit.id,
            ref=ref,
            grade=g.value,
            statement=statement or "",
            requirement=requirement or "",
            objective_evidence=objective_evidence or "",
            process_area=process_area or "",
            status=FindingStatus.OPEN.value,
            created_at=now,
            updated_at=now,
        )
        if g in NONCONFORMITY_GRADES:
            finding.repeat_of = self._repeat_source(session, audit, ref)
        session.add(finding)
        session.flush()
        self._log(session, audit.id, Entity.FINDING, finding.code, LogEvent.CREATED, None, g.value)
        for name in ("statement", "requirement", "objective_evidence", "process_area",
                     "repeat_of"):
            value = getattr(finding, name)
            if value:
                self._log(session, audit.id, Entity.FINDING, finding.code, name, None, value)
        return finding

    def raise_finding(self, audit_id: int, ref: str, grade: str, **fields: str) -> Finding:
        """A new finding on an item; the item shows the most severe grade among its findings."""
        with self.writing() as session:
            audit = self._open_audit(session, audit_id)
            finding = self._raise_finding(session, audit, ref, grade, **fields)
            self._touch(session, audit)
            return finding

    def repeat_candidate(self, audit_id: int, ref: str) -> Finding | None:
        """The earlier nonconformity a new minor or major finding on `ref` would repeat."""
        with self.reading() as session:
            audit = self._audit(session, audit_id)
            code = self._repeat_source(session, audit, ref)
            return self._finding(session, code) if code else None

    def _repeat_source(self, session: Session, audit: Audit, ref: str) -> str | None:
        """Walk the chain of previous audits of the same auditee, nearest first."""
        seen = {audit.id}
        previous_id = audit.previous_id
        while previous_id is not None and previous_id not in seen:
            seen.add(previous_id)
            previous = session.get(Audit, previous_id)
            if previous is None or previous.auditee != audit.auditee:
                return None
            code = session.execute(
                select(Finding.code)
                .where(
                    Finding.audit_id == previous.id,
                    Finding.ref == ref,
                    Finding.grade.in_([g.value for g in NONCONFORMITY_GRADES]),
                    Finding.status != FindingStatus.CANCELLED.value,
                )
                .order_by(Finding.id.desc())
            ).scalar()
            if code:
                return code
            previous_id = previous.previous_id
        return None

    # -- editing ------------------------------------------------------------------------

    def update_finding(
        self, code: str, fields: Mapping[str, Any], *, by_auditee: bool = False
    ) -> Finding:
        """Change a finding's fields. The auditee may change only their own fields; a
        closed audit's findings accept only the auditee's and the verification fields."""
        with self.writing() as session:
            finding = self._finding(session, code)
            self._apply_fields(session, finding, fields, by_auditee=by_auditee)
            return finding

    def set_finding_status(
        self, code: str, status: str, *, note: str = "", by_auditee: bool = False
    ) -> Finding:
        with self.writing() as session:
            finding = self._finding(session, code)
            self._move(session, finding, status, note=note, by_auditee=by_auditee)
            return finding

    def _apply_fields(
        self, session: Session, finding: Finding, fields: Mapping[str, Any], *, by_auditee: bool
    ) -> None:
        audit = self._audit(session, finding.audit_id)
        allowed = set(AUDITEE_FIELDS)
        if not by_auditee:
            allowed |= set(VERIFICATION_FIELDS)
            if audit.status != AuditStatus.CLOSED:
                allowed |= set(AUDITOR_FIELDS)
        for name, value in fields.items():
            if name not in allowed:
                if name in AUDITOR_FIELDS and audit.status == AuditStatus.CLOSED:
                    raise RuleViolation(
                        f"{finding.code}: {name} cannot change, audit {audit.id} is closed"
                    )
                raise RuleViolation(f"{finding.code}: {name} is not a field you may change")
            if name == "grade":
                grade = check_grade(value)
                if grade in NONCONFORMITY_GRADES and not (
                    fields.get("statement", finding.statement) or ""
                ).strip():
                    raise RuleViolation(f"{finding.code}: a {grade.value} needs a statement")
                value = grade.value
            elif name == "statement":
                value = _check_field_value(name, value)
                if check_grade(fields.get("grade", finding.grade)) in NONCONFORMITY_GRADES and \
                        not value.strip():
                    raise RuleViolation(f"{finding.code}: a nonconformity needs a statement")
            else:
                value = _check_field_value(name, value)
            self._set(session, finding, audit.id, Entity.FINDING, finding.code, name, value)
        finding.updated_at = self.now()
        session.add(finding)

    def _move(
        self, session: Session, finding: Finding, status: str, *, note: str, by_auditee: bool
    ) -> None:
        target = check_status(status)
        if by_auditee and target not in AUDITEE_STATUSES:
            raise RuleViolation(
                f"{finding.code}: the auditee may set only responded or implemented, "
                f"not {target.value}"
            )
        moves = allowed_moves(finding.status, finding.grade, by_auditee=by_auditee)
        if target.value == finding.status:
            return
        if target not in moves:
            options = ", ".join(sorted(m.value for m in moves)) or "none"
            raise RuleViolation(
                f"{finding.code}: cannot go from {finding.status} to {target.value} "
                f"(allowed: {options})"
            )
        if FindingStatus.CANCELLED in (target, finding.status):
            # Cancelling (or reviving) a finding changes what the audit found: not a
            # follow-up or verification step, so a closed audit refuses it.
            audit = session.get(Audit, finding.audit_id)
            if audit is not None and audit.status == AuditStatus.CLOSED:
                raise AuditLocked(
                    f"{finding.code}: audit {audit.id} is closed; `auditor audits reopen "
                    f"{audit.id} --reason ...` before moving it to or from cancelled"
                )
        if target == FindingStatus.RESPONDED and finding.grade in NONCONFORMITY_GRADES:
            if not finding.root_cause.strip() or not finding.corrective_action.strip():
                raise RuleViolation(
                    f"{finding.code}: responded needs a root cause and a corrective action"
                )
        now = self.now()
        audit_id = finding.audit_id
        self._set(session, finding, audit_id, Entity.FINDING, finding.code, "status", target.value)
        if target != FindingStatus.OPEN:  # no `open_at`: created_at says when it opened
            setattr(finding, f"{target.value}_at", now)
        if target in (FindingStatus.CLOSED, FindingStatus.NOT_EFFECTIVE) and not by_auditee:
            self._set(session, finding, audit_id, Entity.FINDING, finding.code, "verified_by",
                      self.actor)
            self._set(session, finding, audit_id, Entity.FINDING, finding.code, "verified_on",
                      now.date())
            if note:
                self._set(session, finding, audit_id, Entity.FINDING, finding.code,
                          "verification_note", note)
        elif note:
            self._log(session, audit_id, Entity.FINDING, finding.code, LogEvent.NOTE, None, note)
        finding.updated_at = now
        session.add(finding)

    def apply_auditee_changes(
        self, audit_id: int, changes: Mapping[str, Mapping[str, Any]]
    ) -> list[Finding]:
        """The follow-up import: every finding's auditee fields (and `status`) in one
        transaction; any refused change leaves the whole database as it was."""
        with self.writing() as session:
            audit = self._audit(session, audit_id)  # held: one load, not one per finding
            changed = []
            for code, fields in changes.items():
                finding = self._finding(session, code)
                if finding.audit_id != audit.id:
                    raise RuleViolation(f"finding {code} belongs to audit {finding.audit_id}")
                plain = {k: v for k, v in fields.items() if k != "status"}
                self._apply_fields(session, finding, plain, by_auditee=True)
                if fields.get("status"):
                    self._move(session, finding, fields["status"], note="", by_auditee=True)
                changed.append(finding)
            return changed

    def check_auditee_changes(
        self, audit_id: int, changes: Mapping[str, Mapping[str, Any]]
    ) -> list[tuple[str, str, str]]:
        """Try the follow-up import's changes and keep none of them: every change the
        store would refuse, as (finding code, field, reason), so a review can point at
        the cell. Runs on a read transaction with autoflush off: nothing is written."""
        problems: list[tuple[str, str, str]] = []
        with self.reading() as session, session.no_autoflush:
            session.info["trial"] = True  # no change-log entries for what is not kept
            try:
                # Held here so the session's identity map keeps them for every lookup.
                audit = self._audit(session, audit_id)
                codes = list(changes)
                mine = {f.code: f for start in range(0, len(codes), 500)
                        for f in session.execute(select(Finding).where(
                            Finding.audit_id == audit.id,
                            Finding.code.in_(codes[start:start + 500]))).scalars()}
                for code, fields in changes.items():
                    finding = mine.get(code) or self._finding(session, code)
                    if finding.audit_id != audit_id:
                        problems.append((code, "", f"finding {code} belongs to audit "
                                                   f"{finding.audit_id}"))
                        continue
                    plain = {k: v for k, v in fields.items() if k != "status"}
                    try:
                        self._apply_fields(session, finding, plain, by_auditee=True)
                    except RuleViolation:
                        for name, value in plain.items():  # which field: one at a time
                            try:
                                self._apply_fields(session, finding, {name: value},
                                                   by_auditee=True)
                            except RuleViolation as exc:
                                problems.append((code, name, str(exc)))
                    if fields.get("status"):
                        try:
                            self._move(session, finding, fields["status"], note="",
                                       by_auditee=True)
                        except RuleViolation as exc:
                            problems.append((code, "status", str(exc)))
            finally:
                session.rollback()
        return problems
