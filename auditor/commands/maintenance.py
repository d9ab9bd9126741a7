"""`auditor backup` and `auditor restore`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path


def register(commands) -> None:
    p = commands.add_parser("backup", help="a consistent copy of the database, even in use")
    p.add_argument("-o", "--output", type=Path, metavar="FILE")
    p.set_defaults(handler=backup)
    p = commands.add_parser("restore", help="check a backup, then put it in place")
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(handler=restore)


def backup(ctx, args) -> int:
    target = args.output
    if target is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = ctx.settings.data_dir / "backups" / f"auditor-{stamp}.db"
    written = ctx.store.backup(target)
    ctx.print(f"backup written to {written}")
    return 0


def restore(ctx, args) -> int:
    from auditor.domain.db import check_backup

    check_backup(args.file)
    ctx.store.restore(args.file)
    ctx.print(f"database restored from {args.file}; the previous one was kept beside it")
    return 0
