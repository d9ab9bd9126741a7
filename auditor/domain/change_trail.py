"""The change log read back: an audit's history, and `audits verify`, which recomputes
the hash chain, checks each entry's MAC against the key kept outside the database, checks
a seal handed out at close, replays the log against the records and checks every
evidence file."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from .base import Part, StoreCore
from .errors import RuleViolation
from .evidence import EvidenceRegister, file_sha256
from .mac_key import KeyProblem, LogKey, key_path, read_key
from .models import ChangeLog, LogAnchor
from .trail import ChainBreak, check_macs, entry_list, first_break
from .trail_replay import record_mismatches
from .vocab import AuditStatus, Entity

SEAL = re.compile(r"[0-9a-f]{64}")


def check_seal_text(seal: str) -> str:
    """A seal as typed, in the form the log holds (lower-case hex), or RuleViolation."""
    text = seal.strip().lower()
    if not SEAL.fullmatch(text):
        raise RuleViolation(f"seal {seal[:70]!r}: a seal is 64 hex digits (0-9, a-f), as "
                            "`auditor audits close` printed it", field="seal")
    return text


def mac_problems(session: Session) -> tuple[list[str], int, int]:
    """One line per kind of MAC failure over the whole log; the entries from before MACs
    were kept; the entries whose MAC this key confirmed."""
    path = key_path()
    problems: list[str] = []
    key: LogKey | None = None
    try:
        key = read_key(path)
    except KeyProblem as exc:
        problems.append(f"{exc}: the change log's MACs were not checked")
        return problems, 0, 0
    rows = session.execute(select(ChangeLog).order_by(col(ChangeLog.id))).scalars()
    mark = session.execute(select(LogAnchor).order_by(col(LogAnchor.id))).scalars().first()
    found = check_macs(rows, key.secret if key else None, key.id if key else None,
                       (mark.macs_after, mark.mac) if mark else None)
    if found.anchor:
        problems.append(found.anchor)
    if found.unmacked:
        problems.append(
            f"change log entries {entry_list(found.unmacked)}: no MAC, though MACs were "
            "kept when they were written: written or rewritten without the key")
    if found.altered:
        problems.append(
            f"change log entries {entry_list(found.altered)}: their MAC does not match: "
            f"written or changed by someone without the key ({path})")
    others = dict(found.other_key)
    if found.anchor_key is not None:
        others.setdefault(found.anchor_key, [])
    for kid, ids in others.items():
        what = (f"{len(ids)} change log entries ({entry_list(ids)}) carry" if ids
                else "the mark of where MACs began carries")
        if key is None:
            problems.append(
                f"the change-log key is missing ({path}): {what} a MAC of key "
                f"{kid[:16]!r} that cannot be checked here; copy that key file from the "
                "machine that wrote them (or point AUDITOR_KEY_FILE at it)")
        else:
            problems.append(
                f"{what} a MAC of key {kid[:16]!r}, not of this key {key.id!r} "
                f"({path}): they cannot be checked here; point AUDITOR_KEY_FILE at the key "
                "that wrote them")
    return problems, found.before_macs, found.checked


def seal_check(session: Session, audit_id: int, seal: str,
               broken: ChainBreak | None) -> tuple[dict[str, Any] | None, str | None]:
    """Hold a seal against the log: one of the entries that closed the audit must have
    that hash, and the chain up to it must hold. (what it matched, the problem)"""
    closes = session.execute(
        select(ChangeLog.id, ChangeLog.at, ChangeLog.hash, ChangeLog.origin)
        .where(col(ChangeLog.audit_id) == audit_id, col(ChangeLog.entity) == Entity.AUDIT,
               col(ChangeLog.entity_id) == str(audit_id), col(ChangeLog.field) == "status",
               col(ChangeLog.new) == AuditStatus.CLOSED.value)
        .order_by(col(ChangeLog.id))).all()
    # A close taken in from another copy (a bundle) keeps the hash it had there: the seal
    # that copy handed out names it (docs/teams.md).
    matched = [(entry, at) for entry, at, digest, origin in closes if seal in (digest, origin)]
    if not matched:
        return None, (f"seal {seal[:16]}...: no close of audit {audit_id} in the change log "
                      "has this seal: the log was rewritten before the audit was closed "
                      "(or the seal is of another audit or database)")
    entry, at = matched[-1]
    if broken is not None and broken.entry_id <= entry:
        return None, (f"seal {seal[:16]}...: cannot be confirmed: the change log breaks at "
                      f"entry {broken.entry_id}, before the close it seals (entry {entry})")
    latest = closes[-1][0] == entry
    return {"entry": entry, "at": at, "latest": latest}, None


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

    def verify_audit(self, audit_id: int, seal: str | None = None) -> dict[str, Any]:
        """Recompute the change log's hash chain, check its MACs (and, given, the seal)
        and the audit's evidence files' SHA-256; report the first entry that breaks the
        chain, the entries whose MAC fails, and every file that does not match."""
        wanted = check_seal_text(seal) if seal is not None else None
        with self.core.reading() as uow:
            uow.audit(audit_id)
        problems: list[str] = []
        broken = self.verify_trail()
        if broken is not None:
            problems.append(f"change log entry {broken.entry_id}: {broken.reason}; "
                            "the log was altered at or after this entry")
        sealed: dict[str, Any] | None = None
        with self.core.reading() as uow:
            if wanted is not None:
                sealed, wrong = seal_check(uow.session, audit_id, wanted, broken)
                if wrong is not None:
                    problems.insert(0, wrong)
            macs, before_macs, macs_checked = mac_problems(uow.session)
            problems.extend(macs)
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
        return {"audit": audit_id, "entries": entries, "files": files,
                "before_macs": before_macs, "macs": macs_checked, "seal": sealed,
                "problems": problems}
