"""`auditor report AUDIT -o FILE`: the audit report as Markdown, Word or PDF."""

from __future__ import annotations

from pathlib import Path

from auditor.commands import audit_id, command


def register(commands) -> None:
    p = command(commands, "report", "write the audit report (.md, .docx or .pdf)", report,
                audit=True)
    p.add_argument("-o", "--output", type=Path, metavar="FILE", required=True,
                   help="where to write it; the name's end chooses the format: "
                        ".md, .docx or .pdf (an existing file is never overwritten)")


def report(ctx, args) -> int:
    from auditor.exchange.report_file import FORMATS, check_report_target, write_report

    check_report_target(args.output)  # a bad name is refused before the database opens
    number = audit_id(args.audit)
    written = write_report(ctx.store, number, args.output)
    kind = FORMATS[args.output.suffix.lower()]
    state = "draft (the audit is not closed)" if written.draft else "final"
    ctx.print(f"audit {number}: {kind} report, {state}, with {len(written.findings)} "
              f"finding(s), {len(written.good_practices)} good practice(s) and "
              f"{len(written.ofis)} OFI(s) written to {args.output}")
    return 0
