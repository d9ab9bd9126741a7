"""What every part of the store shares: the engine, the clock, who is acting, the
checklist cache, and the three kinds of transaction a part can open.

Every write runs in one short transaction that takes the database's write lock at its
start (it waits for another writer instead of failing) and is committed before the call
returns: data is never held back in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, col, select

from .checklist import Checklist
from .damage import READ_FAILURES, damaged_value
from .db import is_busy
from .errors import AuditorError, NotFound, RuleViolation, StoreBusy, shown
from .models import ChecklistSnapshot
from .server import refused_for_role, take_write_lock
from .unit import ChangeLogWriter, DiscardingLog, ReadOnlyLog, UnitOfWork, as_text

__all__ = ["Part", "StoreCore", "as_text", "utcnow"]

# The largest evidence file copied in, unless the user sets another (AUDITOR_EVIDENCE_MAX_MB):
# a screen recording of an interview fits, a disk image does not (a 2 GB sparse file once
# took 15 s and 2 GB of disk).
EVIDENCE_MAX_BYTES = 200_000_000


def utcnow() -> datetime:
    """Now, in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


class StoreCore:
    def __init__(self, engine: Engine, evidence_dir: Path, actor: str,
                 clock: Callable[[], datetime] = utcnow) -> None:
        # The clock is given so that tests and demo data can fix "now" (finding ids carry
        # the year, timestamps show on screens).
        self.now = clock
        self.engine = engine
        # The one place a write takes the database's write lock: SQLite's BEGIN
        # IMMEDIATE, so the chain head read next (ChangeLogWriter.chain_head) cannot move
        # under us; on a server, an advisory lock held to the transaction's end (writing).
        self._write_engine = engine.execution_options(sqlite_begin="IMMEDIATE")
        self._server = engine.dialect.name == "postgresql"
        if not event.contains(engine, "before_cursor_execute", _without_nul):
            event.listen(engine, "before_cursor_execute", _without_nul, retval=True)
        self.evidence_dir = Path(evidence_dir)
        # the largest file copied in as evidence; the command line sets it from the config
        self.evidence_max_bytes = EVIDENCE_MAX_BYTES
        self.actor = actor
        self._checklists: dict[int, Checklist] = {}

    def close(self) -> None:
        self.engine.dispose()

    def _unit(self, session: Session, log: ChangeLogWriter) -> UnitOfWork:
        return UnitOfWork(session, log, actor=self.actor, now=self.now,
                          checklist_for=self.checklist_for)

    @contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        with Session(self.engine, expire_on_commit=False) as session, self.damage_named():
            yield self._unit(session, ReadOnlyLog(session, self.actor))

    @contextmanager
    def damage_named(self) -> Iterator[None]:
        """A value edited outside auditor that fails as a row becomes a model (a garbage
        date, text in a number) is named, table, row and column, as a DatabaseProblem;
        any other failure keeps its traceback (a bug)."""
        try:
            yield
        except UnicodeEncodeError as exc:
            # Text from a command line that is not UTF-8 arrives with its bytes as lone
            # surrogates (surrogateescape); SQLite cannot store them.
            raise RuleViolation(
                f"text {shown(repr(exc.object[:40]))} is not valid UTF-8 (character "
                f"{exc.start + 1}); type it again in UTF-8; nothing was changed") from None
        except READ_FAILURES:
            problem = damaged_value(self.engine)
            if problem is None:
                raise
            raise problem from None

    @contextmanager
    def writing(self) -> Iterator[UnitOfWork]:
        """One transaction, committed on success and rolled back whole on any error."""
        with Session(self._write_engine, expire_on_commit=False) as session, \
                self.damage_named():
            try:
                if self._server:
                    take_write_lock(session.connection())
                yield self._unit(session, ChangeLogWriter(session, self.actor))
                session.commit()
            except OperationalError as exc:
                session.rollback()
                if is_busy(exc):
                    raise StoreBusy("another program is writing to the database; nothing "
                                    "was written, try again") from None
                raise
            except DBAPIError as exc:
                session.rollback()
                refused = refused_for_role(exc)
                if refused is not None:
                    raise AuditorError(refused) from None
                raise
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def trial(self) -> Iterator[UnitOfWork]:
        """Changes tried and never kept: a read transaction with autoflush off, a log
        that keeps nothing, rolled back whatever happens."""
        with Session(self.engine, expire_on_commit=False) as session, session.no_autoflush, \
                self.damage_named():
            try:
                yield self._unit(session, DiscardingLog(session, self.actor))
            finally:
                session.rollback()

    # -- checklists ---------------------------------------------------------------------

    def checklist_for(self, snapshot_id: int) -> Checklist:
        cached = self._checklists.get(snapshot_id)
        if cached is None:
            with Session(self.engine) as session:
                snap = session.get(ChecklistSnapshot, snapshot_id)
                if snap is None:
                    raise NotFound(f"checklist snapshot {snapshot_id} is missing")
                cached = _parse_snapshot(snap.tree_json)
            self._checklists[snapshot_id] = cached
        return cached

    def snapshot_id(self, uow: UnitOfWork, checklist: Checklist) -> int:
        """The stored snapshot of this checklist's content, stored now if it is new."""
        digest = checklist.content_hash()
        found = uow.session.execute(
            select(ChecklistSnapshot.id).where(col(ChecklistSnapshot.content_hash) == digest)
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
        uow.session.add(snap)
        uow.session.flush()
        assert snap.id is not None
        self._checklists[snap.id] = checklist
        return snap.id

    def forget_checklists(self) -> None:
        self._checklists.clear()


class Part:
    """A part of the store (audits, items, findings, ...): it opens one unit of work per
    call on the shared core and calls no other part's methods."""

    def __init__(self, core: StoreCore) -> None:
        self.core = core


@lru_cache(maxsize=32)
def _parse_snapshot(tree_json: str) -> Checklist:
    return Checklist.from_json(tree_json)


def _without_nul(_conn: Any, _cursor: Any, statement: str, params: Any, _context: Any,
                 _many: bool) -> tuple[str, Any]:
    """Text is stored without NUL characters, on every engine: PostgreSQL cannot hold one
    in text, and a copy between engines must keep every row and log hash (unit.as_text
    leaves it out of the hash the same way). A NUL pasted into a note carries nothing."""
    def clean(value: Any) -> Any:
        return value.replace("\x00", "") if isinstance(value, str) and "\x00" in value \
            else value

    if isinstance(params, dict):
        params = {k: clean(v) for k, v in params.items()}
    elif isinstance(params, (list, tuple)):
        params = type(params)(
            {k: clean(v) for k, v in p.items()} if isinstance(p, dict)
            else tuple(clean(v) for v in p) if isinstance(p, (list, tuple)) else clean(p)
            for p in params)
    return statement, params
