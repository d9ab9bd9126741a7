"""Offline team work: an audit exported as a bundle's content, and a bundle taken in
(created or merged), each in one transaction (docs/teams.md). The file format is
`exchange.bundle_file`; the merge rule `merge`; the writes `bundle_apply`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import col, select

from .base import StoreCore
from .bundle_apply import ImportOutcome, apply_bundle, find_audit, plan_for
from .bundle_rows import BundleContent, gather
from .errors import RuleViolation, shown
from .identity import BLOCK_SIZE, blocks_of, grant_blocks, grants_of, is_team_copy
from .merge import FieldKey, Side
from .models import Evidence, Finding
from .vocab import AuditStatus

if TYPE_CHECKING:
    from .store import Store

@dataclass(frozen=True)
class IdRange:
    """Finding ids of an audit held by a copy: on the database the audit was made in, a
    block granted to a named copy; on a copy, the block it numbers from."""

    holder: str       # the copy's name (a grant), or "this copy"
    prefix: str
    year: int
    first: int
    last: int
    used: int         # ids of the block this database holds a finding under
    note: str


Writer = Callable[[BundleContent, dict[str, Path]], int]


def export_audit(core: StoreCore, audit_id: int, write: Writer,
                 refs: Iterable[str] | None = None, *, recipient: str | None = None,
                 more: bool = False, block_size: int = BLOCK_SIZE
                 ) -> tuple[BundleContent, int]:
    """Gather the audit (only `refs`' items, when given) and hand it to `write` inside
    the transaction. With `recipient` (an open audit, on the database it was made in),
    the copy gets the finding-id blocks granted to that name (the same as before, or new
    ones the first time or with `more`); they are kept only when the file was written.
    Without, the copy raises no findings."""
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
        if recipient is not None:
            if is_team_copy(uow, audit):
                raise RuleViolation(
                    f"--for: audit {audit_id} here is a copy received from its lead; only "
                    "the database the audit was made in hands out finding ids; export "
                    "without --for to send the work back", field="recipient")
            if audit.status != AuditStatus.CLOSED:
                content.blocks = grant_blocks(uow, audit, recipient, more=more,
                                              size=block_size)
        files = {e["sha256"]: core.evidence_dir / e["sha256"]
                 for e in content.evidence if e.get("sha256")}
        size = write(content, files)
        return content, size


def finding_ids(core: StoreCore, audit_id: int) -> list[IdRange]:
    """Which finding ids of the audit are handed to which copy, and how many of each
    block this database holds findings under: what explains a gap in the numbering."""
    with core.reading() as uow:
        audit = uow.audit(audit_id)
        codes = set(uow.session.execute(select(Finding.code).where(
            col(Finding.audit_id) == audit_id)).scalars())

        def used(prefix: str, year: int, first: int, last: int) -> int:
            return sum(f"{prefix}-{year}-{n:03d}" in codes for n in range(first, last + 1))

        out = [IdRange(g.recipient, g.prefix, g.year, g.first, g.last,
                       used(g.prefix, g.year, g.first, g.last),
                       f"handed to the copy for {g.recipient} on "
                       f"{g.granted_at.date().isoformat()} by {g.granted_by}")
               for g in grants_of(uow, audit)]
        out += [IdRange("this copy", b.prefix, b.year, b.first, b.last,
                        used(b.prefix, b.year, b.first, b.last),
                        f"received from the lead; {max(0, b.last - b.used)} left"
                        if b.last >= b.first else "none received: raises no findings")
                for b in blocks_of(uow, audit)]
        return out


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
