"""`auditor db upgrade|grant|copy`: the database itself, above all a team's server."""

from __future__ import annotations

from pathlib import Path

from auditor.commands import actions, command


def register(commands) -> None:
    db = actions(commands, "db", "the database itself: schema upgrade, roles, copying")
    command(db, "upgrade", "bring the database's schema to this auditor's (a server's "
            "is changed only by this)", upgrade)
    p = command(db, "grant", "give a server login the rights of a lead, an auditor or a "
                "viewer (enforced by PostgreSQL)", grant)
    p.add_argument("role", metavar="ROLE", help="the PostgreSQL login (created if missing)")
    p.add_argument("--as", dest="level", required=True, choices=("lead", "auditor", "viewer"))
    p = command(db, "copy", "copy every audit, its change log, snapshots and evidence to "
                "or from another database (a laptop's file to the team's server)", copy)
    way = p.add_mutually_exclusive_group(required=True)
    way.add_argument("--to", metavar="PATH_OR_URL", help="copy this database into that one")
    way.add_argument("--from", dest="source", metavar="PATH_OR_URL",
                     help="copy that database into this one")
    p.add_argument("--evidence", type=Path, metavar="DIR",
                   help="the other database's evidence folder (default: beside a file; a "
                        "server's shared folder must be named)")
    p.add_argument("--merge-new", action="store_true",
                   help="into a database that holds audits: copy only those it lacks")


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


def copy(ctx, args) -> int:
    from auditor import config
    from auditor.domain.errors import AuditorError
    from auditor.domain.server import is_server_url, safe_url
    from auditor.domain.server_copy import copy_database
    from auditor.domain.store import Store

    other = config.resolve(args.to or args.source, {})
    if args.evidence is None and is_server_url(other.db_url):
        raise AuditorError("--evidence DIR: name the server's shared evidence folder (the "
                           "one its auditors set as AUDITOR_EVIDENCE)")
    evidence = args.evidence or other.evidence_dir
    here = ctx.store
    there = Store.open(other.db_url, evidence, ctx.settings.actor)
    try:
        source, target = (here, there) if args.to else (there, here)
        done = copy_database(source, target, merge_new=args.merge_new)
    finally:
        there.close()
    where = safe_url(other.db_url) if args.to else safe_url(ctx.settings.db_url)
    ctx.print(f"copied {done.audits} audit(s), {done.entries} change-log entries and "
              f"{done.files} evidence file(s) to {where}")
    for skipped in done.skipped:
        ctx.print(f"  left out (the target has it): audit {skipped}")
    for problem in done.problems:
        ctx.err(f"after the copy: {problem}")
    if done.problems:
        return 1
    ctx.print("every audit's change log verifies on the target")
    return 0
