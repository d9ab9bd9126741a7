"""The audit plan and sampling: an audit's objectives and criteria; plan sessions; sampling
records on an item.

Existing audits get their checklist snapshot's standard as their criteria (what a new
audit starts with). Their change log's `planned` entry holds no criteria, so `audits
verify` holds the field against the log only once it is changed through auditor.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

S = sa.String()


def upgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.add_column(sa.Column("objectives", S, nullable=False, server_default=""))
        batch.add_column(sa.Column("criteria", S, nullable=False, server_default=""))
    op.execute(
        "UPDATE audit SET criteria = COALESCE((SELECT standard FROM checklist_snapshot "
        "WHERE checklist_snapshot.id = audit.snapshot_id), '')"
    )
    op.create_table(
        "plan_session",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("audit_id", sa.Integer(), sa.ForeignKey("audit.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("start", sa.DateTime(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("place", S, nullable=False),
        sa.Column("refs", S, nullable=False),
        sa.Column("auditor", S, nullable=False),
        sa.Column("auditee_people", S, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("audit_id", "number", name="uq_plan_session_number"),
    )
    op.create_index("ix_plan_session_audit_id", "plan_session", ["audit_id"])
    op.create_table(
        "item_sample",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("audit_id", sa.Integer(), sa.ForeignKey("audit.id"), nullable=False),
        sa.Column("ref", S, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("population", S, nullable=False),
        sa.Column("population_size", sa.Integer(), nullable=True),
        sa.Column("sample_size", sa.Integer(), nullable=False),
        sa.Column("ids", S, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("audit_id", "number", name="uq_item_sample_number"),
    )
    op.create_index("ix_item_sample_audit_ref", "item_sample", ["audit_id", "ref"])


def downgrade() -> None:
    op.drop_table("item_sample")
    op.drop_table("plan_session")
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("criteria")
        batch.drop_column("objectives")
