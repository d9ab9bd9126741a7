"""Moving a database to the team's server, or back: `auditor db copy --to URL|--from URL`.

A copy into an empty database takes every row as it is, ids included, in one transaction
under the target's write lock: each change-log entry keeps its hash and MAC, so the chain
and every seal handed out verify on the target exactly as on the source; the checklist
snapshots go along as rows, the evidence files by their SHA-256 into the target's folder.
A target that holds audits is refused, unless asked to merge the audits it does not have
yet (by UUID): each of those goes over as a bundle would (bundles.import_bundle), its
entries re-chained on the target and keeping their first hash as their origin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Integer, delete, func, insert, select
from sqlmodel import SQLModel, col

from .errors import DatabaseProblem
from .models import Audit, ChangeLog, Evidence

if TYPE_CHECKING:
    from .store import Store

# Rows a new database already holds (migration 0003's anchor): replaced by the source's.
REPLACED_ON_COPY = {"log_anchor"}


@dataclass
class CopyReport:
    audits: int = 0
    entries: int = 0
    files: int = 0
    skipped: list[str] = field(default_factory=list)  # audits the target had (merge)
    problems: list[str] = field(default_factory=list)  # verify on the target


def _count(store: Store, model: type[SQLModel]) -> int:
    with store.reading() as uow:
        return int(uow.session.execute(select(func.count()).select_from(model)).scalar_one())


def copy_database(source: Store, target: Store, *, merge_new: bool = False) -> CopyReport:
    held = _count(target, Audit) + _count(target, ChangeLog)
    if held and not merge_new:
        raise DatabaseProblem(
            f"the target already holds {_count(target, Audit)} audit(s) and "
            f"{_count(target, ChangeLog)} change-log entries; nothing was copied; give "
            "--merge-new to copy only the audits it does not have yet")
    report = _merge_new(source, target) if held else _copy_whole(source, target)
    for audit in target.audits():
        assert audit.id is not None
        problems = target.verify_audit(audit.id)["problems"]
        report.problems += [f"audit {audit.id}: {p}" for p in problems]
    return report


def _evidence_files(source: Store) -> list[Path]:
    with source.reading() as uow:
        shas = sorted(set(uow.session.execute(
            select(col(Evidence.sha256)).where(col(Evidence.sha256).is_not(None))).scalars()))
    missing = [sha for sha in shas if not (source.evidence_dir / sha).is_file()]
    if missing:
        raise DatabaseProblem(
            f"evidence file {missing[0][:12]} (and {len(missing) - 1} more) is missing from "
            f"{source.evidence_dir}; nothing was copied; name the evidence folder with "
            "AUDITOR_EVIDENCE (or --evidence for the other database)")
    return [source.evidence_dir / sha for sha in shas]


def _copy_whole(source: Store, target: Store) -> CopyReport:
    tables = SQLModel.metadata.sorted_tables  # parents before the rows that name them
    rows = {}
    with source.reading() as uow:
        conn = uow.session.connection()
        for table in tables:
            rows[table.name] = [dict(r) for r in conn.execute(select(table)).mappings()]
    files = _evidence_files(source)
    with target.staged(files), target.writing() as uow:
        conn = uow.session.connection()
        for table in tables:
            if table.name in REPLACED_ON_COPY:
                conn.execute(delete(table))
            if rows[table.name]:
                conn.execute(insert(table), rows[table.name])
        if conn.dialect.name == "postgresql":
            for table in tables:
                key = table.c.get("id")
                if key is not None and isinstance(key.type, Integer) and rows[table.name]:
                    # the next id after the copied ones (explicit ids leave it behind)
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT max(id) FROM {table.name}))")
    return CopyReport(audits=len(rows["audit"]), entries=len(rows["change_log"]),
                      files=len(files))


def _merge_new(source: Store, target: Store) -> CopyReport:
    from .bundle_rows import gather
    from .bundles import import_bundle

    with target.reading() as uow:
        have = set(uow.session.execute(select(col(Audit.uuid))).scalars())
    report = CopyReport()
    for audit in source.audits():
        assert audit.id is not None
        if audit.uuid in have:
            report.skipped.append(f"{audit.id} {audit.title}")
            continue
        with source.reading() as uow:
            content = gather(uow, uow.audit(audit.id))
        files = {e["sha256"]: source.evidence_dir / e["sha256"]
                 for e in content.evidence if e.get("sha256")}
        import_bundle(target, content, files)
        report.audits += 1
        report.entries += len(content.log)
        report.files += len(files)
    return report
