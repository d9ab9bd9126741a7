"""`auditor checklists list | validate | import-ciso`."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

from auditor.commands import actions, command


def register(commands) -> None:
    sub = actions(commands, "checklists", "installed checklists")
    command(sub, "list", "installed checklists with their item counts", list_checklists,
            json=True)
    from .checklist_mappings import register_mapping

    register_mapping(sub)
    p = command(sub, "validate", "check checklist files (FILE:LINE: message)", validate)
    p.add_argument("files", nargs="+", metavar="FILE", type=Path)
    p = command(sub, "import-ciso", "convert CISO Assistant framework library files into "
                "checklists", import_ciso, json=True)
    p.add_argument("files", nargs="+", metavar="FILE", type=Path,
                   help="CISO Assistant library (.yaml), or a folder of them")
    # Text, not a Path: a Path drops the trailing "/" that says a folder is meant.
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="checklist file to write, or a folder to write into (each "
                        "checklist named by its id; end it with / to create it); a "
                        "folder with several libraries")
    p.add_argument("--replace", action="store_true",
                   help="overwrite a checklist file that is already there (else it is "
                        "refused, unless it would be unchanged)")
    p.add_argument("--id", dest="checklist_id", metavar="ID",
                   help="checklist id (default: ciso- and the framework's urn)")
    p.add_argument("--lang", metavar="LANG",
                   help="convert the library's translation into LANG (e.g. en, fr, de) "
                        "instead of its own language")

def list_checklists(ctx, args) -> int:
    from auditor.exchange import library

    found, problems = library.catalogue(ctx.settings.user_checklists,
                                        ctx.settings.checklist_index)
    rows = [{
        "id": s.id,
        "version": s.version,
        "title": s.title,
        "standard": s.standard,
        "items": s.items,
        "assessable": s.assessable,
        "prompts": s.prompts,
        "evidence": s.evidence,
        "source": "shipped" if s.shipped else s.path,
    } for s in found]
    if args.json:
        ctx.json(rows)
    else:
        from rich.table import Table

        table = Table(title="Installed checklists")
        for name in ("id", "version", "title", "items", "assessable", "prompts", "evidence"):
            table.add_column(name, justify="right" if name in
                             ("items", "assessable", "prompts", "evidence") else "left")
        for r in rows:
            # Plain strings: the console reads no markup and escapes control characters.
            table.add_row(str(r["id"]), str(r["version"]), str(r["title"]),
                          str(r["items"]), str(r["assessable"]), str(r["prompts"]),
                          str(r["evidence"]))
        ctx.print(table)
        from auditor.exchange.mapping_set import stored_mappings

        mappings, _unreadable = stored_mappings(ctx.settings.user_checklists)
        for m in mappings:
            ctx.print(f"mapping {m.source_id} → {m.target_id}: {len(m.links)} links"
                      + (f" ({m.title})" if m.title else ""))
    for problem in problems:
        ctx.err(f"{problem} (checklist skipped)")
    return 0


def validate(ctx, args) -> int:
    from auditor.exchange.checklist_yaml import validate_files

    problems = validate_files(args.files)
    for problem in problems:
        sys.stderr.write(f"{problem}\n")
    if not problems:
        ctx.print(f"{len(args.files)} checklist file(s) valid")
    return 1 if problems else 0


def import_ciso(ctx, args) -> int:
    from auditor.domain.errors import AuditorError
    from auditor.exchange.checklist_yaml import ID_PATTERN
    from auditor.exchange.ciso import check_lang

    if args.checklist_id is not None and not ID_PATTERN.match(args.checklist_id):
        # Checked here, so that the message names the flag whatever the converter says.
        raise AuditorError(f"--id {args.checklist_id!r}: a checklist id is lower-case "
                           "letters, digits, '.', '-' or '_', starting with a letter or "
                           "a digit")
    check_lang(args.lang)
    one_file = len(args.files) == 1 and not args.files[0].is_dir()
    # A folder is meant by a trailing "/" or a folder already there: never a file then.
    folder_meant = args.output.endswith(("/", os.sep)) or Path(args.output).is_dir()
    args.output = Path(args.output)
    args.create_folder = folder_meant
    if one_file and not folder_meant:
        return _import_one(ctx, args)
    if args.checklist_id is not None and not one_file:
        raise AuditorError("--id names one checklist: give it with one library file, "
                           "not several or a folder")
    from .checklists_ciso import import_many

    return import_many(ctx, args)


def _import_one(ctx, args) -> int:
    from auditor.exchange.ciso import import_ciso as convert

    with _stages(args.files[0]) as step:
        result = convert(args.files[0], args.output, args.checklist_id, args.lang,
                         replace=args.replace, step=step)
    if args.json:
        ctx.json([conversion_row(args.files[0], args.output, result)])
        return 0
    c = result.checklist
    # Plain strings, never a rich Text: the command line's console reads no markup in
    # them and shows a control character (from a file name, a library's field name) as
    # its escape, which a Text passed in would bypass.
    ctx.print(f"{args.output}: checklist {c.id} version {c.version}, "
              f"{len(c.all_items())} items, {len(c.assessable_items())} assessable, "
              f"language {result.language}{WRITTEN[result.written]}")
    kept, dropped = result.report.kept(), result.report.dropped()
    if kept:
        ctx.print("kept: " + "; ".join(kept))
    if dropped:
        ctx.print("dropped: " + "; ".join(dropped))
    ctx.print(f"to install it, copy it into {ctx.settings.user_checklists}")
    return 0


@contextmanager
def _stages(source: Path):
    """A spinner on stderr naming the stage of one library's conversion and the time
    spent (a large library takes a while), wiped when done: stdout is the same whether
    or not a terminal watches."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from auditor.domain.text import escape_controls

    name = escape_controls(source.name)
    display = Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False),
                       TimeElapsedColumn(), transient=True,
                       console=Console(stderr=True, highlight=False, markup=False))
    with display:
        task = display.add_task(name, total=None)
        yield lambda stage: display.update(task, description=f"{stage} {name}")


# What became of the file written, after its first line ("" for a new file).
WRITTEN = {"new": "", "replaced": " (replaced the file there)",
           "unchanged": " (unchanged: the file there is the same)"}


def conversion_row(source, out, result) -> dict:
    """One converted library, as `--json` gives it."""
    c = result.checklist
    return {"source": str(source), "output": str(out), "id": c.id, "version": c.version,
            "language": result.language, "items": len(c.all_items()),
            "assessable": len(c.assessable_items()), "written": result.written,
            **result.report.as_dict()}
