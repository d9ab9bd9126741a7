"""`auditor` (the TUI's home screen), `auditor open AUDIT`, `auditor demo`."""

from __future__ import annotations

from auditor.commands import audit_id

DEMO_CHECKLIST = "iso9001-2015"
# How long a write from the TUI waits for another program's lock: a key press must never
# freeze the screen; what was typed stays in the widget and is written on a later try.
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


def _run(ctx, audit: int | None = None) -> int:
    from auditor.ui.app import AuditorApp
    from auditor.ui.compat import frozen_gc

    store = ctx.store
    if audit is not None:
        store.audit(audit)  # a clear error before the screen starts
    app = AuditorApp(store, settings=ctx.settings, open_audit=audit)
    with frozen_gc():  # a full collection at start-up walked every module (40 ms)
        app.run()
    return app.return_code or 0


def home(ctx, args) -> int:
    ctx.busy_timeout_ms = UI_BUSY_TIMEOUT_MS
    return _run(ctx)


def open_audit(ctx, args) -> int:
    ctx.busy_timeout_ms = UI_BUSY_TIMEOUT_MS
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
