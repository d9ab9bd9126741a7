"""The store's foundation: sessions, clock, actor, and the hash-chained change log.

Every write runs in one short transaction that begins IMMEDIATE (it waits for another
writer instead of failing) and is committed before the call returns: data is never
held back in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from .checklist import Checklist
from .db import is_busy
from .errors import AuditLocked, NotFound, StoreBusy
from .models import Audit, ChangeLog, ChecklistSnapshot
from .trail import entry_hash
from .vocab import AuditStatus, Entity


def utcnow() -> datetime:
    """Now, in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


class StoreBase:
    def __init__(self, engine: Engine, evidence_dir: Path, actor: str,
                 clock: Callable[[], datetime] = utcnow) -> None:
        # The clock is given so that tests and demo data can fix "now" (finding ids carry
        # the year, timestamps show on screens).
        self.now = clock
        self.engine = engine
        self._write_engine = engine.execution_options(sqlite_begin="IMMEDIATE")
        self.evidence_dir = Path(evidence_dir)
        self.actor = actor
        self._checklists: dict[int, Checklist] = {}

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One transaction, committed on success and rolled back whole on any error."""
        with Session(self._write_engine, expire_on_commit=False) as session:
            session.info["prev_hash"] = None
            session.info["append_log"] = True
            try:
                yield session
                session.commit()
            except OperationalError as exc:
                session.rollback()
                if is_busy(exc):
                    raise StoreBusy("another program is writing to the database; nothing "
                                    "was written, try again") from None
                raise
            except BaseException:
                session.rollback()
                raise

    # -- change log -------------------------------------------------------------------

    def _log(
        self,
        session: Session,
        audit_id: int | None,
        entity: str,
        entity_id: Any,
        field: str,
        old: Any,
        new: Any,
    ) -> None:
        # Every key press autosaves through here (bench/autosave.py): the log row skips the
        # ORM's unit of work, which costs more than the commit itself on a fast disk.
        if session.info.get("trial"):
            return  # a trial of changes that keeps nothing (check_auditee_changes)
        prev = session.info.get("prev_hash")
        if prev is None:
            # On the connection, not `session.execute`, which would flush pending changes
            # first: one more round of the unit of work for nothing.
            row = session.connection().exec_driver_sql(
                "SELECT hash FROM change_log ORDER BY id DESC LIMIT 1"
            ).first()
            prev = row[0] if row else ""
        # The log's own time is the real clock, never the injectable one: it is evidence.
        at = datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
        entry = {
            # Plain strings, never the enum members: the row and its hash hold the value.
            "at": at, "actor": self.actor, "audit_id": audit_id, "entity": str(entity),
            "entity_id": str(entity_id), "field": str(field), "old": as_text(old),
            "new": as_text(new), "prev_hash": prev,
        }
        entry["hash"] = entry_hash(
            prev, at, self.actor, audit_id, entry["entity"], entry["entity_id"],
            entry["field"], entry["old"],
            entry["new"],
        )
        if session.info.get("append_log"):
            # Rows are appended in call order, inside the same transaction as the change.
            session.connection().execute(insert(ChangeLog.__table__), entry)
        else:  # a dry run on a read session: kept pending, never written, rolled back
            session.add(ChangeLog(**entry))
        session.info["prev_hash"] = entry["hash"]

    def _set(self, session: Session, obj: Any, audit_id: int | None, entity: str,
             entity_id: Any, field: str, value: Any) -> bool:
        """Set one field and log it; nothing happens when the value is unchanged."""
        old = getattr(obj, field)
        if old == value:
            return False
        setattr(obj, field, value)
        self._log(session, audit_id, entity, entity_id, field, old, value)
        return True

    # -- audits and their checklists ------------------------------------------------------

    def _audit(self, session: Session, audit_id: int) -> Audit:
        # A number beyond SQLite's 64-bit integers names no audit (and would overflow).
        fits = isinstance(audit_id, int) and -(2**63) <= audit_id < 2**63
        audit = session.get(Audit, audit_id) if fits else None
        if audit is None:
            raise NotFound(f"audit {audit_id}: no such audit; `auditor audits list` shows them")
        return audit

    def _open_audit(self, session: Session, audit_id: int) -> Audit:
        audit = self._audit(session, audit_id)
        if audit.status == AuditStatus.CLOSED:
            raise AuditLocked(
                f"audit {audit_id} is closed and read-only; "
                f"`auditor audits reopen {audit_id} --reason ...` to change it"
            )
        return audit

    def _touch(self, session: Session, audit: Audit) -> None:
        audit.updated_at = self.now()
        if audit.status == AuditStatus.PLANNED:
            self._set(session, audit, audit.id, Entity.AUDIT, audit.id, "status",
                      AuditStatus.IN_PROGRESS.value)
        session.add(audit)

    def checklist_for(self, snapshot_id: int) -> Checklist:
        cached = self._checklists.get(snapshot_id)
        if cached is None:
            with self.reading() as session:
                snap = session.get(ChecklistSnapshot, snapshot_id)
                if snap is None:
                    raise NotFound(f"checklist snapshot {snapshot_id} is missing")
                cached = _parse_snapshot(snap.tree_json)
            self._checklists[snapshot_id] = cached
        return cached

    def _snapshot_id(self, session: Session, checklist: Checklist) -> int:
        digest = checklist.content_hash()
        found = session.execute(
            select(ChecklistSnapshot.id).where(ChecklistSnapshot.content_hash == digest)
        ).scalar()
        if found is not None:
            return found
        snap = ChecklistSnapshot(
            checklist_id=checklist.id,
            version=checklist.version,
            title=checklist.title,
            standard=checklist.standard,
            content_hash=digest,
            tree_json=checklist.to_json(),
            assessable_count=len(checklist.assessable_items()),
            created_at=self.now(),
        )
        session.add(snap)
        session.flush()
        self._checklists[snap.id] = checklist
        return snap.id


@lru_cache(maxsize=32)
def _parse_snapshot(tree_json: str) -> Checklist:
    return Checklist.from_json(tree_json)
