"""`auditor soa AUDIT [--json] [-o FILE.xlsx|FILE.docx]` and `auditor soa set AUDIT REF ...`: the
Statement of Applicability. `auditor soa AUDIT` is `auditor soa show AUDIT`
(`cli.main` puts the `show` in)."""

from __future__ import annotations

from pathlib import Path

from auditor.commands import actions, audit_id, bold, command, show_by_default
from auditor.domain.errors import AuditorError

ACTIONS = ("show", "set")


def register(commands) -> None:
    sub = actions(commands, "soa", "the Statement of Applicability (ISO/IEC 27001 Annex A)")
    p = command(sub, "show", "one row per Annex A control, then the count of flags "
                "(`auditor soa AUDIT` for short)", show_soa, audit=True, json=True)
    p.add_argument("-o", "--output", type=Path, metavar="FILE.xlsx|FILE.docx",
                   help="write it as a workbook or a Word document, by the name's end (a "
                   "file already there is refused)")
    p = command(sub, "set", "state a control's applicability, justification, status and "
                "references", set_entry, audit=True)
    p.add_argument("ref", metavar="REF", help="an Annex A control, e.g. A.5.1")
    p.add_argument("--applicable", required=True, metavar="yes|no")
    p.add_argument("--justification", metavar="T", help="why it is included or excluded")
    p.add_argument("--status", metavar="S", help="implemented, partially_implemented, "
                   "planned or not_implemented")
    p.add_argument("--refs", metavar="T", help="the auditee's references (policy ids)")


def with_show(argv: list[str]) -> list[str]:
    """`auditor [--db X] soa AUDIT ...` as `... soa show AUDIT ...`."""
    return show_by_default(argv, "soa", ACTIONS)


def show_soa(ctx, args) -> int:
    from auditor.domain.views import soa_document

    number = audit_id(args.audit)
    if args.output is not None and args.output.suffix.lower() != ".xlsx":
        from auditor.exchange.soa_docx import check_soa_docx_target, write_soa_docx

        if args.output.suffix.lower() != ".docx":
            raise AuditorError(f"{args.output}: the Statement of Applicability's name must "
                               "end in .xlsx or .docx")
        check_soa_docx_target(args.output)
        rows = write_soa_docx(ctx.store, number, args.output)
        flagged = sum(1 for r in rows if r.flags)
        ctx.print(f"audit {number}: Statement of Applicability, {len(rows)} controls "
                  f"({flagged} flagged), written to {args.output}")
        return 0
    if args.output is not None:
        from auditor.domain.files import private_temp
        from auditor.exchange.soa_sheet import write_soa

        audit = ctx.store.audit(number)
        with private_temp(ctx.settings.data_dir / "tmp"):
            rows = write_soa(ctx.store, number, args.output, title=audit.title)
        flagged = sum(1 for r in rows if r.flags)
        ctx.print(f"audit {number}: Statement of Applicability, {len(rows)} controls "
                  f"({flagged} flagged), written to {args.output}")
        return 0
    doc = soa_document(ctx.store, number)
    if args.json:
        ctx.json(doc)
        return 0
    from rich.table import Table

    from auditor.domain.soa import FLAG_TEXT, Flag
    from auditor.domain.vocab import IMPLEMENTATION_LABELS, RESULT_LABELS

    audit = ctx.store.audit(number)
    ctx.print(bold(f"Statement of Applicability, audit {audit.id}: {audit.title}",
                   f"  {audit.auditee}"))
    table = Table()
    for name in ("ref", "control", "applicable", "justification", "status", "references",
                 "result", "findings", "to query"):
        table.add_column(name)
    for r in doc["rows"]:
        applicable = "" if r["applicable"] is None else ("yes" if r["applicable"] else "no")
        status = IMPLEMENTATION_LABELS[r["status"]] if r["status"] else ""
        table.add_row(r["ref"], r["title"], applicable, r["justification"], status,
                      r["references"], RESULT_LABELS[r["result"]], ", ".join(r["findings"]),
                      "; ".join(FLAG_TEXT[Flag(f)] for f in r["flags"]))
    ctx.print(table)
    ctx.print(f"{doc['flagged']} of {len(doc['rows'])} controls flagged")
    return 0


def set_entry(ctx, args) -> int:
    number = audit_id(args.audit)
    entry = ctx.store.set_soa_entry(number, args.ref, applicable=args.applicable,
                                    justification=args.justification, status=args.status,
                                    refs=args.refs)
    decided = "applicable" if entry.applicable else "excluded"
    ctx.print(f"audit {number}: {entry.ref} {decided}")
    return 0
