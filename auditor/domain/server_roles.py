"""Who may do what on a team's server, enforced by PostgreSQL itself, not by auditor: a
person with their own SQL client has exactly the same rights as through the app.

Three group roles, each a member of the one below it:

- `auditor_viewer`: reads every table; writes nothing.
- `auditor_auditor`: records (results, findings, evidence, plans, the follow-up): writes
  every audit table, but may only add change-log entries (no UPDATE, no DELETE: the log is
  append-only for everyone but the database's owner); cannot reopen a closed audit nor
  delete an audit (a trigger, migration 0008).
- `auditor_lead`: an auditor who may also reopen and delete audits.

A change-log entry's `db_role` is set by a trigger to the role that inserted it, whatever
the client sent, so nobody records under another's login. `auditor db grant ROLE --as
LEVEL` makes ROLE (a login, created when missing) a member of exactly one group.
"""

from __future__ import annotations

import re

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from .errors import AuditorError, DatabaseProblem, shown

LEVELS = {"viewer": "auditor_viewer", "auditor": "auditor_auditor", "lead": "auditor_lead"}
# Tables no role but the owner writes: the append-only log gets INSERT only; the rest
# are written by migrations alone.
LOG_TABLE = "change_log"
OWNER_ONLY = {"log_anchor", "alembic_version"}
ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def check_role_name(role: str) -> str:
    if not ROLE_NAME.fullmatch(role) or role.startswith(("pg_", "auditor_")):
        raise AuditorError(
            f"role {shown(repr(role))}: give a PostgreSQL login name of lower-case letters, "
            "digits and _ (not starting with pg_ or auditor_), e.g. dana_keller")
    return role


def _exists(conn: Connection, role: str) -> bool:
    return conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(r)s",
                                {"r": role}).first() is not None


def groups_exist(conn: Connection) -> bool:
    return all(_exists(conn, group) for group in LEVELS.values())


def apply_group_privileges(conn: Connection) -> None:
    """The groups' privileges on every table there is now (again after `db upgrade`
    added tables)."""
    for group in LEVELS.values():
        if not _exists(conn, group):
            conn.exec_driver_sql(f"CREATE ROLE {group} NOLOGIN")
    conn.exec_driver_sql("GRANT auditor_viewer TO auditor_auditor")
    conn.exec_driver_sql("GRANT auditor_auditor TO auditor_lead")
    schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
    tables = [r[0] for r in conn.exec_driver_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
    conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{schema}" TO auditor_viewer')
    for table in tables:
        conn.exec_driver_sql(f'REVOKE ALL ON "{table}" FROM auditor_viewer, '
                             "auditor_auditor, auditor_lead")
        conn.exec_driver_sql(f'GRANT SELECT ON "{table}" TO auditor_viewer')
        if table == LOG_TABLE:
            conn.exec_driver_sql(f'GRANT INSERT ON "{table}" TO auditor_auditor')
        elif table not in OWNER_ONLY:
            conn.exec_driver_sql(f'GRANT INSERT, UPDATE, DELETE ON "{table}" TO '
                                 "auditor_auditor")
    conn.exec_driver_sql(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO '
                         "auditor_auditor")


def grant(conn: Connection, role: str, level: str) -> bool:
    """Make `role` a login of exactly the group of `level`; True when it was created.
    Run by the database's owner (with CREATEROLE)."""
    check_role_name(role)
    group = LEVELS[level]
    try:
        apply_group_privileges(conn)
        created = not _exists(conn, role)
        if created:
            conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
        for other in LEVELS.values():
            if other != group:
                conn.exec_driver_sql(f'REVOKE {other} FROM "{role}"')
        conn.exec_driver_sql(f'GRANT {group} TO "{role}"')
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == "42501":
            raise DatabaseProblem(
                "only the database's owner with the right to create roles may grant: "
                f"{str(exc.orig).splitlines()[0]}") from None
        raise
    return created
