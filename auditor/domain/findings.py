"""Findings: human ids, the NCR fields, the status lifecycle and repeat detection.

The functions take the caller's unit of work, so that recording a result, verifying a
previous finding and the follow-up import raise and move findings inside their own
transaction; `FindingRegister` is the part of the store that opens one per call."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlmodel import col, select

from .base import Part
from .checks import check_day, check_grade, check_status, check_text
from .errors import AuditLocked, RuleViolation
from .identity import block_code
from .models import Audit, Finding, FindingCounter
from .unit import UnitOfWork, ident
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
    field_label,
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
DAY_FIELDS = ("due_date", "verified_on")
NONCONFORMITY_VALUES = [g.value for g in NONCONFORMITY_GRADES]
FINAL_FOR_AUDITEE = (FindingStatus.CLOSED.value, FindingStatus.CANCELLED.value)


def _check_field_value(name: str, value: Any) -> Any:
    return check_day(name, value) if name in DAY_FIELDS else check_text(name, value)


# -- raising --------------------------------------------------------------------------


def next_code(uow: UnitOfWork, grade: Grade, audit: Audit | None = None) -> str:
    prefix = GRADE_PREFIX[grade]
    if audit is not None:
        # A team member's copy of an audit numbers from the block its lead handed it.
        from_block = block_code(uow, audit, prefix)
        if from_block is not None:
            return from_block
    year = uow.now().year
    counter = uow.session.get(FindingCounter, (prefix, year))
    if counter is None:
        counter = FindingCounter(prefix=prefix, year=year, last=0)
    counter.last += 1
    uow.session.add(counter)
    return f"{prefix}-{year}-{counter.last:03d}"


def raise_finding(uow: UnitOfWork, audit: Audit, ref: str, grade: str, *,
                  statement: str = "", requirement: str = "", objective_evidence: str = "",
                  process_area: str = "") -> Finding:
    g = check_grade(grade)
    if g in NONCONFORMITY_GRADES and not (statement or "").strip():
        raise RuleViolation(
            f"a {g.value} nonconformity needs a statement: say what was found against "
            "which requirement", field="statement"
        )
    uow.require_ref(audit, ref)
    now = uow.now()
    finding = Finding(
        code=next_code(uow, g, audit),
        audit_id=ident(audit),
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
        finding.repeat_of = repeat_source(uow, audit, ref)
    uow.session.add(finding)
    uow.session.flush()
    uow.record(audit.id, Entity.FINDING, finding.code, LogEvent.CREATED, None, g.value)
    for name in ("statement", "requirement", "objective_evidence", "process_area",
                 "repeat_of"):
        value = getattr(finding, name)
        if value:
            uow.record(audit.id, Entity.FINDING, finding.code, name, None, value)
    return finding


def repeat_source(uow: UnitOfWork, audit: Audit, ref: str) -> str | None:
    """Walk the chain of previous audits of the same auditee, nearest first."""
    seen = {audit.id}
    previous_id = audit.previous_id
    while previous_id is not None and previous_id not in seen:
        seen.add(previous_id)
        previous = uow.session.get(Audit, previous_id)
        if previous is None or previous.auditee != audit.auditee:
            return None
        code = uow.session.execute(
            select(Finding.code)
            .where(
                col(Finding.audit_id) == previous.id,
                col(Finding.ref) == ref,
                col(Finding.grade).in_(NONCONFORMITY_VALUES),
                col(Finding.status) != FindingStatus.CANCELLED.value,
            )
            .order_by(col(Finding.id).desc())
        ).scalar()
        if code:
            return code
        previous_id = previous.previous_id
    return None


# -- editing --------------------------------------------------------------------------


def apply_fields(uow: UnitOfWork, finding: Finding, fields: Mapping[str, Any], *,
                 by_auditee: bool) -> None:
    """Change a finding's fields. The auditee may change only their own fields; a closed
    audit's findings accept only the auditee's and the verification fields."""
    audit = uow.audit(finding.audit_id)
    allowed = set(AUDITEE_FIELDS)
    if not by_auditee:
        allowed |= set(VERIFICATION_FIELDS)
        if audit.status != AuditStatus.CLOSED:
            allowed |= set(AUDITOR_FIELDS)
    for name, value in fields.items():
        if name not in allowed:
            if name in AUDITOR_FIELDS and audit.status == AuditStatus.CLOSED:
                raise RuleViolation(
                    f"{finding.code}: {name} cannot change, audit {audit.id} is closed",
                    field=name)
            raise RuleViolation(f"{finding.code}: {name} is not a field you may change",
                                field=name)
        if name == "grade":
            grade = check_grade(value)
            if grade in NONCONFORMITY_GRADES and not (
                fields.get("statement", finding.statement) or ""
            ).strip():
                raise RuleViolation(f"{finding.code}: a {grade.value} needs a statement",
                                    field="statement")
            value = grade.value
        elif name == "statement":
            value = check_text(name, value)
            if check_grade(fields.get("grade", finding.grade)) in NONCONFORMITY_GRADES and \
                    not value.strip():
                raise RuleViolation(f"{finding.code}: a nonconformity needs a statement",
                                    field="statement")
        else:
            value = _check_field_value(name, value)
        if by_auditee and finding.status in FINAL_FOR_AUDITEE and \
                value != getattr(finding, name):
            # Verified and closed (or cancelled): what the auditee answered is the record
            # the verification judged, so a later workbook cannot rewrite it.
            raise RuleViolation(f"{finding.code} is {finding.status}: its {field_label(name)} "
                                "is final", field=name)
        uow.set(finding, audit.id, Entity.FINDING, finding.code, name, value)
    finding.updated_at = uow.now()
    uow.session.add(finding)


def record_verification(uow: UnitOfWork, finding: Finding, *, by: str | None = None,
                        on: object = None, note: str = "") -> None:
    """Who verified, when and how: what the auditor gives, else what is already there (a
    verifier typed in the form is never replaced by the login name), else the person
    working and today. A verification day in the future is refused."""
    today = uow.now().date()
    who = (by or "").strip() or finding.verified_by or uow.actor
    day = check_day("verified_on", on) if on not in (None, "") else None
    day = day or finding.verified_on or today
    if day > today:
        raise RuleViolation(f"verified on {day.isoformat()} is in the future; a "
                            "verification is recorded once it has happened",
                            field="verified_on")
    audit_id, code = finding.audit_id, finding.code
    uow.set(finding, audit_id, Entity.FINDING, code, "verified_by", who)
    uow.set(finding, audit_id, Entity.FINDING, code, "verified_on", day)
    if note.strip():
        uow.set(finding, audit_id, Entity.FINDING, code, "verification_note", note.strip())


def move(uow: UnitOfWork, finding: Finding, status: str, *, note: str,
         by_auditee: bool, verified_by: str | None = None,
         verified_on: object = None) -> None:
    """A step of the finding's lifecycle (vocab.allowed_moves). Verifying (closed, not
    effective) records who and when (`record_verification`); rejecting keeps its reason
    where the auditee reads it in the next workbook."""
    target = check_status(status)
    if by_auditee and target not in AUDITEE_STATUSES:
        raise RuleViolation(
            f"{finding.code}: the auditee may set only responded or implemented, "
            f"not {target.value}", field="status"
        )
    moves = allowed_moves(finding.status, finding.grade, by_auditee=by_auditee)
    if target.value == finding.status:
        return
    if target not in moves:
        options = ", ".join(sorted(m.value for m in moves)) or "none"
        raise RuleViolation(
            f"{finding.code}: cannot go from {finding.status} to {target.value} "
            f"(allowed: {options})", field="status"
        )
    if FindingStatus.CANCELLED in (target, finding.status):
        # Cancelling (or reviving) a finding changes what the audit found: not a
        # follow-up or verification step, so a closed audit refuses it.
        audit = uow.session.get(Audit, finding.audit_id)
        if audit is not None and audit.status == AuditStatus.CLOSED:
            raise AuditLocked(
                f"{finding.code}: audit {audit.id} is closed; reopen it, with a reason, "
                "before moving it to or from cancelled"
            )
    if target == FindingStatus.RESPONDED and finding.grade in NONCONFORMITY_GRADES:
        if not finding.root_cause.strip() or not finding.corrective_action.strip():
            raise RuleViolation(
                f"{finding.code}: responded needs a root cause and a corrective action",
                field="root_cause" if not finding.root_cause.strip() else
                "corrective_action"
            )
    now = uow.now()
    audit_id = finding.audit_id
    code = finding.code
    uow.set(finding, audit_id, Entity.FINDING, code, "status", target.value)
    if target != FindingStatus.OPEN:  # no `open_at`: created_at says when it opened
        setattr(finding, f"{target.value}_at", now)
    if target in (FindingStatus.CLOSED, FindingStatus.NOT_EFFECTIVE) and not by_auditee:
        record_verification(uow, finding, by=verified_by, on=verified_on, note=note)
    elif target == FindingStatus.REJECTED and note.strip():
        uow.set(finding, audit_id, Entity.FINDING, code, "verification_note", note.strip())
    elif note:
        uow.record(audit_id, Entity.FINDING, code, LogEvent.NOTE, None, note)
    finding.updated_at = now
    uow.session.add(finding)


def _findings_of(uow: UnitOfWork, audit_id: int, codes: Iterable[str]) -> list[Finding]:
    query = select(Finding).where(col(Finding.audit_id) == audit_id)
    wanted = list(dict.fromkeys(codes))
    found: list[Finding] = []
    for start in range(0, len(wanted), 500):  # well below SQLite's variable limit
        found.extend(uow.session.execute(
            query.where(col(Finding.code).in_(wanted[start:start + 500]))).scalars())
    return sorted(found, key=ident)


class FindingRegister(Part):
    """The store's part for findings: one unit of work per call."""

    # -- reading ----------------------------------------------------------------------

    def finding(self, code: str) -> Finding:
        with self.core.reading() as uow:
            return uow.finding(code)

    def findings(self, audit_id: int, codes: Iterable[str] | None = None) -> list[Finding]:
        """The audit's findings in id order; with `codes`, only those of them that are in
        this audit (the follow-up import reads only the findings whose cells changed)."""
        with self.core.reading() as uow:
            uow.audit(audit_id)
            if codes is not None:
                return _findings_of(uow, audit_id, codes)
            return list(uow.session.execute(
                select(Finding).where(col(Finding.audit_id) == audit_id)
                .order_by(col(Finding.id))).scalars())

    def previous_open_findings(self, audit_id: int) -> list[Finding]:
        """The previous audit's findings that still need verifying (not closed or
        cancelled): what a surveillance audit puts in front of the auditor."""
        with self.core.reading() as uow:
            audit = uow.audit(audit_id)
            if audit.previous_id is None:
                return []
            done = [FindingStatus.CLOSED.value, FindingStatus.CANCELLED.value]
            return list(uow.session.execute(
                select(Finding)
                .where(col(Finding.audit_id) == audit.previous_id,
                       col(Finding.status).not_in(done))
                .order_by(col(Finding.id))
            ).scalars())

    def repeat_candidate(self, audit_id: int, ref: str) -> Finding | None:
        """The earlier nonconformity a new minor or major finding on `ref` would repeat."""
        with self.core.reading() as uow:
            code = repeat_source(uow, uow.audit(audit_id), ref)
            return uow.finding(code) if code else None

    # -- writing ----------------------------------------------------------------------

    def raise_finding(self, audit_id: int, ref: str, grade: str, **fields: str) -> Finding:
        """A new finding on an item; the item shows the most severe grade among its findings."""
        with self.core.writing() as uow:
            audit = uow.open_audit(audit_id)
            finding = raise_finding(uow, audit, ref, grade, **fields)
            uow.touch(audit)
            return finding

    def update_finding(self, code: str, fields: Mapping[str, Any], *,
                       by_auditee: bool = False) -> Finding:
        """Change a finding's fields (apply_fields says who may change which)."""
        with self.core.writing() as uow:
            finding = uow.finding(code)
            apply_fields(uow, finding, fields, by_auditee=by_auditee)
            return finding

    def set_finding_status(self, code: str, status: str, *, note: str = "",
                           by_auditee: bool = False, verified_by: str | None = None,
                           verified_on: object = None) -> Finding:
        with self.core.writing() as uow:
            finding = uow.finding(code)
            move(uow, finding, status, note=note, by_auditee=by_auditee,
                 verified_by=verified_by, verified_on=verified_on)
            return finding

    # -- the follow-up import -----------------------------------------------------------

    def apply_auditee_changes(
        self, audit_id: int, changes: Mapping[str, Mapping[str, Any]]
    ) -> list[Finding]:
        """The follow-up import: every finding's auditee fields (and `status`) in one
        transaction; any refused change leaves the whole database as it was."""
        with self.core.writing() as uow:
            audit = uow.audit(audit_id)  # held: one load, not one per finding
            changed = []
            for code, fields in changes.items():
                finding = uow.finding(code)
                if finding.audit_id != audit.id:
                    raise RuleViolation(f"finding {code} belongs to audit {finding.audit_id}")
                plain = {k: v for k, v in fields.items() if k != "status"}
                apply_fields(uow, finding, plain, by_auditee=True)
                if fields.get("status"):
                    move(uow, finding, fields["status"], note="", by_auditee=True)
                changed.append(finding)
            return changed

    def check_auditee_changes(
        self, audit_id: int, changes: Mapping[str, Mapping[str, Any]]
    ) -> list[tuple[str, str, str]]:
        """Try the follow-up import's changes and keep none of them: every change the
        store would refuse, as (finding code, field, reason), so a review can point at
        the cell. A trial: a log that keeps nothing, rolled back whole."""
        problems: list[tuple[str, str, str]] = []
        with self.core.trial() as uow:
            # Held here so the session's identity map keeps them for every lookup.
            audit = uow.audit(audit_id)
            mine = {f.code: f for f in _findings_of(uow, ident(audit), changes)}
            for code, fields in changes.items():
                finding = mine.get(code) or uow.finding(code)
                if finding.audit_id != audit_id:
                    problems.append((code, "", f"finding {code} belongs to audit "
                                               f"{finding.audit_id}"))
                    continue
                plain = {k: v for k, v in fields.items() if k != "status"}
                try:
                    apply_fields(uow, finding, plain, by_auditee=True)
                except RuleViolation:
                    for name, value in plain.items():  # which field: one at a time
                        try:
                            apply_fields(uow, finding, {name: value}, by_auditee=True)
                        except RuleViolation as exc:
                            problems.append((code, name, str(exc)))
                if fields.get("status"):
                    try:
                        move(uow, finding, fields["status"], note="", by_auditee=True)
                    except RuleViolation as exc:
                        problems.append((code, "status", str(exc)))
        return problems
