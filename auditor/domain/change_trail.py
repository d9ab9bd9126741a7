"""The change log read back: an audit's history, and `audits verify`, which recomputes
the hash chain, replays the log against the records and checks every evidence file."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from .base import Part, StoreCore
from .evidence import EvidenceRegister, file_sha256
from .models import ChangeLog
from .trail import ChainBreak, first_break
from .trail_replay import record_mismatches


class ChangeTrail(Part):
    def __init__(self, core: StoreCore, evidence: EvidenceRegister) -> None:
        super().__init__(core)
        self.evidence = evidence

    def history(self, *, audit_id: int | None = None, entity: str | None = None,
                entity_id: str | None = None) -> list[ChangeLog]:
        with self.core.reading() as uow:
            query = select(ChangeLog).order_by(col(ChangeLog.id))
            if audit_id is not None:
                query = query.where(col(ChangeLog.audit_id) == audit_id)
            if entity is not None:
                query = query.where(col(ChangeLog.entity) == entity)
            if entity_id is not None:
                query = query.where(col(ChangeLog.entity_id) == str(entity_id))
            return list(uow.session.execute(query).scalars())

    def verify_trail(self) -> ChainBreak | None:
        """The first change-log entry whose hash chain breaks, or None."""
        with self.core.reading() as uow:
            rows = uow.session.execute(
                select(ChangeLog).order_by(col(ChangeLog.id))).scalars()
            return first_break(rows)

    def verify_audit(self, audit_id: int) -> dict[str, Any]:
        """Recompute the change log's hash chain and the audit's evidence files' SHA-256;
        report the first entry and every file that does not match."""
        with self.core.reading() as uow:
            uow.audit(audit_id)
        problems: list[str] = []
        broken = self.verify_trail()
        if broken is not None:
            problems.append(f"change log entry {broken.entry_id}: {broken.reason}; "
                            "the log was altered at or after this entry")
        files = 0
        for item in self.evidence.evidence(audit_id):
            path = self.evidence.evidence_path(item)
            if path is None:
                continue
            files += 1
            label = item.original_name or item.sha256
            short = (item.sha256 or "")[:12]
            if not path.is_file():
                problems.append(f"evidence file {label} ({short}) is missing from "
                                f"{self.core.evidence_dir}")
            elif file_sha256(path) != item.sha256:
                problems.append(f"evidence file {label} ({short}) does not match "
                                "its SHA-256: it was changed after it was attached")
        with self.core.reading() as uow:
            entries = uow.session.execute(
                select(func.count()).select_from(ChangeLog)
                .where(col(ChangeLog.audit_id) == audit_id)
            ).scalar()
            if broken is None:  # a broken chain is the first problem; replaying it adds noise
                problems.extend(record_mismatches(uow.session, audit_id))
        return {"audit": audit_id, "entries": entries, "files": files, "problems": problems}
