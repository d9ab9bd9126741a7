"""`auditor export` and `auditor followup import`: the NC report workbook out and back."""

from __future__ import annotations

from pathlib import Path

from auditor.commands import actions, audit_id, bold, command

SHOWN_CHARS = 60


def register(commands) -> None:
    p = command(commands, "export", "write the nonconformity report workbook (.xlsx)", export,
                audit=True)
    p.add_argument("-o", "--output", type=Path, metavar="FILE.xlsx",
                   help="where to write it (default: <title>-<date>.xlsx here)")

    sub = actions(commands, "followup", "read the auditee's answers back")
    p = command(sub, "import", "import the auditee's columns of an NC report workbook",
                followup_import, audit=True)
    p.add_argument("file", type=Path, metavar="FILE.xlsx")
    p.add_argument("--dry-run", action="store_true", help="show the changes, write nothing")


def export(ctx, args) -> int:
    from auditor.domain.files import private_temp
    from auditor.exchange.mapping_set import stored_mappings
    from auditor.exchange.workbook_export import export_workbook

    number = audit_id(args.audit)
    mappings, _unreadable = stored_mappings(ctx.settings.user_checklists)
    with private_temp(ctx.settings.data_dir / "tmp"):
        path = export_workbook(ctx.store, number, args.output, mappings=mappings)
    findings = len(ctx.store.findings(number))
    ctx.print(f"audit {number}: NC report with {findings} finding(s) written to {path}")
    return 0


def _shown(value) -> str:
    if value is None or value == "":
        return "(empty)"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 1] + "…"


def followup_import(ctx, args) -> int:
    from rich.table import Table

    from auditor.exchange.followup_import import apply_followup, plan_followup

    number = audit_id(args.audit)
    plan = plan_followup(ctx.store, number, args.file)
    for line in plan.errors:
        ctx.err(line)
    if plan.errors:
        ctx.err(f"nothing was imported: {len(plan.errors)} problem(s) in {args.file}")
        return 1
    if plan.changes:
        table = Table(title=f"Changes from {args.file.name}")
        for name in ("finding", "field", "cell", "old", "new"):
            table.add_column(name)
        for c in plan.changes:
            table.add_row(c.finding, c.header, c.cell.split("!")[-1], _shown(c.old),
                          _shown(c.new))
        ctx.print(table)
    for line in plan.warnings:
        ctx.print(bold("warning:", f" {line}", style="yellow"))
    findings = len(plan.by_finding())
    if not plan.changes:
        ctx.print("no changes: the workbook's auditee columns match the audit")
    elif args.dry_run:
        ctx.print(f"dry run: {len(plan.changes)} change(s) to {findings} finding(s); "
                  "nothing was written")
    else:
        apply_followup(ctx.store, number, plan)
        ctx.print(f"imported {len(plan.changes)} change(s) to {findings} finding(s)")
    return 0
