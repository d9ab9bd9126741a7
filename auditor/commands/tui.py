"""`auditor` (the TUI's home screen), `auditor open AUDIT`, `auditor demo`."""

from __future__ import annotations

import gc

from auditor.commands import audit_id

DEMO_CHECKLIST = "iso9001-2015"
# How long the TUI's statements wait for another process's lock (harlequin's rule for a
# front end: a missed row beats a stalled worker). A write that finds the database busy
# fails after this and is tried again later, what was typed kept; a command waits 30 s.
UI_BUSY_TIMEOUT_MS = 250


def register(commands) -> None:
    p = commands.add_parser("open", help="open the TUI on an audit")
    p.add_argument("audit", metavar="AUDIT")
    p.set_defaults(handler=open_audit)

    p = commands.add_parser(
        "demo", help="fill the database with a sample company's audits, then open the TUI")
    p.add_argument("--no-tui", action="store_true",
                   help="only fill the database; do not start the TUI")
    p.set_defaults(handler=demo)


def open_ui_store(settings):
    """The store the TUI is given: its own engine, with the short busy timeout."""
    from auditor.config import evidence_max_bytes, open_store, require_shared_evidence

    limit = evidence_max_bytes(settings)
    require_shared_evidence(settings)
    store = open_store(settings, busy_timeout_ms=UI_BUSY_TIMEOUT_MS)
    if limit is not None:
        store.evidence_max_bytes = limit
    return store


def _run(ctx, audit: int | None = None) -> int:
    from auditor.domain.files import private_temp
    from auditor.ui.app import AuditorApp

    ctx.close()  # a store the command used (demo's filling) waits long: not the TUI's
    store = open_ui_store(ctx.settings)
    try:
        if audit is not None:
            store.audit(audit)  # a clear error before the screen starts
        app = AuditorApp(store, settings=ctx.settings, open_audit=audit)
        # What is alive when the app starts (modules, the store, the checklists) outlives
        # it: kept out of the collector's sight while the app runs, a full collection walks
        # only what the session made. Unfrozen, one during start-up walks everything
        # (70 ms of a fresh process's 490 ms to the audit screen).
        gc.freeze()
        try:
            with private_temp(ctx.settings.data_dir / "tmp"):  # the TUI's exports
                app.run()
        finally:
            gc.unfreeze()
    finally:
        store.close()
    return app.return_code or 0


def home(ctx, args) -> int:
    return _run(ctx)


def open_audit(ctx, args) -> int:
    return _run(ctx, audit_id(args.audit))


def demo(ctx, args) -> int:
    from auditor.domain.demo import AUDITEE, fill_demo
    from auditor.exchange.library import find

    checklist = find(DEMO_CHECKLIST, ctx.settings.user_checklists)
    made = fill_demo(ctx.store, checklist)
    if made.created:
        ctx.print(f"Demo data added for {AUDITEE}: audit {made.previous_id} (last year, "
                  f"closed) and audit {made.current_id} (surveillance, in progress).")
    else:
        ctx.print(f"Demo data already present: audits {made.previous_id} and "
                  f"{made.current_id}.")
    if args.no_tui:
        return 0
    return _run(ctx, made.current_id)
