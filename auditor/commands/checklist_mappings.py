"""`auditor checklists import-mapping FILE [--source ID] [--target ID]`."""

from __future__ import annotations

from pathlib import Path

from auditor.commands import command


def register_mapping(sub) -> None:
    p = command(sub, "import-mapping", "store a CISO Assistant requirement mapping set "
                "between two installed checklists (for comparison across editions)",
                import_mapping, json=True)
    p.add_argument("file", metavar="FILE", type=Path,
                   help="CISO Assistant mapping set (mapping-*.yaml)")
    p.add_argument("--source", metavar="CHECKLIST",
                   help="the checklist of the mapping's source framework (default: the "
                        "one converted from it, ciso-NAME, else NAME)")
    p.add_argument("--target", metavar="CHECKLIST",
                   help="the checklist of the mapping's target framework (same default)")


def _checklist(ctx, given: str | None, framework: str, flag: str):
    from auditor.domain.errors import AuditorError, NotFound
    from auditor.exchange import library
    from auditor.exchange.mapping_set import candidate_ids

    s = ctx.settings
    if given is not None:
        try:
            return library.find(given, s.user_checklists, s.checklist_index)
        except NotFound as exc:
            raise AuditorError(f"{flag} {given!r}: {exc}") from None
    listed, _problems = library.catalogue(s.user_checklists, s.checklist_index)
    ids = {summary.id for summary in listed}
    wanted = candidate_ids(framework)
    for candidate in wanted:
        if candidate in ids:
            return library.find(candidate, s.user_checklists, s.checklist_index)
    raise AuditorError(
        f"no installed checklist for framework {framework} (looked for "
        f"{' or '.join(wanted) or 'none'}): convert its library with `auditor checklists "
        f"import-ciso` into {s.user_checklists}, or name the checklist with {flag}")


def import_mapping(ctx, args) -> int:
    from auditor.domain.errors import AuditorError
    from auditor.exchange.mapping_set import link, read_ciso_mapping, store_mapping

    ciso = read_ciso_mapping(args.file)
    source = _checklist(ctx, args.source, ciso.source_framework, "--source")
    target = _checklist(ctx, args.target, ciso.target_framework, "--target")
    if source.id == target.id:
        raise AuditorError(f"{args.file}: source and target are both checklist {source.id}; "
                           "a mapping links two different checklists")
    linked = link(ciso, source, target)
    if not linked.mapping.links:
        raise AuditorError(
            f"{args.file}: none of its {linked.total} links names a ref of {source.id} and "
            f"of {target.id}; check that these are the checklists of "
            f"{ciso.source_framework} and {ciso.target_framework} (--source, --target)")
    path = store_mapping(linked.mapping, ctx.settings.user_checklists)
    if args.json:
        ctx.json({"source": source.id, "target": target.id, "path": str(path),
                  "links": len(linked.mapping.links), "mappings_in_file": linked.total,
                  "left_out": linked.unmatched})
        return 0
    # Plain strings: the command line's console reads no markup in them and shows any
    # control character from the file as its escape.
    ctx.print(f"{path}: {source.id} → {target.id}, {len(linked.mapping.links)} links "
              f"between items, from {linked.total} requirement mappings")
    if linked.unmatched:
        shown = ", ".join(linked.unmatched[:5]) + (" …" if len(linked.unmatched) > 5 else "")
        ctx.print(f"left out {len(linked.unmatched)} requirement(s) no item of the two "
                  f"checklists holds: {shown}")
    ctx.print(f"`auditor compare OLD NEW` now compares audits on {source.id} and "
              f"{target.id}")
    return 0
