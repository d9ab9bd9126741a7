"""`auditor audits list | new | show | edit | close | reopen | verify`."""

from __future__ import annotations

from datetime import date

from auditor.commands import actions, audit_id, bold, command
from auditor.domain.errors import AuditorError
from auditor.domain.vocab import RESULT_LABELS, AuditType, Result, grade_label, status_label


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise AuditorError(f"{value!r} is not a date; write it as YYYY-MM-DD") from None


def register(commands) -> None:
    sub = actions(commands, "audits", "plan, show and close audits")
    command(sub, "list", "all audits, most recent first", list_audits, json=True)

    p = command(sub, "new", "plan a new audit", new_audit, json=True)
    p.add_argument("--checklist", required=True, metavar="ID",
                   help="installed checklist id or a checklist file")
    p.add_argument("--title", required=True)
    p.add_argument("--auditee", required=True, metavar="ORG")
    p.add_argument("--type", default="internal", choices=[t.value for t in AuditType])
    p.add_argument("--previous", metavar="AUDIT", help="the audit this one follows")
    p.add_argument("--lead", default="", metavar="NAME", help="lead auditor")
    p.add_argument("--team", default="", help="audit team, comma separated")
    p.add_argument("--scope", default="")
    p.add_argument("--site", default="")
    p.add_argument("--start", metavar="YYYY-MM-DD", help="planned start date")
    p.add_argument("--end", metavar="YYYY-MM-DD", help="planned end date")
    p.add_argument("--objectives", default="", metavar="TEXT",
                   help="the audit's objectives (may hold several lines)")
    p.add_argument("--criteria", metavar="TEXT",
                   help="the audit criteria (default: the checklist's standard)")

    command(sub, "show", "the whole audit", show_audit, audit=True, json=True)
    p = command(sub, "edit", "change the audit's header (not on a closed audit)", edit_audit,
                audit=True, json=True)
    for flag, _field, metavar, what in EDIT_FLAGS:
        p.add_argument(flag, metavar=metavar, help=what)
    p = command(sub, "close", "close and lock an audit; prints its seal", close_audit,
                audit=True, json=True)
    p.add_argument("--conclusion", help="the audit's conclusion")
    p = command(sub, "reopen", "reopen a closed audit (the reason is logged)", reopen_audit,
                audit=True)
    p.add_argument("--reason", required=True)
    p = command(sub, "verify", "check the change log (chain, MACs, seal) and the evidence "
                "files", verify_audit, audit=True, json=True)
    p.add_argument("--seal", metavar="HEX",
                   help="the seal printed at close (64 hex digits): the log up to that "
                   "close must be the one sealed")


# (flag, audit field, metavar, help): the header an auditor may need to correct after
# planning; the store checks each value (dates as days, in order; a title not blank).
EDIT_FLAGS = (
    ("--title", "title", "T", "the audit's title"),
    ("--scope", "scope", "TEXT", "the scope (may hold several lines)"),
    ("--site", "site", "TEXT", "site or sites"),
    ("--lead", "lead_auditor", "NAME", "lead auditor"),
    ("--team", "team", "NAMES", "audit team, comma separated"),
    ("--planned-start", "planned_start", "YYYY-MM-DD", "planned start date"),
    ("--planned-end", "planned_end", "YYYY-MM-DD", "planned end date"),
    ("--actual-start", "actual_start", "YYYY-MM-DD", "actual start date"),
    ("--actual-end", "actual_end", "YYYY-MM-DD", "actual end date"),
    ("--objectives", "objectives", "TEXT", "the audit's objectives (may hold several lines)"),
    ("--criteria", "criteria", "TEXT", "the audit criteria: standards, policies, "
     "procedures (may hold several lines)"),
)


def edit_audit(ctx, args) -> int:
    from auditor.domain.views import audit_header

    fields = {}
    for flag, name, _metavar, _what in EDIT_FLAGS:
        value = getattr(args, flag.lstrip("-").replace("-", "_"))
        if value is not None:
            fields[name] = value
    if not fields:
        ctx.err("audits edit: nothing to change; give at least one of "
                + ", ".join(flag for flag, *_ in EDIT_FLAGS))
        return 1
    audit = ctx.store.update_audit(audit_id(args.audit), fields)
    if args.json:
        ctx.json(audit_header(audit))
    else:
        ctx.print(f"audit {audit.id} changed: " + ", ".join(
            flag.lstrip("-") for flag, name, *_ in EDIT_FLAGS if name in fields))
    return 0


def list_audits(ctx, args) -> int:
    from auditor.domain.views import summary_dict

    rows = [summary_dict(s) for s in ctx.store.audit_summaries()]
    if args.json:
        ctx.json(rows)
        return 0
    from rich.table import Table

    table = Table(title="Audits")
    for name in ("id", "title", "auditee", "type", "checklist", "status", "progress",
                 "open findings"):
        table.add_column(name)
    for r in rows:
        table.add_row(str(r["id"]), r["title"], r["auditee"], r["type"], r["checklist"]["id"],
                      status_label(r["status"]), f"{r['assessed']}/{r['total']}",
                      str(r["open_findings"]))
    ctx.print(table)
    return 0


def new_audit(ctx, args) -> int:
    from auditor.domain.views import audit_header
    from auditor.exchange import library

    checklist = library.find(args.checklist, ctx.settings.user_checklists,
                             ctx.settings.checklist_index)
    audit = ctx.store.create_audit(
        checklist,
        title=args.title,
        auditee=args.auditee,
        type=args.type,
        scope=args.scope,
        site=args.site,
        lead_auditor=args.lead,
        team=args.team,
        planned_start=_date(args.start) if args.start else None,
        planned_end=_date(args.end) if args.end else None,
        previous_id=audit_id(args.previous) if args.previous else None,
        objectives=args.objectives,
        criteria=args.criteria,
    )
    if args.json:
        doc = audit_header(audit)
        doc["checklist"] = {"id": checklist.id, "version": checklist.version}
        ctx.json(doc)
    else:
        ctx.print(f"audit {audit.id} planned: {audit.title} ({audit.auditee}, "
                  f"{checklist.id} {checklist.version})")
    return 0


def show_audit(ctx, args) -> int:
    from auditor.domain.views import audit_document

    doc = audit_document(ctx.store, audit_id(args.audit))
    # A closed audit's seal: the hash of the change-log entry that closed it.
    doc["seal"] = ctx.store.audit(doc["id"]).seal if doc["status"] == "closed" else None
    if args.json:
        ctx.json(doc)
        return 0
    from rich.table import Table

    ctx.print(bold(f"Audit {doc['id']}: {doc['title']}",
                   f"  {doc['auditee']} · {doc['type']} · {status_label(doc['status'])} · "
                   f"{doc['checklist']['id']} {doc['checklist']['version']} · "
                   f"{doc['progress']['assessed']}/{doc['progress']['total']} assessed"))
    for label, key in (("Objectives", "objectives"), ("Criteria", "criteria")):
        if doc[key]:
            ctx.print(f"{label}: " + doc[key].replace("\n", "\n  "))
    if doc["sessions"]:
        ctx.print(f"Plan: {len(doc['sessions'])} session(s); `auditor plan show "
                  f"{doc['id']}` lists them")
    if doc["conclusion"]:
        ctx.print(f"Conclusion: {doc['conclusion']}")
    if doc["seal"]:
        ctx.print(f"Seal: {doc['seal']}")
    items = Table(title="Items")
    for name in ("ref", "title", "result", "notes"):
        items.add_column(name)
    for item in doc["items"]:
        indent = "  " * item["depth"]
        result = RESULT_LABELS[Result(item["result"])] if item["result"] else ""
        items.add_row(indent + item["ref"], item["title"], result,
                      item["notes"].replace("\n", " ")[:60])
    ctx.print(items)
    if doc["findings"]:
        table = Table(title="Findings")
        for name in ("id", "ref", "grade", "status", "statement", "repeat of"):
            table.add_column(name)
        for f in doc["findings"]:
            table.add_row(f["id"], f["ref"], grade_label(f["grade"]), status_label(f["status"]),
                          f["statement"][:60],
                          f["repeat_of"] or "")
        ctx.print(table)
    if doc["previous_findings"]:
        ctx.print("Previous findings to verify: " + ", ".join(
            f"{f['id']} ({status_label(f['status'])})" for f in doc["previous_findings"]))
    return 0


def close_audit(ctx, args) -> int:
    from auditor.domain.closing import audit_gaps

    audit = ctx.store.close_audit(audit_id(args.audit), args.conclusion)
    if args.json:
        ctx.json({"id": audit.id, "status": audit.status, "seal": audit.seal})
    else:
        ctx.print(f"audit {audit.id} closed; it is now read-only")
        # Keep it with the documents handed out: `audits verify --seal` checks against it.
        ctx.print(f"seal: {audit.seal}")
    for gap in audit_gaps(ctx.store, audit.id):
        ctx.err(f"audit {audit.id} closed with {gap}")
    return 0


def reopen_audit(ctx, args) -> int:
    audit = ctx.store.reopen_audit(audit_id(args.audit), args.reason)
    ctx.print(f"audit {audit.id} reopened; the reason is in the change log")
    return 0


def verify_audit(ctx, args) -> int:
    report = ctx.store.verify_audit(audit_id(args.audit), seal=args.seal)
    if args.json:
        ctx.json(report)
    problems = report["problems"]
    for line in problems:
        ctx.err(line)
    if not problems and not args.json:
        ctx.print(f"audit {report['audit']}: change log intact ({report['entries']} entries), "
                  f"{report['files']} evidence file(s) match their SHA-256")
        if report["before_macs"]:
            ctx.print(f"{report['before_macs']} entries from before MACs were kept (their "
                      "chain is checked, not their MAC)")
        sealed = report["seal"]
        if sealed:
            ctx.print(f"seal matches the close at {sealed['at']} (entry {sealed['entry']})"
                      + ("" if sealed["latest"] else
                         "; the audit was reopened after it, and sealed again later"))
    return 1 if problems else 0
