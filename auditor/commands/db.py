"""`auditor db upgrade|grant|copy`: the database itself, above all a team's server."""

from __future__ import annotations

from auditor.commands import actions, command


def register(commands) -> None:
    db = actions(commands, "db", "the database itself: schema upgrade, roles, copying")
    command(db, "upgrade", "bring the database's schema to this auditor's (a server's "
            "is changed only by this)", upgrade)


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
