"""`auditor backup`, `auditor restore` and `auditor user`."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path


def register(commands) -> None:
    p = commands.add_parser("backup", help="a consistent copy of the database, even in use")
    p.add_argument("-o", "--output", type=Path, metavar="FILE")
    p.set_defaults(handler=backup)
    p = commands.add_parser("restore", help="check a backup, then put it in place")
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(handler=restore)
    register_user(commands)


def backup(ctx, args) -> int:
    target = args.output
    if target is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        from auditor.domain.server import is_server_url

        kind = "dump" if is_server_url(ctx.settings.db_url) else "db"  # pg_dump's archive
        target = ctx.settings.data_dir / "backups" / f"auditor-{stamp}.{kind}"
    written = ctx.store.backup(target)
    ctx.print(f"backup written to {written}")
    return 0


def restore(ctx, args) -> int:
    from auditor.domain.backup import check_backup, replace_unusable
    from auditor.domain.db import sqlite_path
    from auditor.domain.errors import DatabaseProblem
    from auditor.domain.server import is_server_url

    if is_server_url(ctx.settings.db_url):  # checked, then replaced in one transaction
        ctx.store.restore(args.file)
        ctx.print(f"database restored from {args.file}; the database as it was was dumped "
                  "beside it (before-restore-*.dump)")
        return 0
    path = sqlite_path(ctx.settings.db_url)
    if path is not None and path.exists() and args.file.exists() and \
            os.path.samefile(args.file, path):
        # Refused before reading it: even a read-only look leaves WAL files beside it.
        raise DatabaseProblem(f"{args.file}: that is the database itself; give a backup file")
    check_backup(args.file)
    try:
        store = ctx.store
    except DatabaseProblem:
        # Restoring is how one recovers from a database that no longer opens: the backup
        # (checked above) takes its place and the unusable file is kept beside it.
        if path is None or not path.is_file():
            raise
        kept = replace_unusable(args.file, path)
        ctx.store.audits()  # opens it, bringing an older backup to the current schema
        ctx.print(f"database restored from {args.file}; the unusable one was kept as {kept}")
        return 0
    store.restore(args.file)
    ctx.print(f"database restored from {args.file}; the previous one was kept beside it")
    return 0


def register_user(commands) -> None:
    p = commands.add_parser("user", help="who is recorded as making each change; "
                            "with NAME, set it once for this user account")
    p.add_argument("name", nargs="?", metavar="NAME", help='e.g. "Dana Keller"')
    p.set_defaults(handler=user)


def user(ctx, args) -> int:
    import os

    from auditor import config

    if args.name is not None:
        written = config.save_name(os.environ, args.name)
        ctx.print(f"changes are recorded as {args.name.strip()} from now on (saved in "
                  f"{written})")
        if os.environ.get("AUDITOR_USER"):
            ctx.err(f"AUDITOR_USER is set ({os.environ['AUDITOR_USER']}): it goes first "
                    "while it is set")
        return 0
    s = ctx.settings
    where = {"AUDITOR_USER": "the AUDITOR_USER environment variable",
             "login": "the login name; set yours with: auditor user \"Your Name\""}
    ctx.print(f"changes are recorded as {s.actor} ({where.get(s.actor_source, s.actor_source)})")
    return 0
