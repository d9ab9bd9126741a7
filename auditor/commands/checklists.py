"""`auditor checklists list | validate | import-ciso`."""

from __future__ import annotations

import sys
from pathlib import Path

from auditor.commands import actions, command


def register(commands) -> None:
    sub = actions(commands, "checklists", "installed checklists")
    command(sub, "list", "installed checklists with their item counts", list_checklists,
            json=True)
    p = command(sub, "validate", "check checklist files (FILE:LINE: message)", validate)
    p.add_argument("files", nargs="+", metavar="FILE", type=Path)
    p = command(sub, "import-ciso", "convert a CISO Assistant framework library file into a "
                "checklist", import_ciso)
    p.add_argument("file", metavar="FILE", type=Path, help="CISO Assistant library (.yaml)")
    p.add_argument("-o", "--output", required=True, metavar="OUT", type=Path,
                   help="checklist file to write")
    p.add_argument("--id", dest="checklist_id", metavar="ID",
                   help="checklist id (default: ciso- and the framework's urn)")


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
        from rich.text import Text  # a checklist's title is not rich markup

        table = Table(title="Installed checklists")
        for name in ("id", "version", "title", "items", "assessable", "prompts", "evidence"):
            table.add_column(name, justify="right" if name in
                             ("items", "assessable", "prompts", "evidence") else "left")
        for r in rows:
            table.add_row(Text(str(r["id"])), Text(str(r["version"])), Text(str(r["title"])),
                          str(r["items"]), str(r["assessable"]), str(r["prompts"]),
                          str(r["evidence"]))
        ctx.print(table)
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
    from rich.text import Text  # plain text: a file name is not rich markup

    from auditor.domain.errors import AuditorError
    from auditor.exchange.checklist_yaml import ID_PATTERN
    from auditor.exchange.ciso import import_ciso as convert

    if args.checklist_id is not None and not ID_PATTERN.match(args.checklist_id):
        # Checked here, so that the message names the flag whatever the converter says.
        raise AuditorError(f"--id {args.checklist_id!r}: a checklist id is lower-case "
                           "letters, digits, '.', '-' or '_', starting with a letter or "
                           "a digit")
    result = convert(args.file, args.output, args.checklist_id)
    c = result.checklist
    items = c.all_items()
    ctx.print(Text(f"{args.output}: checklist {c.id} version {c.version}, {len(items)} items, "
                   f"{len(c.assessable_items())} assessable ({result.generated_prompts} with a "
                   "prompt made from the requirement text)"))
    if result.left_out:
        ctx.print(f"left out {result.left_out} non-assessable node(s) with nothing "
                  "assessable below them")
    ctx.print(Text(f"to install it, copy it into {ctx.settings.user_checklists}"))
    return 0
