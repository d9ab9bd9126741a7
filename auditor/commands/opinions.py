"""`auditor opinions AUDIT [--json]`, `auditor opinions add AUDIT ...` and `auditor
opinions resolve AUDIT N ...`: the opinions on which the auditee and the audit team
differ (ISO 19011 6.4.10). `auditor opinions AUDIT` is `auditor opinions show AUDIT`
(`cli.main` puts the `show` in)."""

from __future__ import annotations

from auditor.commands import actions, audit_id, bold, command, show_by_default
from auditor.domain.errors import AuditorError

ACTIONS = ("show", "add", "resolve")


def register(commands) -> None:
    sub = actions(commands, "opinions", "diverging opinions between the auditee and the "
                  "audit team")
    command(sub, "show", "the audit's diverging opinions, open ones first marked "
            "(`auditor opinions AUDIT` for short)", show_opinions, audit=True, json=True)
    p = command(sub, "add", "record an opinion on which the auditee and the audit team "
                "differ; prints its number", add_opinion, audit=True, json=True)
    p.add_argument("--topic", required=True, metavar="T",
                   help="what it is about: a finding's id, a clause or control, or words")
    p.add_argument("--auditee", required=True, metavar="TEXT", help="the auditee's position")
    p.add_argument("--team", required=True, metavar="TEXT", help="the audit team's position")
    p = command(sub, "resolve", "record how a diverging opinion was settled",
                resolve_opinion, audit=True)
    p.add_argument("number", metavar="N", help="the opinion's number")
    p.add_argument("--resolution", required=True, metavar="TEXT",
                   help="how it was settled")
    p.add_argument("--amend", action="store_true",
                   help="change the resolution of an opinion resolved already (the change "
                        "log keeps the earlier one)")


def with_show(argv: list[str]) -> list[str]:
    """`auditor [--db X] opinions AUDIT ...` as `... opinions show AUDIT ...`."""
    return show_by_default(argv, "opinions", ACTIONS)


def _number(value: str) -> int:
    if not value.isascii() or not value.isdigit():
        raise AuditorError(f"opinion {value!r}: give the opinion's number (see `auditor "
                           "opinions AUDIT`)")
    return int(value)


def show_opinions(ctx, args) -> int:
    from auditor.domain.views import opinion_dict

    number = audit_id(args.audit)
    rows = [opinion_dict(o) for o in ctx.store.opinions(number)]
    if args.json:
        ctx.json({"audit": number, "opinions": rows})
        return 0
    audit = ctx.store.audit(number)
    ctx.print(bold(f"Diverging opinions, audit {audit.id}: {audit.title}", f"  {audit.auditee}"))
    if not rows:
        ctx.print("none recorded; `auditor opinions add` records one")
        return 0
    from rich.table import Table

    table = Table()
    for name in ("no.", "topic", "auditee's position", "audit team's position", "resolution"):
        table.add_column(name)
    for o in rows:
        table.add_row(str(o["number"]), o["topic"], o["auditee"], o["team"],
                      o["resolution"] if o["resolved"] else "unresolved")
    ctx.print(table)
    unresolved = sum(1 for o in rows if not o["resolved"])
    ctx.print(f"{unresolved} of {len(rows)} unresolved")
    return 0


def add_opinion(ctx, args) -> int:
    from auditor.domain.views import opinion_dict

    number = audit_id(args.audit)
    row = ctx.store.add_opinion(number, topic=args.topic, auditee=args.auditee,
                                team=args.team)
    if args.json:
        ctx.json(opinion_dict(row))
    else:
        ctx.print(f"diverging opinion {row.number} recorded on audit {number}")
    return 0


def resolve_opinion(ctx, args) -> int:
    number = audit_id(args.audit)
    row = ctx.store.resolve_opinion(number, _number(args.number),
                                    resolution=args.resolution, amend=args.amend)
    ctx.print(f"diverging opinion {row.number} of audit {number} "
              f"{'resolution changed' if args.amend else 'resolved'}")
    return 0
