"""`auditor plan add | show | remove | export`: the audit plan's sessions, and the plan as a
document for the auditee."""

from __future__ import annotations

from pathlib import Path

from auditor.commands import actions, audit_id, bold, command
from auditor.domain.errors import AuditorError


def register(commands) -> None:
    sub = actions(commands, "plan", "the audit plan: sessions, and what no session covers")
    p = command(sub, "add", "add a session to the audit plan; prints its number", add_session,
                audit=True, json=True)
    p.add_argument("--start", required=True, metavar="YYYY-MM-DD HH:MM",
                   help="when it starts (the audit's local time)")
    p.add_argument("--minutes", required=True, metavar="N", help="how long, 1 to 600")
    p.add_argument("--refs", required=True, metavar="R1,R2",
                   help="clauses or controls of the checklist it covers (a group covers "
                   "every item below it)")
    p.add_argument("--auditor", metavar="NAME",
                   help="the auditor who leads it (default: the lead auditor)")
    p.add_argument("--with", dest="auditee_people", default="", metavar="TEXT",
                   help="the auditee's people met")
    p.add_argument("--place", default="", metavar="TEXT", help="room or video link")

    command(sub, "show", "the sessions in time order, then the warnings", show_plan,
            audit=True, json=True)
    p = command(sub, "remove", "remove a session from the audit plan", remove_session,
                audit=True)
    p.add_argument("session", metavar="SESSION", help="the session's number")
    p = command(sub, "export", "write the audit plan for the auditee (.md, .docx or .pdf)",
                export_plan, audit=True)
    p.add_argument("-o", "--output", type=Path, metavar="FILE", required=True,
                   help="where to write it; the name's end chooses the format: "
                        ".md, .docx or .pdf (an existing file is never overwritten)")


def _session_number(value: str) -> int:
    if not value.isascii() or not value.isdigit():
        raise AuditorError(f"session {value!r}: give the session's number (see `auditor "
                           "plan show AUDIT`)")
    return int(value)


def add_session(ctx, args) -> int:
    from auditor.domain.views import session_dict, warning_dict

    number = audit_id(args.audit)
    session = ctx.store.add_session(
        number, start=args.start, minutes=args.minutes, refs=args.refs,
        auditor=args.auditor, auditee_people=args.auditee_people, place=args.place)
    # What concerns this session (its auditor, an overlap); the plan's coverage is
    # `plan show`'s, as a plan is built a session at a time.
    warnings = [w for w in ctx.store.session_warnings(number)
                if session.number in w.sessions]
    if args.json:
        ctx.json({**session_dict(session), "warnings": [warning_dict(w) for w in warnings]})
    else:
        ctx.print(f"session {session.number} added to the plan of audit {number}")
    for w in warnings:
        ctx.err(f"warning: {w.text}")
    return 0


def show_plan(ctx, args) -> int:
    from auditor.domain.views import plan_document

    doc = plan_document(ctx.store, audit_id(args.audit))
    if args.json:
        ctx.json(doc)
        return 0
    from rich.table import Table

    audit = ctx.store.audit(doc["audit"])
    ctx.print(bold(f"Audit plan {audit.id}: {audit.title}", f"  {audit.auditee}"))
    if doc["sessions"]:
        table = Table()
        for name in ("session", "when", "min", "refs", "auditor", "with", "place"):
            table.add_column(name)
        for s in doc["sessions"]:
            table.add_row(str(s["number"]), f"{s['start'].replace('T', ' ')}-"
                          f"{s['end'][11:]}", str(s["minutes"]), ", ".join(s["refs"]),
                          s["auditor"], s["auditee_people"], s["place"])
        ctx.print(table)
    else:
        ctx.print("no sessions yet; `auditor plan add` adds one")
    for w in doc["warnings"]:
        ctx.print(f"warning: {w['text']}")
    return 0


def remove_session(ctx, args) -> int:
    number = audit_id(args.audit)
    session = ctx.store.remove_session(number, _session_number(args.session))
    ctx.print(f"session {session.number} removed from the plan of audit {number}")
    return 0


def export_plan(ctx, args) -> int:
    from auditor.exchange.plan_file import FORMATS, check_plan_target, write_plan

    check_plan_target(args.output)  # a bad name is refused before the database opens
    number = audit_id(args.audit)
    plan = write_plan(ctx.store, number, args.output)
    state = (f"draft ({len(plan.warnings)} point(s) to settle, listed at its end)"
             if plan.draft else "ready to send")
    ctx.print(f"audit {number}: {FORMATS[args.output.suffix.lower()]} plan, {state}, with "
              f"{len(plan.sessions)} session(s) written to {args.output}")
    for line in plan.warnings:
        ctx.err(f"warning: {line}")
    return 0
