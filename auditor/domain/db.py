"""Opening the database: connection settings, owner-only files, migrations, backups.

Nothing here runs at import time; `open_engine` is called by whoever builds the store.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import OperationalError

from .errors import DatabaseProblem
from .files import private_folder, way_out

# The newest migration this code knows. Checked against the migration scripts by a test;
# kept here so that opening an up-to-date database never has to import Alembic.
SCHEMA_HEAD = "0009"
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008",
                   "0009")
BUSY_TIMEOUT_MS = 30_000
SQLITE_MAGIC = b"SQLite format 3\x00"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# A new database's build that has not finished in this long was cut short by a kill.
STALE_BUILD_SECONDS = 3600


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for memory and other engines."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _configure_sqlite(engine: Engine, busy: dict[str, int]) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:  # pragma: no branch - tiny
        # The driver's own transaction handling is switched off so that we can say
        # BEGIN IMMEDIATE for writes: a writer then waits for the lock up front (busy
        # timeout) instead of failing half-way when another process writes.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={busy['ms']}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def check_file(path: Path, *, writable: bool = True) -> None:
    """Refuse a file that is not a SQLite database before SQLite touches it."""
    try:
        if not path.exists():
            return
    except OSError as exc:  # a folder on the way that this user may not enter
        raise DatabaseProblem(
            f"{path}: cannot reach the database ({exc.strerror}); check the permissions of "
            "its folders"
        ) from None
    if path.is_dir():
        raise DatabaseProblem(f"{path}: is a folder, not a database file; give a file path")
    if not path.is_file():
        # A device, a pipe or a socket: never opened (a pipe would block), never given
        # the database's owner-only mode (`--db /dev/null` once changed /dev/null).
        raise DatabaseProblem(f"{path}: is not a regular file (a device, a pipe or a "
                              "socket), not a database", elsewhere=True)
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise DatabaseProblem(
            f"{path}: cannot read the database ({exc.strerror}); {way_out(exc)}") from None
    if head and head != SQLITE_MAGIC:
        raise DatabaseProblem(
            f"{path}: is not an auditor database (not SQLite)", elsewhere=True)
    if writable and not os.access(path, os.W_OK):
        raise DatabaseProblem(f"{path}: the database is not writable; check its permissions")


def create_private_file(path: Path) -> None:
    private_folder(path.parent)
    if not path.exists():
        try:
            fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            os.close(fd)
        except FileExistsError:  # another process created it a moment ago: fine
            pass
    os.chmod(path, 0o600)


def sqlite_engine(path: Path) -> Engine:
    return create_engine(URL.create("sqlite", database=str(path)), connect_args={
        "check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000})


def _create_database(path: Path) -> None:
    """A new database appears whole or not at all: its schema is built in a private file
    beside it, which is then linked into place (never over anything). So an empty file at
    the path is never a database being born, and may be refused as not ours; processes
    creating the same database at once each build one, and the first link wins."""
    private_folder(path.parent)
    for stale in path.parent.glob(f".{path.name}.*.new*"):  # a build a kill cut short
        try:
            if time.time() - stale.stat().st_mtime > STALE_BUILD_SECONDS:
                stale.unlink()
        except OSError:
            pass
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".new")
    os.close(fd)
    building = Path(name)
    try:
        engine = sqlite_engine(building)
        _configure_sqlite(engine, {"ms": BUSY_TIMEOUT_MS})
        try:
            run_alembic(engine)
        finally:
            engine.dispose()
        with closing(sqlite3.connect(building)) as conn:
            conn.execute("PRAGMA journal_mode=DELETE")  # the WAL folded in: one file to link
        os.chmod(building, 0o600)
        try:
            os.link(building, path)
        except FileExistsError:
            pass  # another process made it a moment ago; it was built the same way
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(building, path)
    finally:
        for leftover in (building, *(building.with_name(building.name + s)
                                     for s in ("-wal", "-shm", "-journal"))):
            leftover.unlink(missing_ok=True)


def open_engine(url: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """An engine on `url`, its schema brought up to date (after a backup copy).

    `busy_timeout_ms` is how long a write waits for another program's lock once the
    database is open; the TUI asks for a short one and tries again on its timer. Opening
    (and migrating) always waits the long one. A server's schema is checked, never
    migrated here (server.open_server)."""
    from .server import is_server_url, open_server

    if is_server_url(url):
        return open_server(url, busy_timeout_ms)
    path = sqlite_path(url)
    if path is not None:
        check_file(path)
        if path.exists() and path.stat().st_size == 0:
            # not ours: a new database is linked into place whole (_create_database)
            raise DatabaseProblem(f"{path}: is an empty file, not an auditor database; "
                                  "remove it or give another path", elsewhere=True)
        _probe_file(path)
        try:
            if path.exists():
                os.chmod(path, 0o600)  # ours (the probe read its schema): owner-only
            else:
                _create_database(path)
        except OSError as exc:
            raise DatabaseProblem(
                f"{path}: cannot create the database ({exc.strerror}); {way_out(exc)}",
                elsewhere=True) from None
    try:
        connect_args = {}
        if make_url(url).get_backend_name() == "sqlite":
            connect_args = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        engine = create_engine(url, connect_args=connect_args)
    except Exception as exc:  # a malformed URL, an engine whose driver is not installed
        raise DatabaseProblem(
            f"{_safe_url(url)}: cannot use this database ({_first_line(exc)}); "
            "give a file path or another URL"
        ) from None
    busy = {"ms": BUSY_TIMEOUT_MS}
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, busy)
    try:
        _migrate_patiently(engine, path)
    except DatabaseProblem:
        engine.dispose()
        raise
    except Exception as exc:  # the driver's errors: not a database, disk I/O, locked
        engine.dispose()
        where = path if path is not None else url
        raise DatabaseProblem(f"{where}: cannot open the database ({_first_line(exc)})") from None
    if busy_timeout_ms != busy["ms"]:
        # Connections made from now on wait the caller's time; the pooled ones go.
        busy["ms"] = busy_timeout_ms
        engine.dispose()
    return engine


def is_busy(exc: OperationalError) -> bool:
    """The write lock was held by another connection for longer than the busy timeout.
    The one place that knows how each engine says so."""
    text = str(getattr(exc, "orig", exc)).lower()
    return ("database is locked" in text or "database is busy" in text
            or "lock timeout" in text)  # PostgreSQL's lock_timeout (server.server_engine)


def _migrate_patiently(engine: Engine, path: Path | None, attempts: int = 8) -> None:
    """Migrate, trying again when SQLite says "locked" at once. While a brand-new file
    is being switched to WAL by another process, SQLite can refuse without calling the
    busy handler; the other process finishes within milliseconds."""
    for attempt in range(attempts):
        try:
            migrate(engine, path)
            return
        except OperationalError as exc:
            if "locked" not in str(exc.orig) or attempt == attempts - 1:
                raise
            engine.dispose()
            time.sleep(0.05 * (attempt + 1))


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@")[-1]


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0] if text else type(exc).__name__


def _refuse_foreign(where: object, tables: set[str]) -> None:
    # Another application's Alembic database has an alembic_version table too: it is
    # ours only with our tables (else its unknown revision would read as a newer schema).
    if tables and not {"alembic_version", "audit"} <= tables:
        raise DatabaseProblem(
            f"{where}: the database holds tables but none of auditor's (another "
            "application's database?)", elsewhere=True)


def _refuse_unknown(where: object, revision: str | None) -> None:
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise DatabaseProblem(
            f"{where}: the database has schema {revision}, newer than this auditor knows "
            f"({SCHEMA_HEAD}); upgrade auditor to open it"
        )


def _probe_file(path: Path) -> None:
    """Refuse a database this auditor cannot use before anything writes to it.

    Opening through the engine sets WAL mode, which rewrites the file's header, and
    creates files beside it; a newer or foreign database is read here read-only instead,
    so that refusing it leaves it exactly as it was."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    beside = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    there = {p for p in beside if p.exists()}
    try:
        _read_schema(path)
    except DatabaseProblem:
        # Even a read-only look at a WAL-mode file creates its -wal and -shm files; a
        # refused database gets them taken away again (the -wal is empty: nothing wrote).
        for p in beside:
            if p not in there and p.exists() and (p.name.endswith("-shm")
                                                  or p.stat().st_size == 0):
                p.unlink()
        raise


def _read_schema(path: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True,
                               timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
            revision = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseProblem(f"{path}: cannot open the database ({exc})") from None
    _refuse_foreign(path, tables)
    _refuse_unknown(path, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        tables = {
            r[0]
            for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
        } if engine.dialect.name == "sqlite" else None
        if tables is not None:
            _refuse_foreign(_safe_url(str(engine.url)), tables)
            if "alembic_version" not in tables:
                return None
        rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
        return rows[0][0] if rows else None


def migrate(engine: Engine, path: Path | None) -> None:
    revision = current_revision(engine)
    if revision == SCHEMA_HEAD:
        return
    _refuse_unknown(path if path is not None else _safe_url(str(engine.url)), revision)
    if revision is not None and path is not None:
        from .backup import backup_before_migration  # only a database behind pays for it

        backup_before_migration(path, revision)
    run_alembic(engine)


def run_alembic(engine: Engine) -> None:
    # Imported here: only a new or outdated database pays for Alembic.
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        # Two processes may open a new database at once. The migration takes the write
        # lock before it reads the schema version, so the second one waits (busy timeout)
        # and then finds the work done, instead of failing with "database is locked" when
        # its read-then-write transaction finds the file changed under it.
        conn.execution_options(sqlite_begin="IMMEDIATE")
        raw = conn.connection.driver_connection if sqlite else None
        if raw is not None:
            # Batch migrations copy tables; foreign keys must be off while they do, and
            # that pragma only takes effect outside a transaction.
            raw.execute("PRAGMA foreign_keys=OFF")
        if not sqlite:
            # A server: the schema read and every revision run under the write lock, so
            # two `db upgrade`s (or a write) never meet half-way; DDL is transactional.
            from .server import take_write_lock

            take_write_lock(conn)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()
        if raw is not None:
            problems = raw.execute("PRAGMA foreign_key_check").fetchall()
            raw.execute("PRAGMA foreign_keys=ON")
            if problems:
                raise DatabaseProblem(f"migration left broken references: {problems[:3]}")
