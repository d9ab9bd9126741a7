"""Do an audit's records say what its change log says?

The hash chain shows an entry edited or removed in the middle of the log, but not the
newest entries cut off, nor a record edited behind the store's back (a field changed
with a SQLite tool). Replaying the log answers both: every tracked field of an audit,
its items, findings and evidence must hold the value its last log entry gave it, or its
starting value when no entry ever changed it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from .models import (
    Audit,
    ChangeLog,
    DivergingOpinion,
    Evidence,
    Finding,
    ItemResult,
    ItemSample,
    PlanSession,
    SoaEntry,
)
from .vocab import Entity, LogEvent

AUDIT_FIELDS = ("title", "type", "auditee", "scope", "site", "lead_auditor", "team",
                "planned_start", "planned_end", "actual_start", "actual_end", "status",
                "previous_id", "conclusion", "objectives", "criteria")
ITEM_FIELDS = ("result", "notes", "interviewees", "documents")
FINDING_FIELDS = ("grade", "statement", "requirement", "objective_evidence", "process_area",
                  "root_cause", "correction", "corrective_action", "owner", "due_date",
                  "auditee_comment", "status", "verified_by", "verified_on",
                  "verification_note", "repeat_of")
# A plan session and a sample are logged whole when added (these fields, as JSON) and
# whole when removed; their number within the audit names them in the log.
SESSION_FIELDS = ("start", "minutes", "place", "refs", "auditor", "auditee_people")
SAMPLE_FIELDS = ("ref", "population", "population_size", "sample_size", "ids")
# A Statement of Applicability entry: each field logged as set, the control's ref naming it.
SOA_FIELDS = ("applicable", "justification", "status", "refs")
# A diverging opinion: logged whole when added; its resolution field by field.
OPINION_FIELDS = ("topic", "auditee_position", "team_position", "resolved", "resolution")
# Records logged whole, by the number they have within their audit.
NUMBERED = (Entity.SESSION, Entity.SAMPLE, Entity.OPINION)
# Values a field starts with when no log entry set it; anything else reads as empty.
STARTING: dict[tuple[str, str], str] = {
    (Entity.AUDIT, "status"): "planned", (Entity.ITEM, "result"): "not_assessed",
    (Entity.FINDING, "status"): "open"}
# The entry that creates a record carries one field's first value.
CREATED_FIELD: dict[str, str] = {Entity.AUDIT: "title", Entity.FINDING: "grade"}


def planned_header(audit: Audit) -> dict[str, str]:
    """An audit's header as planned, in the log's text form (the `planned` entry)."""
    return logged_fields(audit, AUDIT_FIELDS)


def logged_fields(row: Any, names: Iterable[str]) -> dict[str, str]:
    """The named fields of a record in the log's text form (a record logged whole)."""
    return {f: _text(getattr(row, f)) for f in names}


def _text(value: Any) -> str:
    """A value as the log writes it; None and empty text are the same nothing."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


LastValues = dict[tuple[str, str, str], str]


def _last_values(entries: Iterable[ChangeLog], audit_id: int
                 ) -> tuple[LastValues, dict[str, set[str]], dict[str, set[str]]]:
    """(entity, record, field) -> the last value the log gave it (an item's record is its
    ref within the audit, a session's or sample's its number within the audit; the
    others' their id or code); the records it created; and those it removed."""
    last: LastValues = {}
    created: dict[str, set[str]] = {Entity.FINDING: set(), Entity.EVIDENCE: set(),
                                    Entity.SESSION: set(), Entity.SAMPLE: set(),
                                    Entity.OPINION: set()}
    removed: dict[str, set[str]] = {Entity.SESSION: set(), Entity.SAMPLE: set(),
                                    Entity.OPINION: set()}
    for e in entries:
        if e.entity in (Entity.ITEM, Entity.SOA, *NUMBERED) and e.audit_id != audit_id:
            continue  # refs and numbers repeat across audits; logged under their own only
        record = e.entity_id
        field = e.field
        if e.entity in NUMBERED and field in (LogEvent.ADDED, LogEvent.REMOVED):
            (created if field == LogEvent.ADDED else removed)[e.entity].add(record)
            if field == LogEvent.ADDED:
                for name, value in _whole(e.new).items():
                    last[(e.entity, record, name)] = _text(value)
            continue
        if e.entity == Entity.AUDIT and field == LogEvent.PLANNED:
            try:
                header = json.loads(e.new or "{}")
            except ValueError:
                header = {}
            for name, value in header.items():
                last[(Entity.AUDIT, record, name)] = _text(value)
            continue
        if field in (LogEvent.CREATED, LogEvent.ADDED):
            if e.entity in created and e.audit_id == audit_id:
                created[e.entity].add(record)
            field = CREATED_FIELD.get(e.entity, field)
        last[(e.entity, record, field)] = _text(e.new)
    return last, created, removed


def _whole(text: str | None) -> dict[str, Any]:
    """A record logged whole (JSON); nothing when the entry does not hold one."""
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _compare(problems: list[str], last: LastValues, entity: str,
             record: str, label: str, row: Any, fields: Iterable[str]) -> None:
    for field in fields:
        key = (entity, record, field)
        if entity == Entity.AUDIT and key not in last and (entity, field) not in STARTING:
            # Audits created before the `planned` entry existed have only their title in
            # the log: a header field never changed since has nothing to be held against.
            continue
        expected = last.get(key, STARTING.get((entity, field), ""))
        actual = _text(getattr(row, field))
        if actual != expected:
            problems.append(
                f"{label}: {field} is {actual[:40]!r} in the records but {expected[:40]!r} "
                "in the change log: changed outside auditor, or the log was cut short"
            )


def record_mismatches(session: Session, audit_id: int) -> list[str]:
    """One line per record field of the audit that the change log does not account for."""
    entries = session.execute(select(ChangeLog).order_by(col(ChangeLog.id))).scalars()
    last, created, removed = _last_values(entries, audit_id)
    problems: list[str] = []
    audit = session.get(Audit, audit_id)
    if audit is None:
        return problems
    _compare(problems, last, Entity.AUDIT, str(audit_id), f"audit {audit_id}", audit, AUDIT_FIELDS)
    for row in session.execute(
        select(ItemResult).where(col(ItemResult.audit_id) == audit_id)
        .order_by(col(ItemResult.ref))
    ).scalars():
        _compare(problems, last, Entity.ITEM, row.ref, f"item {row.ref}", row, ITEM_FIELDS)
    codes = set()
    for row in session.execute(
        select(Finding).where(col(Finding.audit_id) == audit_id).order_by(col(Finding.id))
    ).scalars():
        codes.add(row.code)
        if row.code not in created[Entity.FINDING]:
            problems.append(f"finding {row.code}: no change-log entry created it: added "
                            "outside auditor, or the log was cut short")
            continue
        _compare(problems, last, Entity.FINDING, row.code, f"finding {row.code}", row,
                 FINDING_FIELDS)
    for code in sorted(created[Entity.FINDING] - codes):
        problems.append(f"finding {code}: in the change log but missing from the records")
    ids = set()
    for row in session.execute(
        select(Evidence).where(col(Evidence.audit_id) == audit_id).order_by(col(Evidence.id))
    ).scalars():
        ids.add(str(row.id))
        logged = last.get((Entity.EVIDENCE, str(row.id), LogEvent.ADDED))
        if logged is None:
            problems.append(f"evidence {row.id}: no change-log entry added it: added outside "
                            "auditor, or the log was cut short")
        elif row.sha256 and logged != row.sha256:
            problems.append(f"evidence {row.id}: its SHA-256 in the records is not the one "
                            "logged when it was attached")
    for evidence_id in sorted(created[Entity.EVIDENCE] - ids, key=int):
        problems.append(f"evidence {evidence_id}: in the change log but missing from the "
                        "records")
    _soa(problems, session, audit_id, last)
    for entity, model, fields, what in (
            (Entity.SESSION, PlanSession, SESSION_FIELDS, "plan session"),
            (Entity.SAMPLE, ItemSample, SAMPLE_FIELDS, "sample"),
            (Entity.OPINION, DivergingOpinion, OPINION_FIELDS, "diverging opinion")):
        _numbered(problems, session, audit_id, last, created[entity] - removed[entity],
                  entity, model, fields, what)
    return problems


def _numbered(problems: list[str], session: Session, audit_id: int, last: LastValues,
              standing: set[str], entity: str, model: Any, fields: tuple[str, ...],
              what: str) -> None:
    """Plan sessions or samples: each row added by the log and not removed, with the
    fields it logged; each the log says stands, in the records."""
    numbers = set()
    for row in session.execute(
        select(model).where(col(model.audit_id) == audit_id).order_by(col(model.number))
    ).scalars():
        record = str(row.number)
        numbers.add(record)
        if record not in standing:
            problems.append(f"{what} {record}: no change-log entry added it (or one removed "
                            "it): changed outside auditor, or the log was cut short")
            continue
        _compare(problems, last, entity, record, f"{what} {record}", row, fields)
    for record in sorted(standing - numbers, key=lambda r: (len(r), r)):
        problems.append(f"{what} {record}: in the change log but missing from the records")


def _soa(problems: list[str], session: Session, audit_id: int, last: LastValues) -> None:
    """Statement of Applicability entries: each field as the log last set it; a ref the
    log gave a value must have its entry."""
    refs = set()
    for row in session.execute(
        select(SoaEntry).where(col(SoaEntry.audit_id) == audit_id).order_by(col(SoaEntry.ref))
    ).scalars():
        refs.add(row.ref)
        _compare(problems, last, Entity.SOA, row.ref, f"SoA entry {row.ref}", row, SOA_FIELDS)
    logged = {record for (entity, record, _f), value in last.items()
              if entity == Entity.SOA and value}
    for ref in sorted(logged - refs):
        problems.append(f"SoA entry {ref}: in the change log but missing from the records")
