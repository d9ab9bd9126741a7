"""`auditor bundle export AUDIT -o FILE.auditor [--refs R1,R2]` and `auditor bundle import
FILE [--dry-run] [--prefer mine|theirs] [--review]`: offline team work (docs/teams.md).
`--review` opens the merge review screen when conflicts are open; it needs a terminal."""

from __future__ import annotations

import tempfile
from pathlib import Path

from auditor.commands import actions, audit_id, bold, command
from auditor.domain.errors import AuditorError
from auditor.domain.text import escape_controls

VALUE_WIDTH = 60


def register(commands) -> None:
    sub = actions(commands, "bundle", "offline team work: an audit as one file that travels "
                  "between laptops and merges back")
    p = command(sub, "export", "write the audit, its change log, checklist and evidence "
                "files to a bundle", export_bundle, audit=True)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.auditor",
                   help="the bundle to write (a file already there is refused)")
    p.add_argument("--refs", metavar="R1,R2",
                   help="only these items (a team member's clauses), with their findings, "
                   "samples and evidence")
    p.add_argument("--for", dest="recipient", metavar="NAME",
                   help="the team member (or laptop) the copy is for: it gets a block of "
                   "finding ids per prefix, recorded under NAME; a re-export for the same "
                   "NAME sends the same block (without --for the copy raises no findings)")
    p.add_argument("--more", action="store_true",
                   help="with --for: a fresh block for NAME (its block is used up)")
    p.add_argument("--block-size", type=int, default=None, metavar="N",
                   help="with --for: finding ids per prefix in a new block (default 20)")
    command(sub, "ids", "which finding ids are handed to which copy of the audit",
            show_ids, audit=True, json=True)
    p = command(sub, "import", "take a bundle in: a new audit is created, an audit this "
                "database has is merged field by field", import_bundle, json=True)
    p.add_argument("file", type=Path, metavar="FILE.auditor")
    p.add_argument("--dry-run", action="store_true",
                   help="show what would change and every conflict; write nothing")
    p.add_argument("--prefer", choices=("mine", "theirs"),
                   help="resolve every conflict with this database's value (mine) or the "
                   "bundle's (theirs)")
    p.add_argument("--review", action="store_true",
                   help="resolve the conflicts one by one on a review screen (in a terminal)")


def export_bundle(ctx, args) -> int:
    from auditor.domain.bundles import export_audit
    from auditor.domain.identity import BLOCK_SIZE
    from auditor.exchange.bundle_file import write_bundle

    number = audit_id(args.audit)
    refs = args.refs.split(",") if args.refs is not None else None
    if args.recipient is None and (args.more or args.block_size is not None):
        raise AuditorError("--more and --block-size go with --for NAME (the copy the "
                           "finding ids are for); nothing was written")
    output = Path(args.output)
    content, size = export_audit(
        ctx.store, number, lambda c, files: write_bundle(output, c, files), refs,
        recipient=args.recipient, more=args.more,
        block_size=BLOCK_SIZE if args.block_size is None else args.block_size)
    ctx.print(bold(str(output), f": audit {number}, {len(content.items)} items, "
                   f"{len(content.findings)} findings, {len(content.files())} evidence "
                   f"files, {len(content.log)} change-log entries ({size} bytes)"))
    if content.blocks:
        ranges = ", ".join(f"{b.prefix}-{b.year}-{b.first:03d}..{b.last:03d}"
                           for b in content.blocks)
        ctx.print(f"finding ids for {escape_controls(args.recipient)}'s copy: {ranges}")
    elif args.recipient is not None and content.audit.get("status") == "closed":
        ctx.print(f"audit {number} is closed: no finding ids were handed out (a closed "
                  "audit takes no new findings)")
    elif args.recipient is None and not content.blocks:
        ctx.print("the copy it makes raises no findings on this audit (export with "
                  "--for NAME to hand it finding ids)")
    return 0


def show_ids(ctx, args) -> int:
    from auditor.domain.bundles import finding_ids

    number = audit_id(args.audit)
    ranges = finding_ids(ctx.store, number)
    if args.json:
        ctx.json([r.__dict__ for r in ranges])
        return 0
    if not ranges:
        ctx.print(f"audit {number}: no finding ids handed to any copy; its findings are "
                  "numbered from this database's counter")
        return 0
    for r in ranges:
        span = f"{r.prefix}-{r.year}-{r.first:03d}..{r.last:03d}" if r.last >= r.first \
            else f"{r.prefix}-{r.year}: none"
        ctx.print(f"{span}  {escape_controls(r.holder)}  {r.note}")
    return 0


def _short(value: str) -> str:
    one = value.replace("\n", " / ")
    return one if len(one) <= VALUE_WIDTH else one[:VALUE_WIDTH - 3] + "..."


def describe(entity: str, record: str) -> str:
    """A record as a person names it; evidence and plan records by their log entry."""
    if entity == "audit":
        return "audit"
    if entity in ("evidence", "session", "sample"):
        return f"{entity} {record[:8]}"
    return f"{entity} {record}"


def import_bundle(ctx, args) -> int:
    from auditor.domain.bundles import import_bundle as take
    from auditor.domain.bundles import preview_import
    from auditor.domain.files import private_folder
    from auditor.exchange.bundle_file import read_bundle

    store = ctx.store
    folder = private_folder(ctx.settings.data_dir / "tmp")
    with tempfile.TemporaryDirectory(dir=folder, prefix=".bundle-") as extract:
        content, files = read_bundle(args.file, None if args.dry_run else Path(extract))
        preview = preview_import(store, content)
        plan = preview.plan
        if plan is None:
            what = (f"audit {content.audit.get('title', '')!s}: {len(content.items)} items, "
                    f"{len(content.findings)} findings, {len(content.files())} evidence "
                    f"files, {len(content.log)} change-log entries")
            if args.dry_run:
                return _report(ctx, args, f"would create {what}", None, None)
            outcome = take(store, content, files)
            return _report(ctx, args, f"created audit {outcome.audit_id}: {what}", None,
                           outcome.audit_id)
        choices = None
        if plan.conflicts and args.prefer:
            choices = {c.key: args.prefer for c in plan.conflicts}
        elif plan.conflicts and args.review and not args.dry_run:
            choices = _review(ctx, plan, preview.audit_id, args.file)
            if choices is None:
                raise AuditorError("the review was left without applying; nothing was "
                                   "imported")
        if args.dry_run:
            return _report(ctx, args, f"would merge into audit {preview.audit_id}", plan,
                           preview.audit_id)
        if plan.conflicts and choices is None:
            _report(ctx, args, f"merge into audit {preview.audit_id}", plan,
                    preview.audit_id)
            raise AuditorError(
                f"{len(plan.conflicts)} conflicts: nothing was imported; choose with "
                "--prefer mine|theirs, or one by one with --review")
        outcome = take(store, content, files, choices)
        return _report(ctx, args, f"merged into audit {outcome.audit_id}", plan,
                       outcome.audit_id, applied=True, choices=choices)


def _review(ctx, plan, audit, path: Path):
    """The choices made on the review screen, or None when it was left."""
    import sys

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise AuditorError("--review needs a terminal; give --prefer mine|theirs instead; "
                           "nothing was imported")
    from auditor.ui.merge_app import MergeReviewApp

    return MergeReviewApp(ctx.store, plan, audit, Path(path).name,
                          settings=ctx.settings).run()


def _report(ctx, args, heading: str, plan, audit, applied: bool = False,
            choices=None) -> int:
    if args.json:
        ctx.json({"audit": audit, "action": heading,
                  "changes": [{"entity": e, "record": r, "field": f, "value": v}
                              for (e, r, f), v in (plan.takes.items() if plan else [])],
                  "new": [{"entity": e, "record": r} for e, r in
                          (plan.new_records if plan else [])],
                  "conflicts": [c.__dict__ for c in (plan.conflicts if plan else [])],
                  "entries": len(plan.new_gids) if plan else None,
                  "applied": applied})
        return 0
    ctx.print(bold(heading))
    if plan is None:
        return 0
    if plan.changes_nothing:
        ctx.print("nothing new in the bundle")
        return 0
    ctx.print(f"{len(plan.new_gids)} change-log entries to take in")
    for entity, record in plan.new_records:
        ctx.print(f"  new {describe(entity, record)}")
    for (entity, record, field), value in plan.takes.items():
        if (entity, record) not in plan.new_records:
            ctx.print(f"  {describe(entity, record)} {field}: {_short(value)!r}")
    for c in plan.conflicts:
        settled = f" (settled: {choices[c.key]})" if choices and c.key in choices else ""
        ctx.print(bold(f"  conflict: {describe(c.entity, c.record)} {c.field}", settled))
        ctx.print(f"    mine:   {_short(c.mine)!r} ({c.mine_by}, {c.mine_at[:16]})")
        ctx.print(f"    theirs: {_short(c.theirs)!r} ({c.theirs_by}, {c.theirs_at[:16]})")
    return 0
