"""A shared PostgreSQL server as the database: opening it, checking its schema, upgrading
it on purpose.

On a server the schema belongs to the team: no client migrates it by opening it (as a
laptop's SQLite file is). `auditor db upgrade` does, under the same advisory lock every
write takes (so no write runs half-way through a migration); a client whose code knows
another schema refuses with the one thing to do.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url

from .errors import DatabaseProblem

# The one advisory lock key of a write (and of a migration): every write appends to the
# one hash-chained change log, so writes are serialised as SQLite's write lock does.
# b"auditor" read as a number; any other application's keys are unlikely to meet it.
WRITE_LOCK_KEY = int.from_bytes(b"auditor", "big")
DRIVER_HINT = "pip install 'auditor[postgres]'"


def is_server_url(url: str) -> bool:
    try:
        return make_url(url).get_backend_name() == "postgresql"
    except Exception:  # a malformed URL: db.open_engine names it
        return False


def safe_url(url: str) -> str:
    """The URL as it may be shown: never its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@")[-1]


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def server_engine(url: str, busy_timeout_ms: int) -> Engine:
    """An engine on the server, not yet checked. The psycopg driver is an extra: its
    absence is one line saying how to install it."""
    parsed = make_url(url)
    if parsed.get_driver_name() not in {"psycopg", "postgresql"}:
        raise DatabaseProblem(f"{safe_url(url)}: use the psycopg driver: "
                              "postgresql+psycopg://USER@HOST/DATABASE")
    try:
        import psycopg  # noqa: F401  - only to say clearly that it is missing
    except ImportError:
        raise DatabaseProblem(f"{safe_url(url)}: PostgreSQL needs the psycopg driver; "
                              f"install it with {DRIVER_HINT}") from None
    parsed = parsed.set(drivername="postgresql+psycopg")
    # Times are stored as UTC without a zone, as in SQLite; a server whose zone is not
    # UTC would otherwise shift each aware time on the way in.
    # No ping before each use (a round trip per write, bench/server.py): a connection the
    # server dropped fails once, is thrown away, and the caller's retry gets a new one
    # (the TUI's autosave retries on its timer).
    # A server that is gone is noticed within seconds, never waited for long: the TUI
    # (a short busy timeout) keeps what was typed and tries again on its timer.
    engine = create_engine(parsed, connect_args={
        "options": "-c timezone=UTC", "connect_timeout": 2 if busy_timeout_ms < 5000 else 10,
        "keepalives_idle": 10, "keepalives_interval": 3, "keepalives_count": 3})
    busy = {"ms": busy_timeout_ms}

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # A write waits this long for another writer's lock (the TUI's is short: it keeps
        # what was typed and tries again), then fails as busy (db.is_busy).
        with dbapi_conn.cursor() as cur:
            cur.execute(f"SET lock_timeout = {int(busy['ms'])}")
        dbapi_conn.commit()

    return engine


def take_write_lock(conn: Connection) -> None:
    """Serialise this transaction with every other writer: held until it ends. Taken as
    the transaction's first statement, so what it reads next (the chain head, the finding
    counters) is what the writer before it committed."""
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


def server_revision(conn: Connection) -> str | None:
    """The server's schema revision; None for an empty database. Refuses a database that
    holds another application's tables."""
    tables = {r[0] for r in conn.exec_driver_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
    if tables and not {"alembic_version", "audit"} <= tables:
        raise DatabaseProblem(
            f"{safe_url(str(conn.engine.url))}: the database holds tables but none of "
            "auditor's (another application's database?)", elsewhere=True)
    if "alembic_version" not in tables:
        return None
    row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return row[0] if row else None


def refuse_other_schema(where: str, revision: str | None) -> None:
    """One line for a client whose code knows another schema than the server's."""
    from .db import KNOWN_REVISIONS, SCHEMA_HEAD

    if revision == SCHEMA_HEAD:
        return
    if revision is None:
        raise DatabaseProblem(f"{where}: the database has no auditor schema yet; run "
                              "`auditor db upgrade` once (as the team's lead) to create it")
    if revision in KNOWN_REVISIONS:
        raise DatabaseProblem(
            f"{where}: the server's schema is {revision}, older than this auditor's "
            f"({SCHEMA_HEAD}); run `auditor db upgrade` (as the team's lead), or install the "
            f"auditor release of schema {revision}")
    raise DatabaseProblem(
        f"{where}: the server's schema is {revision}, newer than this auditor knows "
        f"({SCHEMA_HEAD}); install the auditor release the team upgraded to (schema "
        f"{revision})")


def open_server(url: str, busy_timeout_ms: int) -> Engine:
    """An engine on the server whose schema is exactly this code's."""
    engine = server_engine(url, busy_timeout_ms)
    try:
        with engine.connect() as conn:
            revision = server_revision(conn)
    except DatabaseProblem:
        engine.dispose()
        raise
    except Exception as exc:  # cannot connect, refused, no such database
        engine.dispose()
        hint = ("; give it in PGPASSWORD or ~/.pgpass, or run auditor in a terminal to be "
                "asked" if needs_password(str(exc)) else "")
        raise DatabaseProblem(f"{safe_url(url)}: cannot open the database "
                              f"({_first_line(exc)}){hint}") from None
    try:
        refuse_other_schema(safe_url(url), revision)
    except DatabaseProblem:
        engine.dispose()
        raise
    return engine


def upgrade_server(url: str) -> tuple[str | None, str]:
    """Bring the server's schema to this code's, under the write lock: (before, after).
    Refuses a schema newer than this code."""
    from .db import KNOWN_REVISIONS, SCHEMA_HEAD, run_alembic
    from .server_roles import apply_group_privileges, groups_exist

    engine = server_engine(url, 30_000)
    try:
        with engine.connect() as conn:
            before = server_revision(conn)
            conn.rollback()
        if before is not None and before not in KNOWN_REVISIONS:
            refuse_other_schema(safe_url(url), before)
        if before != SCHEMA_HEAD:
            run_alembic(engine)
        with engine.begin() as conn:
            if groups_exist(conn):  # the new tables get the team's privileges too
                apply_group_privileges(conn)
        return before, SCHEMA_HEAD
    except DatabaseProblem:
        raise
    except Exception as exc:
        raise DatabaseProblem(f"{safe_url(url)}: the upgrade failed and was rolled back "
                              f"({_first_line(exc)})") from None
    finally:
        engine.dispose()


def grant_role(url: str, role: str, level: str) -> bool:
    """`auditor db grant ROLE --as LEVEL` (server_roles.grant); True when the login was
    created."""
    from .server_roles import check_role_name, grant

    check_role_name(role)
    engine = open_server(url, 30_000)
    try:
        with engine.begin() as conn:
            return grant(conn, role, level)
    finally:
        engine.dispose()


def refused_for_role(exc: BaseException) -> str | None:
    """The one line for a change the server refused to this login (privileges, the
    lead-only trigger); None for any other failure."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) != "42501":
        return None
    return (f"the server refused this change to your login ({_first_line(exc)}); nothing "
            "was written; the team's lead grants rights with `auditor db grant`")


def needs_password(text: str) -> bool:
    """The server asked for a password that was not given, or refused the one given."""
    return "no password supplied" in text or "password authentication failed" in text


def ask_password(url: str, problem: BaseException, ask: Any) -> str | None:
    """`url` with the password `ask(prompt)` returns, when the server wanted one and the
    URL has none; None otherwise. The password lives only in the engine's URL (shown
    everywhere as ***), never in settings, the log or a message."""
    parsed = make_url(url)
    if not is_server_url(url) or parsed.password or not needs_password(str(problem)):
        return None
    where = parsed.query.get("host") or parsed.host or "the server"
    secret = ask(f"password of {parsed.username or 'your login'} on {where}: ")
    return parsed.set(password=secret).render_as_string(hide_password=False) if secret \
        else None
