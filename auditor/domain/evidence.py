"""Evidence: references to documents and records, and files kept by content hash.

A file is stored as `<evidence folder>/<sha256>`: its name comes from its content, never
from anything a user typed; the original name is kept only as a label in the database.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import col, select

from .base import EVIDENCE_MAX_BYTES, Part
from .errors import AuditorError, RuleViolation, shown
from .files import not_a_file, replacing, way_out
from .models import Audit, Evidence, Finding
from .unit import UnitOfWork, ident
from .vocab import Entity, EvidenceKind, LogEvent

CHUNK = 1 << 20
_STORED_NAME = re.compile(r"[0-9a-f]{64}")  # how a stored file is named: its SHA-256
INCOMING = ".incoming-"
# A copy that has not grown for this long was cut short (the process was killed).
STALE_INCOMING_SECONDS = 3600


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    label: str


def safe_label(name: str) -> str:
    """The original file name as a label: no folders, no control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable())
    return cleaned[:255] or "file"


def ensure_private_dir(path: Path) -> Path:
    from auditor.domain.files import private_folder

    private_folder(path)
    os.chmod(path, 0o700)  # the evidence folder is ours even when it was there before
    return path


def _too_big(source: Path, limit: int) -> AuditorError:
    return AuditorError(
        f"{shown(source)}: larger than the {limit / 1_000_000:g} MB an evidence file may "
        "be; attach a smaller export of it, or raise AUDITOR_EVIDENCE_MAX_MB")


def copy_into_store(source: Path, evidence_dir: Path,
                    max_bytes: int = EVIDENCE_MAX_BYTES) -> StoredFile:
    """Copy a file into the evidence folder under its SHA-256; raise one clear line.
    A file over `max_bytes` is refused before it is read, and a file that grows past it
    while it is copied is refused and its part removed."""
    source = Path(source)
    problem = not_a_file(source)
    if problem is not None:
        raise AuditorError(f"{shown(source)}: {problem}; check the path of the evidence file")
    try:
        if source.stat().st_size > max_bytes:
            raise _too_big(source, max_bytes)
    except OSError:
        pass  # the copy below says what is wrong with it
    ensure_private_dir(evidence_dir)
    _sweep_cut_copies(evidence_dir)
    digest = hashlib.sha256()
    size = 0
    # Named by its content: the target is known once the copy is read through.
    with replacing(None, directory=evidence_dir, prefix=INCOMING) as part:
        try:
            with source.open("rb") as src, part.path.open("wb") as dst:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    if size > max_bytes:
                        raise _too_big(source, max_bytes)
                    dst.write(chunk)
        except OSError as exc:
            raise AuditorError(
                f"{shown(source)}: cannot copy the evidence file ({exc.strerror}); "
                f"{way_out(exc)}") from None
        sha = digest.hexdigest()
        target = evidence_dir / sha
        part.target = None if target.exists() else target
    return StoredFile(sha256=sha, size=size, label=safe_label(source.name))


def _sweep_cut_copies(evidence_dir: Path) -> None:
    """Remove partial copies left by a process killed while copying a file in."""
    import time

    limit = time.time() - STALE_INCOMING_SECONDS
    for leftover in evidence_dir.glob(f"{INCOMING}*"):
        try:
            if leftover.stat().st_mtime < limit:
                leftover.unlink()
        except OSError:  # another process took it away first
            pass


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def add_evidence(uow: UnitOfWork, audit: Audit, *, ref: str | None = None,
                 finding: Finding | None = None, kind: str = "file", description: str = "",
                 reference: str = "", stored: StoredFile | None = None) -> Evidence:
    """An evidence record in the caller's transaction; a file is already stored."""
    try:
        kind = EvidenceKind(kind).value
    except ValueError:
        allowed = ", ".join(k.value for k in EvidenceKind)
        raise RuleViolation(f"evidence kind {kind!r} is not one of: {allowed}",
                            field="kind") from None
    if ref is not None:
        uow.require_ref(audit, ref)
    if stored is None and kind == EvidenceKind.FILE:
        raise RuleViolation("file evidence needs a file", field="file")
    item = Evidence(
        audit_id=ident(audit),
        ref=ref,
        finding_id=finding.id if finding is not None else None,
        kind=kind,
        description=description or "",
        reference=reference or "",
        original_name=stored.label if stored else "",
        size=stored.size if stored else None,
        sha256=stored.sha256 if stored else None,
        created_at=uow.now(),
    )
    uow.session.add(item)
    uow.session.flush()
    uow.record(audit.id, Entity.EVIDENCE, item.id, LogEvent.ADDED, None,
               stored.sha256 if stored else f"{kind}: {description or reference}")
    return item


class EvidenceRegister(Part):
    """The store's part for evidence records and the files they name."""

    def evidence(self, audit_id: int) -> list[Evidence]:
        with self.core.reading() as uow:
            uow.audit(audit_id)
            return list(uow.session.execute(
                select(Evidence).where(col(Evidence.audit_id) == audit_id)
                .order_by(col(Evidence.id))
            ).scalars())

    def evidence_path(self, item: Evidence) -> Path | None:
        return self.core.evidence_dir / item.sha256 if item.sha256 else None

    def stage_file(self, path: Path) -> StoredFile:
        """Copy a file into the evidence folder before the record that names it."""
        return copy_into_store(Path(path), self.core.evidence_dir,
                               self.core.evidence_max_bytes)

    @contextmanager
    def staged(self, paths: Iterable[Path]) -> Iterator[list[StoredFile]]:
        """The files copied in for the records the body writes; when the body fails (a
        rule refuses, the database refuses) the copies no record names are taken away
        again, so a refused `record --evidence-file` leaves no file behind."""
        stored: list[StoredFile] = []
        try:
            for path in paths:
                stored.append(self.stage_file(path))
            yield stored
        except BaseException:
            try:
                self.sweep_orphans({s.sha256 for s in stored})
            except AuditorError:
                pass  # the database refuses even a read: the files wait for the next sweep
            raise

    def sweep_orphans(self, shas: Iterable[str] | None = None) -> list[str]:
        """Remove evidence files that no evidence record names: the ones given, or every
        file in the folder. Done under the write lock, so a record naming one of them
        cannot be written meanwhile; returns the hashes removed."""
        folder = self.core.evidence_dir
        if shas is None:
            shas = [p.name for p in folder.iterdir()] if folder.is_dir() else []
        wanted = {s for s in shas if _STORED_NAME.fullmatch(s)}
        if not wanted:
            return []
        with self.core.writing() as uow:
            named = set(uow.session.execute(
                select(Evidence.sha256).where(col(Evidence.sha256).in_(wanted))).scalars())
            removed = []
            for sha in sorted(wanted - named):
                path = folder / sha
                if path.is_file() and not path.is_symlink():
                    path.unlink()
                    removed.append(sha)
            return removed

    def add_evidence(self, audit_id: int, *, ref: str | None = None,
                     finding_code: str | None = None, kind: str = "file",
                     description: str = "", reference: str = "",
                     file: Path | None = None) -> Evidence:
        if file is not None:  # a closed audit refuses before anything is copied in
            with self.core.reading() as uow:
                uow.open_audit(audit_id)
        with self.staged([file] if file is not None else []) as files, \
                self.core.writing() as uow:
            stored = files[0] if files else None
            audit = uow.open_audit(audit_id)
            finding = uow.finding(finding_code) if finding_code else None
            if finding is not None and finding.audit_id != audit_id:
                raise RuleViolation(f"finding {finding_code} is not in audit {audit_id}",
                                    field="finding")
            item = add_evidence(uow, audit, ref=ref, finding=finding, kind=kind,
                                description=description, reference=reference,
                                stored=stored)
            uow.touch(audit)
            return item
