"""The one entry point: parses the command line, runs a command, starts the TUI.

Command handlers live in `auditor.commands`, one module per group; each module adds its
sub-commands to the parser. Exit codes: 0 success, 1 a problem with the input or the
data (one line per problem on stderr), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import sys

from auditor.commands import (
    Context,
    audits,
    bundle,
    checklists,
    db,
    exchange,
    findings,
    maintenance,
    opinions,
    plan,
    report,
    soa,
    surveillance,
    tui,
    with_hint,
)
from auditor.domain.errors import AuditorError
from auditor.domain.files import way_out

GROUPS = (checklists, audits, plan, findings, exchange, report, soa, opinions, surveillance,
          maintenance,
          db, bundle, tui)


def build_parser() -> argparse.ArgumentParser:
    # argparse's own usage errors already exit 2 with the usage on stderr, as specified.
    parser = argparse.ArgumentParser(
        prog="auditor",
        description="Keyboard-first assistant for ISO 9001 and ISO/IEC 27001 internal audits.",
    )
    parser.add_argument("--db", metavar="PATH_OR_URL",
                        help="database file or SQLAlchemy URL (default: AUDITOR_DB, else the "
                             "user data folder)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in GROUPS:
        group.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(opinions.with_show(soa.with_show(
        sys.argv[1:] if argv is None else list(argv))))
    ctx = Context.from_args(args)
    handler = getattr(args, "handler", None) or tui.home
    try:
        return int(handler(ctx, args) or 0)
    except AuditorError as exc:
        text = with_hint(exc, args)
        for line in text.split("\n") if text else [type(exc).__name__]:
            ctx.err(line)
        return 1
    except KeyboardInterrupt:
        ctx.err("interrupted")
        return 130
    except Exception as exc:
        line = _storage_failure(exc, ctx.settings.db_url)
        damage = _damaged_row(ctx) if line is None else None
        if line is None and damage is None:
            raise
        ctx.err(line or with_hint(damage, args))
        return 1
    finally:
        ctx.close()


def _damaged_row(ctx: Context) -> AuditorError | None:
    """A value edited outside auditor that failed after the store's read had returned
    (in a view or a command's output), named by the domain; None when every row reads."""
    if ctx._store is None:
        return None
    from auditor.domain.damage import damaged_value

    try:
        return damaged_value(ctx._store.engine)
    except Exception:  # the database failing again: the original error is the one to show
        return None


def _storage_failure(exc: Exception, db_url: str) -> str | None:
    """The one line for a database or disk that fails while a command runs (a damaged
    file found half-way through a query, a full disk); None for anything else, which is
    a bug and keeps its traceback."""
    import sqlite3

    cause = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's error
    if type(cause) is sqlite3.DatabaseError:  # "malformed", "file is not a database"
        text = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
        return (f"{db_url.removeprefix('sqlite:///')}: the database is damaged ({text}); "
                "`auditor restore FILE` puts a backup in its place")
    if isinstance(cause, sqlite3.OperationalError):  # locked too long, I/O error, disk full
        text = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
        if "full" in text:
            advice = "the disk is full; free some space, then try again"
        elif "locked" in text or "busy" in text:
            advice = "another program holds it; try again"
        else:  # an I/O error: trying again will not mend the disk
            advice = ("check the disk; if it keeps failing, `auditor restore FILE` puts a "
                      "backup in its place")
        return f"{db_url.removeprefix('sqlite:///')}: the database failed ({text}); {advice}"
    if type(cause).__module__.startswith("psycopg"):  # the server went away, refused
        from auditor.domain.server import safe_url

        text = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
        return (f"{safe_url(db_url)}: the database server failed ({text}); nothing more was "
                "written; check the connection and try again")
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}; {way_out(exc)}"
    return None


if __name__ == "__main__":
    sys.exit(main())
