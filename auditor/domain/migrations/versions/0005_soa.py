"""The Statement of Applicability: one entry per Annex A control an auditee has stated.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

S = sa.String()


def upgrade() -> None:
    op.create_table(
        "soa_entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("audit_id", sa.Integer(), sa.ForeignKey("audit.id"), nullable=False),
        sa.Column("ref", S, nullable=False),
        sa.Column("applicable", sa.Boolean(), nullable=True),
        sa.Column("justification", S, nullable=False),
        sa.Column("status", S, nullable=False),
        sa.Column("refs", S, nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("audit_id", "ref", name="uq_soa_entry_audit_ref"),
    )


def downgrade() -> None:
    op.drop_table("soa_entry")
