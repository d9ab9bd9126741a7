"""`auditor record` and `auditor findings set`."""

from __future__ import annotations

from pathlib import Path

from auditor.commands import actions, audit_id, command
from auditor.domain.vocab import FindingStatus, Result

# The finding's own fields `record` takes as flags, by their store names.
FINDING_FLAGS = ("requirement", "objective_evidence", "process_area")


def register(commands) -> None:
    p = command(commands, "record", "record an item's result (and its finding), or a sample",
                record, audit=True, json=True)
    p.set_defaults(parser=p)
    p.add_argument("ref", metavar="REF", help="the checklist item, e.g. 8.3.4 or A.5.15")
    p.add_argument("--result", choices=[r.value for r in Result],
                   help="the item's result (may be left out when --sample is given)")
    p.add_argument("--sample", action="append", default=[], metavar="POP|SIZE|IDS[|N]",
                   help="a sampling record (repeatable): the population, its size (may be "
                   "empty), the ids sampled (comma separated), and the sample size when it "
                   "is not the number of ids")
    p.add_argument("--note", help="a note for the item (added to its notes)")
    p.add_argument("--statement", default="",
                   help="the finding's statement (required for minor and major)")
    p.add_argument("--requirement", default="", help="the requirement not met")
    p.add_argument("--objective-evidence", default="", dest="objective_evidence")
    p.add_argument("--process", default="", dest="process_area", help="process or area")
    p.add_argument("--evidence-file", action="append", default=[], type=Path, metavar="PATH",
                   help="a file to keep as evidence (repeatable)")

    sub = actions(commands, "findings", "the auditor's review and verification steps")
    p = command(sub, "set", "move a finding to a new status", set_status)
    p.add_argument("finding", metavar="FINDING", help="e.g. NC-2026-007")
    p.add_argument("--status", required=True, choices=[s.value for s in FindingStatus])
    p.add_argument("--note", default="", help="verification note, or why a plan is rejected "
                   "(the auditee reads it in the next workbook)")
    p.add_argument("--by", metavar="NAME", help="who verified (closed, not_effective); "
                   "default: the verifier already recorded, else you")
    p.add_argument("--on", metavar="YYYY-MM-DD", help="when it was verified; default: the "
                   "day already recorded, else today")


def record(ctx, args) -> int:
    from auditor.domain.sampling import parse_sample, sample_dict
    from auditor.domain.views import finding_dict

    if args.result is None and not args.sample:
        args.parser.error("give --result, or --sample to record a sample before the result")
    samples = [parse_sample(text) for text in args.sample]
    row, finding = ctx.store.record_result(
        audit_id(args.audit),
        args.ref,
        args.result,
        statement=args.statement,
        note=args.note,
        files=args.evidence_file,
        samples=samples,
        **{name: getattr(args, name) for name in FINDING_FLAGS},
    )
    if args.json:
        ctx.json({"audit": row.audit_id, "ref": row.ref, "result": row.result,
                  "finding": finding_dict(finding) if finding else None,
                  "samples": [sample_dict(s) for s in samples]})
        return 0
    from auditor.domain.vocab import RESULT_LABELS, Result

    line = f"{row.ref}: {RESULT_LABELS[Result(row.result)]}"
    if finding is not None:
        line += f", finding {finding.code}"
        if finding.repeat_of:
            line += f" (repeats {finding.repeat_of}: consider grading it major)"
    if args.evidence_file:
        line += f", {len(args.evidence_file)} evidence file(s) kept"
    if samples:
        line += f", {len(samples)} sample(s) recorded"
    ctx.print(line)
    return 0


def set_status(ctx, args) -> int:
    finding = ctx.store.set_finding_status(args.finding, args.status, note=args.note,
                                           verified_by=args.by, verified_on=args.on)
    from auditor.domain.vocab import status_label

    ctx.print(f"{finding.code}: {status_label(finding.status)}")
    return 0
