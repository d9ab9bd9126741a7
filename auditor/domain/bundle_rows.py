"""An audit's rows and change log as plain data, the content of a bundle (docs/teams.md).

The bundle file itself (the zip, its manifest and its bounds) is `exchange.bundle_file`;
here is what goes in and how a row comes back as a model. Values are JSON: dates and
times as ISO text. Each row keeps the sender's local id beside its UUID, so the sender's
change-log entries, which name audits and evidence by local id, can be translated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlmodel import SQLModel, col, select

from .errors import AuditorError
from .identity import Block
from .models import (
    Audit,
    ChangeLog,
    ChecklistSnapshot,
    DivergingOpinion,
    Evidence,
    Finding,
    ItemResult,
    ItemSample,
    PlanSession,
    SoaEntry,
)
from .text import escape_controls
from .unit import UnitOfWork
from .vocab import Entity

# Every kind of record the change log replays (trail_replay) and a bundle carries: an
# audit whose log names any other kind is refused at export, not by the other side.
TRAVELLING = frozenset({Entity.AUDIT.value, Entity.ITEM.value, Entity.FINDING.value,
                        Entity.EVIDENCE.value, Entity.SESSION.value, Entity.SAMPLE.value,
                        Entity.SOA.value, Entity.OPINION.value})
FORMAT = "auditor-bundle"
VERSION = 1
M = TypeVar("M", bound=SQLModel)
LOG_KEYS = ("at", "actor", "audit_id", "entity", "entity_id", "field", "old", "new",
            "prev_hash", "hash", "gid")


@dataclass
class BundleContent:
    """What a bundle holds, read or about to be written."""

    audit: dict[str, Any]
    items: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    samples: list[dict[str, Any]] = field(default_factory=list)
    soa: list[dict[str, Any]] = field(default_factory=list)
    opinions: list[dict[str, Any]] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)
    snapshot: dict[str, Any] = field(default_factory=dict)
    previous_uuid: str | None = None
    refs: list[str] | None = None
    blocks: list[Block] = field(default_factory=list)
    exported_by: str = ""
    exported_at: str = ""

    @property
    def audit_uuid(self) -> str:
        return str(self.audit.get("uuid", ""))

    def files(self) -> set[str]:
        """The SHA-256 of every evidence file the rows name."""
        return {str(e["sha256"]) for e in self.evidence if e.get("sha256")}


def row_dict(row: SQLModel) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in type(row).model_fields:
        value = getattr(row, name)
        out[name] = value.isoformat() if isinstance(value, (date, datetime)) else value
    return out


def row_of(model: type[M], data: dict[str, Any], **override: Any) -> M:
    """A model from a bundle's row: known fields only, values checked and converted."""
    known = {k: v for k, v in data.items() if k in model.model_fields and k != "id"}
    known.update(override)
    return model.model_validate(known)


def log_dict(entry: ChangeLog) -> dict[str, Any]:
    out = {k: getattr(entry, k) for k in LOG_KEYS if k != "gid"}
    out["gid"] = entry.origin or entry.hash
    return out


def _rows(uow: UnitOfWork, model: type[M], audit_id: int) -> list[M]:
    return list(uow.session.execute(
        select(model).where(col(model.audit_id) == audit_id)  # type: ignore[attr-defined]
        .order_by(col(model.id))).scalars())  # type: ignore[attr-defined]


def gather(uow: UnitOfWork, audit: Audit, refs: Iterable[str] | None = None
           ) -> BundleContent:
    """The audit's rows and its log entries; with `refs`, only the items, findings,
    samples and evidence of those refs (and every header and plan entry)."""
    audit_id = int(audit.id or 0)
    wanted = set(refs) if refs is not None else None
    snap = uow.session.get(ChecklistSnapshot, audit.snapshot_id)
    assert snap is not None
    previous = uow.session.get(Audit, audit.previous_id) if audit.previous_id else None
    findings = _rows(uow, Finding, audit_id)
    evidence = _rows(uow, Evidence, audit_id)
    samples = _rows(uow, ItemSample, audit_id)
    by_finding = {f.id: f.ref for f in findings}

    def keep_ref(ref: str | None) -> bool:
        return wanted is None or ref in wanted

    def evidence_ref(e: Evidence) -> str | None:
        return e.ref if e.finding_id is None else by_finding.get(e.finding_id)

    kept_codes = {f.code for f in findings if keep_ref(f.ref)}
    kept_evidence = {str(e.id) for e in evidence if keep_ref(evidence_ref(e))}
    kept_samples = {str(s.number) for s in samples if keep_ref(s.ref)}
    log = []
    for entry in uow.session.execute(
            select(ChangeLog).where(col(ChangeLog.audit_id) == audit_id)
            .order_by(col(ChangeLog.id))).scalars():
        if entry.entity not in TRAVELLING:
            raise AuditorError(
                f"audit {audit_id} holds {escape_controls(entry.entity)[:30]} records, "
                "which a bundle does not carry yet (the copy would refuse it); no bundle "
                "was written")
        if wanted is not None and not _entry_kept(entry, wanted, kept_codes,
                                                  kept_evidence, kept_samples):
            continue
        log.append(log_dict(entry))
    return BundleContent(
        audit=row_dict(audit),
        items=[row_dict(r) for r in _rows(uow, ItemResult, audit_id) if keep_ref(r.ref)],
        findings=[row_dict(f) for f in findings if f.code in kept_codes],
        evidence=[dict(row_dict(e), finding_uuid=_uuid_of(findings, e.finding_id))
                  for e in evidence if str(e.id) in kept_evidence],
        sessions=[row_dict(s) for s in _rows(uow, PlanSession, audit_id)],
        samples=[row_dict(s) for s in samples if str(s.number) in kept_samples],
        soa=[row_dict(s) for s in _rows(uow, SoaEntry, audit_id)],
        opinions=[row_dict(o) for o in _rows(uow, DivergingOpinion, audit_id)],
        log=log,
        snapshot=row_dict(snap),
        previous_uuid=previous.uuid if previous is not None else None,
        refs=sorted(wanted) if wanted is not None else None,
        exported_by=uow.actor,
        exported_at=uow.now().isoformat(),
    )


def _uuid_of(findings: list[Finding], finding_id: int | None) -> str | None:
    return next((f.uuid for f in findings if f.id == finding_id), None)


def _entry_kept(entry: ChangeLog, refs: set[str], codes: set[str], evidence: set[str],
                samples: set[str]) -> bool:
    if entry.entity == Entity.ITEM:
        return entry.entity_id in refs
    if entry.entity == Entity.FINDING:
        return entry.entity_id in codes
    if entry.entity == Entity.EVIDENCE:
        return entry.entity_id in evidence
    if entry.entity == Entity.SAMPLE:
        return entry.entity_id in samples
    return True


class BundleRefused(AuditorError):
    """A bundle that cannot be taken in, whole: one line, nothing was imported."""
