"""`auditor compare OLD NEW` and `auditor programme AUDITEE`."""

from __future__ import annotations

from pathlib import Path

from auditor.commands import audit_id, bold
from auditor.domain.vocab import RESULT_LABELS, Result


def register(commands) -> None:
    p = commands.add_parser("compare", help="what changed between two audits (surveillance)")
    p.add_argument("old", metavar="OLD", help="the previous audit")
    p.add_argument("new", metavar="NEW", help="the current audit")
    p.add_argument("--json", action="store_true")
    p.add_argument("-o", "--output", metavar="FILE.xlsx",
                   help="also write the comparison as a workbook")
    p.set_defaults(handler=compare)

    p = commands.add_parser("programme", help="coverage of clauses and controls in the cycle")
    p.add_argument("auditee", metavar="AUDITEE")
    p.add_argument("--years", type=int, default=3, help="length of the cycle (default 3)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=programme)


def _label(value: str | None) -> str:
    return RESULT_LABELS[Result(value)] if value else "-"


def compare(ctx, args) -> int:
    from auditor.domain.compare import CHANGE_LABELS, Change, compare_audits
    from auditor.exchange.mapping_set import stored_mappings

    mappings, unreadable = stored_mappings(ctx.settings.user_checklists)
    for line in unreadable:
        ctx.err(f"{line} (mapping skipped)")
    result = compare_audits(ctx.store, audit_id(args.old), audit_id(args.new), mappings)
    if args.output:
        from auditor.domain.files import private_temp
        from auditor.exchange.comparison_sheet import save_comparison

        with private_temp(ctx.settings.data_dir / "tmp"):
            written = save_comparison(result, Path(args.output))
        if not args.json:
            ctx.print(f"comparison written to {written}")
    if args.json:
        ctx.json(result.to_json())
        return 0
    from rich.table import Table

    # Cells and lines are plain strings: the console reads no markup in them and shows a
    # control character as its escape.
    p, c, s = result.previous, result.current, result.summary
    across = result.across_editions
    checklists = (f"{p.checklist_id} {p.checklist_version} → {c.checklist_id} "
                  f"{c.checklist_version} through the mapping {result.mapping!r}" if across
                  else f"{c.checklist_id} {p.checklist_version}"
                  + (f" → {c.checklist_version}" if result.versions_differ else ""))
    ctx.print(bold(f"Audit {p.id} → audit {c.id}",
                   f"  {p.title} → {c.title} · {c.auditee} · {checklists}"))
    ctx.print("  ".join(f"{CHANGE_LABELS[k]}: {s[k.value]}" for k in Change)
              + f"  repeat findings: {s['repeat_findings']}")
    quiet = (Change.UNCHANGED, Change.NOT_ASSESSED)
    # Across editions the items the mapping leaves out are listed by ref below the table.
    changed = [i for i in result.items
               if i.change not in quiet and not (across and i.only_in)]
    if changed:
        table = Table(title="Items that changed")
        for name in ("ref", "item", *(("maps from",) if across else ()), "previous",
                     "current", "change"):
            table.add_column(name)
        for i in changed:
            only = (" (not in the mapping)" if across else f" (only in {i.only_in})") \
                if i.only_in else ""
            table.add_row(i.ref, i.title,
                          *((", ".join(i.mapped_from) or "-",) if across else ()),
                          _label(i.previous), _label(i.current),
                          CHANGE_LABELS[i.change] + only)
        ctx.print(table)
    if across:
        for side, what in (("current", f"Items of {c.checklist_id} no earlier item maps to"),
                           ("previous", f"Items of {p.checklist_id} the mapping carries to "
                                        "no current item")):
            refs = [i.ref for i in result.items if i.only_in == side]
            ctx.print(f"{what} ({len(refs)}): {', '.join(refs) if refs else 'none'}")
    ctx.print(f"{s['unchanged']} unchanged and {s['not_assessed']} assessed in neither audit "
              "not listed; --json lists every item")
    if result.findings:
        table = Table(title=f"Findings of audit {p.id}, status now")
        for name in ("id", "ref", *(("maps to",) if across else ()), "grade", "status",
                     "repeated by", "statement"):
            table.add_column(name)
        for f in result.findings:
            table.add_row(f.id, f.ref,
                          *((", ".join(f.maps_to) or "not in the mapping",)
                            if across else ()),
                          f.grade, f.status, ", ".join(f.repeated_by),
                          " ".join(f.statement.split())[:60])
        ctx.print(table)
    if result.repeats:
        table = Table(title=f"Repeat findings in audit {c.id}")
        for name in ("id", "ref", "grade", "status", "repeat of"):
            table.add_column(name)
        for r in result.repeats:
            table.add_row(r.id, r.ref, r.grade, r.status, r.repeat_of)
        ctx.print(table)
    return 0


def programme(ctx, args) -> int:
    from auditor.domain.errors import RuleViolation
    from auditor.domain.programme import programme as coverage

    try:
        plan = coverage(ctx.store, args.auditee, years=args.years)
    except RuleViolation as exc:
        if exc.field != "years":
            raise
        # The domain speaks of the cycle; the command line names its flag.
        raise RuleViolation(f"--years {args.years}: {str(exc).split(': ', 1)[-1]}",
                            field="years") from None
    if args.json:
        ctx.json(plan.to_json())
        return 0
    from rich.table import Table

    s = plan.summary
    ctx.print(bold(f"Programme of {plan.auditee}",
                   f": cycle {plan.cycle_start} to {plan.today} ({plan.years} years), "
                   f"{s['audits_in_cycle']} audit(s) in the cycle, "
                   f"{s['covered']}/{s['items']} items covered"))
    if not plan.checklists:
        last = plan.audits[0]
        ctx.print(f"No audit of {plan.auditee} in the cycle; the last one is audit {last.id} "
                  f"({last.date or 'undated'}).")
        return 0
    for checklist in plan.checklists:
        table = Table(title=f"{checklist.title} ({checklist.id} {checklist.version})")
        for name in ("ref", "item", "last audited", "last result", "times in cycle"):
            table.add_column(name)
        for i in checklist.items:
            table.add_row(i.ref, i.title, str(i.last_audited or "never"),
                          _label(i.last_result), str(i.times))
        ctx.print(table)
        ctx.print("By clause: " + ", ".join(f"{g.ref} {g.covered}/{g.total}"
                                            for g in checklist.groups))
        missing = checklist.not_covered
        ctx.print(f"Not covered in the cycle ({len(missing)}): "
                  + (", ".join(missing) if missing else "none"))
    return 0
