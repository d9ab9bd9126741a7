"""A throwaway PostgreSQL cluster for the tests: created in a folder, listening only on a
unix socket in that folder, trusted local connections, stopped and removed at the end.

Standard library only: `.ci/run` calls it with the system Python before any venv exists
(`python3 tests/pg_cluster.py start DIR` prints the URL; `... stop DIR`), and the test
session fixture imports it when AUDITOR_TEST_PG is not set.

PostgreSQL refuses to run as root, so as root the cluster belongs to an unprivileged
system user (`postgres` when the package made it, else one made here).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

SUPERUSER = "auditor_admin"
DATABASE = "auditor"
RUNAS_FALLBACK = "auditorci"
PASSWORD_ROLE = "pw_tester"


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    return versions[0].parent if versions else None


def _runas() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", RUNAS_FALLBACK):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", RUNAS_FALLBACK], check=True)
    return RUNAS_FALLBACK


def _run(user: str | None, *argv: str) -> None:
    command = list(argv) if user is None else ["runuser", "-u", user, "--", *argv]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def url(folder: Path, database: str = DATABASE, user: str = SUPERUSER) -> str:
    return f"postgresql+psycopg://{user}@/{database}?host={folder / 'socket'}"


def start(folder: Path) -> str:
    """Start a cluster in `folder` (made if missing) and return the superuser's URL of
    its `auditor` database."""
    bindir = binaries()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (no initdb)")
    folder.mkdir(parents=True, exist_ok=True)
    data, socket = folder / "data", folder / "socket"
    socket.mkdir(exist_ok=True)
    user = _runas()
    if user is not None:
        # the cluster's user must reach its folders; nothing secret lives here
        for path in (folder, socket):
            shutil.chown(path, user)
        for parent in folder.parents:
            if parent == Path("/"):
                break
            os.chmod(parent, os.stat(parent).st_mode | 0o011)
    _run(user, str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "-A", "trust",
         "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
    # One login that must give its password (the prompt's test); everyone else is trusted.
    hba = data / "pg_hba.conf"
    hba.write_text(f"local all {PASSWORD_ROLE} scram-sha-256\n" + hba.read_text())
    # Throwaway data: no fsync (a killed client is what the crash test kills, never the
    # server); only the socket in our folder, no TCP port to collide with another run.
    options = (f"-k {socket} -c listen_addresses='' -c fsync=off -c full_page_writes=off "
               "-c max_connections=200 -c timezone=UTC")
    _run(user, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"),
         "-o", options, "-w", "start")
    psql = str(bindir / "psql") if (bindir / "psql").exists() else shutil.which("psql") or "psql"
    _run(user, psql, "-h", str(socket), "-U", SUPERUSER, "-d", "postgres", "-q", "-c",
         f"CREATE DATABASE {DATABASE}")
    return url(folder)


def stop(folder: Path) -> None:
    bindir = binaries()
    data = folder / "data"
    if bindir is not None and (data / "postmaster.pid").exists():
        _run(_runas(), str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
             "stop")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in {"start", "stop"}:
        sys.exit("usage: pg_cluster.py start|stop FOLDER")
    where = Path(sys.argv[2]).resolve()
    try:
        if sys.argv[1] == "start":
            print(start(where))
        else:
            stop(where)
    except (RuntimeError, subprocess.CalledProcessError, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        sys.exit(f"pg_cluster: {exc} {detail.decode(errors='replace').strip()}")
