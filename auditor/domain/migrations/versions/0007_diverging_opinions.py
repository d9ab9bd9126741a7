"""Diverging opinions (ISO 19011 6.4.10): per audit, numbered, each side's position and
the resolution once settled.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

S = sa.String()


def upgrade() -> None:
    op.create_table(
        "diverging_opinion",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("audit_id", sa.Integer(), sa.ForeignKey("audit.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("uuid", S, nullable=False),
        sa.Column("topic", S, nullable=False),
        sa.Column("auditee_position", S, nullable=False),
        sa.Column("team_position", S, nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("resolution", S, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("audit_id", "number", name="uq_diverging_opinion_number"),
    )
    op.create_index("ix_diverging_opinion_audit_id", "diverging_opinion", ["audit_id"])
    op.create_index("ix_diverging_opinion_uuid", "diverging_opinion", ["uuid"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_diverging_opinion_uuid", table_name="diverging_opinion")
    op.drop_index("ix_diverging_opinion_audit_id", table_name="diverging_opinion")
    op.drop_table("diverging_opinion")
