"""One transaction's unit of work: the session, the change-log writer, and the lookups
every rule needs (an audit, an open audit, a finding, an item of the audit's checklist).

A part of the store (audits, items, findings, evidence, surveillance) opens one unit of
work per call and passes it to the functions that do the work; nothing else carries the
session or the log between them. Which log a unit has decides what it keeps:
`ChangeLogWriter` appends in the same transaction as the change, `DiscardingLog` keeps
nothing (the follow-up import's dry run), `ReadOnlyLog` refuses (a read that tries to
change something is a bug).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlmodel import Session, col

from .checklist import Checklist
from .errors import AuditLocked, NotFound, RuleViolation
from .mac_key import LogKey, writing_key
from .models import Audit, ChangeLog, Finding
from .trail import entry_hash, entry_mac
from .vocab import AuditStatus, Entity, LogEvent

# Text in the log and in its hash: dates as ISO text, enums as their values.
LogValue = Any


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    # As the row holds it (base.StoreCore drops NUL on the way in): the hash must match.
    return str(value).replace("\x00", "")


def ident(row: Any) -> int:
    """A stored row's id: set once the row is flushed, as every row read back is."""
    if row.id is None:
        raise RuntimeError(f"{type(row).__name__} has no id until it is flushed")
    return int(row.id)


class ChangeLogWriter:
    """Appends hash-chained entries in call order, inside the unit's transaction, each
    with its MAC under the key kept outside the database (`mac_key.writing_key`)."""

    def __init__(self, session: Session, actor: str) -> None:
        self.session = session
        self.actor = actor
        self._head: str | None = None
        self._key: LogKey | None = None

    def key(self) -> LogKey:
        """The MAC key, looked up once per transaction (created on the first write ever);
        a key that cannot be used refuses the write (KeyProblem), before anything is
        written."""
        if self._key is None:
            self._key = writing_key()
        return self._key

    def chain_head(self) -> str:
        """The hash of the last entry: read once per transaction, then carried.

        The one place the head is read. It is read inside the write transaction, after
        the write lock is taken (StoreCore.writing), so two writers never chain onto
        the same entry; an engine whose lock works otherwise takes it here."""
        if self._head is None:
            # On the connection, not `session.execute`, which would flush pending changes
            # first: one more round of the unit of work for nothing.
            row = self.session.connection().exec_driver_sql(
                "SELECT hash FROM change_log ORDER BY id DESC LIMIT 1"
            ).first()
            self._head = row[0] if row else ""
        return self._head

    def append(self, audit_id: int | None, entity: Entity | str, entity_id: Any,
               field: LogEvent | str, old: LogValue, new: LogValue) -> None:
        # Every key press autosaves through here (bench/autosave.py): the log row skips
        # the ORM's unit of work, which costs more than the commit itself on a fast disk.
        prev = self.chain_head()
        key = self.key()
        # The log's own time is the real clock, never the injectable one: it is evidence.
        at = datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
        entry: dict[str, Any] = {
            # Plain strings, never the enum members: the row and its hash hold the value.
            "at": at, "actor": self.actor, "audit_id": audit_id, "entity": str(entity),
            "entity_id": str(entity_id), "field": str(field), "old": as_text(old),
            "new": as_text(new), "prev_hash": prev,
        }
        entry["hash"] = entry_hash(prev, at, self.actor, audit_id, entry["entity"],
                                   entry["entity_id"], entry["field"], entry["old"],
                                   entry["new"])
        entry["mac"] = entry_mac(key.secret, key.id, prev, at, self.actor, audit_id,
                                 entry["entity"], entry["entity_id"], entry["field"],
                                 entry["old"], entry["new"], entry["hash"])
        self.session.connection().execute(insert(ChangeLog), entry)
        self._head = entry["hash"]

    def carry(self, entries: list[dict[str, Any]]) -> list[str]:
        """Entries taken in from another copy's log (a bundle), in order: each keeps its
        own time and actor, and the hash it had where it was first written (`origin`,
        which names it on every copy); chained and MAC'd here, as this database's log
        accepted them, and written in one statement. Their hashes here."""
        prev = self.chain_head()
        key = self.key()
        rows, hashes = [], []
        for e in entries:
            fields = (e["at"], e["actor"], e["audit_id"], e["entity"], e["entity_id"],
                      e["field"], e["old"], e["new"])
            digest = entry_hash(prev, *fields)
            rows.append(dict(e, prev_hash=prev, hash=digest,
                             mac=entry_mac(key.secret, key.id, prev, *fields, digest)))
            hashes.append(digest)
            prev = digest
        if rows:
            self.session.connection().execute(insert(ChangeLog), rows)
            self._head = prev
        return hashes


class DiscardingLog(ChangeLogWriter):
    """A log that keeps nothing: the trial of changes that are never written."""

    def append(self, audit_id: int | None, entity: Entity | str, entity_id: Any,
               field: LogEvent | str, old: LogValue, new: LogValue) -> None:
        return None


class ReadOnlyLog(ChangeLogWriter):
    def append(self, audit_id: int | None, entity: Entity | str, entity_id: Any,
               field: LogEvent | str, old: LogValue, new: LogValue) -> None:
        raise RuntimeError("a read transaction tried to change the change log")


class UnitOfWork:
    """One transaction: its session, its log, and the rules' lookups."""

    def __init__(self, session: Session, log: ChangeLogWriter, *, actor: str,
                 now: Callable[[], datetime],
                 checklist_for: Callable[[int], Checklist]) -> None:
        self.session = session
        self.log = log
        self.actor = actor
        self.now = now
        self._checklist_for = checklist_for

    # -- the change log -----------------------------------------------------------------

    def record(self, audit_id: int | None, entity: Entity | str, entity_id: Any,
               field: LogEvent | str, old: LogValue, new: LogValue) -> None:
        self.log.append(audit_id, entity, entity_id, field, old, new)

    def set(self, obj: Any, audit_id: int | None, entity: Entity | str, entity_id: Any,
            field: str, value: Any) -> bool:
        """Set one field and log it; nothing happens when the value is unchanged."""
        old = getattr(obj, field)
        if old == value:
            return False
        setattr(obj, field, value)
        self.log.append(audit_id, entity, entity_id, field, old, value)
        return True

    # -- lookups ------------------------------------------------------------------------

    def audit(self, audit_id: int) -> Audit:
        # A number beyond SQLite's 64-bit integers names no audit (and would overflow).
        fits = isinstance(audit_id, int) and -(2**63) <= audit_id < 2**63
        audit = self.session.get(Audit, audit_id) if fits else None
        if audit is None:
            raise NotFound(f"audit {audit_id}: no such audit; `auditor audits list` shows them")
        return audit

    def open_audit(self, audit_id: int) -> Audit:
        audit = self.audit(audit_id)
        if audit.status == AuditStatus.CLOSED:
            raise AuditLocked(f"audit {audit_id} is closed and read-only; reopen it (with "
                              "a reason) to change it")
        return audit

    def finding(self, code: str) -> Finding:
        found = self.session.execute(
            select(Finding).where(col(Finding.code) == code)).scalar()
        if found is None:
            raise NotFound(f"finding {code}: no such finding; `auditor audits show` lists them")
        return found

    def checklist(self, audit: Audit) -> Checklist:
        return self._checklist_for(audit.snapshot_id)

    def require_ref(self, audit: Audit, ref: str) -> None:
        item = self.checklist(audit).item(ref)
        if item is None:
            raise RuleViolation(f"item {ref!r} is not in this audit's checklist", field="ref")
        if not item.assessable:
            raise RuleViolation(f"item {ref!r} is a group heading; record on its items",
                                field="ref")

    def next_number(self, audit: Audit, entity: Entity, model: Any) -> int:
        """The next number of a record counted within the audit (a plan session, a
        sample): past every row and every number the change log ever added, so a number
        removed is never handed out again (the log names the record by it)."""
        in_rows = self.session.execute(
            select(func.max(model.number)).where(model.audit_id == audit.id)).scalar()
        logged = self.session.execute(
            select(col(ChangeLog.entity_id)).where(
                col(ChangeLog.audit_id) == audit.id, col(ChangeLog.entity) == entity.value,
                col(ChangeLog.field) == LogEvent.ADDED.value)).scalars()
        numbers = [int(n) for n in logged if n.isascii() and n.isdigit()]
        return max([0, in_rows or 0, *numbers]) + 1

    def touch(self, audit: Audit) -> None:
        """A change to the audit's records: it is in progress from now on."""
        audit.updated_at = self.now()
        if audit.status == AuditStatus.PLANNED:
            self.set(audit, audit.id, Entity.AUDIT, audit.id, "status",
                     AuditStatus.IN_PROGRESS.value)
        self.session.add(audit)
