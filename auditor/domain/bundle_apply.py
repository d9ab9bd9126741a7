"""Taking a bundle in: the first import of an audit creates it; a bundle of an audit the
database has is merged into it (domain/merge.py), all in one transaction of the unit of
work, or nothing is (docs/teams.md).

Their change-log entries are appended to this database's one chain with their own time
and actor, the hash they had where they were first written kept as `origin`; the records
they name by local id (the audit, evidence) and by number (sessions, samples) are named
by this database's ids. Before the transaction commits, the audit's records are replayed
against its log (`trail_replay.record_mismatches`): a bundle whose rows are not what its
log says is refused whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import SQLModel, col, select

from .base import StoreCore
from .bundle_bulk import BY_NAME, write_values
from .bundle_create import create_from_bundle
from .bundle_dedupe import held_log
from .bundle_entries import (
    ImportOutcome,
    carried,
    local_log,
    local_values,
    model_of,
    refuse,
    replay_check,
)
from .bundle_rows import BundleContent
from .errors import AuditLocked, shown
from .identity import blocks_of, renew_blocks
from .merge import (
    BY_ADDITION,
    EXISTS,
    FieldKey,
    MergePlan,
    Side,
    normalize,
    plan_merge,
    text,
)
from .models import (
    Audit,
    DivergingOpinion,
    Evidence,
    Finding,
    ItemSample,
    PlanSession,
)
from .unit import UnitOfWork, ident
from .vocab import AuditStatus, Entity, LogEvent

# What a closed audit still takes from a bundle: the follow-up (section 1, step 5).
FOLLOW_UP = {"root_cause", "correction", "corrective_action", "owner", "due_date",
             "auditee_comment", "status", "verified_by", "verified_on", "verification_note"}
NUMBERED: dict[str, type[SQLModel]] = {Entity.SESSION.value: PlanSession,
                                      Entity.SAMPLE.value: ItemSample,
                                      Entity.OPINION.value: DivergingOpinion}


def find_audit(uow: UnitOfWork, content: BundleContent) -> Audit | None:
    return uow.session.execute(
        select(Audit).where(col(Audit.uuid) == content.audit_uuid)).scalar()


def plan_for(uow: UnitOfWork, audit: Audit, content: BundleContent) -> MergePlan:
    """The merge of the bundle into the audit here, after checking it is the same audit."""
    mine = local_log(uow, ident(audit))
    snap = uow.checklist(audit).content_hash()
    content.log = held_log(content, mine)
    if not mine or not content.log or mine[0]["gid"] != content.log[0]["gid"] or \
            content.snapshot.get("content_hash") != snap:
        raise refuse(content, f"it names audit {audit.id} here by its identity but is "
                      "another audit (created elsewhere, or on another checklist)")
    return plan_merge(normalize(mine), normalize(content.log))


def apply_bundle(core: StoreCore, uow: UnitOfWork, content: BundleContent,
                 choices: Mapping[FieldKey, Side] | None = None) -> ImportOutcome:
    """Create or merge, in the caller's write transaction. With conflicts not all chosen,
    nothing is written and the outcome holds the plan (applied False)."""
    audit = find_audit(uow, content)
    if audit is None:
        return create_from_bundle(core, uow, content)
    plan = plan_for(uow, audit, content)
    try:
        values = plan.values(choices or {})
    except KeyError:
        return ImportOutcome(ident(audit), False, plan)
    writer = _Merger(uow, audit, content, plan, values)
    writer.run()
    replay_check(uow, content, ident(audit))
    return ImportOutcome(ident(audit), False, plan, True, len(plan.new_gids))


# -- merging into the audit here ---------------------------------------------------------


class _Merger:
    """The writes of one merge, in order: new records, their entries, the values taken,
    removals, and the entries that say which value stands where theirs did not."""

    def __init__(self, uow: UnitOfWork, audit: Audit, content: BundleContent,
                 plan: MergePlan, values: dict[FieldKey, str]) -> None:
        self.uow, self.audit, self.content, self.plan = uow, audit, content, plan
        self.values = values
        self.local = ident(audit)
        self.new = set(plan.new_records)
        # (entity, record) -> this database's id or number; their local id -> record
        self.here: dict[tuple[str, str], str] = {}
        self.theirs: dict[tuple[str, str], str] = {}
        for mapping, log in ((self.here, local_log(uow, self.local)),
                             (self.theirs, content.log)):
            for e in log:
                if e["entity"] in BY_ADDITION and e["field"] == LogEvent.ADDED:
                    if mapping is self.here:
                        mapping[(e["entity"], e["gid"])] = e["entity_id"]
                    else:
                        mapping[(e["entity"], e["entity_id"])] = e["gid"]
        self._rows: dict[tuple[str, str], dict[str, Any]] | None = None
        self._typed_rows: dict[tuple[str, str], Any] = {}

    def run(self) -> None:
        self._closed_check()
        self._insert_new()
        self._carry_entries()
        self._set_values()
        self._restate_mine()
        self.audit.updated_at = self.uow.now()
        self.uow.session.add(self.audit)

    def _closed_check(self) -> None:
        if self.audit.status != AuditStatus.CLOSED:
            return
        for entity, record, name in self.values:
            if entity != Entity.FINDING or name not in FOLLOW_UP or \
                    (entity, record) in self.new:
                raise AuditLocked(
                    f"audit {self.audit.id} is closed here: the bundle changes its {name} "
                    f"({entity} {shown(record)[:30]}), an auditor field; reopen the audit "
                    "with a reason to take it in; nothing was imported")

    def _bundle_row(self, entity: str, record: str) -> dict[str, Any] | None:
        if self._rows is None:  # indexed once: a merge asks for thousands of rows
            c = self.content
            rows: dict[tuple[str, str], dict[str, Any]] = {}
            for entity_, list_, key in ((Entity.ITEM, c.items, "ref"), (Entity.SOA, c.soa, "ref"),
                                        (Entity.FINDING, c.findings, "code")):
                rows.update({(entity_.value, str(r.get(key))): r for r in list_})
            for entity_, list_, key in ((Entity.EVIDENCE, c.evidence, "id"),
                                        (Entity.SESSION, c.sessions, "number"),
                                        (Entity.SAMPLE, c.samples, "number"),
                                        (Entity.OPINION, c.opinions, "number")):
                for r in list_:
                    gid = self.theirs.get((entity_.value, str(r.get(key))))
                    if gid is not None:
                        rows[(entity_.value, gid)] = r
            self._rows = rows
        if entity == Entity.AUDIT:
            return self.content.audit
        return self._rows.get((entity, record))

    def _typed(self, model: type[SQLModel], entity: str, record: str) -> Any:
        key = (entity, record)
        if key not in self._typed_rows:
            data = self._bundle_row(entity, record)
            self._typed_rows[key] = (None if data is None
                                     else model_of(self.content, model, data))
        return self._typed_rows[key]

    def _insert_new(self) -> None:
        uow = self.uow
        blocks = {(b.prefix, b.year, b.first) for b in blocks_of(uow, self.audit)}
        codes = [r for e, r in self.new if e == Entity.FINDING]
        clashes: set[str] = set()
        for start in range(0, len(codes), 500):
            clashes.update(uow.session.execute(select(Finding.code).where(
                col(Finding.code).in_(codes[start:start + 500]))).scalars())
        # Findings first (evidence names them), each kind added whole and flushed once.
        order = {Entity.FINDING.value: 0, Entity.EVIDENCE.value: 1}
        new = sorted(self.new, key=lambda n: order.get(n[0], 2))
        finding_ids: dict[str, int] | None = None
        evidence: list[tuple[str, Evidence]] = []
        for entity, record in new:
            data = self._bundle_row(entity, record)
            if data is None:
                continue  # added and removed there: the entries alone say so
            if entity == Entity.FINDING:
                if record in clashes:
                    raise refuse(self.content, f"finding {shown(record)} is already in this "
                                  "database as another finding (its human id was handed "
                                  "out twice)")
                uow.session.add(model_of(self.content, Finding, data, audit_id=self.local))
            elif entity == Entity.EVIDENCE:
                if finding_ids is None:
                    uow.session.flush()
                    finding_ids = {str(u): int(i) for u, i in uow.session.execute(
                        select(Finding.uuid, Finding.id).where(
                            col(Finding.audit_id) == self.local))}
                row = model_of(self.content, Evidence, data, audit_id=self.local,
                               finding_id=finding_ids.get(str(data.get("finding_uuid"))))
                uow.session.add(row)
                evidence.append((record, row))
            else:
                model = NUMBERED[entity]
                number = uow.next_number(self.audit, Entity(entity), model)
                uow.session.add(model_of(self.content, model, data, audit_id=self.local,
                                       number=number))
                uow.session.flush()
                self.here[(entity, record)] = str(number)
        uow.session.flush()
        for record, row in evidence:
            self.here[(Entity.EVIDENCE.value, record)] = str(row.id)
        uow.session.flush()
        if self.content.blocks and blocks:
            renew_blocks(uow, self.audit, self.content.blocks)

    def _entity_id(self, entity: str, their_id: str) -> str:
        if entity == Entity.AUDIT:
            return str(self.local)
        if entity in BY_ADDITION:
            record = self.theirs.get((entity, their_id), f"?{their_id}")
            return self.here.get((entity, record), f"?{their_id}")
        return their_id

    def _carry_entries(self) -> None:
        wanted = set(self.plan.new_gids)
        sender = self.content.audit.get("id")
        taken = [e for e in self.content.log if e["gid"] in wanted]
        rows = [carried(e, self.local, self._entity_id(e["entity"], e["entity_id"]),
                        *local_values(self.uow, e, sender, self.local)) for e in taken]
        for e, digest in zip(taken, self.uow.log.carry(rows), strict=True):
            if (e["entity"], e["field"]) == (Entity.AUDIT, "status") and \
                    self.values.get((Entity.AUDIT, "", "status")) == e["new"]:
                self.audit.seal = digest if e["new"] == AuditStatus.CLOSED else None

    def _set_values(self) -> None:
        changes: dict[tuple[str, str], dict[str, Any]] = {}
        removed: list[tuple[str, str]] = []
        for (entity, record, name), value in self.values.items():
            if (entity, record) in self.new:
                continue
            if name == EXISTS:
                if value == "":
                    removed.append((entity, record))
                continue
            model: Any = Audit if entity == Entity.AUDIT else BY_NAME.get(entity, (None,))[0]
            if model is None or name not in model.model_fields:
                continue
            data = self._bundle_row(entity, record)
            if data is None:
                continue
            if model.model_fields[name].annotation is str and isinstance(data.get(name), str):
                changes.setdefault((entity, record), {})[name] = data[name]  # text as it is
                continue
            typed = self._typed(model, entity, record)
            changes.setdefault((entity, record), {})[name] = getattr(typed, name)
            if name == "status" and entity == Entity.AUDIT:
                changes[(entity, record)]["closed_at"] = typed.closed_at
        header = changes.pop((Entity.AUDIT.value, ""), {})
        write_values(self.uow, self.local, changes, removed, self.here)
        for name, value in header.items():
            setattr(self.audit, name, value)
        self.uow.session.add(self.audit)

    def _restate_mine(self) -> None:
        """Where their entries came last but this database's value stands (a conflict
        resolved as mine, or a change of theirs undone there), one entry of this
        database's actor says the value again, so the log replays into the records."""
        for (entity, record, name), (theirs, mine) in \
                self.plan.restatements(self.values).items():
            if name == EXISTS or (entity, record) in self.new:
                continue
            local_id = (str(self.local) if entity == Entity.AUDIT
                        else self.here.get((entity, record), record))
            self.uow.record(self.local, entity, local_id, name, theirs or None, mine)


__all__ = ["ImportOutcome", "apply_bundle", "find_audit", "plan_for", "text"]
