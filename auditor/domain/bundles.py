"""Offline team work: an audit exported as a bundle's content, and a bundle taken in
(created or merged), each in one transaction (docs/teams.md). The file format is
`exchange.bundle_file`; the merge rule `merge`; the writes `bundle_apply`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import col, select

from .base import StoreCore
from .bundle_apply import ImportOutcome, apply_bundle, find_audit, plan_for
from .bundle_rows import BundleContent, gather
from .errors import RuleViolation, shown
from .identity import BLOCK_SIZE, is_team_copy, reserve_blocks
from .merge import FieldKey, Side
from .models import Evidence

if TYPE_CHECKING:
    from .store import Store

Writer = Callable[[BundleContent, dict[str, Path]], int]


def export_audit(core: StoreCore, audit_id: int, write: Writer,
                 refs: Iterable[str] | None = None,
                 block_size: int = BLOCK_SIZE) -> tuple[BundleContent, int]:
    """Gather the audit (only `refs`' items, when given) and hand it to `write` inside
    the transaction: the finding-id blocks reserved for the receiving copy (when this
    database is where the audit was made) are kept only when the file was written."""
    with core.writing() as uow:
        audit = uow.audit(audit_id)
        wanted = None
        if refs is not None:
            wanted = [r.strip() for r in refs if r.strip()]
            checklist = uow.checklist(audit)
            for ref in wanted:
                if checklist.item(ref) is None:
                    raise RuleViolation(f"--refs: item {shown(ref)!r} is not in audit "
                                        f"{audit_id}'s checklist", field="ref")
        content = gather(uow, audit, wanted)
        if not is_team_copy(uow, audit):
            content.blocks = reserve_blocks(uow, uow.now().year, block_size)
        files = {e["sha256"]: core.evidence_dir / e["sha256"]
                 for e in content.evidence if e.get("sha256")}
        size = write(content, files)
        return content, size


def preview_import(core: StoreCore, content: BundleContent) -> ImportOutcome:
    """What importing would do, nothing written: a new audit, or the merge plan."""
    with core.reading() as uow:
        audit = find_audit(uow, content)
        if audit is None:
            return ImportOutcome(None, True, None, False, len(content.log))
        return ImportOutcome(audit.id, False, plan_for(uow, audit, content))


def import_bundle(store: Store, content: BundleContent, files: Mapping[str, Path],
                  choices: Mapping[FieldKey, Side] | None = None) -> ImportOutcome:
    """Create or merge, all in one transaction, or nothing; the evidence files the new
    records name are copied in first (and taken away again when the import fails).
    Unresolved conflicts write nothing (the outcome's `applied` is False)."""
    with store.reading() as uow:
        have = set(uow.session.execute(select(Evidence.sha256).where(
            col(Evidence.sha256).is_not(None))).scalars())
    needed = [files[sha] for sha in sorted(content.files() - have) if sha in files]
    with store.staged(needed) as stored, store.writing() as uow:
        outcome = apply_bundle(store, uow, content, choices)
    if not outcome.applied and stored:
        store.sweep_orphans({s.sha256 for s in stored})
    return outcome
