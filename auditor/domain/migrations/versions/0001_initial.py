"""The first schema: snapshots, audits, item results, findings, evidence, change log.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

S = sa.String()


def upgrade() -> None:
    op.create_table(
        "checklist_snapshot",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("checklist_id", S, nullable=False),
        sa.Column("version", S, nullable=False),
        sa.Column("title", S, nullable=False),
        sa.Column("standard", S, nullable=False),
        sa.Column("content_hash", S, nullable=False),
        sa.Column("tree_json", sa.Text(), nullable=False),
        sa.Column("assessable_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("content_hash", name="uq_snapshot_hash"),
    )
    op.create_index("ix_checklist_snapshot_checklist_id", "checklist_snapshot", ["checklist_id"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", S, nullable=False),
        sa.Column("type", S, nullable=False),
        sa.Column("auditee", S, nullable=False),
        sa.Column("scope", S, nullable=False),
        sa.Column("lead_auditor", S, nullable=False),
        sa.Column("team", S, nullable=False),
        sa.Column("planned_start", sa.Date(), nullable=True),
        sa.Column("planned_end", sa.Date(), nullable=True),
        sa.Column("actual_start", sa.Date(), nullable=True),
        sa.Column("actual_end", sa.Date(), nullable=True),
        sa.Column("status", S, nullable=False),
        sa.Column("previous_id", sa.Integer(), sa.ForeignKey("audit.id"), nullable=True),
        sa.Column("conclusion", S, nullable=False),
        sa.Column("snapshot_id", sa.Integer(), sa.ForeignKey("checklist_snapshot.id"),
                  nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_audit_auditee", "audit", ["auditee"])
    op.create_index("ix_audit_updated_at", "audit", ["updated_at"])
    op.create_table(
        "item_result",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("audit_id", sa.Integer(), sa.ForeignKey("audit.id"), nullable=False),
        sa.Column("ref", S, nullable=False),
        sa.Column("result", S, nullable=False),
        sa.Column("notes", S, nullable=False),
        sa.Column("interviewees", S, nullable=False),
        sa.Column("documents", S, nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("audit_id", "ref", name="uq_item_result_audit_ref"),
    )
    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", S, nullable=False, unique=True),
        sa.Column("audit_id", sa.Integer(), sa.ForeignKey("audit.id"), nullable=False),
        sa.Column("ref", S, nullable=False),
        sa.Column("grade", S, nullable=False),
        sa.Column("statement", S, nullable=False),
        sa.Column("requirement", S, nullable=False),
        sa.Column("objective_evidence", S, nullable=False),
        sa.Column("process_area", S, nullable=False),
        sa.Column("root_cause", S, nullable=False),
        sa.Column("correction", S, nullable=False),
        sa.Column("corrective_action", S, nullable=False),
        sa.Column("owner", S, nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("auditee_comment", S, nullable=False),
        sa.Column("status", S, nullable=False),
        sa.Column("verified_by", S, nullable=False),
        sa.Column("verified_on", sa.Date(), nullable=True),
        sa.Column("verification_note", S, nullable=False),
        sa.Column("repeat_of", S, nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("responded_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("rejected_at", sa.DateTime(), nullable=True),
        sa.Column("implemented_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("not_effective_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_finding_audit_ref", "finding", ["audit_id", "ref"])
    op.create_table(
        "finding_counter",
        sa.Column("prefix", S, primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("last", sa.Integer(), nullable=False),
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("audit_id", sa.Integer(), sa.ForeignKey("audit.id"), nullable=False),
        sa.Column("ref", S, nullable=True),
        sa.Column("finding_id", sa.Integer(), sa.ForeignKey("finding.id"), nullable=True),
        sa.Column("kind", S, nullable=False),
        sa.Column("description", S, nullable=False),
        sa.Column("reference", S, nullable=False),
        sa.Column("original_name", S, nullable=False),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("sha256", S, nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_evidence_audit_id", "evidence", ["audit_id"])
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", S, nullable=False),
        sa.Column("actor", S, nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=True),
        sa.Column("entity", S, nullable=False),
        sa.Column("entity_id", S, nullable=False),
        sa.Column("field", S, nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
    )
    op.create_index("ix_change_log_audit_id", "change_log", ["audit_id"])


def downgrade() -> None:
    for table in ("change_log", "evidence", "finding_counter", "finding", "item_result",
                  "audit", "checklist_snapshot"):
        op.drop_table(table)
