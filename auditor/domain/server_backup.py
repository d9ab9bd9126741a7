"""Backups of a team's server database with PostgreSQL's own tools: `pg_dump` in its
custom format (consistent while others write), `pg_restore` in one transaction.

A restore is checked before anything is replaced: the file is a pg_dump archive of an
auditor database of a schema this code knows; the database as it was is dumped beside
the backup first. The password goes to the tools in their environment (never on their
command line, which others may see), else libpq's PGPASSWORD or ~/.pgpass serve.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from .errors import DatabaseProblem
from .files import unused_name

ARCHIVE_MAGIC = b"PGDMP"
TOOL_HINT = ("install PostgreSQL's client tools (Debian: postgresql-client) of the server's "
             "version or newer, or ask the server's administrator for a backup")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DatabaseProblem(f"backing up a server database needs {name}, which is not on "
                              f"PATH; {TOOL_HINT}")
    return found


def _libpq_env(url: str) -> dict[str, str]:
    parsed = make_url(url)
    env = dict(os.environ)
    host = parsed.query.get("host") or parsed.host
    for key, value in (("PGHOST", host), ("PGPORT", parsed.port), ("PGUSER", parsed.username),
                       ("PGPASSWORD", parsed.password), ("PGDATABASE", parsed.database)):
        if value:
            env[key] = str(value[0] if isinstance(value, tuple) else value)
    return env


def _run(argv: list[str], url: str, what: str) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, env=_libpq_env(url), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["no message"])[0]
        raise DatabaseProblem(f"{what} failed ({first})")
    return done


def backup_server(url: str, target: Path, *, reserved: bool = False) -> Path:
    """The server's database dumped to `target` (custom format, owner-only); an existing
    file is never overwritten (`reserved`: the empty file unused_name made for it)."""
    pg_dump = _tool("pg_dump")
    if target.exists() and not reserved:
        raise DatabaseProblem(f"{target}: already exists; give a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    part = unused_name(target.parent, f".{target.name}", ".part")
    try:
        _run([pg_dump, "--format=custom", "--file", str(part)], url, "pg_dump")
        os.chmod(part, 0o600)
        if reserved:
            os.replace(part, target)
        else:
            os.link(part, target)  # never over a file that appeared meanwhile
    finally:
        part.unlink(missing_ok=True)
    return target


def archive_revision(backup: Path) -> str:
    """The schema revision an archive holds, refusing what is not an auditor archive."""
    try:
        with backup.open("rb") as fh:
            head = fh.read(len(ARCHIVE_MAGIC))
    except OSError as exc:
        raise DatabaseProblem(f"{backup}: cannot read the backup ({exc.strerror})") from None
    if head != ARCHIVE_MAGIC:
        raise DatabaseProblem(f"{backup}: is not a pg_dump archive (custom format); give a "
                              "file made by `auditor backup` on the server")
    pg_restore = _tool("pg_restore")
    listed = subprocess.run([pg_restore, "--list", str(backup)], capture_output=True,
                            text=True, stdin=subprocess.DEVNULL)
    if listed.returncode != 0 or not re.search(r" TABLE \S+ audit ", listed.stdout):
        raise DatabaseProblem(f"{backup}: is not a backup of an auditor database")
    data = subprocess.run([pg_restore, "--data-only", "--table", "alembic_version", "--file",
                           "-", str(backup)], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    found = re.search(r"^COPY \S*alembic_version .*?\n(\w+)\n", data.stdout, re.M)
    if found is None:
        raise DatabaseProblem(f"{backup}: holds no schema version; not an auditor backup")
    return found.group(1)


def restore_server(url: str, backup: Path) -> Path:
    """Replace the server's database by a checked archive, in one transaction; the
    database as it was is dumped beside the backup first. Returns that dump."""
    from .db import KNOWN_REVISIONS, SCHEMA_HEAD

    revision = archive_revision(backup)
    if revision not in KNOWN_REVISIONS:
        raise DatabaseProblem(f"{backup}: is of schema {revision}, newer than this auditor "
                              f"knows ({SCHEMA_HEAD}); nothing was changed")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = backup_server(url, unused_name(backup.parent, f"before-restore-{stamp}", ".dump"),
                         reserved=True)
    _run([_tool("pg_restore"), "--clean", "--if-exists", "--single-transaction",
          "--no-owner", "--dbname", make_url(url).database or "", str(backup)], url,
         "pg_restore")
    return kept
