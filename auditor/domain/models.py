"""The tables. Every change to them goes through `auditor.domain.store.Store`.

The schema is owned by the Alembic migrations in `auditor/domain/migrations/versions`; a
test checks that these models and the migrated schema agree.
"""

from __future__ import annotations

import uuid as _uuid
from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def new_uuid() -> str:
    """A record's identity on every copy of its audit (bundles, docs/teams.md)."""
    return str(_uuid.uuid4())


class ChecklistSnapshot(SQLModel, table=True):
    """A checklist's full tree as it stood when an audit was created.

    Snapshots are shared by content hash: a thousand audits on the same checklist version
    store the tree once.
    """

    __tablename__ = "checklist_snapshot"
    __table_args__ = (UniqueConstraint("content_hash", name="uq_snapshot_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    checklist_id: str = Field(index=True)
    version: str
    title: str
    standard: str
    content_hash: str
    tree_json: str = Field(sa_column=Column(Text, nullable=False))
    assessable_count: int
    created_at: datetime


class Audit(SQLModel, table=True):
    __tablename__ = "audit"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, index=True, unique=True)
    title: str
    type: str
    auditee: str = Field(index=True)
    scope: str = ""
    site: str = ""
    lead_auditor: str = ""
    team: str = ""
    planned_start: date | None = None
    planned_end: date | None = None
    actual_start: date | None = None
    actual_end: date | None = None
    status: str = "planned"
    previous_id: int | None = Field(default=None, foreign_key="audit.id")
    conclusion: str = ""
    # The audit plan's objectives and criteria (ISO 19011 6.3.2), free text of several
    # lines; criteria start as the checklist's standard (migration 0004 for older audits).
    objectives: str = ""
    criteria: str = ""
    snapshot_id: int = Field(foreign_key="checklist_snapshot.id")
    created_at: datetime
    updated_at: datetime = Field(index=True)
    closed_at: datetime | None = None
    # While closed: the hash of the change-log entry that closed it (the seal handed out
    # in its documents); None while open. Bookkeeping, not logged: verify holds a seal
    # against the log itself.
    seal: str | None = None


class ItemResult(SQLModel, table=True):
    __tablename__ = "item_result"
    __table_args__ = (UniqueConstraint("audit_id", "ref", name="uq_item_result_audit_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="audit.id")
    ref: str
    result: str = "not_assessed"
    notes: str = ""
    interviewees: str = ""
    documents: str = ""
    updated_at: datetime


class Finding(SQLModel, table=True):
    __tablename__ = "finding"
    __table_args__ = (Index("ix_finding_audit_ref", "audit_id", "ref"),)

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, index=True, unique=True)
    code: str = Field(unique=True)
    audit_id: int = Field(foreign_key="audit.id")
    ref: str
    grade: str
    statement: str = ""
    requirement: str = ""
    objective_evidence: str = ""
    process_area: str = ""
    root_cause: str = ""
    correction: str = ""
    corrective_action: str = ""
    owner: str = ""
    due_date: date | None = None
    auditee_comment: str = ""
    status: str = "open"
    verified_by: str = ""
    verified_on: date | None = None
    verification_note: str = ""
    repeat_of: str | None = None
    created_at: datetime
    updated_at: datetime
    responded_at: datetime | None = None
    accepted_at: datetime | None = None
    rejected_at: datetime | None = None
    implemented_at: datetime | None = None
    closed_at: datetime | None = None
    not_effective_at: datetime | None = None
    cancelled_at: datetime | None = None


class FindingCounter(SQLModel, table=True):
    """The last number handed out per id prefix and year, so ids are never reused."""

    __tablename__ = "finding_counter"

    prefix: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    last: int = 0


class Evidence(SQLModel, table=True):
    __tablename__ = "evidence"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid, index=True, unique=True)
    audit_id: int = Field(foreign_key="audit.id", index=True)
    ref: str | None = None
    finding_id: int | None = Field(default=None, foreign_key="finding.id")
    kind: str = "file"
    description: str = ""
    reference: str = ""
    original_name: str = ""
    size: int | None = None
    sha256: str | None = None
    created_at: datetime


class PlanSession(SQLModel, table=True):
    """One session of the audit plan: when, how long, where, which refs, who leads it and
    whom of the auditee's people it meets. `number` counts within the audit and is never
    handed out twice, also after a removal (the change log names a session by it)."""

    __tablename__ = "plan_session"
    __table_args__ = (UniqueConstraint("audit_id", "number", name="uq_plan_session_number"),)

    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="audit.id", index=True)
    number: int
    uuid: str = Field(default_factory=new_uuid, index=True, unique=True)
    start: datetime  # the wall time at the audit's place, to the minute, kept marked UTC
    minutes: int
    place: str = ""
    refs: str = ""  # the checklist refs covered, comma separated, in the order given
    auditor: str = ""
    auditee_people: str = ""
    created_at: datetime


class ItemSample(SQLModel, table=True):
    """A sampling record on an item (ISO 19011 A.6): what population, how large, how many
    sampled and which. `number` counts within the audit and is never handed out twice."""

    __tablename__ = "item_sample"
    __table_args__ = (UniqueConstraint("audit_id", "number", name="uq_item_sample_number"),
                      Index("ix_item_sample_audit_ref", "audit_id", "ref"))

    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="audit.id")
    ref: str
    number: int
    uuid: str = Field(default_factory=new_uuid, index=True, unique=True)
    population: str
    population_size: int | None = None
    sample_size: int
    ids: str = ""
    created_at: datetime


class DivergingOpinion(SQLModel, table=True):
    """An opinion on which the auditee and the audit team differ (ISO 19011 6.4.10): its
    topic (a finding's id, a clause or control, or free text), each side's position, and
    once settled, how. `number` counts within the audit and is never handed out twice."""

    __tablename__ = "diverging_opinion"
    __table_args__ = (UniqueConstraint("audit_id", "number",
                                       name="uq_diverging_opinion_number"),)

    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="audit.id", index=True)
    number: int
    uuid: str = Field(default_factory=new_uuid, index=True, unique=True)
    topic: str
    auditee_position: str
    team_position: str
    resolved: bool = False
    resolution: str = ""
    created_at: datetime


class SoaEntry(SQLModel, table=True):
    """The auditee's Statement of Applicability line for one Annex A control of the
    audit's checklist: applicable or excluded and why, how far it is implemented, and
    the auditee's references (policy ids). None: not stated yet."""

    __tablename__ = "soa_entry"
    __table_args__ = (UniqueConstraint("audit_id", "ref", name="uq_soa_entry_audit_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="audit.id")
    ref: str
    applicable: bool | None = None
    justification: str = ""
    status: str = ""  # an ImplementationStatus value, or "" while not stated
    refs: str = ""
    updated_at: datetime


class ChangeLog(SQLModel, table=True):
    """Append-only trail; each entry's hash covers the entry and the hash before it, and
    its MAC (`KEYID:HMAC`, None on entries from before MACs were kept) covers the entry
    and its hash under a key kept outside the database (`mac_key`)."""

    __tablename__ = "change_log"

    id: int | None = Field(default=None, primary_key=True)
    at: str
    actor: str
    audit_id: int | None = Field(default=None, index=True)
    entity: str
    entity_id: str
    field: str
    old: str | None = Field(default=None, sa_column=Column(Text))
    new: str | None = Field(default=None, sa_column=Column(Text))
    prev_hash: str = ""
    hash: str = ""
    mac: str | None = None
    # The database role that inserted the entry, set by the server (migration 0008); empty
    # on SQLite. Not hashed: held by the server's privileges (no role may change a row).
    db_role: str | None = None
    # An entry taken in from a bundle: the hash it had in the chain it was first written
    # in, which names it on every copy (its own hash is of this chain). Not hashed.
    origin: str | None = None


class LogAnchor(SQLModel, table=True):
    """The mark of where the change log's MACs begin, MAC'd itself (one row, written by
    migration 0003): entries up to the one whose hash is `macs_after` may have no MAC
    (written before MACs were kept; "" when there were none), every later one must."""

    __tablename__ = "log_anchor"

    id: int | None = Field(default=None, primary_key=True)
    macs_after: str
    mac: str


class FindingBlock(SQLModel, table=True):
    """Finding numbers a lead handed this database for one audit (by its UUID), received
    in a bundle: findings raised here on that audit take their numbers from the block, so
    no two copies of the audit ever hand out the same human id (docs/teams.md)."""

    __tablename__ = "finding_block"
    __table_args__ = (UniqueConstraint("audit_uuid", "prefix", "year", name="uq_finding_block"),)

    id: int | None = Field(default=None, primary_key=True)
    audit_uuid: str
    prefix: str
    year: int
    first: int
    last: int
    used: int


class FindingBlockGrant(SQLModel, table=True):
    """Finding numbers this database (where the audit was made) handed to one copy of
    the audit, named by whom it went to (`bundle export --for NAME`). Its own counter
    moved past them; a re-export for the same copy sends the same block again."""

    __tablename__ = "finding_block_grant"
    __table_args__ = (UniqueConstraint("prefix", "year", "first",
                                       name="uq_finding_block_grant"),)

    id: int | None = Field(default=None, primary_key=True)
    audit_uuid: str = Field(index=True)
    recipient: str
    prefix: str
    year: int
    first: int
    last: int
    granted_by: str
    granted_at: datetime
