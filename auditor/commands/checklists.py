"""`auditor checklists list | validate`."""

from __future__ import annotations

import sys
from pathlib import Path

from auditor.exchange import library
from auditor.exchange.checklist_yaml import validate_files


def register(commands) -> None:
    group = commands.add_parser("checklists", help="installed checklists")
    sub = group.add_subparsers(dest="checklists_command", metavar="ACTION", required=True)
    p = sub.add_parser("list", help="installed checklists with their item counts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_checklists)
    p = sub.add_parser("validate", help="check checklist files (FILE:LINE: message)")
    p.add_argument("files", nargs="+", metavar="FILE", type=Path)
    p.set_defaults(handler=validate)


def list_checklists(ctx, args) -> int:
    found, problems = library.installed(ctx.settings.user_checklists)
    rows = []
    for entry in found:
        c = entry.checklist
        items = c.all_items()
        assessable = [i for i in items if i.assessable]
        rows.append({
            "id": c.id,
            "version": c.version,
            "title": c.title,
            "standard": c.standard,
            "items": len(items),
            "assessable": len(assessable),
            "prompts": sum(len(i.prompts) for i in assessable),
            "evidence": sum(len(i.evidence) for i in items),
            "source": "shipped" if entry.shipped else str(entry.path),
        })
    if args.json:
        ctx.json(rows)
    else:
        from rich.table import Table

        table = Table(title="Installed checklists")
        for name in ("id", "version", "title", "items", "assessable", "prompts", "evidence"):
            table.add_column(name, justify="right" if name in
                             ("items", "assessable", "prompts", "evidence") else "left")
        for r in rows:
            table.add_row(r["id"], r["version"], r["title"], str(r["items"]),
                          str(r["assessable"]), str(r["prompts"]), str(r["evidence"]))
        ctx.print(table)
    for problem in problems:
        ctx.err(f"{problem} (checklist skipped)")
    return 0


def validate(ctx, args) -> int:
    problems = validate_files(args.files)
    for problem in problems:
        sys.stderr.write(f"{problem}\n")
    if not problems:
        ctx.print(f"{len(args.files)} checklist file(s) valid")
    return 1 if problems else 0
