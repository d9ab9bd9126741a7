"""The one store API that every caller uses: audits, item results, findings, evidence.

The store enforces the rules (vocabularies, statements, the closed-audit lock, status
transitions); callers only ask. Build one with `Store.open(url, evidence_dir, actor)`.

`Store` is a facade over small parts, each of which opens one unit of work per call
(domain/unit.py): `AuditRegister`, `ItemRecords`, `FindingRegister`, `EvidenceRegister`,
`Surveillance`, `ChangeTrail`, `AuditPlan` and `Applicability` (the SoA). Their shared
engine, clock and actor are the `StoreCore`; where a write takes the lock and where the
change log's chain head is read are each written once, in `StoreCore.writing` and
`ChangeLogWriter.chain_head`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from .audit_plan import AuditPlan
from .audits import AuditRegister, AuditSummary
from .backup import backup_sqlite, restore_sqlite
from .base import StoreCore, utcnow
from .change_trail import ChangeTrail
from .db import migrate, open_engine, sqlite_path
from .errors import AuditorError
from .evidence import EvidenceRegister
from .findings import FindingRegister
from .items import ItemRecords
from .opinions import DivergingOpinions
from .server import upgrade_server
from .server_backup import backup_server, restore_server
from .soa import Applicability
from .surveillance import Surveillance
from .vocab import Grade, Result

__all__ = ["AuditSummary", "Grade", "Result", "Store"]

# The parts, in the order their methods are looked up: each public method of a part is
# the store's method of the same name (no two parts share a name; tests hold that).
PARTS = (AuditRegister, ItemRecords, FindingRegister, EvidenceRegister, Surveillance,
         ChangeTrail, AuditPlan, Applicability, DivergingOpinions)


class Store(StoreCore):
    @classmethod
    def open(cls, url: str, evidence_dir: Path, actor: str,
             clock: Callable[[], datetime] | None = None, *,
             busy_timeout_ms: int | None = None) -> Store:
        """`busy_timeout_ms`: how long a write waits for another program's lock (the
        TUI's is short: it keeps what was typed and tries again rather than freeze)."""
        engine = (open_engine(url) if busy_timeout_ms is None
                  else open_engine(url, busy_timeout_ms=busy_timeout_ms))
        return cls(engine, evidence_dir, actor, clock or utcnow)

    def __init__(self, engine: Engine, evidence_dir: Path, actor: str,
                 clock: Callable[[], datetime] = utcnow) -> None:
        super().__init__(engine, evidence_dir, actor, clock)
        audits = AuditRegister(self)
        items = ItemRecords(self)
        findings = FindingRegister(self)
        evidence = EvidenceRegister(self)
        surveillance = Surveillance(self)
        trail = ChangeTrail(self, evidence)
        plan = AuditPlan(self)
        soa = Applicability(self)
        opinions = DivergingOpinions(self)
        # Bound here, one line each, so that a reader (and mypy) sees every method the
        # facade offers and where it lives.
        self.audit = audits.audit
        self.audits = audits.audits
        self.audit_summaries = audits.audit_summaries
        self.checklist = audits.checklist
        self.snapshot = audits.snapshot
        self.create_audit = audits.create_audit
        self.update_audit = audits.update_audit
        self.close_audit = audits.close_audit
        self.reopen_audit = audits.reopen_audit
        self._delete_audit = audits.delete_audit
        self.results = items.results
        self.effective_results = items.effective_results
        self.record_result = items.record_result
        self.set_item_text = items.set_item_text
        self.item_history = items.item_history
        self.undo_result = items.undo_result
        self.samples = items.samples
        self.sessions = plan.sessions
        self.session_warnings = plan.session_warnings
        self.add_session = plan.add_session
        self.remove_session = plan.remove_session
        self.update_session = plan.update_session
        self.move_session = plan.move_session
        self.soa = soa.soa
        self.soa_entries = soa.soa_entries
        self.set_soa_entry = soa.set_soa_entry
        self.opinions = opinions.opinions
        self.add_opinion = opinions.add_opinion
        self.resolve_opinion = opinions.resolve_opinion
        self.finding = findings.finding
        self.findings = findings.findings
        self.previous_open_findings = findings.previous_open_findings
        self.repeat_candidate = findings.repeat_candidate
        self.raise_finding = findings.raise_finding
        self.update_finding = findings.update_finding
        self.set_finding_status = findings.set_finding_status
        self.apply_auditee_changes = findings.apply_auditee_changes
        self.check_auditee_changes = findings.check_auditee_changes
        self.evidence = evidence.evidence
        self.evidence_path = evidence.evidence_path
        self.stage_file = evidence.stage_file
        self.add_evidence = evidence.add_evidence
        self.staged = evidence.staged
        self.sweep_orphans = evidence.sweep_orphans
        self.previous_results = surveillance.previous_results
        self.verify_previous_finding = surveillance.verify_previous_finding
        self.history = trail.history
        self.verify_trail = trail.verify_trail
        self.verify_audit = trail.verify_audit

    def delete_audit(self, audit_id: int, *, closed_confirmed: bool = False) -> None:
        """Delete an audit (AuditRegister.delete_audit), then the evidence files that only
        it named: a deleted audit's screenshots no longer stay in the evidence folder."""
        files = {e.sha256 for e in self.evidence(audit_id) if e.sha256}
        self._delete_audit(audit_id, closed_confirmed=closed_confirmed)
        self.sweep_orphans(files)

    @property
    def database_path(self) -> Path | None:
        return sqlite_path(str(self.engine.url))

    def backup(self, target: Path) -> Path:
        path = self.database_path
        if self._server:
            return backup_server(self._url(), Path(target))
        if path is None:
            raise AuditorError("backup works on SQLite database files only")
        return backup_sqlite(path, Path(target))

    def _url(self) -> str:
        return self.engine.url.render_as_string(hide_password=False)

    def restore(self, backup: Path) -> None:
        path = self.database_path
        if self._server:
            self.engine.dispose()  # no connection of ours holds a table pg_restore drops
            restore_server(self._url(), Path(backup))
            self.forget_checklists()
            upgrade_server(self._url())  # an older backup brought to this schema
            return
        if path is None:
            raise AuditorError("restore works on SQLite database files only")
        self.engine.dispose()
        restore_sqlite(Path(backup), path)
        self.forget_checklists()
        # A backup made by an older auditor is brought to the current schema at once, so
        # the store goes on working on the restored data.
        migrate(self.engine, path)
