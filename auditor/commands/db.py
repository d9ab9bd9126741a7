"""`auditor db upgrade|grant|copy`: the database itself, above all a team's server."""

from __future__ import annotations

from auditor.commands import actions, command


def register(commands) -> None:
    db = actions(commands, "db", "the database itself: schema upgrade, roles, copying")
    command(db, "upgrade", "bring the database's schema to this auditor's (a server's "
            "is changed only by this)", upgrade)
    p = command(db, "grant", "give a server login the rights of a lead, an auditor or a "
                "viewer (enforced by PostgreSQL)", grant)
    p.add_argument("role", metavar="ROLE", help="the PostgreSQL login (created if missing)")
    p.add_argument("--as", dest="level", required=True, choices=("lead", "auditor", "viewer"))


def upgrade(ctx, args) -> int:
    from auditor.domain.db import SCHEMA_HEAD
    from auditor.domain.server import is_server_url, safe_url, upgrade_server

    url = ctx.settings.db_url
    if not is_server_url(url):
        ctx.store.audits()  # a file migrates itself on opening, after its backup copy
        ctx.print(f"the database is at schema {SCHEMA_HEAD}")
        return 0
    before, after = upgrade_server(url)
    if before == after:
        ctx.print(f"{safe_url(url)}: already at schema {after}; nothing to do")
    else:
        ctx.print(f"{safe_url(url)}: schema {before or 'none'} -> {after}")
    return 0


CAN = {"viewer": "reads everything, writes nothing",
       "auditor": "records audits, findings, evidence and follow-up; adds to the change log "
                  "but never alters it; cannot reopen or delete an audit",
       "lead": "all an auditor may, and reopens and deletes audits"}


def grant(ctx, args) -> int:
    from auditor.domain.server import grant_role, is_server_url, safe_url

    url = ctx.settings.db_url
    if not is_server_url(url):
        ctx.err("db grant works on a PostgreSQL server (--db postgresql+psycopg://...); a "
                "database file has no roles: its file permissions decide who may use it")
        return 1
    created = grant_role(url, args.role, args.level)
    made = "created and " if created else ""
    ctx.print(f"{safe_url(url)}: role {args.role} {made}granted {args.level}: "
              f"{CAN[args.level]}")
    if created:
        ctx.print(f"set its password in psql: \\password {args.role}")
    return 0
