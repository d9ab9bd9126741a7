"""The store as the TUI sees it: a write the database cannot take now is an `AuditorError`.

The TUI's engine waits a quarter of a second for another process's lock (see
`auditor.commands.tui`), then SQLite says "database is locked"; on a team's server the
connection may drop or the server restart. The driver's error is
turned here, in one place, into `NotWritten`, an `AuditorError`, so that every screen's
`except AuditorError` says "not saved" and leaves its widgets as the database has them,
instead of the app stopping with a traceback. Nothing was changed by the refused call: the
store's writes are one transaction each, rolled back whole.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from auditor.domain.errors import AuditorError, StoreBusy


class NotWritten(AuditorError):
    """The database refused a call for now (another program holds the write lock, the
    disk is full, an I/O error); nothing changed, and the same call may work later.
    `reason` says why in a few words; `busy` is True when it was another program's lock."""

    def __init__(self, reason: str, *, busy: bool, advice: str = "try again in a moment"
                 ) -> None:
        super().__init__(f"Not saved: {reason}; {advice}")
        self.reason = reason
        self.busy = busy


def not_written(exc: BaseException) -> NotWritten | None:
    """The `NotWritten` for a driver's operational error (SQLAlchemy wraps it); None for
    anything else, which is a bug and keeps its traceback."""
    if isinstance(exc, StoreBusy):  # the domain's word for a write past the wait
        return NotWritten("another program is writing", busy=True)
    cause = getattr(exc, "orig", None) or exc
    if _server_unreachable(cause):
        # A team's server dropped the connection, restarts or cannot be reached: the
        # connection is thrown away, and the retry connects anew.
        return NotWritten("the server cannot be reached", busy=False,
                          advice="what you typed is kept and saved once it is back")
    if not isinstance(cause, sqlite3.OperationalError):
        return None
    text = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
    if "locked" in text or "busy" in text:
        return NotWritten("another program is writing", busy=True)
    if "full" in text:  # waiting will not help: the auditor has to make room
        return NotWritten("the disk is full", busy=False,
                          advice="free some space, then save again")
    return NotWritten(f"the database failed ({text})", busy=False)


def _server_unreachable(cause: BaseException) -> bool:
    """psycopg's word for a connection lost or refused (the driver is an extra: known by
    its module, never imported here)."""
    return type(cause).__module__.startswith("psycopg") and any(
        kind.__name__ in {"OperationalError", "InterfaceError"}
        for kind in type(cause).__mro__)


class GuardedStore:
    """Calls the store's methods, raising `NotWritten` for a database that cannot take
    them now. Attributes that are not methods (the engine, the actor) are the store's."""

    def __init__(self, store: Any) -> None:
        self.__dict__["_store"] = store

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._store, name)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return value(*args, **kwargs)
            except Exception as exc:
                problem = not_written(exc)
                if problem is None:
                    raise
                raise problem from exc

        return call

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._store, name, value)


def guarded(store: Any) -> Any:
    """The store wrapped once; a store already wrapped is given back as it is."""
    return store if isinstance(store, GuardedStore) else GuardedStore(store)
