"""`auditor` (the TUI's home screen), `auditor open AUDIT`, `auditor demo`."""

from __future__ import annotations

from auditor.commands import audit_id


def register(commands) -> None:
    p = commands.add_parser("open", help="open the TUI on an audit")
    p.add_argument("audit", metavar="AUDIT")
    p.set_defaults(handler=open_audit)


def _run(ctx, audit: int | None = None) -> int:
    from auditor.ui.app import AuditorApp

    store = ctx.store
    if audit is not None:
        store.audit(audit)  # a clear error before the screen starts
    app = AuditorApp(store, settings=ctx.settings, open_audit=audit)
    app.run()
    return app.return_code or 0


def home(ctx, args) -> int:
    return _run(ctx)


def open_audit(ctx, args) -> int:
    return _run(ctx, audit_id(args.audit))
