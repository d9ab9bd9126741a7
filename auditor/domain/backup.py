"""Copies of the database: backups while it is in use, the copy kept before a migration
or a restore, checking a backup before it is put in place, and restoring it.

A backup is taken only when it is an auditor database whose schema is exactly one our
migrations make (`check_backup`): a trigger in a backup would act on every later write.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import tempfile
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from .db import (
    BUSY_TIMEOUT_MS,
    KNOWN_REVISIONS,
    MIGRATIONS_DIR,
    check_file,
    create_private_file,
    sqlite_engine,
)
from .errors import DatabaseProblem
from .files import private_folder, replacing, unused_name


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def backup_before_migration(path: Path, revision: str) -> Path:
    return _copy_beside(path, f"{path.name}.pre-{revision}-{_stamp()}")


def _copy_beside(path: Path, stem: str) -> Path:
    """A backup of `path` beside it under a name nothing else has (unused_name)."""
    target = unused_name(path.parent, stem, ".bak")
    try:
        return backup_sqlite(path, target)
    except BaseException:
        target.unlink(missing_ok=True)  # the empty reservation, nothing else
        raise


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def backup_sqlite(source: Path, target: Path) -> Path:
    """A consistent copy of a live database (SQLite's online backup), owner-only."""
    if _same_file(source, target):
        raise DatabaseProblem(f"{target}: that is the database itself; give another path")
    if target.is_dir():
        raise DatabaseProblem(f"{target}: is a folder; give a file name for the backup")
    try:
        private_folder(target.parent)
        with replacing(target) as part:
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True,
                                  timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                dst = sqlite3.connect(part.path)
                try:
                    src.backup(dst)
                    dst.execute("PRAGMA journal_mode=DELETE")
                finally:
                    dst.close()
            finally:
                src.close()
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise DatabaseProblem(
            f"{target}: cannot write the backup ({reason}); give another path"
        ) from None
    return target


def check_backup(path: Path) -> str:
    """The schema revision of a backup file, after an integrity check; raises if unusable.
    The backup is only read: one on read-only media restores as well."""
    check_file(path, writable=False)
    if not path.exists() or path.stat().st_size == 0:
        raise DatabaseProblem(f"{path}: no backup there; give the path of a backup file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            status = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if status != "ok":
                raise DatabaseProblem(f"{path}: the backup is damaged ({status})")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if "alembic_version" not in tables or "audit" not in tables:
                raise DatabaseProblem(f"{path}: not an auditor backup (no audit tables)")
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            found = schema_objects(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseProblem(f"{path}: not a usable backup ({exc})") from None
    if revision not in KNOWN_REVISIONS:
        raise DatabaseProblem(
            f"{path}: the backup has schema {revision}, newer than this auditor knows"
        )
    # A trigger or a view in a backup would act on every later write (one rewrote typed
    # notes); a backup is taken only when it holds exactly what our migrations make.
    expected = migrated_schema(revision)
    if found != expected:
        strange = sorted(found - expected) or sorted(expected - found)
        kind, name, _sql = strange[0]
        what = "has" if found - expected else "lacks"
        raise DatabaseProblem(
            f"{path}: not a backup auditor made: its schema {what} the {kind} {name!r}, "
            f"which schema {revision} does not; give a backup made by `auditor backup`",
            elsewhere=True)
    return revision


def schema_objects(conn: sqlite3.Connection) -> frozenset[tuple[str, str, str]]:
    """Every table, index, trigger and view of a database, with its SQL written one way
    (case, quotes and white space do not count), to be compared with another's."""
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    return frozenset(
        (kind, name, _clauses_sorted(
            " ".join((sql or "").lower().replace('"', "").replace("`", "").split())))
        for kind, name, sql in rows)


def _clauses_sorted(sql: str) -> str:
    """A CREATE TABLE with its columns and constraints in one order: Alembic's batch
    mode writes a copied table's constraints in an order that changes from run to run
    (a set), so the same schema must not read as another."""
    start, end = sql.find("("), sql.rfind(")")
    if not sql.startswith("create table") or start < 0 or end < start:
        return sql
    parts, depth, current = [], 0, ""
    for ch in sql[start + 1:end]:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    parts.append(current.strip())
    return f"{sql[:start + 1]} {', '.join(sorted(parts))} {sql[end:]}"


@functools.cache
def migrated_schema(revision: str) -> frozenset[tuple[str, str, str]]:
    """The schema our migrations make at `revision`, built once in a scratch database."""
    from alembic import command
    from alembic.config import Config

    with tempfile.TemporaryDirectory(prefix="auditor-schema-") as scratch:
        engine = sqlite_engine(Path(scratch) / "schema.db")
        try:
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
            with closing(sqlite3.connect(Path(scratch) / "schema.db")) as made:
                return schema_objects(made)
        finally:
            engine.dispose()


def restore_sqlite(backup: Path, target: Path) -> None:
    """Put a checked backup in place of the database, keeping the old one beside it.

    The copy goes through SQLite's backup API into the live file, under its lock, so a
    process that has the database open sees either the old or the restored content.
    """
    check_backup(backup)
    if _same_file(backup, target):
        raise DatabaseProblem(f"{backup}: that is the database itself; give a backup file")
    if target.exists() and target.stat().st_size:
        _copy_beside(target, f"{target.name}.before-restore-{_stamp()}")
    else:
        create_private_file(target)
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    os.chmod(target, 0o600)


def replace_unusable(backup: Path, target: Path) -> Path:
    """Put a checked backup in place of a database that cannot be opened at all (damaged,
    not a database, a schema this auditor refuses), which `restore_sqlite` cannot copy
    into. The unusable file and its journal files are kept beside it, renamed; returns
    the kept file."""
    check_backup(backup)
    if _same_file(backup, target):
        raise DatabaseProblem(f"{backup}: that is the database itself; give a backup file")
    if not target.is_file():
        raise DatabaseProblem(f"{target}: not a database file; give the path of the database")
    kept = unused_name(target.parent, f"{target.name}.unusable-{_stamp()}")
    incoming = backup_sqlite(backup, target.with_name(f"{target.name}.restoring"))
    try:
        os.replace(target, kept)
        for suffix in ("-wal", "-shm"):
            journal = target.with_name(target.name + suffix)
            if journal.exists():
                os.replace(journal, kept.with_name(kept.name + suffix))
        os.replace(incoming, target)
    except OSError as exc:
        raise DatabaseProblem(
            f"{target}: cannot put the backup in place ({exc.strerror}); the backup is "
            f"ready as {incoming}"
        ) from None
    return kept
