"""`auditor checklists import-ciso` over several libraries or a folder of them: a progress
bar while they convert, a line for each, and one line of summary."""

from __future__ import annotations

import sys
from collections import Counter


def import_many(ctx, args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from auditor.domain.text import escape_controls
    from auditor.exchange.ciso_batch import Batch, check_folder, convert_one, sources

    from .checklists import WRITTEN, conversion_row

    check_folder(args.output, args.create_folder)
    todo = sources(args.files)
    batch = Batch()
    written: dict = {}
    # The bar goes to stderr and is wiped when done, so that stdout (the lines, or the
    # JSON) is the same whether or not a terminal watches.
    bar = Progress(TextColumn("converting"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.description}", markup=False), transient=True,
                   console=Console(stderr=True, highlight=False, markup=False))
    with bar:
        task = bar.add_task("", total=len(todo))
        for source in todo:
            bar.update(task, description=escape_controls(source.path.name))
            batch.outcomes.append(convert_one(source, args.output, args.lang, written,
                                              args.checklist_id, replace=args.replace))
            bar.advance(task)
    rows = []
    for outcome in batch.outcomes:
        if outcome.conversion is not None:
            row = conversion_row(outcome.source.path, outcome.out, outcome.conversion)
            rows.append(row)
            if not args.json:
                report = outcome.conversion.report
                # Plain strings, never a rich Text: the console shows a control
                # character as its escape and reads no markup (a Text bypasses both).
                ctx.print(f"{outcome.out}: {row['id']}, {row['items']} items, "
                          f"{row['assessable']} assessable, language {row['language']}"
                          + WRITTEN[row["written"]]
                          + ("" if len(todo) == 1 else _dropped(report)))
                if len(todo) == 1:   # one library: the whole account, as for a file
                    for label, parts in (("kept", report.kept()),
                                         ("dropped", report.dropped())):
                        if parts:
                            ctx.print(f"{label}: " + "; ".join(parts))
        else:
            rows.append({"source": str(outcome.source.path), "problem": outcome.problem,
                         "passed_over": outcome.skipped})
            if not outcome.skipped:
                ctx.err(outcome.problem)
    if args.json:
        ctx.json(rows)
    summary = _summary(batch, args.output)
    # The summary is for the person: on stderr under --json, so stdout stays JSON.
    if args.json:
        sys.stderr.write(escape_controls(summary) + "\n")
    else:
        ctx.print(summary)
    # Nothing converted is a failure too: the folder given holds no framework at all.
    return 1 if batch.failed or not batch.converted else 0


def _dropped(report) -> str:
    lost = report.left_out + report.without_text
    return f"; {lost} nodes left out (run it alone for the details)" if lost else ""


def _summary(batch, out_dir) -> str:
    parts = [f"{len(batch.converted)} of {len(batch.outcomes)} libraries converted into "
             f"{out_dir}"]
    if batch.skipped:
        kinds = Counter(o.kind for o in batch.skipped)
        held = ", ".join(f"{kind} \u00d7{n}" if n > 1 else kind
                         for kind, n in kinds.most_common())
        parts.append(f"{len(batch.skipped)} passed over, not frameworks ({held})")
    if batch.failed:
        names = ", ".join(o.source.path.name for o in batch.failed)
        parts.append(f"{len(batch.failed)} failed: {names}")
    return "; ".join(parts)

