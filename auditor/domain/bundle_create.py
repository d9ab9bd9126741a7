"""The first import of an audit: it is created as the bundle holds it, its rows with
their UUIDs and its change log carried onto this database's chain (docs/teams.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import col, select

from .base import StoreCore
from .bundle_dedupe import held_log
from .bundle_entries import (
    ImportOutcome,
    carried,
    local_values,
    model_of,
    refuse,
    replay_check,
)
from .bundle_rows import BundleContent
from .checklist import Checklist
from .errors import shown
from .identity import keep_blocks
from .models import (
    Audit,
    DivergingOpinion,
    Evidence,
    Finding,
    ItemResult,
    ItemSample,
    PlanSession,
    SoaEntry,
)
from .unit import UnitOfWork, ident
from .vocab import AuditStatus, Entity

# -- the first import: the audit is created as the bundle holds it ----------------------


def create_from_bundle(core: StoreCore, uow: UnitOfWork,
                       content: BundleContent) -> ImportOutcome:
    try:
        checklist = Checklist.from_json(str(content.snapshot.get("tree_json", "")))
    except Exception:  # a tree that is not one: the bundle is refused, whatever the cause
        raise refuse(content, "its checklist snapshot is not a checklist") from None
    if checklist.content_hash() != content.snapshot.get("content_hash"):
        raise refuse(content, "its checklist snapshot does not match its hash")
    _no_clash(uow, content)
    content.log = held_log(content, [])
    previous = None
    if content.previous_uuid:
        previous = uow.session.execute(
            select(Audit.id).where(col(Audit.uuid) == content.previous_uuid)).scalar()
    audit = model_of(content, Audit, content.audit, snapshot_id=core.snapshot_id(uow, checklist),
                   previous_id=previous, seal=None)
    uow.session.add(audit)
    uow.session.flush()
    local = ident(audit)
    for rows, model in ((content.items, ItemResult), (content.findings, Finding),
                        (content.sessions, PlanSession), (content.samples, ItemSample),
                        (content.soa, SoaEntry), (content.opinions, DivergingOpinion)):
        uow.session.add_all(model_of(content, model, r, audit_id=local) for r in rows)
    uow.session.flush()
    findings = {f.uuid: f.id for f in uow.session.execute(
        select(Finding).where(col(Finding.audit_id) == local)).scalars()}
    evidence_ids: dict[str, str] = {}
    for r in content.evidence:
        row = model_of(content, Evidence, r, audit_id=local,
                     finding_id=findings.get(str(r.get("finding_uuid"))))
        uow.session.add(row)
        uow.session.flush()
        evidence_ids[str(r.get("id"))] = str(row.id)
    sender = content.audit.get("id")
    rows = []
    for e in content.log:
        entity_id = e["entity_id"]
        if e["entity"] == Entity.AUDIT:
            entity_id = str(local)
        elif e["entity"] == Entity.EVIDENCE:
            entity_id = evidence_ids.get(entity_id, f"?{entity_id}")
        rows.append(carried(e, local, entity_id, *local_values(uow, e, sender, local)))
    for e, digest in zip(content.log, uow.log.carry(rows), strict=True):
        _seal_if_closing(audit, e, digest)
    keep_blocks(uow, audit, content.blocks)
    replay_check(uow, content, local)
    return ImportOutcome(local, True, None, True, len(content.log))


def _no_clash(uow: UnitOfWork, content: BundleContent) -> None:
    codes = [str(f.get("code")) for f in content.findings]
    for start in range(0, len(codes), 500):
        taken = uow.session.execute(select(Finding.code).where(
            col(Finding.code).in_(codes[start:start + 500]))).scalars().first()
        if taken is not None:
            raise refuse(content, f"finding {shown(taken)} is already in this database, in "
                          "another audit (its human id was handed out twice)")


def _seal_if_closing(audit: Audit, e: Mapping[str, Any], digest: str) -> None:
    if e["entity"] == Entity.AUDIT and e["field"] == "status":
        if e["new"] == AuditStatus.CLOSED and audit.status == AuditStatus.CLOSED:
            audit.seal = digest
        elif e["new"] != AuditStatus.CLOSED:
            audit.seal = None

